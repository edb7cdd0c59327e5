package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RegexScan.Starts#moved} against the positions found again on the result ({@link RegexScan.Starts#ofReference})
 * and against a second list moved by {@link RegexScan.Starts#reset} (found again by the fast pass): chains of 1 to 9 changes a line (so the spare
 * array of the move before the last is written again), each of random sorted, non-overlapping spans (adjacent ones,
 * ones at the line's start and end, inside words, of the literal's own length so that the shift stays 0 after a
 * match, shorter and longer), and literals of 0 to 35 chars (placeholders, ones holding positions, non-ASCII ones).
 * Lines: random ones, ids- and JSON-shaped ones, every loghub_2k line, the sample log and, with
 * {@code -Dkeymem.bench.in=DIR}, the first 3,000 lines of ids, lhredraw1, mix49k and nonascii there.
 */
class StartsMovedTest {
    private static final String[] LITERALS = {"<NUM>", "<UUID>", "<TS>", "<IP>", "<HEX>", "<ID>", "<*>", "", "x", "/",
        "é", "7", "a b:c", "é漢_a", " x-y~z/ ", "<PATH>x", "a".repeat(31), "b c".repeat(10) + "d", "a".repeat(32),
        ":a", "<HOST>", "<<>>", "-", ". ."};

    @Test
    void movedEqualsFoundAgainOnRandomLines() {
        SplittableRandom r = new SplittableRandom(33);
        for (int n = 0; n < 30_000; n++) {
            String line = n % 3 == 0 ? ShapeLines.ids(r) : n % 3 == 1 ? ShapeLines.json(r) : LineMaskerTest.randomLine(r);
            check(line, r);
        }
        check("", r);
        check("a", r);
        check("1 2 3 4 5 6 7 8 9", r);
    }

    @Test
    void movedEqualsFoundAgainOnRealLines() throws Exception {
        List<String> lines = new ArrayList<>(dev.keymem.jobs.testdata.Loghub.lines("StartsMovedTest"));
        lines.addAll(Files.readAllLines(Path.of("../samples/logs/services.log"), StandardCharsets.UTF_8));
        String bench = System.getProperty("keymem.bench.in");
        if (bench != null) {
            int benchLines = 0;
            for (String f : new String[] {"ids.jsonl", "lhredraw1.log", "mix49k.jsonl", "nonascii.log"}) {
                List<String> all = Files.readAllLines(Path.of(bench, f), StandardCharsets.UTF_8);
                List<String> some = all.subList(0, Math.min(3_000, all.size()));
                lines.addAll(some);
                benchLines += some.size();
            }
            assertTrue(benchLines >= 12_000, "bench lines: " + benchLines);
        }
        SplittableRandom r = new SplittableRandom(34);
        for (String line : lines) {
            check(line, r);
        }
    }

    /** A chain of random changes of {@code line}, both forms' positions compared after each. */
    private static void check(String line, SplittableRandom r) {
        boolean[] open = r.nextInt(4) == 0 ? RegexScan.firstChars(c -> RegexScan.word(c) || c == '/' || c == '\\'
                || c == '~' || c == ':' || c == '<' || c == '.') : RegexScan.Starts.OPEN;
        char[] cs = line.toCharArray();
        RegexScan.Starts fast = RegexScan.Starts.of(cs, open);
        RegexScan.Starts ref = RegexScan.Starts.of(cs, open);
        int changes = 1 + r.nextInt(9);
        for (int c = 0; c < changes; c++) {
            String literal = LITERALS[r.nextInt(LITERALS.length)];
            int[] spans = new int[64];
            int count = 0;
            int at = r.nextInt(4) == 0 ? 0 : r.nextInt(Math.max(1, Math.min(cs.length, 12)));
            while (at < cs.length && count < 32) {
                int len = r.nextInt(3) == 0 ? literal.length() : 1 + r.nextInt(r.nextBoolean() ? 4 : 40);
                int to = Math.min(cs.length, at + Math.max(1, len));
                spans[2 * count] = at;
                spans[2 * count + 1] = to;
                count++;
                at = to + (r.nextInt(4) == 0 ? 0 : r.nextInt(1 + r.nextInt(30)));
            }
            if (count == 0) {
                return;
            }
            char[] out = splice(cs, spans, count, literal);
            fast.moved(out, spans, count, literal.length());
            ref.reset(out);
            String where = "'" + new String(cs) + "' -> '" + new String(out) + "'";
            assertArrayEquals(ref.toArray(), fast.toArray(), where);
            assertArrayEquals(RegexScan.Starts.ofReference(out, open).toArray(), fast.toArray(), where);
            cs = out;
        }
    }

    private static char[] splice(char[] cs, int[] spans, int count, String literal) {
        StringBuilder b = new StringBuilder();
        int last = 0;
        for (int k = 0; k < count; k++) {
            b.append(cs, last, spans[2 * k] - last).append(literal);
            last = spans[2 * k + 1];
        }
        b.append(cs, last, cs.length - last);
        char[] out = new char[b.length()];
        b.getChars(0, b.length(), out, 0);
        return out;
    }
}
