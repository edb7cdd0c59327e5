package dev.keymem.jobs.context;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The parse step's two byte readings alone, each over all records of a JSON-lines file in its own loop on one
 * thread: the plainest reading ({@link ContextEventParser#spansAscii}) and the field reader
 * ({@link EventFieldReader#read}, for every record, also those the first reading takes). Prints each one's thread
 * CPU ms per repetition, the minima, and an MD5 of their answers (spans, fields read, flags; equal across builds
 * when they are). A measuring program, not a test: {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp
 * jobs/target/memctl.jar:jobs/target/test-classes dev.keymem.jobs.context.ContextParseCost FILE 8}.
 */
public final class ContextParseCost {
    private ContextParseCost() {
    }

    public static void main(String[] a) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(a[0]));
        byte[][] recs = new byte[lines.size()][];
        for (int i = 0; i < recs.length; i++) {
            recs[i] = lines.get(i).getBytes(StandardCharsets.UTF_8);
        }
        int reps = Integer.parseInt(a[1]);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long minSpans = Long.MAX_VALUE;
        long minReader = Long.MAX_VALUE;
        int n = recs.length;
        int[] at = new int[ContextEventParser.SPANS];
        int[] spans = new int[n];
        int[][] spanAt = new int[n][];
        boolean[] read = new boolean[n];
        byte[][] fields = new byte[n][];
        EventFieldReader reader = new EventFieldReader();
        for (int r = 0; r < reps; r++) {
            long c0 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                spans[i] = ContextEventParser.spansAscii(recs[i], at);
                spanAt[i] = at.clone();
            }
            long c1 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                read[i] = reader.read(recs[i]);
                fields[i] = read[i] ? fields(reader) : null;
            }
            long c2 = tm.getCurrentThreadCpuTime();
            minSpans = Math.min(minSpans, c1 - c0);
            minReader = Math.min(minReader, c2 - c1);
            MessageDigest md = MessageDigest.getInstance("MD5");
            for (int i = 0; i < n; i++) {
                md.update((byte) spans[i]);
                for (int x : spanAt[i]) {
                    md.update(new byte[] {(byte) x, (byte) (x >> 8), (byte) (x >> 16)});
                }
                md.update((byte) (read[i] ? 1 : 0));
                if (fields[i] != null) {
                    md.update(fields[i]);
                }
            }
            System.out.printf("rep %d: spans %.0f ms, reader %.0f ms (%d records) md5=%s%n", r, (c1 - c0) / 1e6,
                    (c2 - c1) / 1e6, n, HexFormat.of().formatHex(md.digest()));
        }
        System.out.printf("min spans %.0f reader %.0f ms%n", minSpans / 1e6, minReader / 1e6);
    }

    /** The reader's spans and the bytes of its fields. */
    private static byte[] fields(EventFieldReader r) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (int k = 0; k < r.at.length; k++) {
            o.write(r.at[k]);
        }
        for (int f = ContextEventParser.USER; f <= ContextEventParser.TS; f++) {
            if (r.at[2 * f] >= 0) {
                o.write(r.buf, r.at[2 * f], r.at[2 * f + 1] - r.at[2 * f]);
            }
        }
        o.write(r.fieldsAscii() ? 1 : 0);
        return o.toByteArray();
    }
}
