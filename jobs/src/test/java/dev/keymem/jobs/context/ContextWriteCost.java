package dev.keymem.jobs.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.models.events.EventEntry;
import dev.keymem.models.events.EventMemory;
import dev.keymem.models.events.EventSettings;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.EventStore;
import dev.keymem.models.events.EventWrite;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.MemoryRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keyed-side cost of the context job's write path on one thread, outside Flink (docs/benchmarks.md, "Context on
 * long texts: the front end and the write's shape"): the events of a JSON-lines file (queries left out) through
 * {@link ContextFrontEnd#map}, then {@link EventMemory#write} of each record into its user's state over a store
 * that keeps nothing (so the rows' costs, the state backend's, are not in the number). Prints the thread CPU ms of
 * both per repetition and the minimum, and a hash of the innovations and cell states (equal across builds when
 * the writes are). A measuring program, not a test: run it with the JIT of a file run, e.g.
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/memctl.jar:jobs/target/test-classes
 * dev.keymem.jobs.context.ContextWriteCost FILE 8}.
 */
public final class ContextWriteCost {
    /** A store that keeps nothing (every term new, no rows). */
    static final class NullStore implements EventStore {
        @Override
        public EventEntry archived(long p) {
            return null;
        }

        @Override
        public void archive(EventEntry e) {
        }

        @Override
        public void dropArchived(long p) {
        }

        @Override
        public long frequency(int t) {
            return 0;
        }

        @Override
        public void setFrequency(int t, long f) {
        }

        @Override
        public long posting(int t, long o) {
            return -1;
        }

        @Override
        public void addPosting(int t, long o, long p) {
        }

        @Override
        public void dropPosting(int t, long o) {
        }

        @Override
        public float[] segment(long s) {
            return null;
        }

        @Override
        public void addSegment(long s, float[] x) {
        }

        @Override
        public void dropSegment(long s) {
        }

        @Override
        public EventEntry eidetic(int s) {
            return null;
        }

        @Override
        public void setEidetic(int s, EventEntry e) {
        }
    }

    private ContextWriteCost() {
    }

    public static void main(String[] a) throws Exception {
        ObjectMapper om = new ObjectMapper();
        List<ContextEvent> evs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            JsonNode n = om.readTree(line);
            ContextEvent e = new ContextEvent();
            e.user = n.get("user").asText(); e.text = n.get("text").asText();
            e.type = n.has("type") ? n.get("type").asText() : null;
            e.query = n.has("query") && n.get("query").asBoolean();
            if (!e.query) evs.add(e);
        }
        int reps = Integer.parseInt(a[1]);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        EventSettings s = MemoryOperatorOptions.eventSettings(ContextOptions.resolved(ContextOptions.defaults()));
        long minFe = Long.MAX_VALUE, minW = Long.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            ContextFrontEnd fe = new ContextFrontEnd(ContextOptions.Embedder.HASHING, 256);
            EventMemory m = new EventMemory(s);
            NullStore ns = new NullStore();
            Map<String, EventState> users = new HashMap<>();
            List<MemoryRecord> recs = new ArrayList<>(evs.size());
            long c0 = tm.getCurrentThreadCpuTime();
            for (ContextEvent e : evs) recs.add(fe.map(e));
            long c1 = tm.getCurrentThreadCpuTime();
            long h = 0;
            for (int i = 0; i < recs.size(); i++) {
                MemoryRecord rec = recs.get(i);
                EventState st = users.computeIfAbsent(evs.get(i).user, k -> m.newState());
                EventWrite w = m.write(st, ns, rec.tokenIds, rec.k != null ? rec.k : rec.vector, rec.payload);
                h = h * 31 + Float.floatToIntBits(w.innovation());
            }
            long c2 = tm.getCurrentThreadCpuTime();
            for (EventState st : users.values()) for (float f : st.cell().data()) h = h * 31 + Float.floatToIntBits(f);
            minFe = Math.min(minFe, c1 - c0); minW = Math.min(minW, c2 - c1);
            if (r == reps - 1) System.out.printf("min frontend %.0f ms  write %.0f ms%n", minFe / 1e6, minW / 1e6);
            System.out.printf("rep %d: frontend %.0f ms  write %.0f ms  (%d events) h=%x%n", r, (c1 - c0) / 1e6, (c2 - c1) / 1e6, evs.size(), h);
        }
    }
}
