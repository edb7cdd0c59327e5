package dev.keymem.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.jobs.context.ContextEvent;
import dev.keymem.jobs.context.ContextEventParser;
import dev.keymem.jobs.context.ContextFrontEnd;
import dev.keymem.jobs.context.ContextOptions;
import dev.keymem.jobs.context.UserContextJob;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.models.events.Bm25;
import dev.keymem.models.events.EventHit;
import dev.keymem.models.events.EventMemory;
import dev.keymem.models.events.EventSettings;
import dev.keymem.models.events.EventState;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.MemoryRecord;
import dev.keymem.state.EventStatePiece;
import dev.keymem.state.StateFrame;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The evaluation behind {@code memctl eval context}: generated conversations ({@link ConversationGenerator})
 * at several history lengths plus facts-then-filler streams, all users interleaved in one stream; the user
 * context job (embedded MiniCluster, RocksDB, checkpoints, the job's defaults except 10 events per answer)
 * answers every question; plain BM25 over each user's whole history (lower case words, no stemming, no
 * stop words) is the baseline. Prints recall@1/5/10 per group, state bytes, events/s and query latency, and
 * an ablation of the memory's parts (the same memory run in-process on the heap, which must give the job's
 * answers).
 */
public final class ContextEval {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What to run. */
    public record Config(List<Integer> lengths, List<Integer> usersPerLength, int factUsers, int filler, long seed,
                         ContextOptions.Embedder embedder, boolean job, boolean ablation, String weights) {
    }

    /** A question: its user, group, evidence offsets. */
    private record Question(String user, String group, Set<Long> evidence) {
    }

    /** Hits at 1, 5, 10 and the count. */
    static final class Recall {
        int n;
        int at1;
        int at5;
        int at10;

        void add(List<Long> ranked, Set<Long> evidence) {
            n++;
            for (int i = 0; i < Math.min(10, ranked.size()); i++) {
                if (evidence.contains(ranked.get(i))) {
                    at10++;
                    if (i < 5) {
                        at5++;
                    }
                    if (i < 1) {
                        at1++;
                    }
                    break;
                }
            }
        }

        double r(int hits) {
            return n == 0 ? Double.NaN : (double) hits / n;
        }
    }

    private final Config config;
    private final PrintStream out;
    private final Path io;
    private final Path checkpoints;
    private final List<KafkaRecord> records = new ArrayList<>();
    private final Map<String, Question> questions = new LinkedHashMap<>();
    private final Map<String, String> groupOf = new LinkedHashMap<>();
    private final List<String> groups = new ArrayList<>();

    /**
     * An evaluation printing to {@code out}; its embedded job (when {@link Config} runs one) keeps every file of
     * its cluster (io.tmp.dirs: RPC system jar, minicluster_* directories, uploads) under {@code io} and its
     * checkpoints under {@code checkpoints}, both owned (and deleted) by the caller.
     */
    public ContextEval(Config config, PrintStream out, Path io, Path checkpoints) {
        this.config = config;
        this.io = io;
        this.checkpoints = checkpoints;
        this.out = out;
    }

    /** Recall@5 per group ({ours, BM25}) and whether the job's answers equal the in-process run's (true without a job). */
    public record Result(Map<String, double[]> recallAt5, boolean jobMatchesInProcess) {
    }

