package dev.keymem.jobs.context;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The context front end's parts alone, each over all events of a JSON-lines file in its own loop on one thread:
 * the words ({@link ContextText#wordArray(String, boolean)}, no text table), the vector of those words
 * ({@link ContextText#vector(ContextText.Word[])}) and the payload ({@link ContextPayload#encode}). Events parsed and
 * flagged ASCII as {@link ContextFrontEndCost} does. Prints each part's thread CPU ms per repetition, the minima,
 * and an MD5 of the parts' results (equal across builds when they are). A measuring program, not a test: run it with
 * a file run's JIT and collector, e.g. {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp
 * jobs/target/memctl.jar:jobs/target/test-classes dev.keymem.jobs.context.ContextFrontEndPartsCost FILE 6}.
 */
public final class ContextFrontEndPartsCost {
    private ContextFrontEndPartsCost() {
    }

    public static void main(String[] a) throws Exception {
        List<ContextEvent> evs = ContextFrontEndCost.events(Path.of(a[0]));
        int reps = Integer.parseInt(a[1]);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long minWords = Long.MAX_VALUE;
        long minVector = Long.MAX_VALUE;
        long minPayload = Long.MAX_VALUE;
        int n = evs.size();
        ContextText.Word[][] words = new ContextText.Word[n][];
        float[][] vectors = new float[n][];
        byte[][] payloads = new byte[n][];
        for (int r = 0; r < reps; r++) {
            ContextText text = new ContextText(256);
            long c0 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                ContextEvent e = evs.get(i);
                words[i] = text.wordArray(e.text, e.ascii);
            }
            long c1 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                vectors[i] = text.vector(words[i]);
            }
            long c2 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                payloads[i] = ContextPayload.encode(evs.get(i));
            }
            long c3 = tm.getCurrentThreadCpuTime();
            minWords = Math.min(minWords, c1 - c0);
            minVector = Math.min(minVector, c2 - c1);
            minPayload = Math.min(minPayload, c3 - c2);
            MessageDigest md = MessageDigest.getInstance("MD5");
            for (int i = 0; i < n; i++) {
                for (ContextText.Word w : words[i]) {
                    md.update(w.stem.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    md.update((byte) ' ');
                }
                for (float f : vectors[i]) {
                    int bits = Float.floatToRawIntBits(f);
                    md.update(new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)});
                }
                md.update(payloads[i]);
            }
            System.out.printf("rep %d: words %.0f ms, vector %.0f ms, payload %.0f ms (%d events) md5=%s%n", r,
                    (c1 - c0) / 1e6, (c2 - c1) / 1e6, (c3 - c2) / 1e6, n, HexFormat.of().formatHex(md.digest()));
        }
        System.out.printf("min words %.0f vector %.0f payload %.0f ms%n", minWords / 1e6, minVector / 1e6,
                minPayload / 1e6);
    }
}
