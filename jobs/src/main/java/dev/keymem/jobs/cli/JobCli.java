package dev.keymem.jobs.cli;

import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.KafkaTopics;
import dev.keymem.jobs.kafka.RecordLimits;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.SecurityOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.rpc.LocalRpcSystem;
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
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Options and plumbing the job commands (demo, logs, context) share. */
final class JobCli {
    /**
     * Default checkpoint interval of a run over Kafka, ms: its results become visible (transactions commit)
     * at each checkpoint, so it is short.
     */
    static final int KAFKA_CHECKPOINT_MS = 1000;

    /**
     * Default checkpoint interval of a run over a file, ms. A file run cannot be resumed (it starts over), so
     * its checkpoints serve only restarts after a failure within the run (the outputs stay exactly once: the
     * collected results of a failed attempt past its last checkpoint are dropped and replayed); each one costs a
     * write-back of the cached state, a RocksDB checkpoint and its upload, about 3.5 of 28 CPU s per 100,000
     * events of the context job at 1 s (docs/benchmarks.md).
     */
    static final int FILE_CHECKPOINT_MS = 10_000;

    private JobCli() {
    }

    /** Declares the embedded-run, durability, limit and Kafka options. */
    static CliOptions withJobOptions(CliOptions o, String inTopic, String outTopic) {
        RecordLimits d = RecordLimits.defaults();
        return o.option("parallelism", "N", "parallelism of the embedded run (default " + DEFAULT_PARALLELISM
                        + "; a run over a file under " + (AUTO_PARALLELISM_BYTES >> 20) + " MiB: 1)")
                .option("checkpoint-ms", "MS", "checkpoint interval of the embedded run, ms (default "
                        + KAFKA_CHECKPOINT_MS + " over Kafka, " + FILE_CHECKPOINT_MS + " over a file)")
                .option("restart-attempts", "N", "restarts after a failure before the run fails with its cause "
                        + "(default " + EmbeddedJobs.DEFAULT_RESTART_ATTEMPTS + "; 0 = none)")
                .option("checkpoint-dir", "DIR", "keep checkpoints (and Ctrl-C savepoints) in DIR, so that a killed or "
                        + "stopped Kafka run can --resume (default: a temporary directory, deleted at the end)")
                .flag("resume", "Kafka: resume from the latest checkpoint or savepoint in --checkpoint-dir (when there "
                        + "is none, from the consumer group's committed offsets)")
                .option("resume-from", "PATH", "Kafka: resume from this checkpoint or savepoint directory")
                .option("max-record-bytes", "N", "a larger record is a dead letter (default " + d.maxRecordBytes() + ")")
                .option("max-text-bytes", "N", "text kept of a record in outputs, longer ones cut and marked (default "
                        + d.maxTextBytes() + ")")
                .option("max-output-bytes", "N", "largest summary / answer; longer lists are cut, counted in "
                        + "<list>_cut (default " + d.maxOutputBytes() + ")")
                .option("dead-letter-value-bytes", "N", "bytes of a rejected value a dead letter carries (default "
                        + d.deadLetterValueBytes() + ")")
                .option("kafka", "BOOTSTRAP", "read and write Kafka at BOOTSTRAP (host:port,...) instead of files")
                .option("kafka-config", "FILE", "Kafka client properties (security.protocol, sasl.*, ssl.*), passed unchanged")
                .option("in-topic", "TOPIC", "input topic (default " + inTopic + ")")
                .option("out-topic", "TOPIC", "output topic, written exactly once (default " + outTopic + ")")
                .option("dlq-topic", "TOPIC", "dead-letter topic, written exactly once (default dead-letters)")
                .option("group", "ID", "consumer group (default memctl-<command>)")
                .flag("bounded", "Kafka: stop at the input topic's current end instead of running until killed");
    }

