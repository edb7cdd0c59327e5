package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.collect.CollectSinkOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * The collect sink the embedded runs use: closing it before it was opened (a failover cancelling its task
 * while it starts) must not throw, as Flink's own does (and so kills the embedded TaskManager), and it still
 * collects a job's results.
 */
class CollectSinkTest {
    static final TypeSerializer<String> STRINGS = StringSerializer.INSTANCE;

    @Test
    void closingBeforeOpenIsQuietWhereFlinksOwnThrows() throws Exception {
        var flinks = new OneInputStreamOperatorTestHarness<String, Object>(
                new CollectSinkOperator<>(STRINGS, 1 << 20, "acc"), STRINGS);
        flinks.setup();
        // the defect this class works around (FLINK-39330): when Flink fixes it, this line tells us
        assertThrows(NullPointerException.class, flinks::close);

        var ours = new OneInputStreamOperatorTestHarness<String, Object>(
                new CollectSink.Operator<>(STRINGS, 1 << 20, "acc"), STRINGS);
        ours.setup();
        ours.close();
        ours = new OneInputStreamOperatorTestHarness<String, Object>(
                new CollectSink.Operator<>(STRINGS, 1 << 20, "acc"), STRINGS);
        ours.setup();
        ours.initializeEmptyState();
        ours.close(); // state initialized, never opened: nothing buffered, nothing to close
    }

    @Test
    void collectsAJobsResults() throws Exception {
        Configuration c = new Configuration();
        c.setString("rest.bind-address", "127.0.0.1");
        c.setString("rest.address", "127.0.0.1");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        env.setParallelism(2);
        List<String> in = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            in.add("line " + i);
        }
        var stream = env.fromData(in).map(s -> s.toUpperCase(java.util.Locale.ROOT));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = CollectSink.collectAsync(stream)) {
            env.executeAsync("collect");
            it.forEachRemaining(out::add);
        }
        assertEquals(500, out.size());
        assertEquals(in.stream().map(s -> s.toUpperCase(java.util.Locale.ROOT)).sorted().toList(),
                out.stream().sorted().toList());
    }
}
