package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The comparison of a template and a line through their {@link TokenFacts} against the comparison over the strings
 * (the reference): {@link TemplateMiner#similarity(TokenFacts, TokenFacts, boolean, double)} against {@link
 * TemplateMiner#similarity(String[], String[], boolean, double)}, the facts' {@code distinctWords} and {@code
 * fieldValue} against the strings' at every position where the two differ, and each token's facts against the
 * scans they stand for; on real lines (loghub_2k, the miner's masked lines against its templates, taken as the
 * lines come) and on generated stack traces (the frames {@code X.y(File.java:<*>)} whose {@code :<*>} may be a
 * field's form). The facts of a line serve every template it meets and a template's every line, as in the miner.
 */
class TokenFactsTest {

    /** What the comparisons met (so that a test whose pairs never reach a case fails). */
    static final class Seen {
        long pairs;
        long reached;
        long killed;
        long distinct;
        long fieldValues;
        long differing;
    }

    /**
     * Mines {@code lines}; every {@code every} lines the state's templates join the templates met so far. Then every
     * line is compared with (at most {@code perLine}) templates of its token count, both ways.
     */
    static Seen compare(List<String> lines, MinerSettings settings, int every, int perLine) {
        TemplateMiner miner = new TemplateMiner(settings);
        MinerState state = new MinerState();
        Map<List<String>, TokenFacts> templates = new LinkedHashMap<>();
        List<TokenFacts> lineFacts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            TemplateMiner.Match m = miner.accept(state, lines.get(i));
            lineFacts.add(new TokenFacts(m.tokens()));
            if (i % every == every - 1 || i == lines.size() - 1) {
                for (MinerState.Cluster c : state.clusters()) {
                    templates.computeIfAbsent(Arrays.asList(c.tokens), k -> new TokenFacts(c.tokens));
                }
            }
        }
        Map<Integer, List<TokenFacts>> byLength = new HashMap<>();
        for (TokenFacts t : templates.values()) {
            byLength.computeIfAbsent(t.tokens.length, k -> new ArrayList<>()).add(t);
        }
        Seen seen = new Seen();
        double[] thresholds = {settings.similarity(), settings.fallbackSimilarity(), 0.01, 1.0};
        Random r = new Random(3);
        for (TokenFacts line : lineFacts) {
            checkFacts(line);
            List<TokenFacts> same = byLength.getOrDefault(line.tokens.length, List.of());
            int start = same.size() <= perLine ? 0 : r.nextInt(same.size());
            for (int k = 0; k < Math.min(perLine, same.size()); k++) {
                TokenFacts template = same.get((start + k) % same.size());
                compare(template, line, thresholds, seen);
            }
        }
        for (TokenFacts t : templates.values()) {
            checkFacts(t);
        }
        return seen;
    }

    /** Both forms of the comparison of {@code template} and {@code line}. */
    static void compare(TokenFacts template, TokenFacts line, double[] thresholds, Seen seen) {
        String[] t = template.tokens;
        String[] l = line.tokens;
        Supplier<String> pair = () -> String.join(" ", t) + " / " + String.join(" ", l);
        for (boolean words : new boolean[] {false, true}) {
            double plain = TemplateMiner.similarity(t, l, words);
            seen.killed += plain == 0 ? 1 : 0;
            for (double threshold : thresholds) {
                double reference = TemplateMiner.similarity(t, l, words, threshold);
                assertEquals(reference, TemplateMiner.similarity(template, line, words, threshold), pair);
                seen.pairs++;
                seen.reached += reference >= threshold ? 1 : 0;
            }
        }
        for (int i = 0; i < t.length; i++) {
            if (t[i].equals(l[i])) {
                continue;
            }
            seen.differing++;
            int p = i;
            Supplier<String> at = () -> p + ": " + t[p] + " / " + l[p];
            boolean distinct = TemplateMiner.distinctWords(t[i], l[i], i);
            assertEquals(distinct, TemplateMiner.distinctWords(t[i], template.at(i), l[i], line.at(i), i), at);
            boolean field = TemplateMiner.fieldValue(t[i], l[i]);
            assertEquals(field, TemplateMiner.fieldValue(t[i], template.at(i), l[i], line.at(i)), at);
            seen.distinct += distinct ? 1 : 0;
            seen.fieldValues += field ? 1 : 0;
            // the other way round (a line's token as the template's: the facts do not depend on the side)
            assertEquals(TemplateMiner.distinctWords(l[i], t[i], i),
                    TemplateMiner.distinctWords(l[i], line.at(i), t[i], template.at(i), i), at);
        }
    }

    /** Each token's facts against the scans they stand for. */
    static void checkFacts(TokenFacts f) {
        String[] tokens = f.tokens;
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            long x = f.at(i);
            assertEquals(x, f.at(i), "kept");
            assertEquals(t.equals(TemplateMiner.WILD) || t.equals(TemplateMiner.LEARNED), TemplateMiner.wild(t), t);
            assertEquals(TemplateMiner.word(t), TokenFacts.has(x, TokenFacts.WORD), t);
            assertEquals(TemplateMiner.word(t, i), TokenFacts.has(x, TokenFacts.WORD_HERE), t);
            assertEquals(TemplateMiner.contextTag(t), TokenFacts.has(x, TokenFacts.CONTEXT_TAG), t);
            assertEquals(TemplateMiner.mayBeFieldForm(t), TokenFacts.has(x, TokenFacts.MAY_BE_FIELD_FORM), t);
            assertEquals(TemplateMiner.field(tokens, i), TokenFacts.has(x, TokenFacts.FIELD), t);
            assertEquals(TemplateMiner.valueStart(t), TokenFacts.valueStart(x, t), t);
            int k = TemplateMiner.keyEnd(t);
            assertEquals(k, TokenFacts.keyEnd(x, t), t);
            assertEquals(k >= 0 && TemplateMiner.nameKey(t, 0, k), TokenFacts.has(x, TokenFacts.NAME_KEY), t);
            assertEquals(k >= 0 && TemplateMiner.word(t.substring(k + 1)), TokenFacts.has(x, TokenFacts.WORD_AFTER_KEY), t);
            assertEquals(x & ~TokenFacts.FIELD, TokenFacts.of(t, i), "the array's facts are the token's and FIELD");
        }
        // the basic facts first (a line's count and the positions the template holds a wildcard), then the rest
        TokenFacts fresh = new TokenFacts(tokens);
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            long b = fresh.basic(i);
            assertEquals(b, fresh.basic(i), "kept");
            assertEquals(TemplateMiner.word(t), TokenFacts.has(b, TokenFacts.WORD), t);
            assertEquals(TemplateMiner.word(t, i), TokenFacts.has(b, TokenFacts.WORD_HERE), t);
            assertEquals(TemplateMiner.contextTag(t), TokenFacts.has(b, TokenFacts.CONTEXT_TAG), t);
            assertEquals(TemplateMiner.mayBeFieldForm(t), TokenFacts.has(b, TokenFacts.MAY_BE_FIELD_FORM), t);
            assertEquals(TemplateMiner.valueStart(t), TokenFacts.valueStart(b, t), t);
            assertEquals(f.at(i), fresh.at(i), "the basic facts, then the rest: " + t);
            assertEquals(fresh.at(i), fresh.basic(i), "all kept: " + t);
        }
    }

    @Test
    void loghubLinesCompareAsTheReference() throws IOException {
        List<String> all = Loghub.lines("TokenFactsTest");
        if (all.isEmpty()) {
            return; // said so (no data); the generated shapes below still run
        }
        List<String> lines = new ArrayList<>(); // the first 600 lines of each set (2,000 each)
        for (int i = 0; i < all.size(); i++) {
            if (i % 2000 < 600) {
                lines.add(all.get(i));
            }
        }
        Seen s = compare(lines, MinerSettings.defaults(), 500, 12);
        assertTrue(s.pairs > 50_000, "pairs: " + s.pairs);
        assertTrue(s.reached > 10_000, "at or above the threshold: " + s.reached);
        assertTrue(s.killed > 1_000, "killed by a different word: " + s.killed);
        assertTrue(s.distinct > 10_000, "different words: " + s.distinct);
        assertTrue(s.fieldValues > 50, "field values: " + s.fieldValues);
        Seen raw = compare(lines.subList(0, lines.size() / 2), MinerSettings.defaults().withHeaders(false).withDepth(0),
                300, 6);
        assertTrue(raw.pairs > 10_000, "pairs: " + raw.pairs);
    }

    /** Stack traces as one record each: frames whose {@code (File.java:<*>)} passes {@code mayBeFieldForm}. */
    static List<String> stackTraces(int n, long seed) {
        Random r = new Random(seed);
        String[] packages = {"com.acme.orders", "io.netty.channel", "org.hibernate.engine", "java.util.concurrent",
            "org.apache.kafka.clients", "org.springframework.web.servlet"};
        String[] classes = {"DispatcherServlet", "InvoiceRepository", "HikariPool", "ThreadPoolExecutor",
            "RetryTemplate", "JsonMapper", "NetworkClient", "AbstractEntityPersister"};
        String[] methods = {"handle", "doFilter", "read", "execute", "invoke", "run", "process", "poll", "getConnection"};
        String[] errors = {"java.io.IOException: connection reset", "java.lang.IllegalStateException: state=closed",
            "org.apache.kafka.common.errors.TimeoutException: Expiring 12 record(s) for orders-3:120000 ms has passed",
            "java.sql.SQLException: user=app failed"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder("2026-01-23T08:00:00.").append(100 + r.nextInt(900))
                    .append("Z ERROR [http-nio-8080-exec-").append(r.nextInt(200)).append("] ")
                    .append(packages[r.nextInt(packages.length)]).append('.').append(classes[r.nextInt(classes.length)])
                    .append(" - request failed\n").append(errors[r.nextInt(errors.length)]);
            int frames = r.nextInt(4) == 0 ? 3 + r.nextInt(4) : 8 + r.nextInt(30);
            for (int k = 0; k < frames; k++) {
                b.append("\n\tat ").append(packages[r.nextInt(packages.length)]).append('.')
                        .append(classes[r.nextInt(classes.length)]).append('.').append(methods[r.nextInt(methods.length)])
                        .append('(').append(classes[r.nextInt(classes.length)]).append(".java:").append(r.nextInt(900))
                        .append(')');
                if (r.nextInt(15) == 0) {
                    b.append("\nCaused by: ").append(errors[r.nextInt(errors.length)]);
                }
            }
            if (r.nextBoolean()) {
                b.append("\n\t... ").append(r.nextInt(40)).append(" more");
            }
            out.add(b.toString());
        }
        return out;
    }

    @Test
    void stackTracesCompareAsTheReference() {
        List<String> traces = stackTraces(800, 11);
        Seen s = compare(traces, MinerSettings.defaults(), 100, 30);
        assertTrue(s.pairs > 10_000, "pairs: " + s.pairs);
        assertTrue(s.differing > 100_000, "differing positions: " + s.differing);
        // mixed with short lines and key=value lines, at a small cap (templates evicted, widened and merged)
        List<String> mixed = new ArrayList<>(stackTraces(600, 12));
        Random r = new Random(12);
        for (int i = 0; i < 900; i++) {
            mixed.add(r.nextInt(mixed.size()), "level=info svc=orders msg=" + (r.nextBoolean() ? "started" : "stopped")
                    + " user " + (r.nextBoolean() ? "root" : "admin") + " isOverlap:" + r.nextBoolean() + " region="
                    + (r.nextBoolean() ? "eu" : r.nextBoolean() ? "us" : "ap") + " took=" + r.nextInt(99) + "ms");
        }
        Seen m = compare(mixed, MinerSettings.defaults().withMaxTemplates(50), 50, 40);
        assertTrue(m.fieldValues > 100, "field values: " + m.fieldValues);
        assertTrue(m.distinct > 100, "different words: " + m.distinct);
    }

    /** Tokens of random lines over a vocabulary of the cases (words, fields, keys, context tags, frames). */
    @Test
    void randomTokensCompareAsTheReference() {
        Random r = new Random(9);
        String[] tokens = {"alpha", "beta", "node7", "node9", "user", "for", "root", "key:", "val,", "x=1", "x=2",
            "mode=fast", "mode=<*>", "<*>", "<+>", "42", "a.b.c", "isOverlap:true", "isOverlap:false", "(tag)", "[w]:",
            "(other)", "a.b(C.java:<*>)", "a.c(C.java:<*>)", "x.y(File.java:<*>)", "CCFile::start", "CCFile::stop",
            "user:bob", "user:amy", "msg=done", "msg=failed", "mode=\"a b\"", "mode=\"c d\"", "k=a,b=c", "http://a",
            "host:web", "host:db", "gige4", "gige7", "\"level\":\"<*>\",", "\"level\":\"info\",", "<->", "<*>x", "<*"};
        Seen seen = new Seen();
        double[] thresholds = {0.5, 0.75, 0.4, 1.0, 0.01};
        for (int k = 0; k < 30_000; k++) {
            int n = 1 + r.nextInt(10);
            String[] t = new String[n];
            String[] l = new String[n];
            for (int i = 0; i < n; i++) {
                t[i] = tokens[r.nextInt(tokens.length)];
                l[i] = r.nextInt(3) == 0 ? t[i] : tokens[r.nextInt(tokens.length)];
                if (l[i].equals("<+>")) {
                    l[i] = "<*>"; // a line holds no learned wildcard
                }
            }
            TokenFacts tf = new TokenFacts(t);
            TokenFacts lf = new TokenFacts(l);
            compare(tf, lf, thresholds, seen);
            checkFacts(tf);
            checkFacts(lf);
        }
        assertTrue(seen.distinct > 5_000 && seen.fieldValues > 50 && seen.reached > 5_000,
                seen.distinct + " " + seen.fieldValues + " " + seen.reached);
    }

    /** A position too far for the facts' bits is scanned again ({@link TemplateMiner#valueStart}, {@code keyEnd}). */
    @Test
    void farPositionsAreScannedAgain() {
        String key = "k".repeat((1 << 24) + 3);
        String[] t = {key + "=v", key + "=<*>"};
        TokenFacts f = new TokenFacts(t);
        assertEquals(key.length() + 1, TokenFacts.valueStart(f.at(0), t[0]));
        assertEquals(key.length(), TokenFacts.keyEnd(f.at(1), t[1]));
        assertEquals(true, TemplateMiner.fieldValue(t[1], f.at(1), t[0], f.at(0)));
    }
}
