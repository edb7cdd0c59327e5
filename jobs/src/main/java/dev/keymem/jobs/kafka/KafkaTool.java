package dev.keymem.jobs.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A small Kafka command line for {@code kafka-setup/} (no Kafka distribution needed):
 * <pre>
 * KafkaTool create-topics [--partitions N] TOPIC...
 * KafkaTool produce --topic T --file F [--key none|service|json:FIELD]
 * KafkaTool consume --topic T [--max N] [--uncommitted]
 * </pre>
 * Common options: {@code --bootstrap host:port} (default 127.0.0.1:9092), {@code --property name=value}
 * (repeatable) and {@code --client-config FILE} (a properties file): client properties passed to Kafka
 * unchanged, e.g. security.protocol, sasl.*, ssl.*. {@code create-topics} returns once every partition's
 * leader answers for it ({@link KafkaTopics#awaitWritable}). {@code produce} sends one record per non-empty line;
 * the key is none, the service name of a log line ({@code ... service[pid]: ...}), or a JSON field.
 * {@code consume} prints {@code partition@offset key<TAB>value} lines from the beginning, read_committed
 * unless {@code --uncommitted}.
 */
public final class KafkaTool {
    private static final Pattern SERVICE = Pattern.compile("\\s([\\w.-]+)\\[\\d+\\]:");

    private KafkaTool() {
    }

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            throw usage("missing command");
        }
        String cmd = args[0];
        String bootstrap = "127.0.0.1:9092";
        Map<String, String> props = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--uncommitted")) {
                opts.put(a, "true");
                continue;
            }
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            if (i + 1 >= args.length) {
                throw usage("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--bootstrap": bootstrap = v; break;
                case "--property": {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw usage("--property needs name=value, got '" + v + "'");
                    }
                    props.put(v.substring(0, eq), v.substring(eq + 1));
                    break;
                }
                case "--client-config": {
                    Properties p = new Properties();
                    try (InputStream in = Files.newInputStream(Path.of(v))) {
                        p.load(in);
                    }
                    p.stringPropertyNames().forEach(n -> props.put(n, p.getProperty(n)));
                    break;
                }
                default: opts.put(a, v);
            }
        }
        KafkaConnection conn = KafkaConnection.of(bootstrap, props);
        switch (cmd) {
            case "create-topics": {
                int partitions = Integer.parseInt(opts.getOrDefault("--partitions", "1"));
                if (positional.isEmpty()) {
                    throw usage("create-topics needs topic names");
                }
                List<String> created = EmbeddedKafka.createTopics(conn.bootstrapServers(), conn.clientProperties(), partitions, positional);
                for (String t : positional) {
                    System.out.println((created.contains(t) ? "created " : "exists  ") + t);
                }
                break;
            }
            case "produce": {
                String topic = required(opts, "--topic");
                Path file = Path.of(required(opts, "--file"));
                String keyMode = opts.getOrDefault("--key", "none");
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                ObjectMapper json = new ObjectMapper();
                int n = 0;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    String key = key(keyMode, line, json, file, n);
                    records.add(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                            line.getBytes(StandardCharsets.UTF_8)));
                }
                KafkaTopics.produce(conn, records);
                System.out.println("produced " + records.size() + " records from " + file + " to " + topic);
                break;
            }
            case "consume": {
                String topic = required(opts, "--topic");
                int max = Integer.parseInt(opts.getOrDefault("--max", "20"));
                List<ConsumerRecord<byte[], byte[]>> all = KafkaTopics.readToEnd(conn, topic, !opts.containsKey("--uncommitted"),
                        Duration.ofSeconds(60));
                for (int i = 0; i < Math.min(max, all.size()); i++) {
                    ConsumerRecord<byte[], byte[]> r = all.get(i);
                    System.out.println(r.partition() + "@" + r.offset() + " "
                            + (r.key() == null ? "-" : new String(r.key(), StandardCharsets.UTF_8)) + "\t"
                            + (r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8)));
                }
                System.out.println("(" + all.size() + " records in " + topic + ", showed " + Math.min(max, all.size()) + ")");
                break;
            }
            default: throw usage("unknown command '" + cmd + "'");
        }
    }

    private static String key(String mode, String line, ObjectMapper json, Path file, int n) throws IOException {
        if (mode.equals("none")) {
            return null;
        }
        if (mode.equals("service")) {
            Matcher m = SERVICE.matcher(line);
            return m.find() ? m.group(1) : null;
        }
        if (mode.startsWith("json:")) {
            JsonNode node = json.readTree(line);
            JsonNode v = node == null ? null : node.get(mode.substring(5));
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException(file + " line " + n + " has no field '" + mode.substring(5) + "'");
            }
            return v.asText();
        }
        throw usage("--key must be none, service or json:FIELD, got '" + mode + "'");
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw usage("missing " + name);
        }
        return v;
    }

    private static IllegalArgumentException usage(String msg) {
        return new IllegalArgumentException(msg + "\nusage: KafkaTool create-topics [--partitions N] TOPIC... | "
                + "produce --topic T --file F [--key none|service|json:FIELD] | consume --topic T [--max N] [--uncommitted]"
                + "  (common: --bootstrap host:port --property k=v --client-config FILE)");
    }
}
