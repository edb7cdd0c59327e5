package dev.keymem.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

class KeymemJobTest {
    private static StreamExecutionEnvironment env(boolean checkpoints) {
        Configuration c = new Configuration();
        if (checkpoints) {
            c.setString("execution.checkpointing.interval", "1 s");
        }
        return StreamExecutionEnvironment.getExecutionEnvironment(c);
    }

    private static IllegalArgumentException bad(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> KeymemJob.define(env(true), withoutTopicCheck(args)));
    }

    /** {@code args} and --skip-topic-check: nothing listens at the addresses these tests name. */
    static String[] withoutTopicCheck(String... args) {
        String[] a = new String[args.length + 1];
        a[0] = "--skip-topic-check"; // first: a last "--kafka" must still lack its value
        System.arraycopy(args, 0, a, 1, args.length);
        return a;
    }

    @Test
    void buildsBothJobsWithAnIdOnEveryStatefulOperator() throws Exception {
        for (String job : List.of("logs", "context")) {
            StreamExecutionEnvironment env = env(true);
            String name = KeymemJob.define(env, withoutTopicCheck("--job", job, "--kafka", "127.0.0.1:9092", "--bounded"));
            assertEquals("keymem " + job, name);
            StreamGraph g = env.getStreamGraph();
            Set<String> uids = g.getStreamNodes().stream().map(StreamNode::getTransformationUID)
                    .filter(u -> u != null && !u.startsWith("Sink Committer: ")).collect(Collectors.toSet());
            assertEquals(Set.of("kafka-source", "parse", "dead-letters", job.equals("logs") ? "summarize" : "user-context",
                    "kafka-sink-out", "kafka-sink-dlq"), uids, job);
            // Parallelism is left to the cluster: no operator sets its own except the parse step's
            // chaining to the source.
            assertTrue(g.getStreamNodes().stream().allMatch(n -> n.getParallelism() == env.getParallelism()), job);
        }
    }

    @Test
    void refusesAnEnvironmentWithoutCheckpoints() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KeymemJob.define(env(false), withoutTopicCheck("--job", "logs", "--kafka", "127.0.0.1:9092")));
        assertTrue(e.getMessage().contains("execution.checkpointing.interval"), e.getMessage());
    }

    @Test
    void badArgumentsNameTheArgument() {
        assertTrue(bad().getMessage().contains("--job"));
        assertTrue(bad("--job", "nope", "--kafka", "x:1").getMessage().contains("logs or context"));
        assertTrue(bad("--job", "logs").getMessage().contains("--kafka"));
        assertTrue(bad("--job", "logs", "--kafka", "x:1", "--colour", "red").getMessage().contains("unknown argument --colour"));
        assertTrue(bad("--job", "logs", "--kafka", "x:1", "--every-lines", "0").getMessage().contains("--every-lines"));
        assertTrue(bad("--job", "logs", "--kafka", "x:1", "--top", "3").getMessage().contains("--job context"));
        assertTrue(bad("--job", "context", "--kafka", "x:1", "--memory", "bmojo").getMessage().contains("--job logs"));
        assertTrue(bad("--job", "context", "--kafka", "x:1", "--budget", "3").getMessage().contains("--job logs"));
        assertTrue(bad("--job", "logs", "--kafka", "x:1", "--budget", "0").getMessage().contains("--budget"));
        assertEquals(7, KeymemJob.logSettings(JobArguments.parse(new String[] {"--budget", "7"}, KeymemJob.OPTIONS,
                KeymemJob.FLAGS)).budget());
        assertTrue(bad("--job", "logs", "--kafka", "x:1", "--kafka.bootstrap.servers", "y:2").getMessage()
                .contains("once"));
        assertTrue(bad("--job", "logs", "--kafka", "x:1", "--kafka.transaction.timeout.ms", "3600000").getMessage()
                .contains("transaction.max.timeout.ms"));
        assertTrue(bad("--job", "logs", "--kafka").getMessage().contains("needs a value"));
        assertTrue(bad("--job", "logs", "--kafka-config", "/nonexistent/k.properties").getMessage().contains("not found"));
        // the topic check (not skipped) with an address that does not resolve: a clear argument error
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeymemJob.define(env(true),
                new String[] {"--job", "logs", "--kafka", "no-such-host.invalid:9092"}));
        assertTrue(e.getMessage().contains("--skip-topic-check"), e.getMessage());
    }

    @Test
    void kafkaClientPropertiesPassThrough() throws Exception {
        JobArguments a = JobArguments.parse(new String[] {"--kafka.bootstrap.servers", "h:1", "--kafka.security.protocol",
                "SASL_SSL"}, KeymemJob.OPTIONS, KeymemJob.FLAGS);
        var conn = KeymemJob.connection(a);
        assertEquals("h:1", conn.bootstrapServers());
        assertEquals("SASL_SSL", conn.property("security.protocol"));
    }
}
