package dev.keymem.jobs.context;

import dev.keymem.models.events.EventHit;
import dev.keymem.models.events.EventMemory;
import dev.keymem.models.events.EventSettings;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.InMemoryEventStore;
import dev.keymem.operators.KeyedEventMemory;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.MemoryRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * The context job's event memory alone, as a batch file run uses it, on one thread: the events of a JSON-lines file
 * ordered by user (file order per user, as {@link ContextKeyedCost} orders them) through the front end first
 * (not timed), then every user's records through {@link EventMemory#write} and {@link EventMemory#query} on a
 * batch state ({@link EventMemory#newBatchState}, the last user's state reused) over an {@link InMemoryEventStore}
 * per user. Prints the thread CPU ms of each repetition, their minimum, and a hash of the answers (positions,
 * score and read-vector bits; equal across builds when the memory's answers are). A measuring program, not a
 * test: {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp JAR:jobs/target/test-classes:DEPS
 * dev.keymem.jobs.context.ContextMemoryCost FILE 6}.
 */
public final class ContextMemoryCost {
    private ContextMemoryCost() {
    }

    public static void main(String[] a) throws Exception {
        List<ContextEvent> evs = ContextKeyedCost.eventsByUser(Path.of(a[0]));
        int reps = Integer.parseInt(a[1]);
        Configuration c = ContextOptions.resolved(ContextOptions.defaults());
        Configuration events = KeyedEventMemory.eventOptions(c);
        EventSettings settings = MemoryOperatorOptions.eventSettings(events);
        int top = KeyedEventMemory.Settings.of(events).top();
        ContextFrontEnd fe = UserContextJob.frontEnd(c);
        List<MemoryRecord> recs = new ArrayList<>(evs.size());
        for (ContextEvent e : evs) {
            recs.add(fe.map(e));
        }
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long min = Long.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            EventMemory m = new EventMemory(settings);
            EventState st = null;
            InMemoryEventStore store = null;
            String user = null;
            long h = 0;
            int queries = 0;
            long c0 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < recs.size(); i++) {
                MemoryRecord rec = recs.get(i);
                if (!evs.get(i).user.equals(user)) {
                    user = evs.get(i).user;
                    st = null;
                    store = new InMemoryEventStore();
                }
                int[] terms = rec.tokenIds == null ? new int[0] : rec.tokenIds;
                float[] own = rec.query ? rec.q : rec.k;
                float[] v = own != null ? own : rec.vector;
                if (rec.query) {
                    if (st == null) {
                        continue;
                    }
                    EventMemory.Answer ans = m.query(st, store, terms, v, rec.top > 0 ? rec.top : top);
                    queries++;
                    for (EventHit hit : ans.hits()) {
                        h = h * 31 + hit.position();
                        h = h * 31 + Double.doubleToRawLongBits(hit.score());
                    }
                    if (ans.read() != null) {
                        for (float f : ans.read()) {
                            h = h * 31 + Float.floatToRawIntBits(f);
                        }
                    }
                } else {
                    if (st == null) {
                        st = m.newBatchState(lastState);
                        lastState = st;
                    }
                    h = h * 31 + Float.floatToRawIntBits(m.write(st, store, terms, v, rec.payload).innovation());
                }
            }
            long c1 = tm.getCurrentThreadCpuTime();
            lastState = null;
            min = Math.min(min, c1 - c0);
            System.out.printf("rep %d: %.0f ms  (%d records, %d queries answered) hash=%x%n", r, (c1 - c0) / 1e6,
                    recs.size(), queries, h);
        }
        System.out.printf("min %.0f ms%n", min / 1e6);
    }

    private static EventState lastState;
}
