package dev.keymem.jobs.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordRuns.Gather}'s table of open runs against the rules written plainly with a {@code LinkedHashMap}
 * (the form before the table): the same runs, with the same records and stamps, in the same order, over many keys
 * (the table grows), keys with equal hash codes (probing, and deletion shifting back), runs emitted at their limits
 * and when a record cannot join, and flushes at the buffer limits and at the end.
 */
class RecordRunsGatherTest {

    /** A record: key, partition (a run accepts its own only), text. */
    record Rec(String key, int partition, String text) {
    }

    /** A run of records. */
    static final class Lines implements RecordRuns.Run<Rec> {
        final int partition;
        final List<Rec> recs = new ArrayList<>();

        Lines(int partition) {
            this.partition = partition;
        }

        @Override
        public int size() {
            return recs.size();
        }

        @Override
        public Rec get(int i) {
            return recs.get(i);
        }

        @Override
        public boolean accepts(Rec r) {
            return r.partition() == partition;
        }

        @Override
        public void add(Rec r) {
            recs.add(r);
        }
    }

    static final class Shape implements RecordRuns.Shape<Rec, Lines> {
        @Override
        public String key(Rec r) {
            return r.key();
        }

        @Override
        public Lines open(Rec first) {
            return new Lines(first.partition());
        }

        @Override
        public long chars(Rec r) {
            return r.text().length();
        }
    }

    /** The rules with a LinkedHashMap: each run as "stamp: records". */
    static List<String> reference(List<Rec> in, int maxRecords, long maxChars, long maxBufferedChars,
                                  int maxBufferedRecords) {
        List<String> out = new ArrayList<>();
        Map<String, Object[]> open = new LinkedHashMap<>(); // run, stamp, chars
        long bufferedChars = 0;
        int bufferedRecords = 0;
        long stamp = 0;
        for (Rec r : in) {
            long s = stamp++;
            Object[] o = open.get(r.key());
            if (o != null && !((Lines) o[0]).accepts(r)) {
                out.add(describe(o));
                bufferedChars -= (long) o[2];
                bufferedRecords -= ((Lines) o[0]).size();
                open.remove(r.key());
                o = null;
            }
            if (o == null) {
                o = new Object[] {new Lines(r.partition()), s, 0L};
                open.put(r.key(), o);
            }
            Lines run = (Lines) o[0];
            run.add(r);
            o[2] = (long) o[2] + r.text().length();
            bufferedChars += r.text().length();
            bufferedRecords++;
            if (run.size() >= maxRecords || (long) o[2] >= maxChars) {
                out.add(describe(o));
                bufferedChars -= (long) o[2];
                bufferedRecords -= run.size();
                open.remove(r.key());
            }
            if (bufferedChars >= maxBufferedChars || bufferedRecords >= maxBufferedRecords) {
                for (Iterator<Object[]> it = open.values().iterator(); it.hasNext(); ) {
                    out.add(describe(it.next()));
                    it.remove();
                }
                bufferedChars = 0;
                bufferedRecords = 0;
            }
        }
        for (Object[] o : open.values()) {
            out.add(describe(o));
        }
        return out;
    }

    private static String describe(Object[] o) {
        return o[1] + ": " + ((Lines) o[0]).recs;
    }

    static List<String> gathered(List<Rec> in, int maxRecords, long maxChars, long maxBufferedChars,
                                 int maxBufferedRecords) throws Exception {
        List<String> out = new ArrayList<>();
        try (OneInputStreamOperatorTestHarness<Rec, Lines> h = new OneInputStreamOperatorTestHarness<>(
                new RecordRuns.Gather<>(new Shape(), maxRecords, maxChars, maxBufferedChars, maxBufferedRecords))) {
            h.open();
            long stamp = 0;
            for (Rec r : in) {
                h.processElement(new StreamRecord<>(r, stamp++));
            }
            h.endInput();
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> sr) {
                    out.add(sr.getTimestamp() + ": " + ((Lines) sr.getValue()).recs);
                }
            }
        }
        return out;
    }

    /** Keys over {@code n} names, a third of them in groups of equal hash codes ("Aa" and "BB" hash alike). */
    static String key(int i) {
        if (i % 3 == 0) {
            StringBuilder b = new StringBuilder("c");
            for (int bit = 0; bit < 6; bit++) {
                b.append(((i / 3) >> bit & 1) == 0 ? "Aa" : "BB");
            }
            return b.append(i / 192).toString();
        }
        return "src-" + i;
    }

    @Test
    void theSameRunsAsTheRulesWrittenPlainly() throws Exception {
        Random rnd = new Random(13);
        for (int round = 0; round < 6; round++) {
            int keys = new int[] {1, 3, 40, 700, 3000, 6000}[round];
            List<Rec> in = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                int k = rnd.nextInt(keys);
                int partition = rnd.nextInt(50) == 0 ? 1 : 0;
                in.add(new Rec(key(k), partition, "x".repeat(rnd.nextInt(30)) + i));
            }
            int maxRecords = 1 + rnd.nextInt(20);
            long maxChars = 50 + rnd.nextInt(400);
            long maxBufferedChars = 2_000 + rnd.nextInt(60_000);
            int maxBufferedRecords = 100 + rnd.nextInt(5_000);
            List<String> expected = reference(in, maxRecords, maxChars, maxBufferedChars, maxBufferedRecords);
            List<String> actual = gathered(in, maxRecords, maxChars, maxBufferedChars, maxBufferedRecords);
            assertEquals(expected.size(), actual.size(), "runs, round " + round);
            assertEquals(expected, actual, "round " + round);
        }
    }

    @Test
    void bigBuffersKeepThousandsOfRunsOpen() throws Exception {
        List<Rec> in = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            in.add(new Rec(key((i * 7919) % 5000), i % 997 == 0 ? 1 : 0, "line " + i));
        }
        assertEquals(reference(in, 64, 10_000, Long.MAX_VALUE, Integer.MAX_VALUE),
                gathered(in, 64, 10_000, Long.MAX_VALUE, Integer.MAX_VALUE));
    }
}
