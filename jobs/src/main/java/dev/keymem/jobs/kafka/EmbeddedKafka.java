package dev.keymem.jobs.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka (KRaft, broker and controller in one process) running inside this JVM.
 *
 * <p>Used by the integration tests and by {@code kafka-setup/} (through {@link LocalKafka}). It binds
 * to {@code 127.0.0.1} only, on free ports unless ports are given, and stores its log in a temporary
 * directory (deleted on {@link #close()}) unless a directory is given (kept, so a restart finds its
 * topics again). Internal topics are configured for one node (replication factor 1) and the broker's
 * {@code transaction.max.timeout.ms} keeps Kafka's default of 15 minutes, so exactly-once sinks must
 * use a {@code transaction.timeout.ms} of at most that.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
 *     kafka.createTopics(1, "in", "out");
 *     String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:<port>"
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The broker's default (and here unchanged) maximum transaction timeout: 15 minutes. */
    public static final Duration BROKER_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private final String host;
    private final int port;
    private final int controllerPort;
    private final Path logDir;
    private final boolean deleteLogDir;
    private final KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Builder b) {
        this.host = b.host;
        this.port = b.port > 0 ? b.port : freePort(b.host);
        this.controllerPort = b.controllerPort > 0 ? b.controllerPort : freePort(b.host);
        if (port == controllerPort) {
            throw new IllegalArgumentException("broker port and controller port must differ, both are " + port);
        }
        try {
            this.deleteLogDir = b.logDir == null;
            this.logDir = b.logDir != null ? Files.createDirectories(b.logDir) : Files.createTempDirectory("keymem-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka log directory " + b.logDir, e);
        }
        Properties props = brokerProperties(b.extra);
        format(props, b.features);
        this.server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            server.startup();
            awaitReady(b.startTimeout);
        } catch (RuntimeException e) {
            shutdownQuietly();
            throw new IllegalStateException("the embedded Kafka broker on " + bootstrapServers() + " did not start: " + e, e);
        }
    }

    /** A builder with defaults: 127.0.0.1, free ports, a temporary log directory. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code host:port} of the broker's PLAINTEXT listener. */
    public String bootstrapServers() {
        return host + ":" + port;
    }

    /** The broker's port. */
    public int port() {
        return port;
    }

    /** The controller listener's port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The log directory (a temporary one unless the builder was given one). */
    public Path logDir() {
        return logDir;
    }

    /** Client properties that reach this broker: only {@code bootstrap.servers}. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /**
     * Creates each topic with the given number of partitions (replication factor 1). Topics that exist
     * already are left as they are.
     */
    public void createTopics(int partitions, String... topics) {
        createTopics(bootstrapServers(), new Properties(), partitions, List.of(topics));
    }

    /** How long {@link #createTopics(String, Properties, int, List)} waits for the topics to be writable. */
    static final Duration TOPICS_READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Creates topics on any cluster, with client properties passed through unchanged (e.g. SASL/TLS).
     * Replication factor: the broker default. Existing topics are left as they are. Returns once every
     * topic is writable ({@link KafkaTopics#awaitWritable}: each partition's leader has applied it), so a
     * producer may start at once.
     *
     * @return the topics that were newly created
     */
    public static List<String> createTopics(String bootstrapServers, Properties clientProps, int partitions,
                                            List<String> topics) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        Properties p = new Properties();
        p.putAll(clientProps);
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        List<String> created = new ArrayList<>();
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> fresh = new ArrayList<>();
            for (String t : topics) {
                if (!existing.contains(t)) {
                    fresh.add(new NewTopic(t, java.util.Optional.of(partitions), java.util.Optional.empty()));
                }
            }
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e :
                    admin.createTopics(fresh).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                    created.add(e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic '" + e.getKey() + "' on "
                                + bootstrapServers + ": " + ex.getCause(), ex.getCause());
                    }
                }
            }
            // Created means committed by the controller, not yet applied by the partitions' leaders: wait until
            // they answer for every partition, so a producer starting now cannot race the creation.
            KafkaTopics.awaitWritable(admin, bootstrapServers, topics, TOPICS_READY_TIMEOUT, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + topics, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot list topics on " + bootstrapServers + ": " + e, e);
        }
        return created;
    }

    /** Stops the broker and waits for it; deletes the log directory if it was a temporary one. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdownQuietly();
        if (deleteLogDir) {
            deleteRecursively(logDir);
        }
    }

    private void shutdownQuietly() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException ignored) {
            // best effort: the broker may have failed half-way through its start
        }
    }

    private Properties brokerProperties(Map<String, String> extra) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toAbsolutePath().toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.putAll(extra);
        return p;
    }

    private void format(Properties props, Map<String, Integer> features) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return; // formatted by an earlier run: keep its cluster id, topics and records
        }
        Path cfg = logDir.resolve("..").normalize().resolve(logDir.getFileName() + ".server.properties");
        try {
            try (OutputStream out = Files.newOutputStream(cfg)) {
                props.store(out, "keymem embedded Kafka");
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int rc;
            try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
                List<String> args = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(),
                        "-c", cfg.toString()));
                features.forEach((name, level) -> args.addAll(List.of("--feature", name + "=" + level)));
                rc = StorageTool.execute(args.toArray(new String[0]), ps);
            }
            if (rc != 0) {
                throw new IllegalStateException("formatting the Kafka log directory " + logDir + " failed (exit " + rc
                        + "): " + buf.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker configuration " + cfg, e);
        } finally {
            try {
                Files.deleteIfExists(cfg);
            } catch (IOException ignored) {
                // a leftover properties file is harmless
            }
        }
    }

    private void awaitReady(Duration timeout) {
        Properties p = clientProperties();
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("broker not ready after " + timeout + ": " + e, e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("broker has no live nodes after " + timeout);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.deleteIfExists(q);
                } catch (IOException ignored) {
                    // leave what cannot be deleted
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Settings for {@link EmbeddedKafka}; every setting has a default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int controllerPort;
        private Path logDir;
        private Duration startTimeout = Duration.ofSeconds(60);
        private final Map<String, String> extra = new LinkedHashMap<>();
        private final Map<String, Integer> features = new LinkedHashMap<>();

        private Builder() {
        }

        /** Address to bind and advertise (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Broker port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort("port", port);
            return this;
        }

        /** Controller port; 0 (default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort("controllerPort", port);
            return this;
        }

        /** A log directory kept after close (default: a temporary one, deleted on close). */
        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        /** How long to wait for the broker to answer (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Any broker property, overriding the defaults. */
        public Builder brokerProperty(String key, String value) {
            extra.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * A feature level the log directory is formatted with (default: the release's), e.g.
         * {@code transaction.version} 1 for a broker whose transactions behave like a Kafka 3.x one's.
         * Applies only when the directory is formatted (a new one).
         */
        public Builder feature(String name, int level) {
            features.put(Objects.requireNonNull(name, "name"), level);
            return this;
        }

        /** Formats storage (if needed) and starts the broker; returns once it answers. */
        public EmbeddedKafka start() {
            return new EmbeddedKafka(this);
        }

        private static int checkPort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be in [0, 65535], got " + port);
            }
            return port;
        }
    }
}