    /** The record and output limits of the options. */
    static RecordLimits limits(CliOptions.Parsed p) throws UsageException {
        RecordLimits d = RecordLimits.defaults();
        try {
            return new RecordLimits(p.positiveInt("max-record-bytes", d.maxRecordBytes()),
                    p.positiveInt("max-text-bytes", d.maxTextBytes()),
                    p.positiveInt("max-output-bytes", d.maxOutputBytes()),
                    p.nonNegativeInt("dead-letter-value-bytes", d.deadLetterValueBytes()));
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --max-text-bytes must be at least 64 and --max-output-bytes at least 4096");
        }
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
     * runs until the input's current end with {@code --bounded}, else until stopped. Ctrl-C (SIGINT) or
     * SIGTERM stops the job with a savepoint in the checkpoint directory (committing the outputs so far);
     * {@code --resume} continues from it. The run's temporary directory is deleted after.
     */
    static int runOnKafka(CliOptions.Parsed p, KafkaConnection conn, LocalRun run, String command, String inTopic,
                          String outTopic, Function<DataStream<KafkaRecord>, DataStream<JobOutput>> job,
                          PrintStream err) throws Exception {
        // handlers first: a signal while the job starts stops it as soon as it runs
        StopOnSignal stop = StopOnSignal.install(run.checkpoints().resolve("savepoints"), "memctl " + command, err);
        try (run) {
            String in = p.string("in-topic", inTopic);
            String out = p.string("out-topic", outTopic);
            String dlq = p.string("dlq-topic", "dead-letters");
            String name = "memctl " + command;
            checkInputTopic(conn, in);
            checkOutputTopics(conn, out, dlq);
            OffsetsInitializer start = run.resumeFromCommitted()
                    ? OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST) : OffsetsInitializer.earliest();
            DataStream<KafkaRecord> records = EmbeddedJobs.fromKafka(run.env(), conn, in,
                    p.string("group", "memctl-" + command), p.flag("bounded"), start);
            EmbeddedJobs.toKafka(job.apply(records), conn, out, dlq, "memctl-" + command);
            err.printf(Locale.ROOT, "%s: %s -> %s (exactly once), dead letters -> %s, at %s%s%n", name, in, out, dlq,
                    conn.bootstrapServers(),
                    p.flag("bounded") ? " (bounded)" : " (until stopped: Ctrl-C stops with a savepoint)");
            if (run.restoredFrom() != null) {
                err.printf(Locale.ROOT, "%s: resuming from %s%n", name, run.restoredFrom());
            } else if (run.resumeFromCommitted()) {
                err.printf(Locale.ROOT, "%s: no checkpoint in %s: resuming from the group's committed offsets%n",
                        name, run.checkpoints());
            }
            JobClient client = run.env().executeAsync(name + " (kafka)");
            stop.attach(client);
            err.printf(Locale.ROOT, "%s: running (job %s)%n", name, client.getJobID());
            try {
                client.getJobExecutionResult().get();
            } catch (ExecutionException e) {
                if (!stop.stopping()) {
                    throw JobFailure.of(e.getCause() == null ? e : e.getCause());
                }
            }
            if (stop.stopping()) {
                Optional<String> savepoint = stop.savepoint();
                if (savepoint.isEmpty()) {
                    err.printf(Locale.ROOT, "%s: stopped without a savepoint%s%n", name,
                            run.durable() ? "; --resume continues from the last checkpoint" : "");
                    return Memctl.EXIT_FAILURE;
                }
                err.printf(Locale.ROOT, "%s: stopped with savepoint %s%s%n", name, savepoint.get(),
                        run.durable() ? "; continue with --resume" : "");
            }
        } finally {
            stop.uninstall();
        }
        return Memctl.EXIT_OK;
    }

    /** How long the check of the input topic waits for the cluster to answer. */
    static final int KAFKA_CHECK_MS = 30_000;

