package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The masker ({@link LineMasker#mask}, {@link LineMasker#maskChars} with positions) against every rule's regex in
 * order ({@link LineMasker#maskPlain}) on random lines of the rules' shapes put right next to each other (one rule's
 * placeholder where the next rule looks before or after its match), next to real {@code <} and {@code >} characters
 * and placeholders, with matches shorter and longer than their placeholder; the caller's array left as it was; the
 * positions handed back those of the result ({@link RegexScan.Starts#ofReference}). Written in session 27 for an
 * in-place form of the rules' changes (measured, not kept: docs/benchmarks.md, branch mask32).
 */
class MaskerAdjacentShapesTest {
    private final LineMasker masker = new LineMasker();
    /** The masker's own position table, and one that also holds {@code <}, {@code >} and {@code .} (as the log miner's). */
    private static final boolean[][] OPENS = {RegexScan.Starts.OPEN,
        RegexScan.Starts.openWith(RegexScan.firstChars(c -> c == '<' || c == '>' || c == '.'))};

    static final String[] SHAPES = {"0", "1", "7", "42", "255", "1.2.3", "3.14", "1714564800", "1714564800123",
        "1714564800.5", "2024-05-01", "2024-05-01T12:00:00.123Z", "2024-05-01 12:00:00,5", "12:00:00", "1:02:03",
        "12:00:00.250", "May  1 12:00:00", "Jan 5 12:00:00", "0x1", "0x1f", "0XdeadBEEF", "0x181E290A", "deadbeef",
        "9fceb02d0a", "abcdefab", "7d24b39645cf8aa4059a91e1c527e279", "f72c2c26-7862-9522-9623-d7cfa9ae7a34",
        "F72C2C26-7862-9522-9623-D7CFA9AE7A34", "d8:6c:55:fd:17:5c", "00-1A-2B-3C-4D-5E", "10.0.0.1",
        "10.101.211.234:36302", "::1", "fe80::1", "::", "1::", "a::b", "d26b:14a0:7c2b:c320:42f9:96d:1d:2544",
        "[d26b:14a0:7c2b:c320:42f9:96d:1d:2544]:35341", "/var/log/x.log", "/a/", "C:\\dir\\f", "~/a/b", "a/b/c",
        "GET /api/v1/users/42", "http://h.example.com/x?q=1", "a://b", "x@a.com", "ab@b.com", "first.last@ex.co.uk",
        "<", "<<", ">", ">>", "<>", "<UUID>", "<NUM>", "<TS>", "<HEX>", "<IP>", "<PATH>", "<URL>", "<EMAIL>", "<X>",
        "D>", "*>", "id=", "req=", "v1", "user42", "blk_-123", "é", "漢", "٣", "\u00a0"};
    static final String[] GLUE = {"", "", "", " ", " ", ":", "-", ".", "/", "=", "[", "]", ",", "<", ">", "\"", "_",
        "a", "Z", "9"};

    /** A line of 1 to 16 shapes, each after a glue (often none: shapes right next to each other). */
    static String line(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(1, 17); i > 0; i--) {
            sb.append(GLUE[r.nextInt(GLUE.length)]);
            sb.append(SHAPES[r.nextInt(SHAPES.length)]);
        }
        if (r.nextInt(8) == 0) {
            sb.append("  ");
        }
        return sb.toString();
    }

    @Test
    void maskedAsEveryRulesRegexMasks() {
        SplittableRandom r = new SplittableRandom(2712);
        for (int t = 0; t < 30_000; t++) {
            String line = line(r);
            String plain = masker.maskPlain(line);
            assertEquals(plain, masker.mask(line), line);
            for (boolean[] open : OPENS) {
                char[] given = line.toCharArray();
                char[] cs = given.clone();
                RegexScan.Starts starts = RegexScan.Starts.ofWithCensus(cs, open);
                String[] text = new String[1];
                char[] out = masker.maskChars(t % 2 == 0 ? line : null, cs, text, starts);
                assertEquals(plain, new String(out), line);
                if (text[0] != null) {
                    assertEquals(plain, text[0], line);
                }
                assertArrayEquals(given, cs, "the caller's array changed: " + line);
                assertArrayEquals(RegexScan.Starts.ofReference(out, open).toArray(), starts.toArray(),
                        "positions of " + plain + " from " + line);
            }
        }
    }

    @Test
    void aLineOfTheIdsShapeMasksAsTheRegexes() {
        // an ids bench line's shape: nine rules change it
        String line = "2026-01-23T08:00:00.000Z INFO scheduler[6816]: req=f72c2c26-7862-9522-9623-d7cfa9ae7a34 "
                + "trace=7d24b39645cf8aa4059a91e1c527e279 from=10.101.211.234:36302 "
                + "to=[d26b:14a0:7c2b:c320:42f9:96d:1d:2544]:35341 bytes=732347482 crc=0x181E290A "
                + "ptr=0x903c316774fe t=5536.151655 id=2549133242203 ts=1714564800 mac=d8:6c:55:fd:17:5c";
        assertEquals(masker.maskPlain(line), masker.mask(line));
        for (boolean[] open : OPENS) {
            char[] cs = line.toCharArray();
            RegexScan.Starts starts = RegexScan.Starts.ofWithCensus(cs, open);
            char[] out = masker.maskChars(line, cs, new String[1], starts);
            assertEquals(masker.maskPlain(line), new String(out));
            assertArrayEquals(RegexScan.Starts.ofReference(out, open).toArray(), starts.toArray());
        }
    }
}
