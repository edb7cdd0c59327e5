package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The masker's rule ends with a fast form ({@link LineMasker#uuidEnd}, {@link LineMasker#macEnd}) give their
 * references' answers at every position.
 */
class MaskerEndsTest {
    @Test
    void uuidEndIsTheReferenceAtEveryPosition() throws IOException {
        List<String> lines = new ArrayList<>(Loghub.lines("MaskerEndsTest"));
        SplittableRandom r = new SplittableRandom(61);
        for (int i = 0; i < 3_000; i++) {
            lines.add(ShapeLines.ids(r));
            lines.add(LineMaskerTest.randomLine(r));
        }
        // near misses: a group short or long, a hyphen moved, non-hex, the end of the line, non-ASCII around it
        String uuid = "123e4567-e89b-12d3-a456-426614174000";
        for (int cut = 0; cut <= uuid.length(); cut++) {
            lines.add(uuid.substring(0, cut));
            lines.add("x " + uuid.substring(0, cut) + "0");
        }
        for (int q = 0; q < uuid.length(); q++) {
            for (char c : new char[] {'-', 'g', '0', 'F', '\u00e9', '_'}) {
                lines.add("a " + uuid.substring(0, q) + c + uuid.substring(q + 1) + " b");
            }
            lines.add(uuid.substring(0, q) + "-" + uuid.substring(q));
        }
        lines.add("\u00e9" + uuid + "\u00e9");
        int matches = 0;
        for (String line : lines) {
            char[] cs = line.toCharArray();
            for (int i = 0; i < cs.length; i++) {
                int e = LineMasker.uuidEnd(cs, i);
                assertEquals(LineMasker.uuidEndReference(cs, i), e, "at " + i + " of " + line);
                matches += e > i ? 1 : 0;
            }
        }
        assertTrue(matches > 3_000, "uuids found: " + matches);
    }

    @Test
    void macEndIsTheReferenceAtEveryPosition() throws IOException {
        List<String> lines = new ArrayList<>(Loghub.lines("MaskerEndsTest"));
        SplittableRandom r = new SplittableRandom(67);
        for (int i = 0; i < 3_000; i++) {
            lines.add(ShapeLines.ids(r));
            lines.add(LineMaskerTest.randomLine(r));
        }
        // near misses: cut, a char replaced (separator, hex digit, non-hex, non-ASCII), separators mixed, a
        // separator put in, what follows the last group
        for (String mac : new String[] {"d8:6c:55:fd:17:5c", "D8-6C-55-FD-17-5C"}) {
            for (int cut = 0; cut <= mac.length(); cut++) {
                lines.add(mac.substring(0, cut));
                lines.add("x " + mac.substring(0, cut) + "0");
            }
            for (int q = 0; q < mac.length(); q++) {
                for (char c : new char[] {':', '-', 'g', '0', 'F', '\u00e9', '_', '.'}) {
                    lines.add("a " + mac.substring(0, q) + c + mac.substring(q + 1) + " b");
                }
                lines.add(mac.substring(0, q) + ":" + mac.substring(q));
            }
            for (String after : new String[] {"", " ", ":", "-", "a", ".", "\u00e9", ":1"}) {
                lines.add(mac + after);
            }
        }
        int matches = 0;
        for (String line : lines) {
            char[] cs = line.toCharArray();
            for (int i = 0; i < cs.length; i++) {
                int e = LineMasker.macEnd(cs, i);
                assertEquals(LineMasker.macEndReference(cs, i), e, "at " + i + " of " + line);
                matches += e > i ? 1 : 0;
            }
        }
        assertTrue(matches > 3_000, "macs found: " + matches);
    }

    @Test
    void hexRunEndIsTheReferenceAtEveryPosition() throws IOException {
        List<String> lines = new ArrayList<>(Loghub.lines("MaskerEndsTest"));
        SplittableRandom r = new SplittableRandom(71);
        for (int i = 0; i < 3_000; i++) {
            lines.add(ShapeLines.ids(r));
            lines.add(LineMaskerTest.randomLine(r));
        }
        // runs of 6 to 10 chars of every mix of digits, hex letters of both cases, a non-hex letter, '_', non-ASCII
        String chars = "0123456789abcdefABCDEFgG_\u00e9.-:";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder(r.nextBoolean() ? "" : r.nextBoolean() ? " " : "\u00e9");
            int len = 6 + r.nextInt(5);
            for (int k = 0; k < len; k++) {
                b.append(r.nextInt(8) == 0 ? chars.charAt(r.nextInt(chars.length()))
                        : chars.charAt(r.nextInt(r.nextBoolean() ? 10 : 22)));
            }
            lines.add(b.toString());
        }
        lines.add("deadbeef1");
        lines.add("12345678");
        lines.add("abcdefab");
        lines.add("1234567a");
        lines.add("\u00e91234567a\u00e9");
        int matches = 0;
        for (String line : lines) {
            char[] cs = line.toCharArray();
            for (int i = 0; i < cs.length; i++) {
                int e = LineMasker.hexRunEnd(cs, i);
                assertEquals(LineMasker.hexRunEndReference(cs, i), e, "at " + i + " of " + line);
                matches += e > i ? 1 : 0;
            }
        }
        assertTrue(matches > 3_000, "hex runs found: " + matches);
    }
}
