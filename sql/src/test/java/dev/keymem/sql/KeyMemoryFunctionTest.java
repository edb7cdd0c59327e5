package dev.keymem.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PTF in SQL on a MiniCluster (RocksDB, checkpoints): the example over the bundled user events gives
 * exactly what {@link KeyMemory} run directly per user gives, never another user's item, and finds
 * the expected facts; edge cases (embeddings, read, errors, top_k, an empty memory) through SQL.
 */
class KeyMemoryFunctionTest {
    static final Path SAMPLE = Path.of("..", "samples", "events", "users.jsonl");

    /** A store in a HashMap, for the direct reference run. */
    static final class MapStore implements KeyMemory.Store {
        final Map<Long, KeyMemory.Item> items = new HashMap<>();

        @Override
        public KeyMemory.Item get(long position) {
            return items.get(position);
        }

        @Override
        public void put(long position, KeyMemory.Item item) {
            items.put(position, item);
        }

        @Override
        public void remove(long position) {
            items.remove(position);
        }
    }

    @Test
    void exampleEqualsTheDirectRunAndKeepsUsersApart(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isRegularFile(SAMPLE), "sample " + SAMPLE + " missing");
        List<SqlExample.Event> events = SqlExample.readEvents(SAMPLE);
        Map<String, List<List<Row>>> answers = SqlExample.answersByUser(SqlExample.run(events, tmp));

