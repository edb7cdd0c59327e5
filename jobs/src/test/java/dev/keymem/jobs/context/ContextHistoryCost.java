package dev.keymem.jobs.context;

import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.logs.JobOutput;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Whether the keyed step's cost per event grows with a user's history: the events of a JSON-lines file,
 * parsed and ordered by user as {@link ContextKeyedCost} orders them, through {@link UserContextJob#operator}
 * on Flink's batch backend, one thread; each user's events are cut into tenths by their place in the user's
 * history, and the thread CPU of each tenth (summed over users of at least 1,000 events, second repetition)
 * is printed per event, with the queries' share. A measuring program, not a test: {@code java
 * -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/memctl.jar:jobs/target/test-classes:DEPS
 * dev.keymem.jobs.context.ContextHistoryCost FILE}.
 */
public final class ContextHistoryCost {
    private ContextHistoryCost() {
    }

    public static void main(String[] a) throws Exception {
        List<ContextEvent> evs = ContextKeyedCost.eventsByUser(Path.of(a[0]));
        Map<String, Integer> perUser = new LinkedHashMap<>();
        for (ContextEvent e : evs) {
            perUser.merge(e.user, 1, Integer::sum);
        }
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[10];
        long[] events = new long[10];
        long[] queries = new long[10];
        for (int rep = 0; rep < 2; rep++) {
            java.util.Arrays.fill(cpu, 0);
            java.util.Arrays.fill(events, 0);
            java.util.Arrays.fill(queries, 0);
            var h = new KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput>(
                    UserContextJob.operator(ContextOptions.defaults(), RecordLimits.defaults()),
                    (ContextEvent e) -> e.user, Types.STRING, new MockEnvironmentBuilder().setMaxParallelism(128).build());
            h.setStateBackend(new BatchExecutionStateBackend());
            h.open();
            int i = 0;
            while (i < evs.size()) {
                String user = evs.get(i).user;
                int n = perUser.get(user);
                for (int tenth = 0; tenth < 10; tenth++) {
                    int end = (int) ((long) n * (tenth + 1) / 10);
                    int start = (int) ((long) n * tenth / 10);
                    long c0 = tm.getCurrentThreadCpuTime();
                    for (int k = start; k < end; k++) {
                        ContextEvent e = evs.get(i + k);
                        h.processElement(e, 0);
                        if (n >= 1000) {
                            queries[tenth] += e.query ? 1 : 0;
                        }
                        if ((k & 255) == 255) {
                            h.getOutput().clear();
                        }
                    }
                    long c1 = tm.getCurrentThreadCpuTime();
                    if (n >= 1000) {
                        cpu[tenth] += c1 - c0;
                        events[tenth] += end - start;
                    }
                }
                h.getOutput().clear();
                i += n;
            }
            h.close();
        }
        for (int t = 0; t < 10; t++) {
            System.out.printf("tenth %d: %d events (%.1f%% queries), %.2f us an event%n", t + 1, events[t],
                    100.0 * queries[t] / Math.max(1, events[t]), cpu[t] / 1e3 / Math.max(1, events[t]));
        }
    }
}
