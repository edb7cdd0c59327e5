package dev.keymem.jobs.kafka;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where a Kafka cluster is and how to talk to it: bootstrap servers plus client properties passed to
 * every consumer, producer and admin client unchanged (security.protocol, sasl.mechanism,
 * sasl.jaas.config, ssl.truststore.location, ...).
 *
 * <p>Built from job options with {@link #fromOptions(Map)}: every option named {@code kafka.<name>} becomes
 * the client property {@code <name>}, and {@code kafka.bootstrap.servers} is required. Values are never
 * rewritten or logged by this class ({@link #toString()} shows property names only, since
 * {@code sasl.jaas.config} holds a password).
 */
public final class KafkaConnection implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The option prefix whose options are passed to Kafka clients unchanged. */
    public static final String OPTION_PREFIX = "kafka.";

    private final String bootstrapServers;
    private final TreeMap<String, String> clientProperties;

    private KafkaConnection(String bootstrapServers, Map<String, String> clientProperties) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must be given (option '" + OPTION_PREFIX
                    + "bootstrap.servers'), got " + (bootstrapServers == null ? "none" : "'" + bootstrapServers + "'"));
        }
        this.bootstrapServers = bootstrapServers.trim();
        this.clientProperties = new TreeMap<>(clientProperties);
        this.clientProperties.remove("bootstrap.servers");
    }

    /** A connection to {@code bootstrapServers} with no further client properties. */
    public static KafkaConnection of(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /** A connection with extra client properties (e.g. SASL/TLS), passed on unchanged. */
    public static KafkaConnection of(String bootstrapServers, Map<String, String> clientProperties) {
        return new KafkaConnection(bootstrapServers, Objects.requireNonNull(clientProperties, "clientProperties"));
    }

    /**
     * Reads {@code kafka.*} options: {@code kafka.bootstrap.servers} is required, every other
     * {@code kafka.<name>} becomes client property {@code <name>}. Other options are ignored.
     */
    public static KafkaConnection fromOptions(Map<String, String> options) {
        Objects.requireNonNull(options, "options");
        Map<String, String> client = new TreeMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (e.getKey().startsWith(OPTION_PREFIX) && e.getKey().length() > OPTION_PREFIX.length()) {
                client.put(e.getKey().substring(OPTION_PREFIX.length()), e.getValue());
            }
        }
        return new KafkaConnection(client.get("bootstrap.servers"), client);
    }

    /** The bootstrap servers, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client properties without bootstrap.servers (a fresh copy). */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        return p;
    }

    /** The client properties plus {@code bootstrap.servers} (a fresh copy), for plain Kafka clients. */
    public Properties allProperties() {
        Properties p = clientProperties();
        p.setProperty("bootstrap.servers", bootstrapServers);
        return p;
    }

    /** A client property's value, or null. */
    public String property(String name) {
        return clientProperties.get(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaConnection && ((KafkaConnection) o).bootstrapServers.equals(bootstrapServers)
                && ((KafkaConnection) o).clientProperties.equals(clientProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bootstrapServers, clientProperties);
    }

    @Override
    public String toString() {
        return "KafkaConnection{" + bootstrapServers + ", properties=" + clientProperties.keySet() + "}";
    }
}