    /** Runs everything and prints the tables. */
    public Result run() throws Exception {
        build();
        out.printf(Locale.ROOT, "memctl eval context: %d records (%d questions) from %d users, seed %d, embedder %s%n",
                records.size(), questions.size(), groupOf.size(), config.seed(), config.embedder());
        Map<String, Recall> bm25 = baseline();
        Configuration options = ContextOptions.defaults();
        options.set(MemoryOperatorOptions.EVENTS_TOP, 10);
        options.set(ContextOptions.EMBEDDER, config.embedder());
        if (config.weights() != null) {
            options.set(MemoryOperatorOptions.EVENTS_WEIGHTS, config.weights());
        }
        Configuration resolved = ContextOptions.resolved(options);
        // The front end once (shared by the in-process runs).
        ContextFrontEnd fe = UserContextJob.frontEnd(resolved);
        ContextEventParser parser = new ContextEventParser();
        List<MemoryRecord> front = new ArrayList<>(records.size());
        long f0 = System.nanoTime();
        for (KafkaRecord r : records) {
            ContextEvent e = parser.parse(null, new String(r.value, StandardCharsets.UTF_8), r.offset);
            front.add(fe.map(e));
        }
        double frontSeconds = (System.nanoTime() - f0) / 1e9;
        EventSettings settings = MemoryOperatorOptions.eventSettings(resolved);
        Direct full = direct(front, settings, true);

        Map<String, Recall> job = null;
        double jobSeconds = Double.NaN;
        if (config.job()) {
            long t0 = System.nanoTime();
            job = runJob(options);
            jobSeconds = (System.nanoTime() - t0) / 1e9;
        }
        long events = records.size() - questions.size();
        out.println();
        out.println("Recall (a question counts when one of its evidence events is among the first k answered):");
        out.printf(Locale.ROOT, "%-22s %9s %6s | %-23s | %-23s | %s%n", "group", "events/u", "qs",
                "job r@1   r@5   r@10", "BM25 r@1  r@5   r@10", "r@5 ratio");
        Map<String, double[]> result = new LinkedHashMap<>();
        for (String g : groups) {
            Recall o = job != null ? job.get(g) : full.recall.get(g);
            Recall b = bm25.get(g);
            double ratio = o.r(o.at5) / b.r(b.at5);
            out.printf(Locale.ROOT, "%-22s %9d %6d | %.3f %.3f %.3f       | %.3f %.3f %.3f       | %.2fx%n", g,
                    eventsPerUser(g), o.n, o.r(o.at1), o.r(o.at5), o.r(o.at10), b.r(b.at1), b.r(b.at5), b.r(b.at10),
                    ratio);
            result.put(g, new double[] {o.r(o.at5), b.r(b.at5)});
        }
        boolean same = true;
        if (job != null) {
            for (String g : groups) {
                Recall a = job.get(g);
                Recall d = full.recall.get(g);
                same &= a.at1 == d.at1 && a.at5 == d.at5 && a.at10 == d.at10;
            }
            out.println("job answers " + (same ? "equal" : "DIFFER FROM") + " the in-process run of the same memory");
        }
        out.println();
        out.println("State per user at the end (serialized bytes; archive+index: the RocksDB MapState rows) and query");
        out.println("latency of the in-process memory (heap rows; the job reads RocksDB):");
        out.printf(Locale.ROOT, "%-22s %12s %14s %18s%n", "group", "hot state", "archive+index", "query p50/p99 ms");
        for (String g : groups) {
            long[] b = full.bytes.get(g);
            double[] lat = percentiles(full.latencies.get(g));
            out.printf(Locale.ROOT, "%-22s %12d %14d %12.2f/%.2f%n", g, b[0], b[1], lat[0], lat[1]);
        }
        out.println("Bytes read + written by one ordinary event (hot state both ways + rows), longest user, mean of 100 events:");
        for (Map.Entry<Long, Double> e : full.perEventAt.entrySet()) {
            out.printf(Locale.ROOT, "  at %,9d events of history: %8.0f bytes%n", e.getKey(), e.getValue());
        }
        out.println();
        out.printf(Locale.ROOT, "Throughput: front end %.0f records/s; memory in-process (heap) %.0f events/s",
                records.size() / frontSeconds, full.events / full.writeSeconds);
        if (config.job()) {
            out.printf(Locale.ROOT, "; job (MiniCluster, RocksDB, checkpoints, wall time incl. start) %.0f records/s",
                    records.size() / jobSeconds);
        }
        out.printf(Locale.ROOT, "%n%d events, %d questions%n", events, questions.size());
        if (config.ablation()) {
            ablation(front, settings, bm25);
        }
        return new Result(result, same);
    }

    private long eventsPerUser(String g) {
        long ev = 0;
        int users = 0;
        for (Map.Entry<String, String> e : groupOf.entrySet()) {
            if (e.getValue().equals(g)) {
                users++;
            }
        }
        for (KafkaRecord r : records) {
            if (g.equals(groupOf.get(userOf(r)))) {
                ev++;
            }
        }
        return users == 0 ? 0 : (ev - questions.values().stream().filter(q -> q.group.equals(g)).count()) / users;
    }

    private final Map<Long, String> userByOffset = new HashMap<>();

    private String userOf(KafkaRecord r) {
        return userByOffset.get(r.offset);
    }