    /**
     * Fails fast, before a job starts, when the input topic does not exist (a usage error, exit 2) or the
     * cluster does not answer within {@link #KAFKA_CHECK_MS} (exit 1), instead of the job failing on every
     * restart (over 4 minutes for an address nothing listens on).
     */
    static void checkInputTopic(KafkaConnection conn, String topic) throws UsageException, JobFailure {
        Properties props = conn.allProperties();
        props.putIfAbsent("request.timeout.ms", String.valueOf(KAFKA_CHECK_MS));
        props.putIfAbsent("default.api.timeout.ms", String.valueOf(KAFKA_CHECK_MS));
        try (Admin admin = Admin.create(props)) {
            admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(KAFKA_CHECK_MS))
                    .allTopicNames().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UsageException("input topic " + topic + " does not exist at " + conn.bootstrapServers());
            }
            throw JobFailure.before("cannot read input topic " + topic + " at " + conn.bootstrapServers() + ": "
                    + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw JobFailure.of(e);
        } catch (KafkaException e) {
            throw new UsageException("bad Kafka client settings: " + e.getMessage());
        }
    }

    /**
     * Fails before a job starts when an output topic does not exist (a usage error, exit 2: the jobs do not
     * rely on a broker creating topics on first use, which a cluster may not allow and which races the first
     * writes) or is not writable within {@link #KAFKA_CHECK_MS} (exit 1, naming what was wrong).
     */
    static void checkOutputTopics(KafkaConnection conn, String out, String dlq) throws UsageException, JobFailure {
        try {
            KafkaTopics.awaitWritable(conn, List.of(out, dlq), Duration.ofMillis(KAFKA_CHECK_MS), true);
        } catch (KafkaTopics.MissingTopicException e) {
            throw new UsageException("output " + e.getMessage() + " (create " + (e.topics().size() == 1 ? "it" : "them")
                    + " first, e.g. kafka-setup/create-topics.sh)");
        } catch (IllegalStateException e) {
            throw JobFailure.before("cannot write output topics: " + e.getMessage(), e.getCause() == null ? e : e.getCause());
        } catch (KafkaException e) {
            throw new UsageException("bad Kafka client settings: " + e.getMessage());
        }
    }

    /**
     * Gives a file run's cluster, which lives and ends in this JVM, the in-JVM RPC system instead of Pekko's actor
     * systems, unless {@code -Dkeymem.rpc.local=false} ({@code MEMCTL_RPC=pekko}) asks for Pekko.
     */
    static Configuration inJvmRpc(Configuration c) {
        c.set(LocalRpcSystem.ENABLED, !"false".equals(System.getProperty(LocalRpcSystem.PROPERTY)));
        return c;
    }

    /**
     * Turns off Flink's delegation token system for a file run's cluster ({@code security.delegation.tokens.enabled:
     * false}), unless a {@code keymem.flink.} system property sets it. The tokens are credentials for external
     * services (Hadoop file systems, HBase, Kerberos) that a cluster obtains at start and renews; a file run reads a
     * local file and writes local files, so it has none to obtain, but each start still loaded and asked the token
     * providers and receivers (some 10 ms of a 20-line run's CPU, and Flink's Hadoop utility class read from the jar
     * since the class archive cannot hold it). Runs over Kafka keep Flink's default.
     */
    static Configuration noDelegationTokens(Configuration c) {
        if (!c.contains(SecurityOptions.DELEGATION_TOKENS_ENABLED)) {
            c.set(SecurityOptions.DELEGATION_TOKENS_ENABLED, false);
        }
        return c;
    }

    /** System property: {@code false} ends a file run through the JVM's orderly shutdown ({@link #quickExit}). */
    static final String QUICK_EXIT_PROPERTY = "keymem.file-run.quick-exit";

    /**
     * Set on the command's thread when a file run has ended well (outputs written and closed, run directory deleted);
     * {@link Memctl#execute} clears it before and after each command and hands it on in the command's {@link
     * Memctl.Outcome}, so it never outlives the command that set it.
     */
    private static final ThreadLocal<Boolean> FILE_RUN_ENDED = new ThreadLocal<>();

    /**
     * Records that a file run ended well: its outputs (results, dead letters, report) are written, flushed and closed
     * and its run directory is deleted, so what is left of the process is Flink's embedded cluster closing itself
     * (asynchronously, since the job's result arrived) and the JVM's shutdown hooks, which close the same cluster's
     * blob stores and I/O managers and delete their directories, all inside the deleted run directory. Called on the
     * thread that runs the command, as its last step before returning 0.
     */
    static void fileRunEnded() {
        FILE_RUN_ENDED.set(Boolean.TRUE);
    }

    /** Whether {@link #fileRunEnded} was called on this thread since the last call, and forgets it. */
    static boolean takeFileRunEnded() {
        boolean ended = FILE_RUN_ENDED.get() != null;
        FILE_RUN_ENDED.remove();
        return ended;
    }

    /**
     * Whether {@code memctl} may end this JVM at once ({@code Runtime.halt}) with exit code 0 after a command ended
     * with {@code outcome}: only when it returned 0 after a file run ended well ({@link #fileRunEnded}), no signal
     * was received ({@code signalled}: the JVM's shutdown has begun, or a {@link StopOnSignal} handler had one),
     * and not with {@code -D}{@value #QUICK_EXIT_PROPERTY}{@code =false}. The orderly shutdown it skips (the
     * cluster's close, a dozen shutdown-hook threads, the RPC and I/O threads' teardown) cost a 20-record run
     * ~0.02-0.03 CPU s and wrote nothing memctl's own runs leave behind (docs/benchmarks.md, "Start-up, round 12").
     * A failed run, a Kafka run and every other command exit through {@code System.exit} as before. {@code halt}
     * skips Java shutdown hooks and {@code File.deleteOnExit}, so it is not taken where a Flight Recorder recording
     * or a Java agent may need them ({@link #exitHooksWanted()}); the VM's own exit work (class archives, JVMTI
     * agents' end) still happens ({@link Memctl}'s class doc).
     *
     * <p>A SIGTERM or SIGINT that arrives after the command returned but before this check starts the JVM's
     * shutdown: {@code memctl} sees it (the JVM's hooks can no longer be removed: they have been started) and
     * calls {@code System.exit}, which waits for that shutdown, so the JVM ends as on the signal (status
     * 143 / 130, after every hook), as it did before quick exit. One that arrives between this check and {@code halt}
     * (microseconds) is cut short and the exit status is 0; the outputs are complete then.
     */
    static boolean quickExit(Memctl.Outcome outcome, boolean signalled) {
        return quickExit(outcome, signalled, exitHooksWanted());
    }

    /** {@link #quickExit(Memctl.Outcome, boolean)} with {@code hooksWanted} for {@link #exitHooksWanted()} (tests). */
    static boolean quickExit(Memctl.Outcome outcome, boolean signalled, boolean hooksWanted) {
        return outcome.code() == Memctl.EXIT_OK && outcome.fileRunEnded() && !signalled
                && !"false".equals(System.getProperty(QUICK_EXIT_PROPERTY)) && !hooksWanted;
    }

    /**
     * Whether this JVM runs something whose results a Java shutdown hook writes, which {@code Runtime.halt} would
     * lose: a JDK Flight Recorder recording (its file is written and its repository under {@code java.io.tmpdir}
     * deleted by JFR's shutdown hook: a halted run left an empty recording and a {@code /tmp/<date>_<pid>} folder)
     * or a Java agent ({@code -javaagent}, also through {@code JAVA_TOOL_OPTIONS}, e.g. a coverage tool that writes
     * its data on exit). An agent loaded into the running JVM later (the attach API, {@code jcmd JVMTI.agent_load})
     * is not among the options and not seen: run such a session with {@code -Dkeymem.file-run.quick-exit=false}.
     */
    static boolean exitHooksWanted() {
        return exitHooksWanted(ManagementFactory.getRuntimeMXBean().getInputArguments(), flightRecorderStarted());
    }

    /** {@link #exitHooksWanted()} for the JVM's options {@code jvmOptions}; {@code jfr}: a recorder has started. */
    static boolean exitHooksWanted(List<String> jvmOptions, boolean jfr) {
        if (jfr) {
            return true;
        }
        for (String o : jvmOptions) {
            if (o.startsWith("-javaagent:") || o.startsWith("-XX:StartFlightRecording")
                    || o.startsWith("-XX:+FlightRecorder") || o.startsWith("-XX:FlightRecorderOptions")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether JDK Flight Recorder has started in this JVM (also one started later by {@code jcmd JFR.start}); false
     * where the runtime has no {@code jdk.jfr} module.
     */
    private static boolean flightRecorderStarted() {
        try {
            Class<?> recorder = Class.forName("jdk.jfr.FlightRecorder");
            return (Boolean) recorder.getMethod("isInitialized").invoke(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** Flink's network memory of a local cluster ({@code TaskExecutorResourceUtils}), MiB. */
    static final int FLINK_LOCAL_NETWORK_MIB = 64;

    /** Flink's default {@code taskmanager.memory.framework.off-heap.batch-shuffle.size}, MiB. */
    static final int FLINK_BATCH_SHUFFLE_MIB = 64;

    /**
     * The shuffle memory of a file run's cluster, sized by its parallelism: network memory (the buffers of the
     * batch job's blocking exchanges) and the sort-merge shuffle's read buffers, each {@code 2 * parallelism} MiB,
     * at least 4 and at most Flink's own sizes (64 MiB each; so a run at parallelism 32 or more gets what it got
     * before). Flink allocates both pools in full when the cluster starts (direct buffers, zeroed: 128 MiB of
     * memory touched before the first record) and a file run's job uses a few dozen buffers per subtask (at 4 MiB,
     * 128 buffers, parallelism 8 still ran; at 16 it ran out), so what a small run touches at start drops from
     * 128 to 8 MiB. An option set by a {@code keymem.flink.} system property wins. Runs over Kafka (streaming,
     * pipelined exchanges, where buffers in flight carry throughput) keep Flink's sizes.
     */
    static Configuration fileRunShuffleMemory(Configuration c, int parallelism) {
        MemorySize size = MemorySize.ofMebiBytes(Math.max(4, Math.min(FLINK_LOCAL_NETWORK_MIB, 2L * parallelism)));
        if (!c.contains(TaskManagerOptions.NETWORK_MEMORY_MIN) && !c.contains(TaskManagerOptions.NETWORK_MEMORY_MAX)) {
            c.set(TaskManagerOptions.NETWORK_MEMORY_MIN, size);
            c.set(TaskManagerOptions.NETWORK_MEMORY_MAX, size);
        }
        if (!c.contains(TaskManagerOptions.NETWORK_BATCH_SHUFFLE_READ_MEMORY)) {
            c.set(TaskManagerOptions.NETWORK_BATCH_SHUFFLE_READ_MEMORY,
                    MemorySize.ofMebiBytes(Math.min(FLINK_BATCH_SHUFFLE_MIB, size.getMebiBytes())));
        }
        return c;
    }

    /**
     * A local environment (MiniCluster on 127.0.0.1, RocksDB), the run's temporary directory, where its
     * checkpoints go (the run directory, or --checkpoint-dir when durable), what it restores, and the record
     * limits of its options (a file run's reader holds a line up to a bound above {@code maxRecordBytes}:
     * {@link BatchFileRun#lineBound}).
     */
    record LocalRun(StreamExecutionEnvironment env, RunDir runDir, Path checkpoints, boolean durable,
                    String restoredFrom, boolean resumeFromCommitted, RecordLimits limits) implements AutoCloseable {
        @Override
        public void close() {
            runDir.close();
        }
    }

    /** Parallelism of an embedded run where --parallelism is not given and the input's size is unknown. */
    static final int DEFAULT_PARALLELISM = 2;

    /**
     * Input bytes per parallel subtask below which a file run's default parallelism is 1: Flink's adaptive batch
     * scheduler's default data volume per task ({@code execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task}).
     */
    static final long AUTO_PARALLELISM_BYTES = 16L << 20;

    /**
     * The default parallelism of a run over {@code inputBytes} bytes (negative: unknown, e.g. Kafka, standard input,
     * a FIFO): one subtask per {@link #AUTO_PARALLELISM_BYTES} of input, at least 1 and at most
     * {@link #DEFAULT_PARALLELISM}, as Flink's adaptive batch scheduler decides a batch step's parallelism by the data
     * it reads. A small file gains nothing from a second subtask but pays for it: its keyed step's state, miner or
     * event memory, tokenizer and sorter are set up twice and a second slot's tasks are deployed (a 20-line or
     * ~50k-line run took 0.15-0.3 CPU s more at parallelism 2). Outputs do not depend on the parallelism (keys are
     * independent and each key's records keep their order).
     */
    static int defaultParallelism(long inputBytes) {
        if (inputBytes < 0) {
            return DEFAULT_PARALLELISM;
        }
        long subtasks = (inputBytes + AUTO_PARALLELISM_BYTES - 1) / AUTO_PARALLELISM_BYTES;
        return (int) Math.max(1, Math.min(DEFAULT_PARALLELISM, subtasks));
    }

    /**
     * The size of {@code input} where it names a plain file of lines, else -1: where it needs
     * {@link dev.keymem.jobs.kafka.FileLines#needsDecoding} (a FIFO, gzip, whose lines take an unknown multiple of its
     * bytes, a UTF-16/32 byte order mark, classic Mac line ends), and for none, {@code -} and an unreadable path.
     */
    static long regularFileBytes(String input) {
        if (input == null || input.equals("-")) {
            return -1;
        }
        try {
            Path f = Path.of(input);
            return dev.keymem.jobs.kafka.FileLines.needsDecoding(f) ? -1 : Files.size(f);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Parses the environment options (a usage error leaves no directory behind), creates the run's
     * temporary directory and the environment. {@code kafka}: whether the run reads Kafka (--resume and
     * --resume-from need it).
     */
    static LocalRun localRun(CliOptions.Parsed p, String command, boolean kafka) throws UsageException, IOException {
        int parallelism = p.positiveInt("parallelism",
                defaultParallelism(kafka ? -1 : regularFileBytes(p.string("input", null))));
        int checkpointMs = p.positiveInt("checkpoint-ms", kafka ? KAFKA_CHECKPOINT_MS : FILE_CHECKPOINT_MS);
        int restarts = p.nonNegativeInt("restart-attempts", EmbeddedJobs.DEFAULT_RESTART_ATTEMPTS);
        RecordLimits limits = limits(p);
        String chkDir = p.string("checkpoint-dir", null);
        boolean resume = p.flag("resume");
        String from = p.string("resume-from", null);
        if ((resume || from != null) && !kafka) {
            throw new UsageException("--resume and --resume-from need --kafka (a file run starts over)");
        }
        if (resume && from != null) {
            throw new UsageException("give either --resume or --resume-from PATH, not both");
        }
        if (resume && chkDir == null) {
            throw new UsageException("--resume needs --checkpoint-dir DIR (where the checkpoints of the run to resume are)");
        }
        if (from != null && !Files.isRegularFile(Path.of(from).resolve("_metadata"))) {
            throw new UsageException("option --resume-from: " + from + " is not a checkpoint or savepoint directory "
                    + "(no _metadata file)");
        }
        Path chk = null;
        if (chkDir != null) {
            chk = Path.of(chkDir).toAbsolutePath();
            if (Files.exists(chk) && !Files.isDirectory(chk)) {
                throw new UsageException("option --checkpoint-dir: " + chk + " is not a directory");
            }
        }
        String restore = from == null ? null : Path.of(from).toAbsolutePath().toString();
        if (resume) {
            restore = Checkpoints.latest(chk).map(x -> x.toAbsolutePath().toString()).orElse(null);
        }
        RunDir dir = RunDir.create(command);
        try {
            if (chk == null) {
                chk = dir.checkpoints();
            } else {
                Files.createDirectories(chk);
            }
            Configuration c = EmbeddedJobs.config(chk, checkpointMs, parallelism, restarts, dir.io());
            if (!kafka) {
                inJvmRpc(c);
                fileRunShuffleMemory(c, parallelism);
                noDelegationTokens(c);
            }
            if (restore != null) {
                c.setString("execution.state-recovery.path", restore);
            }
            StreamExecutionEnvironment env = !kafka && FileRunCluster.enabled() ? FileRunCluster.environment(c)
                    : StreamExecutionEnvironment.getExecutionEnvironment(c);
            return new LocalRun(env, dir, chk, chkDir != null, restore,
                    resume && restore == null, limits);
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /**
     * Runs a bounded embedded job, handing each output to {@code sink}; deletes the checkpoints after.
     * While it runs, {@code heartbeat} (may be null) is printed to {@code err} every 5 s.
     */
    static void collect(DataStream<JobOutput> outputs, String name, Path checkpoints, Consumer<JobOutput> sink,
                        PrintStream err, java.util.function.Supplier<String> heartbeat) throws Exception {
        collect(outputs, name, sink, err, heartbeat, () -> deleteTree(checkpoints));
    }

    /**
     * Runs a bounded embedded job, handing each output to {@code sink}; runs {@code cleanup} after. A job that
     * fails (after its restarts) is rethrown as a {@link JobFailure}.
     */
    static void collect(DataStream<JobOutput> outputs, String name, Consumer<JobOutput> sink, PrintStream err,
                        java.util.function.Supplier<String> heartbeat, Runnable cleanup) throws Exception {
        Thread beat = heartbeat == null ? null : startHeartbeat(err, heartbeat);
        try {
            EmbeddedJobs.collect(outputs, name, sink);
        } catch (RuntimeException e) {
            if (e instanceof java.io.UncheckedIOException) {
                throw e;
            }
            throw JobFailure.of(e);
        } catch (Exception e) {
            throw JobFailure.of(e);
        } finally {
            if (beat != null) {
                beat.interrupt();
            }
            cleanup.run();
        }
    }

    /**
     * Runs a bounded job whose sinks are inside it (a batch file run, {@link BatchFileRun}) and returns its result;
     * while it runs, {@code heartbeat} is printed to {@code err} every 5 s. A job that fails (after its restarts)
     * is rethrown as a {@link JobFailure}.
     */
    static org.apache.flink.api.common.JobExecutionResult execute(StreamExecutionEnvironment env, String name,
            PrintStream err, java.util.function.Supplier<String> heartbeat) throws Exception {
        return execute(env, name, err, heartbeat, false);
    }

    /**
     * As {@link #execute(StreamExecutionEnvironment, String, PrintStream, java.util.function.Supplier)}; with
     * {@code announce}, also one line {@code [progress] job JOBID running} as soon as the job is submitted.
     */
    static org.apache.flink.api.common.JobExecutionResult execute(StreamExecutionEnvironment env, String name,
            PrintStream err, java.util.function.Supplier<String> heartbeat, boolean announce) throws Exception {
        Thread beat = startHeartbeat(err, heartbeat);
        try {
            if (!announce) {
                return env.execute(name);
            }
            JobClient client = env.executeAsync(name);
            progress(err, "[progress] job " + client.getJobID() + " running");
            return client.getJobExecutionResult().get();
        } catch (Exception e) {
            throw JobFailure.of(e);
        } finally {
            beat.interrupt();
        }
    }

    /** Starts a daemon thread printing {@code heartbeat} to {@code err} every 5 s until it is interrupted. */
    private static Thread startHeartbeat(PrintStream err, java.util.function.Supplier<String> heartbeat) {
        Thread beat = new Thread(() -> {
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
        return beat;
    }

    /**
     * Deletes {@code dir} and everything under it, best effort: files that vanish meanwhile (the embedded
     * cluster may still be discarding checkpoints as it shuts down) are skipped, and the walk is retried a few
     * times while the directory still exists.
     */
    static void deleteTree(Path dir) {
        for (int attempt = 0; attempt < 5 && dir != null && Files.exists(dir); attempt++) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                // something vanished under the walk: walk again
            }
            if (Files.exists(dir)) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * The file of {@code --input}: a regular file, or anything else that can be read to its end (a FIFO,
     * process substitution, {@code /dev/stdin}; {@code -} is standard input). Missing, a directory, not
     * readable, or also named as an output (which would overwrite it before it is read): a usage error (exit 2);
     * so is an output that cannot be written ({@link #unwritable}), checked here, before the job starts.
     */
    static Path input(CliOptions.Parsed p) throws UsageException {
        String name = p.required("input");
        Path in = Path.of(name.equals("-") ? "/dev/stdin" : name);
        if (!Files.exists(in)) {
            throw new UsageException("input file " + in + " not found");
        }
        if (Files.isDirectory(in)) {
            throw new UsageException("input " + in + " is a directory, not a file");
        }
        if (!Files.isReadable(in)) {
            throw new UsageException("input file " + in + " cannot be read (permissions)");
        }
        for (String out : List.of("output", "dead-letters", "report")) {
            String o = p.string(out, null);
            if (o != null && sameFile(in, Path.of(o))) {
                throw new UsageException("option --" + out + " " + o + " is the input file: it would be overwritten");
            }
            String why = o == null ? null : unwritable(o);
            if (why != null) {
                throw new UsageException("option --" + out + " " + o + ": " + why);
            }
        }
        return in;
    }

    /**
     * Why the output file {@code name} cannot be written, or null where it can (as far as can be told before
     * writing: a full disk shows when written, exit 1): a directory; an existing file that is not writable; a new
     * file whose nearest existing ancestor directory is not writable (the missing directories between are created,
     * as the outputs always were) or is a file.
     */
    static String unwritable(String name) {
        Path f;
        try {
            f = Path.of(name).toAbsolutePath();
        } catch (java.nio.file.InvalidPathException e) {
            return "not a valid path (" + e.getReason() + ")";
        }
        if (Files.isDirectory(f)) {
            return "is a directory, not a file";
        }
        if (Files.exists(f)) {
            return Files.isWritable(f) ? null : "cannot be written (permissions)";
        }
        Path dir = f.getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            return "cannot be created: " + dir + " is a file, not a directory";
        }
        return Files.isWritable(dir) ? null : "cannot be created in " + dir + " (permissions)";
    }

    /**
     * {@code input} as a plain file of {@code \n} lines for a job that reads the file itself (Flink's file
     * source): the file itself when it is one, else (a FIFO or standard input, compressed, UTF-16/32, classic
     * Mac line ends, a name Flink's file source decompresses by) its lines as {@link dev.keymem.jobs.kafka.FileLines}
     * cuts them, written to a file in {@code dir} named as the input without its run of compression suffixes
     * ({@code app.log.gz.gz}: {@code app.log}), with {@code .txt} added where Flink's file source would still take
     * the name for compressed data ({@code x.tgz}, {@code bz2.bz2}: it goes by the name's end alone) and would
     * decompress the plain copy again. An input FileLines refuses (xz, a file not what its name says, a truncated
     * or damaged compressed file) is a usage error naming the problem.
     */
    static Path plainInput(Path input, Path dir) throws IOException, UsageException {
        return plain(input, dir).file();
    }

    /**
     * A file run's input as a plain file ({@code file}, see {@link #plainInput}) and, where the plain copy was
     * written, its number of lines as {@code BatchFileRun.countLines} counts them, counted while writing it
     * ({@code lines}; -1 where {@code file} is the input itself, not read here).
     */
    record PlainInput(Path file, long lines) {
    }

    /** {@link #plainInput}, with the copy's line count (the copy is not read again to count it). */
    static PlainInput plain(Path input, Path dir) throws IOException, UsageException {
        if (!dev.keymem.jobs.kafka.FileLines.needsDecoding(input)) {
            return new PlainInput(input, -1);
        }
        String name = String.valueOf(input.getFileName()).replaceAll("(?i)(\\.(gz|gzip|deflate|bz2|xz))+$", "");
        name = name.isEmpty() ? "input" : name;
        if (dev.keymem.jobs.kafka.FileLines.decompressedByFlink(name)) {
            name += ".txt";
        }
        Path out = Files.createDirectories(dir.resolve("input")).resolve(name);
        long lines;
        try (java.io.OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            lines = dev.keymem.jobs.kafka.FileLines.writePlain(input, o); // streamed: any size
        } catch (dev.keymem.jobs.kafka.FileLines.RefusedInputException e) { // bad input: refused (exit 2)
            throw new UsageException("input " + input + ": " + e.getMessage());
        }
        return new PlainInput(out, lines);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** Progress on stderr: one line, rewritten in place when stderr is a terminal. */
    static void progress(PrintStream err, String line) {
        err.println(line);
        err.flush();
    }
}
