package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keymem.jobs.text.LineMasker;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The word boundaries of {@link MessageValues}' and {@link AlertLines}' regexes are Java 17's on any JVM
 * ({@link LineMasker#BOUNDARY_BEFORE_WORD}, {@link LineMasker#BOUNDARY_AFTER_WORD}; JDK 19 made {@code \\b}
 * ASCII-only, JDK-8264160). The reference of each regex is the regex with a bare {@code \\b} for each spelled-out
 * boundary (as written until session 27) run on Java 17; the newer JVM is simulated on Java 17 by replacing every
 * engine {@code \\b} with the ASCII one ({@link #ASCII_BOUNDARY}, exact on lines without non-spacing marks).
 */
class MessageValuesWordBoundaryTest {
    /** JDK 19+'s {@code \\b} without flags, for lines without non-spacing marks (its mark clause is then idle). */
    private static final String ASCII_BOUNDARY = "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))";
    /** How many regexes of the two classes hold a word boundary (19 of MessageValues, 2 of AlertLines). */
    private static final int BOUNDED = 21;
    /** A text each bounded regex matches (and the alert words and classes). */
    private static final String[] SAMPLES = {"Processing by UsersController#show as JSON",
        "Starting OrdersApplication v1.2 using Java 17", "Started OrdersApplication in 7.3 seconds",
        "changed from demand start to auto start.", "Resolved [org.x.FooException: boom]",
        "threw exception [boom] with root cause", "profiles are active: \"a\", \"b\"", "Key (email)=(a@b.c)",
        "Command line: '/usr/sbin/httpd'", "received from 2250, exiting", "in Stable state", "in Stable",
        " state", "SHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ", "process 4242 (java)", "Process 1 (x)",
        "Created container web", "restarting failed container web in pod x", "Scaled up replica set web-1 to 3",
        "Unresolved reference: foo", "Using worker: sync", "Handling signal: term", "Forbidden (CSRF missing.): /x",
        "Method Not Allowed (GET): /y", "succeeded in 0.2s: None", "raised unexpected: KeyError('x')",
        "Undefined variable $x", "Undefined property: C::$x", "Call to undefined method A::b()", "error", "ERRORS",
        "warning", "timed  out", "timeout", "failed", "IOException", "OutOfMemoryError", "Error"};
    /** What glues to the samples: ASCII word and other chars, non-ASCII letters, digits and others, halves. */
    private static final String[] GLUE = {" ", "x", "_", "7", "-", ".", "é", "Ş", "条", "\u0661", "１", "\u00B2",
        "\u2160", "\u00AA", "\u02B0", "\u212A", "\u017F", "\u00A0", CodePointTokens.MATH_A, CodePointTokens.MATH_0,
        CodePointTokens.CJK_B, CodePointTokens.EMOJI, "\uD800", "\uDC00"};
    /** Non-spacing marks, after a letter or alone (the engine's clause of {@code \\b}, the same on both JVMs). */
    private static final String[] MARKS = {"\u0301", "a\u0301", "é\u0301", "_\u0301", " \u0301",
        CodePointTokens.MATH_A + "\u0301", "\uD834\uDD67"};

    /**
     * The newer JVM, simulated: each regex with a word boundary finds what its reference finds on Java 17 (with a bare
     * {@code \\b}, as until session 27, it does not: {@code éProcessing by} is found under the ASCII boundary).
     */
    @Test
    void boundedRegexesFindUnderAsciiBoundaryWhatJava17Finds() throws Exception {
        assumeTrue(Runtime.version().feature() < 19, "the reference is Java 17's \\b");
        List<String> lines = lines(false, 2703);
        for (Pattern p : bounded()) {
            Pattern reference = Pattern.compile(reference(p.pattern()), p.flags());
            Pattern ascii = Pattern.compile(p.pattern().replace("\\b", ASCII_BOUNDARY), p.flags());
            int found = 0;
            for (String line : lines) {
                String want = matches(reference, line);
                assertEquals(want, matches(ascii, line), () -> "/" + p + "/ on " + line);
                found += want.isEmpty() ? 0 : 1;
            }
            assertTrue(found > 50, found + " lines found by /" + p + "/");
        }
    }

    /** On Java 17 itself, with non-spacing marks too: each bounded regex finds what its reference finds. */
    @Test
    void boundedRegexesFindWhatJava17Finds() throws Exception {
        assumeTrue(Runtime.version().feature() < 19, "the reference is Java 17's \\b");
        List<String> lines = lines(true, 2704);
        for (Pattern p : bounded()) {
            assertFalse(reference(p.pattern()).contains("javaLetterOrDigit"), p.pattern());
            Pattern reference = Pattern.compile(reference(p.pattern()), p.flags());
            for (String line : lines) {
                assertEquals(matches(reference, line), matches(p, line), () -> "/" + p + "/ on " + line);
            }
        }
    }

    /**
     * {@link MessageValues#STATE}, which looks at its literal before the boundary (the fast form), finds what its regex
     * as written until session 27 finds on Java 17, and what that finds there under the simulated newer JVM too.
     */
    @Test
    void stateFindsWhatItsOldRegexFinds() {
        assumeTrue(Runtime.version().feature() < 19, "the reference is Java 17's \\b");
        Pattern old = Pattern.compile("(\\bin )[A-Z][A-Za-z]*( state\\b)");
        Pattern ascii = Pattern.compile(MessageValues.STATE.pattern().replace("\\b", ASCII_BOUNDARY));
        int found = 0;
        for (String line : lines(true, 2705)) {
            String want = matches(old, line);
            assertEquals(want, matches(MessageValues.STATE, line), line);
            found += want.isEmpty() ? 0 : 1;
        }
        for (String line : lines(false, 2706)) {
            assertEquals(matches(old, line), matches(ascii, line), line);
        }
        assertTrue(found > 100, found + " lines found");
    }

    /** No regex of the two classes has an engine {@code \\b} outside the spelled-out boundaries (any JVM). */
    @Test
    void noBareWordBoundaryLeft() throws Exception {
        int bounded = 0;
        for (Pattern p : patterns()) {
            String rest = p.pattern().replace(LineMasker.BOUNDARY_BEFORE_WORD, "")
                    .replace(LineMasker.BOUNDARY_AFTER_WORD, "");
            assertFalse(rest.contains("\\b"), p.pattern());
            bounded += rest.equals(p.pattern()) ? 0 : 1;
        }
        assertEquals(BOUNDED, bounded, "regexes with a spelled-out word boundary");
    }

    /** On any JVM: the lines whose values or alerts a bare {@code \\b} moves on Java 25 keep Java 17's answers. */
    @Test
    void valuesAndAlertsKeepJava17Answers() {
        String[][] cases = {{"éProcessing by UsersController#show as JSON", null},
            {"x Processing by UsersController#show as JSON", "x Processing by <*> as <*>"},
            {"ŞStarted OrdersApplication in 7.3 seconds", null},
            {"Service xéchanged from demand start to auto start.", null},
            {"条Resolved [org.x.FooException: boom]", null}, {"éthrew exception [boom] with root cause", null},
            {"The following 2 éprofiles are active: \"a\", \"b\"", null},
            {"DETAIL: éKey (email)=(a@b.c) already exists", null}, {"éCommand line: '/usr/sbin/httpd'", null},
            {"signal 15 (SIGTERM) éreceived from 2250, exiting", "signal 15 (<*>) éreceived from 2250, exiting"},
            {"group g éin Stable state", null}, {"group g in Stable stateé", null},
            {"group g in Stable state\u0301", null},
            {"group g in Stable state.", "group g in <*> state."},
            {"ssh2: ED25519 éSHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ", null},
            {"Killed éprocess 4242 (java)", null}, {"éCreated container web", null},
            {"éScaled up replica set web-1 to 3", null}, {"éUnresolved reference: foo", null},
            {"éUsing worker: sync", null}, {"éForbidden (CSRF token missing.): /x", null},
            {"Task t[1] ésucceeded in 0.2s: None", null}, {"éUndefined variable $x", null},
            {CodePointTokens.MATH_A + "Processing by A#b as c", null},
            {"é\u0301Processing by A#b as c", null}, {"\u0301Processing by A#b as c", "\u0301Processing by <*> as <*>"}};
        for (String[] c : cases) {
            String want = c[1] != null ? c[1] : c[0];
            assertEquals(want, MessageValues.values(c[0]), c[0]);
            assertEquals(want, MessageValues.valuesReference(c[0]), c[0]);
        }
        for (String line : new String[] {"éerror here", "erroré here", "a timeoutŞ", "条failed", "xIOExceptioné",
            "IOExceptionß", "Şwarning", "ok " + CodePointTokens.MATH_0 + "fatal"}) {
            assertFalse(AlertLines.isAlert(line), line);
        }
        for (String line : new String[] {"error", "é error", "an IOException", "IOException:é", "x_IOException",
            "timed out\u00B2", "\u00A0failed"}) {
            assertTrue(AlertLines.isAlert(line), line);
        }
    }

    /** The regex as written until session 27: a bare {@code \\b} for each spelled-out boundary. */
    private static String reference(String regex) {
        return regex.replace(LineMasker.BOUNDARY_BEFORE_WORD, "\\b").replace(LineMasker.BOUNDARY_AFTER_WORD, "\\b");
    }

    /** Each match's bounds and its groups' bounds. */
    private static String matches(Pattern p, String line) {
        StringBuilder out = new StringBuilder();
        Matcher m = p.matcher(line);
        while (m.find()) {
            for (int g = 0; g <= m.groupCount(); g++) {
                out.append(m.start(g)).append('-').append(m.end(g)).append(g < m.groupCount() ? ',' : ' ');
            }
        }
        return out.toString();
    }

    /** The static regexes of {@link MessageValues} and {@link AlertLines}. */
    private static List<Pattern> patterns() throws Exception {
        List<Pattern> out = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {MessageValues.class, AlertLines.class}) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == Pattern.class) {
                    f.setAccessible(true);
                    out.add((Pattern) f.get(null));
                }
            }
        }
        return out;
    }

    /** Those with a word boundary, spelled out or bare. */
    private static List<Pattern> bounded() throws Exception {
        List<Pattern> out = new ArrayList<>();
        for (Pattern p : patterns()) {
            if (reference(p.pattern()).contains("\\b")) {
                out.add(p);
            }
        }
        assertEquals(BOUNDED, out.size(), "regexes with a word boundary");
        return out;
    }

    /** Each sample with every glue before and after, then random runs of samples and glue (marks too). */
    private static List<String> lines(boolean marks, long seed) {
        List<String> out = new ArrayList<>();
        for (String s : SAMPLES) {
            for (String before : GLUE) {
                for (String after : GLUE) {
                    out.add(before + s + after);
                }
            }
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int k = 0; k < 20_000; k++) {
            StringBuilder b = new StringBuilder();
            int parts = 1 + r.nextInt(5);
            for (int p = 0; p < parts; p++) {
                int pick = r.nextInt(3);
                b.append(pick == 0 ? SAMPLES[r.nextInt(SAMPLES.length)] : marks && pick == 1
                        ? MARKS[r.nextInt(MARKS.length)] : GLUE[r.nextInt(GLUE.length)]);
            }
            out.add(b.toString());
        }
        return out;
    }
}