    /** Generates every user's turns and interleaves them into one stream. */
    private void build() {
        ConversationGenerator gen = new ConversationGenerator(config.seed());
        List<ConversationGenerator.Conversation> convs = new ArrayList<>();
        for (int i = 0; i < config.lengths().size(); i++) {
            int len = config.lengths().get(i);
            String g = String.format(Locale.ROOT, "conversations %,d", len);
            groups.add(g);
            for (int u = 0; u < config.usersPerLength().get(i); u++) {
                String user = "c" + len + "-" + u;
                convs.add(gen.conversation(user, len));
                groupOf.put(user, g);
            }
        }
        if (config.factUsers() > 0) {
            String g = String.format(Locale.ROOT, "facts+%,d filler", config.filler());
            groups.add(g);
            for (int u = 0; u < config.factUsers(); u++) {
                String user = "f" + config.filler() + "-" + u;
                convs.add(gen.factsThenFiller(user, config.filler()));
                groupOf.put(user, g);
            }
        }
        // Interleave: each turn gets a time (i + U) / n in its user's stream; all turns sorted by time.
        SplittableRandom r = new SplittableRandom(config.seed() * 31 + 7);
        List<double[]> order = new ArrayList<>();
        for (int c = 0; c < convs.size(); c++) {
            int n = convs.get(c).turns().size();
            for (int i = 0; i < n; i++) {
                order.add(new double[] {(i + r.nextDouble()) / n, c, i});
            }
        }
        order.sort(Comparator.comparingDouble((double[] a) -> a[0]).thenComparingDouble(a -> a[1]));
        // Per user: turn index -> event index, so that evidence (event indices) maps to offsets.
        Map<Integer, List<Long>> eventOffsets = new HashMap<>();
        Map<Integer, int[]> cursor = new HashMap<>();
        long offset = 0;
        List<Object[]> pendingQuestions = new ArrayList<>();
        for (double[] o : order) {
            int c = (int) o[1];
            int i = (int) o[2];
            ConversationGenerator.Conversation conv = convs.get(c);
            ConversationGenerator.Turn t = conv.turns().get(i);
            ObjectNode n = JSON.createObjectNode();
            n.put("user", conv.user());
            n.put("text", t.text());
            if (t.type() != null) {
                n.put("type", t.type());
            }
            if (t.question()) {
                String qid = "q" + questions.size() + pendingQuestions.size();
                qid = "q" + offset;
                n.put("query", true);
                n.put("expect", qid);
                pendingQuestions.add(new Object[] {qid, c, t});
                Set<Long> ev = new java.util.HashSet<>();
                for (int e : t.evidence()) {
                    ev.add(eventOffsets.get(c).get(e));
                }
                questions.put(qid, new Question(conv.user(), groupOf.get(conv.user()), ev));
            } else {
                eventOffsets.computeIfAbsent(c, k -> new ArrayList<>()).add(offset);
            }
            cursor.computeIfAbsent(c, k -> new int[1])[0]++;
            records.add(new KafkaRecord("eval", 0, offset, -1, null, n.toString().getBytes(StandardCharsets.UTF_8)));
            userByOffset.put(offset, conv.user());
            offset++;
        }
    }

    /** Plain BM25 over each user's whole history before each question. */
    private Map<String, Recall> baseline() throws IOException {
        Map<String, Bm25> perUser = new HashMap<>();
        Map<String, List<Long>> offsets = new HashMap<>();
        Map<String, Recall> recall = recallTable();
        for (KafkaRecord r : records) {
            JsonNode n = JSON.readTree(r.value);
            String user = n.get("user").asText();
            int[] terms = plainTerms(n.get("text").asText());
            Bm25 b = perUser.computeIfAbsent(user, u -> new Bm25());
            List<Long> offs = offsets.computeIfAbsent(user, u -> new ArrayList<>());
            if (n.path("query").asBoolean(false)) {
                Question q = questions.get(n.get("expect").asText());
                List<Long> ranked = new ArrayList<>();
                for (int i : b.top(terms, 10)) {
                    ranked.add(offs.get(i));
                }
                recall.get(q.group).add(ranked, q.evidence);
            } else {
                b.add(terms);
                offs.add(r.offset);
            }
        }
        return recall;
    }

    /** The baseline's words: lower case runs of letters and digits, each hashed (no stemming, no stop words). */
    static int[] plainTerms(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
        int[] out = new int[words.length];
        int k = 0;
        for (String w : words) {
            if (!w.isEmpty()) {
                out[k++] = w.hashCode();
            }
        }
        return Arrays.copyOf(out, k);
    }

