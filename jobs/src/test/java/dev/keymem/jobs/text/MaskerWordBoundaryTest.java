package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keymem.jobs.logs.mining.LineTokens;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The masker's rules mask alike on Java 17 and on JDK 19+, where {@code \\b} became ASCII-only (JDK-8264160). The
 * reference of each rule is its regex with a bare {@code \\b} for each spelled-out boundary
 * ({@link LineMasker#BOUNDARY_BEFORE_WORD} and the others), as it was written until session 27, run on Java 17. The
 * newer JVM is simulated on any JVM: the rule's regex with every engine {@code \\b} replaced by the ASCII one
 * ({@link #ASCII_BOUNDARY}, exact on lines without non-spacing marks) must find what the reference finds.
 */
class MaskerWordBoundaryTest {
    /** JDK 19+'s {@code \\b} without flags, for lines without non-spacing marks (its mark clause is then idle). */
    private static final String ASCII_BOUNDARY = "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))";
    /** What the random lines are made of: ASCII shapes of every rule, and non-ASCII letters, digits, others. */
    private static final String[] PIECES = {"0x1f", "12345678abcdef", "deadbeef12", "2024-01-02",
        "2024-01-02T10:11:12Z",
        "Jan 12 10:11:12", "10:11:12.5", "550e8400-e29b-41d4-a716-446655440000", "http://a.b/c", "a.b@x.com",
        ".b@x-y.com", "u@x.co-", "+c@d.io", "_", "-", ".", " ", "a", "7", "ß", "é", "Ж", "٣", "１", "条",
        "\uD835\uDC00", "\uD835\uDFCE", "\uD840\uDC00", "\uD83D\uDE00", "\u00B2", "\u2160", "\u00AA", "\u02B0",
        "\u212A",
        "\u00A0", "\uD800", "\uDC00"};
    /** Non-spacing marks, after a letter or alone (the engine's clause of {@code \\b}, the same on both JVMs). */
    private static final String[] MARKS = {"\u0301", "a\u0301", "_\u0301", " \u0301", "\uD834\uDD67",
        "\uD835\uDC00\u0301", "-\u0301", "é\u0301\u0301"};
    private static final String[] FIXED = {"ß0x1f", "é12345678abcdef", "é2024-01-02 x", "éhttp://a.b/c", "é.b@x.com",
        "a.b@x.comé", "aé12:30:45é", "Ж550e8400-e29b-41d4-a716-446655440000", "ŞJan 12 10:11:12 x",
        "\uD835\uDC000x1f", "\uD835\uDFCE12345678abcdef", "0x1fé", "a.b@x.co-é", "a.b@x.co-_", "é+c@d.io",
        "\uD835\uDC00.b@x.com"};

    @Test
    void rulesFindUnderAsciiBoundaryWhatJava17Finds() throws Exception {
        assumeTrue(Runtime.version().feature() < 19, "the reference is Java 17's \\b");
        List<String> lines = lines(false, 15_000, 11);
        for (Pattern rule : rulePatterns()) {
            Pattern reference = Pattern.compile(reference(rule.pattern()));
            Pattern ascii = Pattern.compile(rule.pattern().replace("\\b", ASCII_BOUNDARY));
            for (String line : lines) {
                assertEquals(matches(reference, line), matches(ascii, line), () -> "rule /" + rule + "/ on " + line);
            }
        }
    }

    @Test
    void rulesFindWhatJava17Finds() throws Exception {
        assumeTrue(Runtime.version().feature() < 19, "the reference is Java 17's \\b");
        List<String> lines = lines(true, 15_000, 12);
        for (Pattern rule : rulePatterns()) {
            assertFalse(reference(rule.pattern()).contains("javaLetterOrDigit"), rule.pattern());
            Pattern reference = Pattern.compile(reference(rule.pattern()));
            for (String line : lines) {
                assertEquals(matches(reference, line), matches(rule, line), () -> "rule /" + rule + "/ on " + line);
            }
        }
    }

    /** On any JVM: the lines whose masks a bare {@code \\b} moves on Java 25 keep Java 17's. */
    @Test
    void maskerKeepsJava17Answers() {
        LineMasker masker = new LineMasker();
        String[][] cases = {{"ß0x1f", "ß<NUM>x1f"}, {"é12345678abcdef", "é<NUM>abcdef"}, {"x é12345678abcdef y",
            "x é<NUM>abcdef y"}, {"é2024-01-02 x", "é<NUM>-<NUM>-<NUM> x"}, {"éhttp://a.b/c", "éhttp://a.b/c"},
            {"é.b@x.com", "é<EMAIL>"}, {"a.b@x.comé", "a.b@x.comé"}, {"aé12:30:45é", "aé<NUM>:<NUM>:<NUM>é"},
            {"Ж550e8400-e29b-41d4-a716-446655440000", "Ж<NUM>e8400-e29b-<NUM>d4-a716-<NUM>"},
            {"ŞJan 12 10:11:12 x", "ŞJan <NUM> <TS> x"}, {"x ab12cd34ef5é y", "x ab12cd34ef5é y"},
            {"0x1fé", "<NUM>x1fé"}, {"ab\u0301 0x1f", "ab\u0301 <HEX>"}, {"a\u03010x1f", "a\u0301<NUM>x1f"},
            {"_0x1f", "_0x1f"}, {"\uD835\uDC000x1f", "\uD835\uDC00<NUM>x1f"},
            {"\uD835\uDFCE12345678abcdef", "\uD835\uDFCE<NUM>abcdef"}, {"0x1f z", "<HEX> z"},
            // a mark after a BMP letter is a word char (the engine's mark clause), after a letter past U+FFFF it is
            // not: Pattern reads the low surrogate alone as the mark's base (a JDK quirk, kept on both JVMs)
            {"\u00e9\u03010x1f", "\u00e9\u0301<NUM>x1f"}, {"\uD835\uDC00\u03010x1f", "\uD835\uDC00\u0301<HEX>"}};
        for (String[] c : cases) {
            assertEquals(c[1], masker.mask(c[0]), c[0]);
            assertEquals(c[1], masker.maskPlain(c[0]), c[0]);
        }
    }

    /**
     * On any JVM, with its own regex engine (no simulation): Java 17's answers on seeded random lines with marks and
     * letters past U+FFFF, stored by {@link MaskerJava17Answers} (review 27b F2), for {@link LineMasker#mask},
     * {@link LineMasker#maskPlain} and {@link LineTokens#mask}.
     */
    @Test
    void storedJava17AnswersHoldOnThisJvm() throws Exception {
        List<String[]> rows = MaskerJava17Answers.read();
        assertEquals(MaskerJava17Answers.lines(), rows.stream().map(r -> r[0]).collect(Collectors.toList()),
                "the resource's lines are MaskerJava17Answers.lines()");
        LineMasker masker = new LineMasker();
        LineTokens tokens = new LineTokens();
        for (String[] r : rows) {
            assertEquals(3, r.length, r[0]);
            assertEquals(r[1], masker.mask(r[0]), () -> "mask " + MaskerJava17Answers.escape(r[0]));
            assertEquals(r[1], masker.maskPlain(r[0]), () -> "maskPlain " + MaskerJava17Answers.escape(r[0]));
            assertEquals(r[2], tokens.mask(r[0]), () -> "LineTokens.mask " + MaskerJava17Answers.escape(r[0]));
        }
    }

    /** The regex as written until session 27: a bare {@code \\b} for each spelled-out boundary. */
    static String reference(String regex) {
        return regex.replace(LineMasker.BOUNDARY_BEFORE_EMAIL, "\\b").replace(LineMasker.BOUNDARY_AFTER_EMAIL, "\\b")
                .replace(LineMasker.BOUNDARY_BEFORE_WORD, "\\b").replace(LineMasker.BOUNDARY_AFTER_WORD, "\\b");
    }

    private static String matches(Pattern p, String line) {
        StringBuilder out = new StringBuilder();
        Matcher m = p.matcher(line);
        while (m.find()) {
            out.append(m.start()).append('-').append(m.end()).append(' ');
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<Pattern> rulePatterns() throws Exception {
        Field rules = LineMasker.class.getDeclaredField("RULES");
        rules.setAccessible(true);
        List<Pattern> out = new ArrayList<>();
        for (Object rule : (List<Object>) rules.get(null)) {
            Field pattern = rule.getClass().getDeclaredField("pattern");
            pattern.setAccessible(true);
            out.add((Pattern) pattern.get(rule));
        }
        return out;
    }

    private static List<String> lines(boolean marks, int n, long seed) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(List.of(FIXED));
        for (int k = 0; k < n; k++) {
            StringBuilder b = new StringBuilder();
            int parts = 1 + random.nextInt(5);
            for (int p = 0; p < parts; p++) {
                b.append(marks && random.nextInt(3) == 0 ? MARKS[random.nextInt(MARKS.length)]
                        : PIECES[random.nextInt(PIECES.length)]);
            }
            out.add(b.toString());
        }
        return out;
    }
}
