package dev.keymem.jobs.context;

import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.logs.JobOutput;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The context job's keyed step alone, on one thread, as a batch file run runs it (docs/benchmarks.md, "Context
 * job: the keyed step's per-event cost, session 13"): the events of a JSON-lines file, parsed as the parse step
 * parses them and ordered by user (file order per user, as the batch sort gives them), through
 * {@link UserContextJob#operator} over Flink's batch execution state backend. Prints the thread CPU ms of each
 * repetition, their minimum, the outputs and an MD5 of the outputs' JSON in order (equal across builds when the
 * step's outputs are). A measuring program, not a test: run it with a file run's JIT and collector, e.g.
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/memctl.jar:jobs/target/test-classes:DEPS
 * dev.keymem.jobs.context.ContextKeyedCost FILE 5}.
 */
public final class ContextKeyedCost {
    private ContextKeyedCost() {
    }

    public static void main(String[] a) throws Exception {
        List<ContextEvent> evs = eventsByUser(Path.of(a[0]));
        int reps = Integer.parseInt(a[1]);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        Configuration options = ContextOptions.defaults();
        long min = Long.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            var h = new KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput>(
                    UserContextJob.operator(options, RecordLimits.defaults()), (ContextEvent e) -> e.user, Types.STRING,
                    new MockEnvironmentBuilder().setMaxParallelism(128).build());
            h.setStateBackend(new BatchExecutionStateBackend());
            h.open();
            MessageDigest md = MessageDigest.getInstance("MD5");
            long outputs = 0;
            long c0 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < evs.size(); i++) {
                h.processElement(evs.get(i), 0);
                if ((i & 1023) == 1023) {
                    outputs += drain(h, md);
                }
            }
            outputs += drain(h, md);
            long c1 = tm.getCurrentThreadCpuTime();
            h.close();
            min = Math.min(min, c1 - c0);
            System.out.printf("rep %d: %.0f ms  (%d events, %d outputs) md5=%s ended %s%n", r, (c1 - c0) / 1e6,
                    evs.size(), outputs, HexFormat.of().formatHex(md.digest()), java.time.Instant.now());
        }
        System.out.printf("min %.0f ms%n", min / 1e6);
    }

    /**
     * The events of a JSON-lines file as the parse step gives them to the keyed step (topic "in", ASCII marked as
     * the runs mark them; the parse step's dead letters left out), ordered by user, file order per user.
     */
    static List<ContextEvent> eventsByUser(Path file) throws java.io.IOException {
        List<ContextEvent> evs = ContextFrontEndCost.events(file);
        for (ContextEvent e : evs) {
            e.topic = "in";
        }
        evs.sort(Comparator.comparing(e -> e.user)); // stable: file order per user
        return evs;
    }

    private static long drain(KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput> h,
                              MessageDigest md) {
        long n = 0;
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> sr && sr.getValue() instanceof JobOutput out) {
                md.update((out.kind + out.key + out.json + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                n++;
            }
        }
        h.getOutput().clear();
        return n;
    }
}
