package dev.keymem.cluster;

import dev.keymem.jobs.context.ContextOptions;
import dev.keymem.jobs.context.UserContextJob;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.KafkaTopics;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.text.TextFrontEnd;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.KafkaException;

/**
 * The entry class of the cluster job jar ({@code keymem-jobs-cluster}): {@code --job logs} (log
 * summarization) or {@code --job context} (user context), Kafka to Kafka, exactly once.
 *
 * <p>Submitted to a running Flink cluster ({@code flink run}, the REST API's {@code /jars/:id/run}, or
 * the Kubernetes operator's {@code job.args}). Unlike {@code memctl}, it sets no runtime options of its
 * own: checkpointing, the state backend, restart strategy and parallelism come from the cluster's
 * configuration (or the submission). Checkpointing must be on, since results become visible to
 * {@code read_committed} consumers at checkpoints. A bad argument fails the submission with an
 * {@link IllegalArgumentException} naming it; this class never exits the JVM.
 *
 * <p>Before the job is defined, its three topics are checked (unless {@code --skip-topic-check}): a topic
 * that does not exist fails the submission with an {@link IllegalArgumentException} naming it (the job
 * must not rely on the broker creating its output topics on first write, which races the sinks' first
 * batches), and topics the cluster does not show writable within {@link #TOPIC_CHECK} fail it with an
 * {@link IllegalStateException} naming what was wrong. The check runs where {@code main} runs: the
 * client for {@code flink run}, the JobManager in application mode.
 *
 * <p>Arguments (defaults in brackets):
 * <pre>
 *   --job logs|context
 *   --kafka BOOTSTRAP              (or --kafka.bootstrap.servers; any --kafka.NAME VALUE is a client property)
 *   --kafka-config FILE            Kafka client properties file on the cluster's machines (SASL/TLS)
 *   --in-topic T                   [logs | user-events]
 *   --out-topic T                  [log-summaries | user-context]
 *   --dlq-topic T                  [dead-letters]
 *   --group ID                     [keymem-JOB]
 *   --transactional-id-prefix P    [keymem-JOB]; unique per job on a Kafka cluster
 *   --bounded                      stop at the input's end offsets at the first start
 *   --skip-topic-check             do not check the topics at submission (a client that cannot reach Kafka)
 *   --name NAME                    job name [keymem JOB]
 *   logs:    --source NAME, --every-lines N [500], --every-seconds S [30; 0 = off],
 *            --memory bmojo+retention|bmojo, --threshold E [0.5], --budget N [no limit]
 *   context: --top K [5]
 * </pre>
 *
 * <p>The job graph, operator uids included, is the one {@code memctl logs|context --kafka} runs
 * ({@link EmbeddedJobs#fromKafka}, {@link LogSummaryJob#build}, {@link UserContextJob#build},
 * {@link EmbeddedJobs#toKafka}): {@code kafka-source}, {@code parse}, {@code dead-letters},
 * {@code summarize} or {@code user-context}, {@code kafka-sink-out}, {@code kafka-sink-dlq}. A savepoint
 * resumes at any parallelism.
 */
public final class KeymemJob {
    static final Set<String> OPTIONS = Set.of("job", "kafka", "kafka-config", "in-topic", "out-topic", "dlq-topic",
            "group", "transactional-id-prefix", "name", "source", "every-lines", "every-seconds", "memory", "threshold",
            "budget", "top");
    static final Set<String> FLAGS = Set.of("bounded", "skip-topic-check");
    /** How long the submission waits for the job's topics to be writable. */
    static final Duration TOPIC_CHECK = Duration.ofSeconds(30);

