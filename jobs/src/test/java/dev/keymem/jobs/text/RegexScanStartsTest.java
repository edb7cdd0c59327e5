package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link RegexScan.Starts}: the word starts moved along with a rule's replacements equal those found again. */
class RegexScanStartsTest {
    @Test
    void movedStartsEqualStartsFoundAgain() {
        SplittableRandom r = new SplittableRandom(7);
        Pattern number = Pattern.compile("(?<![\\w.])\\d+");
        boolean[] first = RegexScan.firstChars(RegexScan::digit);
        boolean[] notAfter = RegexScan.notAfter(".");
        boolean[] dot = RegexScan.chars(".");
        RegexScan.Start start = (s, i) -> RegexScan.digit(s[i]) && !RegexScan.before(s, i, dot);
        // literals of 2 to 31 chars: the positions within them found once per change (Starts.moved); others one by one
        for (String literal : new String[] {"<NUM>", "", "x", "/", "é", "7", "<*>", "a b:c", "é漢_a", " x-y~z/ ",
            "<PATH>x", "a".repeat(31), "b c".repeat(10) + "d", "a".repeat(32), ":a"}) {
            for (int n = 0; n < 5_000; n++) {
                String line = n % 3 == 0 ? ShapeLines.ids(r) : n % 3 == 1 ? ShapeLines.json(r) : LineMaskerTest.randomLine(r);
                char[] cs = line.toCharArray();
                RegexScan.Starts starts = RegexScan.Starts.of(cs);
                assertEquals(true, RegexScan.Starts.fits(first, notAfter));
                char[] out = RegexScan.replaceAllChars(number, null, cs, literal, first, notAfter, start, null, starts);
                assertEquals(number.matcher(line).replaceAll(literal), new String(out), "'" + line + "'");
                assertArrayEquals(RegexScan.Starts.of(out).toArray(), starts.toArray(), "'" + line + "' -> '" + new String(out) + "'");
            }
        }
    }

    /** The word starts found in one pass with the tables equal those {@code holds} finds at every position. */
    @Test
    void startsFoundEqualTheReference() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        java.util.List<String> lines = new java.util.ArrayList<>(dev.keymem.jobs.testdata.Loghub.lines("RegexScanStartsTest"));
        for (int n = 0; n < 6_000; n++) {
            lines.add(n % 3 == 0 ? ShapeLines.ids(r) : n % 3 == 1 ? ShapeLines.json(r) : LineMaskerTest.randomLine(r));
        }
        lines.add("");
        lines.add("é漢_a b/c\\d~e:f");
        boolean[] open = RegexScan.firstChars(c -> RegexScan.word(c) || c == '-');
        for (String line : lines) {
            char[] cs = line.toCharArray();
            assertArrayEquals(RegexScan.Starts.ofReference(cs, RegexScan.Starts.OPEN).toArray(),
                    RegexScan.Starts.of(cs).toArray(), "'" + line + "'");
            assertArrayEquals(RegexScan.Starts.ofReference(cs, open).toArray(), RegexScan.Starts.of(cs, open).toArray(),
                    "'" + line + "'");
        }
    }
}