        // The reference: each user's events through KeyMemory directly, in order.
        KeyMemory m = KeyMemory.defaults();
        Map<String, float[]> states = new LinkedHashMap<>();
        Map<String, Long> writes = new HashMap<>();
        Map<String, MapStore> stores = new HashMap<>();
        Map<String, Set<String>> written = new HashMap<>();
        Map<String, List<List<KeyMemory.Hit>>> expected = new LinkedHashMap<>();
        int queries = 0;
        for (SqlExample.Event e : events) {
            float[] s = states.computeIfAbsent(e.user(), u -> m.newState());
            MapStore store = stores.computeIfAbsent(e.user(), u -> new MapStore());
            long w = writes.getOrDefault(e.user(), 0L);
            float[] unit = m.embed(e.text(), null);
            if (e.op().equals("write")) {
                m.write(s, w, e.text(), unit, store);
                writes.put(e.user(), w + 1);
                written.computeIfAbsent(e.user(), u -> new HashSet<>()).add(e.text());
            } else {
                queries++;
                expected.computeIfAbsent(e.user(), u -> new ArrayList<>()).add(m.query(s, w, unit, 3, store));
            }
        }
        assertEquals(queries, answers.values().stream().mapToInt(List::size).sum(), "one answer per query");
        for (Map.Entry<String, List<List<KeyMemory.Hit>>> e : expected.entrySet()) {
            List<List<Row>> got = answers.get(e.getKey());
            assertEquals(e.getValue().size(), got.size(), e.getKey());
            for (int i = 0; i < got.size(); i++) {
                List<KeyMemory.Hit> want = e.getValue().get(i);
                List<Row> have = got.get(i);
                if (want.isEmpty()) {
                    assertEquals(1, have.size());
                    assertEquals(0, have.get(0).<Integer>getFieldAs("item_rank"));
                    continue;
                }
                assertEquals(want.size(), have.size(), e.getKey() + " answer " + i);
                for (int j = 0; j < want.size(); j++) {
                    Row r = have.get(j);
                    assertEquals(want.get(j).rank(), r.<Integer>getFieldAs("item_rank"));
                    assertEquals(want.get(j).text(), r.getFieldAs("item"));
                    assertEquals(want.get(j).score(), r.<Double>getFieldAs("score"), 0.0, "bit for bit");
                    assertTrue(written.get(e.getKey()).contains(r.<String>getFieldAs("item")),
                            "an answer holds only the user's own items");
                }
            }
        }
        int found = SqlExample.found(events, answers);
        System.out.printf("KeyMemoryFunctionTest: %d queries, expected fact in the top 3 for %d%n", queries, found);
        assertTrue(found > queries / 2, found + " of " + queries);
    }

    /** {@code sql/example.sh} as a user runs it (on this test's classpath), its output checked line by line. */
    @Test
    void exampleScriptPrintsAnswersAndTheCount() throws Exception {
        assumeTrue(Files.isRegularFile(SAMPLE), "sample " + SAMPLE + " missing");
        Path script = Path.of("example.sh").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("KEYMEM_CLASSPATH", System.getProperty("java.class.path"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "example.sh did not end");
        assertEquals(0, p.exitValue(), "example.sh failed:\n" + out);
        List<String> lines = out.lines().toList();
        List<SqlExample.Event> events = SqlExample.readEvents(SAMPLE);
        long queries = events.stream().filter(e -> e.op().equals("query")).count();
        // Every line but the last is an answer row: user | query | rank | item | score.
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("u\\d{4} \\| [^|]+ \\| [0-3] \\| .+ \\| (-|-?\\d+\\.\\d{4})");
        for (String l : lines.subList(0, lines.size() - 1)) {
            assertTrue(row.matcher(l).matches(), "not an answer row: " + l);
        }
        assertTrue(lines.size() - 1 >= queries && lines.size() - 1 <= 3 * queries, lines.size() + " lines");
        assertTrue(out.contains("u0002 | Which city do I live in? | 1 | "), out.substring(0, Math.min(500, out.length())));
        java.util.regex.Matcher last = java.util.regex.Pattern.compile(
                "queries: (\\d+), answered: (\\d+), expected fact in the top 3: (\\d+)").matcher(lines.get(lines.size() - 1));
        assertTrue(last.matches(), lines.get(lines.size() - 1));
        assertEquals(queries, Long.parseLong(last.group(1)));
        assertEquals(queries, Long.parseLong(last.group(2)), "every query answered");
        assertTrue(Long.parseLong(last.group(3)) > queries / 2, "expected facts found: " + last.group(3));
        try (var s = Files.list(Path.of("target", "tmp"))) {
            assertEquals(List.of(), s.filter(f -> f.getFileName().toString().startsWith("example-")).toList(),
                    "example.sh leaves its temporary files behind");
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing there
        }
    }

    @Test
    void embeddingsReadsErrorsAndEmptyMemoriesThroughSql(@TempDir Path tmp) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(SqlExample.config(tmp));
        env.setParallelism(1);
        StreamTableEnvironment t = StreamTableEnvironment.create(env);
        t.createTemporarySystemFunction("KEY_MEMORY", new KeyMemoryFunction(new KeyMemory(4, 0.5f, 0.99f, 2)));
        t.executeSql("CREATE TEMPORARY VIEW ev AS SELECT * FROM (VALUES "
                + "('a', 'query', 'anything', CAST(NULL AS ARRAY<FLOAT>)), "
                + "('a', 'write', 'first', ARRAY[CAST(1 AS FLOAT), 0, 0, 0]), "
                + "('b', 'write', 'other user', ARRAY[CAST(0 AS FLOAT), 1, 0, 0]), "
                + "('a', 'write', 'second', ARRAY[CAST(0 AS FLOAT), 0, 1, 0]), "
                + "('a', 'write', 'third', ARRAY[CAST(0 AS FLOAT), 0, 0, 1]), "
                + "('a', 'query', 'q', ARRAY[CAST(0 AS FLOAT), 0, 1, 0]), "
                + "('a', 'read', 'r', ARRAY[CAST(0 AS FLOAT), 0, 1, 0]), "
                + "('a', 'forget', 'x', CAST(NULL AS ARRAY<FLOAT>)), "
                + "('a', 'write', 'short', ARRAY[CAST(1 AS FLOAT)]), "
                + "('a', 'write', CAST(NULL AS STRING), CAST(NULL AS ARRAY<FLOAT>))"
                + ") AS v(k, op, text, embedding)");
        TableResult r = t.executeSql("SELECT k, op, item_rank, item_position, item, vector FROM "
                + "KEY_MEMORY(input => TABLE ev PARTITION BY k, top_k => 5, uid => 'm')");
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = r.collect()) {
            it.forEachRemaining(rows::add);
        }
        List<String> a = new ArrayList<>();
        for (Row row : rows) {
            if (row.getField("k").equals("a")) {
                a.add(row.getField("op") + "/" + row.getField("item_rank") + "/" + row.getField("item_position") + "/"
                        + row.getField("item"));
            }
        }
        assertEquals(List.of(
                "query/0/null/null", // nothing stored yet
                "write/null/0/first", "write/null/1/second", "write/null/2/third",
                // capacity 2: 'first' is gone; the matching item first
                "query/1/1/second", "query/2/2/third",
                "read/null/null/null",
                "error/null/null/unknown op 'forget' (expected write, query or read)",
                "error/null/null/embedding has 1 values, expected 4",
                "error/null/null/row has neither text nor embedding"), a);
        Row read = rows.stream().filter(x -> "read".equals(x.getField("op"))).findFirst().orElseThrow();
        Float[] v = (Float[]) read.getField("vector");
        assertEquals(4, v.length);
        assertTrue(v[2] > 0.3f && Math.abs(v[1]) < 1e-6, java.util.Arrays.toString(v));
        // The read is S^T q of a's memory after its three writes, as KeyMemory computes it directly.
        KeyMemory ref = new KeyMemory(4, 0.5f, 0.99f, 2);
        float[] s = ref.newState();
        MapStore store = new MapStore();
        ref.write(s, 0, "first", ref.embed("first", new float[] {1, 0, 0, 0}), store);
        ref.write(s, 1, "second", ref.embed("second", new float[] {0, 0, 1, 0}), store);
        ref.write(s, 2, "third", ref.embed("third", new float[] {0, 0, 0, 1}), store);
        float[] want = ref.read(s, ref.embed("r", new float[] {0, 0, 1, 0}));
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], v[i], 0.0f, "read vector [" + i + "], bit for bit");
        }
        assertEquals(1, rows.stream().filter(x -> x.getField("k").equals("b")).count(), "b: its write only");
    }
}
