package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keymem.jobs.text.LineMasker;
import java.lang.reflect.Field;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The day-name scan's word boundary is Java 17's on any JVM ({@link LineMasker#BOUNDARY_BEFORE_WORD}; JDK 19 made
 * {@code \\b} ASCII-only): its regex with the engine's {@code \\b} replaced by the ASCII one (JDK 19+'s, exact on
 * lines without non-spacing marks) finds what the regex with a bare {@code \\b} (until session 27) finds on Java 17.
 */
class LineTokensDayBoundaryTest {
    private static final String ASCII_BOUNDARY = "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))";

    @Test
    void dayNamesFindUnderAsciiBoundaryWhatJava17Finds() throws Exception {
        assumeTrue(Runtime.version().feature() < 19, "the reference is Java 17's \\b");
        Field f = LineTokens.class.getDeclaredField("DAY");
        f.setAccessible(true);
        String day = ((Pattern) f.get(null)).pattern();
        Pattern reference = Pattern.compile(day.replace(LineMasker.BOUNDARY_BEFORE_WORD, "\\b"));
        Pattern ascii = Pattern.compile(day.replace("\\b", ASCII_BOUNDARY));
        String[] parts = {"Mon ", "Fri, ", "Sunday ", "<TS>", "Jan", " ", "x", "_", "7", "Ş", "é", "条", "\u0661",
            CodePointTokens.MATH_A, CodePointTokens.MATH_0, CodePointTokens.EMOJI, "\uDC00", "-"};
        SplittableRandom r = new SplittableRandom(2703);
        int found = 0;
        for (int i = 0; i < 50_000; i++) {
            String line = CodePointTokens.draw(r, parts);
            String want = matches(reference, line);
            assertEquals(want, matches(ascii, line), line);
            found += want.isEmpty() ? 0 : 1;
        }
        assertEquals("", matches(ascii, "ŞMon Jan"));
        assertEquals("0-4 ", matches(ascii, "Mon Jan"));
        assertEquals(true, found > 1_000, found + " lines with a day name found");
    }

    private static String matches(Pattern p, String line) {
        StringBuilder out = new StringBuilder();
        Matcher m = p.matcher(line);
        while (m.find()) {
            out.append(m.start()).append('-').append(m.end()).append(' ');
        }
        return out.toString();
    }
}
