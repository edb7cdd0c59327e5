package dev.keymem.jobs.context;

import dev.keymem.operators.MemoryRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The context job's front end alone ({@link ContextFrontEnd#map}) on one thread: the events of a JSON-lines file,
 * parsed as the parse step parses them (the ASCII hint set as the runs set it), mapped by a fresh front end per
 * repetition (a file run's keyed thread starts with empty tables). Prints the thread CPU ms of each repetition,
 * their minimum, and an MD5 of every record (user, query flag, term ids, vector bits, payload), equal across
 * builds when the records are. A measuring program, not a test: run it with a file run's JIT and collector, e.g.
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/memctl.jar:jobs/target/test-classes
 * dev.keymem.jobs.context.ContextFrontEndCost FILE 6}.
 */
public final class ContextFrontEndCost {
    private ContextFrontEndCost() {
    }

    public static void main(String[] a) throws Exception {
        List<ContextEvent> evs = events(Path.of(a[0]));
        int reps = Integer.parseInt(a[1]);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long min = Long.MAX_VALUE;
        MemoryRecord[] out = new MemoryRecord[evs.size()];
        for (int r = 0; r < reps; r++) {
            ContextFrontEnd fe = new ContextFrontEnd(ContextOptions.Embedder.HASHING, 256);
            long c0 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < out.length; i++) {
                out[i] = fe.map(evs.get(i));
            }
            long c1 = tm.getCurrentThreadCpuTime();
            min = Math.min(min, c1 - c0);
            MessageDigest md = MessageDigest.getInstance("MD5");
            ByteBuffer bb = ByteBuffer.allocate(16);
            for (MemoryRecord m : out) {
                md.update(m.key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) (m.query ? 1 : 0));
                for (int t : m.tokenIds) {
                    md.update(bb.clear().putInt(t).array(), 0, 4);
                }
                for (float f : m.vector) {
                    md.update(bb.clear().putInt(Float.floatToRawIntBits(f)).array(), 0, 4);
                }
                md.update(m.payload);
            }
            System.out.printf("rep %d: %.0f ms (%d events) md5=%s%n", r, (c1 - c0) / 1e6, out.length,
                    HexFormat.of().formatHex(md.digest()));
        }
        System.out.printf("min %.0f ms%n", min / 1e6);
    }

    /**
     * The events of a JSON-lines file as the parse step makes them (lines it refuses left out), each with the ASCII
     * hint the runs set.
     */
    static List<ContextEvent> events(Path file) throws java.io.IOException {
        ContextEventParser parser = new ContextEventParser();
        List<ContextEvent> evs = new ArrayList<>();
        long offset = 0;
        for (String line : Files.readAllLines(file)) {
            try {
                ContextEvent e = parser.parse(null, line, offset);
                e.ascii = ascii(e.text) && ascii(e.type) && ascii(e.expect) && ascii(e.ts);
                evs.add(e);
            } catch (Exception ignored) {
                // the parse step's dead letters
            }
            offset++;
        }
        return evs;
    }

    private static boolean ascii(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
