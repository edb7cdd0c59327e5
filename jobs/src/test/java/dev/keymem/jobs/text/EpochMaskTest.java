package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The epoch rule written as a scan ({@link LineMasker#epochEnd}, walked by its tables) against its regex, and the
 * masker with it against the plain form (every rule's regex in order) on the bench shapes, every loghub_2k set and
 * awkward lines (session 25, mask30).
 */
class EpochMaskTest {
    /** The index of the epoch rule ({@code 1\d{9}...}) in the masker's rules. */
    private static final int EPOCH_RULE = 12;

    private static final LineMasker MASKER = new LineMasker();

    /** Near misses of the epoch rule: digit runs from 9 to 15 long that start with 1, fractions, what is around. */
    private static List<String> epochNearMisses() {
        List<String> out = new ArrayList<>();
        String[] around = {"", " ", ".", "a", "_", "-", ":", "\u00e9", "\u0661", "<", "=", "1", "x1"};
        for (int len = 8; len <= 15; len++) {
            String run = "1" + "234567890123456".substring(0, len - 1);
            for (String frac : new String[] {"", ".", ".5", ".25", ".5.", ".5a", ",5", "..5"}) {
                for (String before : around) {
                    for (String after : around) {
                        out.add(before + run + frac + after);
                        out.add("t=" + before + run + frac + after + " end");
                    }
                }
            }
        }
        out.add("2" + "123456789012");
        out.add("11234567890");
        return out;
    }

    /** Lines no generator makes: empty, blank, non-ASCII, very long, placeholders already in place. */
    private static List<String> awkwardLines() {
        List<String> out = new ArrayList<>(List.of("", " ", "\t \u2003", "1", "1234567890", " 1234567890 ",
                "\u00e91234567890\u00e9", "\u4e2d\u6587 1700000000 \u65e5\u672c", "\ud83d\ude00 1700000000123.5",
                "<TS> <NUM> <HEX>", "1700000000<TS>", "id=1700000000123 id=1700000000123 id=1700000000123"));
        SplittableRandom r = new SplittableRandom(29);
        StringBuilder b = new StringBuilder();
        while (b.length() < 200_000) {
            b.append(ShapeLines.ids(r)).append(' ');
        }
        out.add(b.toString());
        b.setLength(0);
        for (int k = 0; k < 20_000; k++) {
            b.append(k % 7 == 0 ? "1700000000" : "\u00e9x").append(k % 3 == 0 ? "." : " ");
        }
        out.add(b.toString());
        return out;
    }

    @Test
    void epochEndIsTheRegexAtEveryPosition() throws IOException {
        List<String> lines = new ArrayList<>(Loghub.lines("EpochMaskTest"));
        SplittableRandom r = new SplittableRandom(71);
        for (int i = 0; i < 3_000; i++) {
            lines.add(ShapeLines.ids(r));
            lines.add(ShapeLines.json(r));
            lines.add(LineMaskerTest.randomLine(r));
        }
        lines.addAll(epochNearMisses());
        lines.addAll(awkwardLines().subList(0, 12));
        int matches = 0;
        for (String line : lines) {
            char[] cs = line.toCharArray();
            for (int i = 0; i < cs.length; i++) {
                assertNull(LineMasker.scanDisagreement(EPOCH_RULE, line, i), line);
                matches += cs[i] == '1' && LineMasker.epochEnd(cs, i) > i ? 1 : 0;
            }
        }
        assertTrue(matches > 1_000, "epoch ends found: " + matches);
    }

    @Test
    void maskIsThePlainFormOnBenchShapesLoghubAndAwkwardLines() throws IOException {
        List<String> lines = new ArrayList<>(Loghub.lines("EpochMaskTest"));
        SplittableRandom r = new SplittableRandom(73);
        for (int i = 0; i < 5_000; i++) {
            lines.add(ShapeLines.ids(r));
            lines.add(ShapeLines.json(r));
            lines.add(LineMaskerTest.randomLine(r));
        }
        lines.addAll(epochNearMisses());
        lines.addAll(awkwardLines());
        int changed = 0;
        int epochs = 0;
        for (String line : lines) {
            String plain = MASKER.maskPlain(line);
            assertEquals(plain, MASKER.mask(line), line);
            // with the positions and census taken in one pass, as the log miner masks
            char[] cs = line.toCharArray();
            String[] text = new String[1];
            RegexScan.Starts starts = RegexScan.Starts.ofWithCensus(cs, RegexScan.Starts.openWith());
            assertEquals(plain, new String(MASKER.maskChars(line, cs, text, starts)), line);
            changed += plain.equals(line.strip()) ? 0 : 1;
            epochs += plain.contains(LineMasker.TS) ? 1 : 0;
        }
        assertTrue(changed > lines.size() / 2 && epochs > 1_000, changed + " changed, " + epochs + " with <TS>");
    }
}