    private Map<String, Recall> recallTable() {
        Map<String, Recall> m = new LinkedHashMap<>();
        for (String g : groups) {
            m.put(g, new Recall());
        }
        return m;
    }

    /** The user context job over the stream; recall per group. */
    private Map<String, Recall> runJob(Configuration options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                EmbeddedJobs.config(checkpoints, 10_000, 2, EmbeddedJobs.DEFAULT_RESTART_ATTEMPTS, io));
        Map<String, Recall> recall = recallTable();
        int[] dead = new int[1];
        EmbeddedJobs.collect(UserContextJob.build(EmbeddedJobs.fromRecords(env, records), options),
                "memctl eval context", o -> {
                    if (!o.isResult()) {
                        dead[0]++;
                        return;
                    }
                    try {
                        JsonNode a = JSON.readTree(o.json);
                        Question q = questions.get(a.get("expect").asText());
                        List<Long> ranked = new ArrayList<>();
                        for (JsonNode e : a.get("events")) {
                            ranked.add(e.get("offset").asLong());
                        }
                        recall.get(q.group).add(ranked, q.evidence);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
        if (dead[0] > 0) {
            out.println("warning: " + dead[0] + " dead letters");
        }
        return recall;
    }

    /** One in-process run of the memory: recall, bytes, latencies. */
    private static final class Direct {
        Map<String, Recall> recall;
        final Map<String, long[]> bytes = new LinkedHashMap<>(); // hot, held rows, mean per event
        final Map<String, List<Long>> latencies = new LinkedHashMap<>();
        final TreeMap<Long, Double> perEventAt = new TreeMap<>();
        long events;
        double writeSeconds;
    }

    private Direct direct(List<MemoryRecord> front, EventSettings settings, boolean measure) {
        EventMemory m = new EventMemory(settings);
        Map<String, EventState> states = new HashMap<>();
        Map<String, CountingEventStore> stores = new HashMap<>();
        Map<String, List<Long>> offsets = new HashMap<>();
        Direct d = new Direct();
        d.recall = recallTable();
        for (String g : groups) {
            d.latencies.put(g, new ArrayList<>());
        }
        String longest = null;
        int longestLen = -1;
        for (int i = 0; i < config.lengths().size(); i++) {
            if (config.lengths().get(i) > longestLen && config.usersPerLength().get(i) > 0) {
                longestLen = config.lengths().get(i);
                longest = "c" + longestLen + "-0";
            }
        }
        Map<Long, double[]> window = new TreeMap<>();
        for (long at : new long[] {100, 10_000, 100_000}) {
            // the 100 events from 'at' on, or the last 100 of the longest user when its history ends there
            long from = Math.min(at, longestLen - 100L);
            if (from >= 100 && (at == 100 || from > 100)) {
                window.put(from, new double[2]);
            }
        }
        long writeNanos = 0;
        for (int i = 0; i < front.size(); i++) {
            MemoryRecord r = front.get(i);
            EventState st = states.computeIfAbsent(r.key, k -> m.newState());
            CountingEventStore store = stores.computeIfAbsent(r.key, k -> new CountingEventStore());
            List<Long> offs = offsets.computeIfAbsent(r.key, k -> new ArrayList<>());
            long offset = records.get(i).offset;
            if (r.query) {
                Question q = questions.get(new String(r.payload, StandardCharsets.UTF_8).contains("\"e\":\"")
                        ? expect(r.payload) : null);
                long t0 = System.nanoTime();
                EventMemory.Answer a = m.query(st, store, r.tokenIds, r.vector, 10);
                long t = System.nanoTime() - t0;
                List<Long> ranked = new ArrayList<>();
                for (EventHit h : a.hits()) {
                    ranked.add(offs.get((int) h.position()));
                }
                d.recall.get(q.group).add(ranked, q.evidence);
                d.latencies.get(q.group).add(t);
            } else {
                long before = store.bytesRead + store.bytesWritten;
                long hot = st.events() == 0 ? 0 : StateFrame.OVERHEAD_BYTES + EventStatePiece.payloadBytes(st);
                long t0 = System.nanoTime();
                m.write(st, store, r.tokenIds, r.vector, r.payload);
                writeNanos += System.nanoTime() - t0;
                d.events++;
                offs.add(offset);
                if (measure && r.key.equals(longest)) {
                    long n = st.events() - 1;
                    for (Map.Entry<Long, double[]> w : window.entrySet()) {
                        if (n >= w.getKey() && n < w.getKey() + 100) {
                            long bytes = hot + StateFrame.OVERHEAD_BYTES + EventStatePiece.payloadBytes(st)
                                    + store.bytesRead + store.bytesWritten - before;
                            w.getValue()[0] += bytes;
                            w.getValue()[1]++;
                        }
                    }
                }
            }
        }
        d.writeSeconds = writeNanos / 1e9;
        for (Map.Entry<Long, double[]> w : window.entrySet()) {
            d.perEventAt.put(w.getKey(), w.getValue()[0] / w.getValue()[1]);
        }
        if (measure) {
            for (String g : groups) {
                long hot = 0;
                long held = 0;
                int users = 0;
                for (Map.Entry<String, EventState> e : states.entrySet()) {
                    if (g.equals(groupOf.get(e.getKey()))) {
                        users++;
                        hot += StateFrame.OVERHEAD_BYTES + EventStatePiece.payloadBytes(e.getValue());
                        held += stores.get(e.getKey()).heldBytes(settings.dimension(), e.getValue().eideticSize());
                    }
                }
                d.bytes.put(g, new long[] {users == 0 ? 0 : hot / users, users == 0 ? 0 : held / users, 0});
            }
        }
        return d;
    }

    private static String expect(byte[] payload) {
        try {
            return JSON.readTree(payload).get("e").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void ablation(List<MemoryRecord> front, EventSettings s, Map<String, Recall> bm25) {
        EventSettings.Weights w = s.weights();
        Map<String, UnaryOperator<EventSettings>> variants = new LinkedHashMap<>();
        variants.put("full memory (defaults)", x -> x);
        variants.put("lexical only: our BM25, no tiers", x -> x.withTiers(0, 0, 0)
                .withWeights(new EventSettings.Weights(1, 0, 0, 0, 0)));
        variants.put("- dense vector", x -> x.withWeights(new EventSettings.Weights(w.lexical(), 0, w.read(),
                w.novelty(), w.recency())));
        variants.put("- novelty (innovation)", x -> x.withWeights(new EventSettings.Weights(w.lexical(), w.dense(),
                w.read(), 0, w.recency())));
        variants.put("- recency", x -> x.withWeights(new EventSettings.Weights(w.lexical(), w.dense(), w.read(),
                w.novelty(), 0)));
        variants.put("- fading cell read", x -> x.withWeights(new EventSettings.Weights(w.lexical(), w.dense(), 0,
                w.novelty(), w.recency())));
        variants.put("- SSC segment routing", x -> x.withTiers(x.window(), x.eidetic(), 0));
        variants.put("- eidetic tier", x -> x.withTiers(x.window(), 0, x.routeK()));
        variants.put("- recent window", x -> x.withTiers(0, x.eidetic(), x.routeK()));
        variants.put("dense + tiers only (no lexical)", x -> x.withWeights(new EventSettings.Weights(0, w.dense(),
                w.read(), w.novelty(), w.recency())));
        out.println();
        out.println("Ablation (in-process, same stream; recall@5 per group):");
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-34s", "variant"));
        for (String g : groups) {
            h.append(String.format(Locale.ROOT, " | %-20s", g));
        }
        out.println(h);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-34s", "plain BM25 (baseline)"));
        for (String g : groups) {
            b.append(String.format(Locale.ROOT, " | %-20.3f", bm25.get(g).r(bm25.get(g).at5)));
        }
        out.println(b);
        for (Map.Entry<String, UnaryOperator<EventSettings>> v : variants.entrySet()) {
            Direct d = direct(front, v.getValue().apply(s), false);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-34s", v.getKey()));
            for (String g : groups) {
                Recall r = d.recall.get(g);
                line.append(String.format(Locale.ROOT, " | %-20.3f", r.r(r.at5)));
            }
            out.println(line);
        }
    }

    private static double[] percentiles(List<Long> nanos) {
        if (nanos == null || nanos.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        long[] a = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new double[] {a[a.length / 2] / 1e6, a[Math.min(a.length - 1, (int) (a.length * 0.99))] / 1e6};
    }
}
