package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The merged pass ({@link RegexScan.Starts#ofWithCensus}: the masker's census and the line's positions in one loop)
 * against its references, the separate {@link LineMasker.Census#Census(char[])} and
 * {@link RegexScan.Starts#of(char[], boolean[])} / {@link RegexScan.Starts#ofReference}, and the masker given the
 * census-carrying positions against its plain form.
 */
class CensusStartsPassTest {
    private final LineMasker m = new LineMasker();
    /** An open table wider than {@link RegexScan.Starts#OPEN} (as LineTokens' is), and OPEN itself. */
    private static final boolean[] WIDE = RegexScan.Starts.openWith(
            RegexScan.firstChars(c -> c == '<' || c == '>' || c == '-' || c == '.'));

    private static List<String> lines() throws IOException {
        List<String> out = new ArrayList<>(Loghub.lines("CensusStartsPassTest"));
        Path formats = Path.of("src", "test", "resources", "formats");
        try (Stream<Path> files = Files.list(formats)) {
            for (Path f : files.sorted().toList()) {
                for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    int tab = l.indexOf('\t');
                    out.add(tab >= 0 ? l.substring(tab + 1) : l);
                }
            }
        }
        SplittableRandom r = new SplittableRandom(43);
        for (int i = 0; i < 20_000; i++) {
            out.add(LineMaskerTest.randomLine(r));
        }
        // word runs whose hex runs end at each kind of character (the r of Fri, x, a day name, _, non-ASCII, end)
        String[] parts = {"Fri", "aFri", "Fr", "Fri9", "0x1f", "x0", "0X", "deadbeefcafe", "abcdefab", "Mon", "aMon",
            "1Tue", "_Wed", "Thu", "Sat", "Sun", "cafe\u00e9", "\u00e9a1", "f_", "12ab34g56", "a.b:80", "Mo", "ab:12",
            "1.2.3.4", "a@b.c", "x@-", "//a", ":://", "", " ", "\t", "\u6f22bead"};
        for (int i = 0; i < 4000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(1, 6); k > 0; k--) {
                b.append(parts[r.nextInt(parts.length)]);
                if (r.nextInt(3) == 0) {
                    b.append(" -:./@\u00e9".charAt(r.nextInt(7)));
                }
            }
            out.add(b.toString());
        }
        return out;
    }

    private static void assertSame(char[] cs, boolean[] open) {
        String at = new String(cs);
        LineMasker.Census plain = new LineMasker.Census(cs);
        RegexScan.Starts merged = RegexScan.Starts.ofWithCensus(cs, open);
        RegexScan.Starts separate = RegexScan.Starts.of(cs, open);
        RegexScan.Starts reference = RegexScan.Starts.ofReference(cs, open);
        int[] got = Arrays.copyOf(merged.at, merged.count);
        assertArrayEquals(Arrays.copyOf(separate.at, separate.count), got, at);
        assertArrayEquals(Arrays.copyOf(reference.at, reference.count), got, at);
        LineMasker.Census c = merged.takeCensus();
        assertEquals(plain.colons, c.colons, at);
        assertEquals(plain.hyphens, c.hyphens, at);
        assertEquals(plain.dots, c.dots, at);
        assertEquals(plain.slashes, c.slashes, at);
        assertEquals(plain.ats, c.ats, at);
        assertEquals(plain.emailAts, c.emailAts, at);
        assertEquals(plain.clockColons, c.clockColons, at);
        assertEquals(clockColonsByRegex(at), c.clockColons, at);
        assertEquals(plain.doubleColon, c.doubleColon, at);
        assertEquals(plain.schemeSeparator, c.schemeSeparator, at);
        assertEquals(plain.hexPrefix, c.hexPrefix, at);
        assertEquals(plain.maxDigitRun, c.maxDigitRun, at);
        assertEquals(plain.maxHexRun, c.maxHexRun, at);
        assertNull(merged.takeCensus(), "taken once");
        // the counting loop against the loop it replaced (LineMasker.Census.reference), positions and all
        LineMasker.Census ref = LineMasker.Census.reference(cs, open);
        assertArrayEquals(Arrays.copyOf(ref.at, ref.count), got, at);
        assertSameCounts(ref, c, at);
        assertSameCounts(LineMasker.Census.reference(cs, null), plain, at);
    }

    private static final java.util.regex.Pattern CLOCK_COLON = java.util.regex.Pattern.compile("(?<=\\d):(?=\\d\\d:\\d\\d)");

    /** The colons starting {@code \\d:\\d\\d:\\d\\d}, found by a regex (the reference of the census's count). */
    private static int clockColonsByRegex(String s) {
        java.util.regex.Matcher m = CLOCK_COLON.matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void assertSameCounts(LineMasker.Census want, LineMasker.Census got, String at) {
        assertEquals(want.colons, got.colons, at);
        assertEquals(want.hyphens, got.hyphens, at);
        assertEquals(want.dots, got.dots, at);
        assertEquals(want.slashes, got.slashes, at);
        assertEquals(want.ats, got.ats, at);
        assertEquals(want.emailAts, got.emailAts, at);
        assertEquals(want.clockColons, got.clockColons, at);
        assertEquals(want.doubleColon, got.doubleColon, at);
        assertEquals(want.schemeSeparator, got.schemeSeparator, at);
        assertEquals(want.hexPrefix, got.hexPrefix, at);
        assertEquals(want.maxDigitRun, got.maxDigitRun, at);
        assertEquals(want.maxHexRun, got.maxHexRun, at);
        assertEquals(want.tokenChecks, got.tokenChecks, at);
        assertEquals(want.hostRunReads, got.hostRunReads, at);
    }

    @Test
    void mergedPassIsTheSeparateOnes() throws IOException {
        List<String> lines = lines();
        assertTrue(lines.size() > 20_000, "lines: " + lines.size());
        for (String line : lines) {
            char[] cs = line.toCharArray();
            assertSame(cs, RegexScan.Starts.OPEN);
            assertSame(cs, WIDE);
            // the masker given the merged pass (census kept, taken there) masks as its plain form does
            String[] text = new String[1];
            char[] out = m.maskChars(line, cs.clone(), text, RegexScan.Starts.ofWithCensus(cs, WIDE));
            assertEquals(m.maskPlain(line), new String(out), line);
        }
    }

    /**
     * The endpoint pre-filter (the run of {@code [\w.-]} before a colon and two digits, read back to the last dot)
     * reads each character for one colon at most, so a line costs O(length) however its dots and colons fall; its
     * answer is still {@link LineMasker.TokenChecks#of}'s (the reference). Read forward from the dot to each colon,
     * the first line below was ~21 million reads.
     */
    @Test
    void endpointPreFilterReadsALineOnce() throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "x." + "a".repeat(8000) + ":12".repeat(2667),
                "x." + "a".repeat(8000) + ":12".repeat(2667) + " b.c:80 d.e:8080",
                ("x.y" + "-".repeat(50) + ":12").repeat(300),
                "a.b" + ":12:34".repeat(3000),
                "." + "a:12".repeat(4000),
                "h." + "a".repeat(5000) + ":12".repeat(1000) + "[::1]:80 host:8080 a.b:443"));
        lines.addAll(lines());
        for (String line : lines) {
            char[] cs = line.toCharArray();
            String at = line.length() > 200 ? line.substring(0, 200) + "... (" + line.length() + " chars)" : line;
            for (boolean[] open : new boolean[][] {null, RegexScan.Starts.OPEN, WIDE}) {
                LineMasker.Census c = new LineMasker.Census(cs, open);
                assertTrue(c.hostRunReads <= cs.length, "reads " + c.hostRunReads + " of " + at);
                assertEquals(LineMasker.TokenChecks.of(cs), c.tokenChecks, at);
            }
        }
    }

    /** Surrounding whitespace (stripped by the masker after the census was taken) changes no count. */
    @Test
    void censusOfAPaddedLineIsTheStrippedOnes() throws IOException {
        SplittableRandom r = new SplittableRandom(47);
        for (int i = 0; i < 5_000; i++) {
            String line = LineMaskerTest.randomLine(r);
            String padded = " \t" + line + "  ";
            char[] cs = padded.toCharArray();
            String[] text = new String[1];
            char[] out = m.maskChars(padded, cs.clone(), text, RegexScan.Starts.ofWithCensus(cs, WIDE));
            assertEquals(m.maskPlain(padded), new String(out), padded);
        }
    }
}
