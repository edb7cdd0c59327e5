package dev.keymem.jobs.cli;

import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.JobOutput;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Options and plumbing the job commands (demo, logs, context) share. */
final class JobCli {
    private JobCli() {
    }

    /** Declares the embedded-run and Kafka options. */
    static CliOptions withJobOptions(CliOptions o, String inTopic, String outTopic) {
        return o.option("parallelism", "N", "parallelism of the embedded run (default 2)")
                .option("checkpoint-ms", "MS", "checkpoint interval of the embedded run, ms (default 1000)")
                .option("kafka", "BOOTSTRAP", "read and write Kafka at BOOTSTRAP (host:port,...) instead of files")
                .option("kafka-config", "FILE", "Kafka client properties (security.protocol, sasl.*, ssl.*), passed unchanged")
                .option("in-topic", "TOPIC", "input topic (default " + inTopic + ")")
                .option("out-topic", "TOPIC", "output topic, written exactly once (default " + outTopic + ")")
                .option("dlq-topic", "TOPIC", "dead-letter topic, written exactly once (default dead-letters)")
                .option("group", "ID", "consumer group (default memctl-<command>)")
                .flag("bounded", "Kafka: stop at the input topic's current end instead of running until killed");
    }

    static KafkaConnection kafka(CliOptions.Parsed p) throws UsageException, IOException {
        String bootstrap = p.string("kafka", null);
        if (bootstrap != null && p.string("input", null) != null) {
            throw new UsageException("give either --input FILE or --kafka BOOTSTRAP, not both");
        }
        if (bootstrap == null) {
            if (p.string("kafka-config", null) != null) {
                throw new UsageException("option --kafka-config needs --kafka BOOTSTRAP");
            }
            return null;
        }
        Map<String, String> props = new LinkedHashMap<>();
        String cfg = p.string("kafka-config", null);
        if (cfg != null) {
            Path f = Path.of(cfg);
            if (!Files.isRegularFile(f)) {
                throw new UsageException("Kafka client config " + f + " not found");
            }
            Properties pr = new Properties();
            try (Reader r = Files.newBufferedReader(f)) {
                pr.load(r);
            }
            for (String n : pr.stringPropertyNames()) {
                props.put(n, pr.getProperty(n));
            }
        }
        try {
            return KafkaConnection.of(bootstrap, props);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * The Kafka mode of job command {@code command} (logs, context): {@code job} reads {@code --in-topic}
     * (default {@code inTopic}) as consumer group {@code --group} (default memctl-COMMAND), its results go to
     * {@code --out-topic} (default {@code outTopic}) and its dead letters to {@code --dlq-topic}, exactly once;
     * runs until the input's current end with {@code --bounded}, else until killed; deletes the checkpoints after.
     */
    static int runOnKafka(CliOptions.Parsed p, KafkaConnection conn, StreamExecutionEnvironment env, Path checkpoints,
                          String command, String inTopic, String outTopic,
                          Function<DataStream<KafkaRecord>, DataStream<JobOutput>> job, PrintStream err)
            throws Exception {
        String in = p.string("in-topic", inTopic);
        String out = p.string("out-topic", outTopic);
        String dlq = p.string("dlq-topic", "dead-letters");
        String name = "memctl " + command;
        DataStream<KafkaRecord> records = EmbeddedJobs.fromKafka(env, conn, in,
                p.string("group", "memctl-" + command), p.flag("bounded"));
        EmbeddedJobs.toKafka(job.apply(records), conn, out, dlq, "memctl-" + command);
        err.printf(Locale.ROOT, "%s: %s -> %s (exactly once), dead letters -> %s, at %s%s%n", name, in, out, dlq,
                conn.bootstrapServers(), p.flag("bounded") ? " (bounded)" : " (until killed)");
        try {
            env.execute(name + " (kafka)");
        } finally {
            deleteTree(checkpoints);
        }
        return Memctl.EXIT_OK;
    }

    /** A local environment (MiniCluster on 127.0.0.1, RocksDB) and the temporary directory of its checkpoints. */
    record LocalRun(StreamExecutionEnvironment env, Path checkpoints) {
    }

    /**
     * Parses the environment options, then creates the checkpoint directory (so a usage error leaves no
     * temporary directory behind) and the environment.
     */
    static LocalRun localRun(CliOptions.Parsed p, String command) throws UsageException, IOException {
        int parallelism = p.positiveInt("parallelism", 2);
        int checkpointMs = p.positiveInt("checkpoint-ms", 1000);
        Path chk = Files.createTempDirectory("memctl-" + command + "-chk");
        return new LocalRun(StreamExecutionEnvironment.getExecutionEnvironment(
                EmbeddedJobs.config(chk, checkpointMs, parallelism)), chk);
    }

    /**
     * Runs a bounded embedded job, handing each output to {@code sink}; deletes the checkpoints after.
     * While it runs, {@code heartbeat} (may be null) is printed to {@code err} every 5 s.
     */
    static void collect(DataStream<JobOutput> outputs, String name, Path checkpoints, Consumer<JobOutput> sink,
                        PrintStream err, java.util.function.Supplier<String> heartbeat) throws Exception {
        Thread beat = null;
        if (heartbeat != null) {
            beat = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(5000);
                        progress(err, heartbeat.get());
                    }
                } catch (InterruptedException e) {
                    // done
                }
            }, "memctl-progress");
            beat.setDaemon(true);
            beat.start();
        }
        try {
            EmbeddedJobs.collect(outputs, name, sink);
        } finally {
            if (beat != null) {
                beat.interrupt();
            }
            deleteTree(checkpoints);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    static Path input(CliOptions.Parsed p) throws UsageException {
        Path in = Path.of(p.required("input"));
        if (!Files.isRegularFile(in)) {
            throw new UsageException("input file " + in + " not found");
        }
        return in;
    }

    /** Progress on stderr: one line, rewritten in place when stderr is a terminal. */
    static void progress(PrintStream err, String line) {
        err.println(line);
        err.flush();
    }
}
