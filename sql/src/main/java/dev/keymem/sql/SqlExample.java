package dev.keymem.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * The SQL example on an embedded MiniCluster (127.0.0.1, RocksDB state, checkpoints): user events
 * (the bundled {@code samples/events/users.jsonl}, or a file given as the first argument) become a
 * table {@code events(user_id, op, text)} (queries: op 'query', other events: op 'write'), and
 *
 * <pre>{@code
 * SELECT user_id, query, item_rank, item, score
 * FROM KEY_MEMORY(input => TABLE events PARTITION BY user_id, top_k => 3, uid => 'user-memory')
 * WHERE op = 'query'
 * }</pre>
 *
 * prints each query's best three items of that user's memory, then how many queries found the fact the
 * sample expects (its {@code expect} field) among them. Run with {@code sql/example.sh}.
 */
public final class SqlExample {
    public static final String QUERY = "SELECT user_id, query, item_rank, item, score "
            + "FROM KEY_MEMORY(input => TABLE events PARTITION BY user_id, top_k => 3, uid => 'user-memory') "
            + "WHERE op = 'query'";

    private SqlExample() {
    }

    /** One input row: user, op, text, and the fact a query expects (null for writes). */
    public record Event(String user, String op, String text, String expect) {
    }

    public static List<Event> readEvents(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Event> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = json.readTree(line);
            boolean query = n.path("query").asBoolean(false) || "query".equals(n.path("type").asText());
            out.add(new Event(n.path("user").asText(), query ? "query" : "write", n.path("text").asText(null),
                    query ? n.path("expect").asText(null) : null));
        }
        return out;
    }

    /**
     * The configuration of the embedded run: loopback only, RocksDB, checkpoints every second under
     * {@code checkpoints}, and Flink's temporary files (RocksDB's working directories, the REST
     * endpoint's upload directory) there too, not in the system's temporary directory.
     */
    public static Configuration config(Path checkpoints) {
        Configuration c = new Configuration();
        c.setString("io.tmp.dirs", checkpoints.resolve("io-tmp").toString());
        c.setString("web.tmpdir", checkpoints.resolve("web-tmp").toString());
        for (String k : new String[] {"rest.bind-address", "rest.address", "jobmanager.bind-host",
                "taskmanager.bind-host", "taskmanager.host", "jobmanager.rpc.address"}) {
            c.setString(k, "127.0.0.1");
        }
        c.setString("state.backend.type", "rocksdb");
        c.setString("execution.checkpointing.interval", "1 s");
        c.setString("execution.checkpointing.dir", checkpoints.toUri().toString());
        c.setString("parallelism.default", "2");
        c.setString("taskmanager.numberOfTaskSlots", "2");
        return c;
    }

    /** Runs the query over {@code events}; returns the output rows in arrival order. */
    public static List<Row> run(List<Event> events, Path checkpoints) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config(checkpoints));
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        List<Row> rows = new ArrayList<>();
        for (Event e : events) {
            rows.add(Row.of(e.user(), e.op(), e.text()));
        }
        TypeInformation<Row> type = new RowTypeInfo(new TypeInformation<?>[] {Types.STRING, Types.STRING, Types.STRING},
                new String[] {"user_id", "op", "text"});
        Table table = tEnv.fromDataStream(env.fromData(rows, type).setParallelism(1).name("events"));
        tEnv.createTemporaryView("events", table);
        tEnv.createTemporarySystemFunction("KEY_MEMORY", KeyMemoryFunction.class);
        TableResult result = tEnv.executeSql(QUERY);
        List<Row> out = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Each user's answers in order: one list of rows per query (rows of one query are consecutive, rank 1 first). */
    public static Map<String, List<List<Row>>> answersByUser(List<Row> rows) {
        Map<String, List<List<Row>>> out = new LinkedHashMap<>();
        for (Row r : rows) {
            List<List<Row>> answers = out.computeIfAbsent(r.<String>getFieldAs("user_id"), u -> new ArrayList<>());
            int rank = r.<Integer>getFieldAs("item_rank");
            if (rank <= 1) {
                answers.add(new ArrayList<>());
            }
            answers.get(answers.size() - 1).add(r);
        }
        return out;
    }

    /** How many queries have their expected fact in one of their items. */
    public static int found(List<Event> events, Map<String, List<List<Row>>> answers) {
        Map<String, Integer> next = new LinkedHashMap<>();
        int found = 0;
        for (Event e : events) {
            if (!e.op().equals("query")) {
                continue;
            }
            int i = next.merge(e.user(), 1, Integer::sum) - 1;
            List<Row> a = answers.getOrDefault(e.user(), List.of()).size() > i ? answers.get(e.user()).get(i) : List.of();
            if (e.expect() != null && a.stream().anyMatch(r -> r.getField("item") != null
                    && r.<String>getFieldAs("item").contains(e.expect()))) {
                found++;
            }
        }
        return found;
    }

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args.length > 0 ? args[0] : "samples/events/users.jsonl");
        PrintStream out = System.out;
        if (!Files.isRegularFile(input)) {
            System.err.println("sql example: input file " + input + " not found");
            throw new IllegalArgumentException("input file " + input + " not found");
        }
        List<Event> events = readEvents(input);
        Path chk = Files.createTempDirectory("keymem-sql-chk");
        List<Row> rows;
        try {
            System.err.printf(Locale.ROOT, "sql example: %d events from %s%n%s%n", events.size(), input, QUERY);
            rows = run(events, chk);
        } finally {
            // Flink's own delete: safe against the mini cluster still removing its io-tmp folders at the same time
            // (a plain Files.walk failed on a shuffle folder that vanished mid-walk)
            org.apache.flink.util.FileUtils.deleteDirectory(chk.toFile());
        }
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%s | %s | %d | %s | %s%n", r.getField("user_id"), r.getField("query"),
                    r.<Integer>getFieldAs("item_rank"), r.getField("item"),
                    r.getField("score") == null ? "-" : String.format(Locale.ROOT, "%.4f", r.<Double>getFieldAs("score")));
        }
        long queries = events.stream().filter(e -> e.op().equals("query")).count();
        out.printf(Locale.ROOT, "queries: %d, answered: %d, expected fact in the top 3: %d%n", queries,
                answersByUser(rows).values().stream().mapToInt(List::size).sum(), found(events, answersByUser(rows)));
    }
}