    private KeymemJob() {
    }

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        String name = define(env, args);
        env.execute(name);
    }

    /**
     * Adds the job {@code args} describe to {@code env} and returns its name. Fails with an
     * {@link IllegalArgumentException} on a bad argument and an {@link IllegalStateException} when the
     * environment has checkpointing off.
     */
    public static String define(StreamExecutionEnvironment env, String[] args) throws IOException {
        JobArguments a = JobArguments.parse(args, OPTIONS, FLAGS);
        String job = a.required("job");
        if (!job.equals("logs") && !job.equals("context")) {
            throw new IllegalArgumentException("argument --job has value '" + job + "', expected logs or context");
        }
        boolean logs = job.equals("logs");
        LogSummarySettings logSettings = logs ? logSettings(a) : null;
        org.apache.flink.configuration.Configuration contextSettings = null;
        if (!logs) {
            contextSettings = ContextOptions.defaults();
            contextSettings.set(dev.keymem.operators.MemoryOperatorOptions.EVENTS_TOP, a.positiveInt("top", 5));
        }
        if (logs && a.string("top", null) != null) {
            throw new IllegalArgumentException("argument --top belongs to --job context");
        }
        if (!logs) {
            for (String n : List.of("source", "every-lines", "every-seconds", "memory", "threshold", "budget")) {
                if (a.string(n, null) != null) {
                    throw new IllegalArgumentException("argument --" + n + " belongs to --job logs");
                }
            }
        }
        KafkaConnection conn = connection(a);
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new IllegalStateException("keymem " + job + " writes its results exactly once, at checkpoints: set "
                    + "execution.checkpointing.interval in the cluster's configuration");
        }
        String in = a.string("in-topic", logs ? "logs" : "user-events");
        String out = a.string("out-topic", logs ? "log-summaries" : "user-context");
        String dlq = a.string("dlq-topic", "dead-letters");
        String group = a.string("group", "keymem-" + job);
        String txPrefix = a.string("transactional-id-prefix", "keymem-" + job);
        boolean bounded = a.flag("bounded");
        if (!a.flag("skip-topic-check")) {
            checkTopics(conn, in, out, dlq);
        }

        // The same Kafka wiring (and operator uids) as memctl's Kafka runs.
        DataStream<KafkaRecord> records = EmbeddedJobs.fromKafka(env, conn, in, group, bounded);
        DataStream<JobOutput> outputs;
        if (logs) {
            TextFrontEnd fe = TextFrontEnd.builder().dimension(logSettings.dimension()).build();
            outputs = LogSummaryJob.build(records, a.string("source", null), logSettings, fe);
        } else {
            outputs = UserContextJob.build(records, contextSettings);
        }
        EmbeddedJobs.toKafka(outputs, conn, out, dlq, txPrefix);
        return a.string("name", "keymem " + job);
    }

    /**
     * Fails when topic {@code in}, {@code out} or {@code dlq} does not exist (an {@link IllegalArgumentException}
     * naming them) or is not writable within {@link #TOPIC_CHECK} (an {@link IllegalStateException}).
     */
    static void checkTopics(KafkaConnection conn, String in, String out, String dlq) {
        try {
            KafkaTopics.awaitWritable(conn, List.of(in, out, dlq), TOPIC_CHECK, true);
        } catch (KafkaTopics.MissingTopicException e) {
            throw new IllegalArgumentException(e.getMessage() + ": create them first (kafka-setup/create-topics.sh), "
                    + "or pass --skip-topic-check where the submitting side cannot reach Kafka", e);
        } catch (KafkaException e) { // e.g. no resolvable bootstrap address
            throw new IllegalArgumentException("cannot check the topics with these Kafka client settings ("
                    + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage())
                    + "); pass --skip-topic-check where the submitting side cannot reach Kafka", e);
        }
    }

    static LogSummarySettings logSettings(JobArguments a) {
        LogSummarySettings s = LogSummarySettings.defaults();
        s = s.withEvery(a.positiveInt("every-lines", s.everyLines()), a.seconds("every-seconds", s.everyMillis()))
                .withMemory(LogSummarySettings.Memory.parse(a.string("memory", s.memory().configName())));
        if (a.string("budget", null) != null) {
            s = s.withBudget(a.positiveInt("budget", 0));
        }
        Float t = a.positiveFloat("threshold");
        return t == null ? s : s.withThreshold(t);
    }

    static KafkaConnection connection(JobArguments a) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        String file = a.string("kafka-config", null);
        if (file != null) {
            Path f = Path.of(file);
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("Kafka client config " + f + " (--kafka-config) not found");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f)) {
                p.load(r);
            }
            for (String n : p.stringPropertyNames()) {
                options.put(KafkaConnection.OPTION_PREFIX + n, p.getProperty(n));
            }
        }
        options.putAll(a.kafkaOptions());
        String bootstrap = a.string("kafka", null);
        if (bootstrap != null) {
            if (options.containsKey("kafka.bootstrap.servers")) {
                throw new IllegalArgumentException("give the bootstrap servers once: --kafka or kafka.bootstrap.servers");
            }
            options.put("kafka.bootstrap.servers", bootstrap);
        }
        if (!options.containsKey("kafka.bootstrap.servers")) {
            throw new IllegalArgumentException("argument --kafka BOOTSTRAP (host:port,...) is required");
        }
        KafkaConnection conn = KafkaConnection.fromOptions(options);
        KafkaIO.transactionTimeout(conn); // fails early on a timeout the broker would refuse
        return conn;
    }
}
