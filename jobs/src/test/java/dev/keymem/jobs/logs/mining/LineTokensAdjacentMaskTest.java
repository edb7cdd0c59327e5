package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LineTokens#mask} against its regex reference ({@code maskReference}) on random lines of the masker's and
 * the miner's shapes put right next to each other and to real {@code <} and {@code >} characters (the shapes of
 * {@code MaskerAdjacentShapesTest} and a few of the miner's: hosts, day names, quantities, hex letters). Written in
 * session 27 for an in-place form of the masker's changes (measured, not kept: docs/benchmarks.md, branch mask32).
 */
class LineTokensAdjacentMaskTest {
    private static final String[] SHAPES = {"0", "1", "42", "1.2.3", "1714564800", "1714564800123", "2024-05-01",
        "2024-05-01T12:00:00.123Z", "12:00:00", "1:02:03", "May  1 12:00:00", "0x1", "0x181E290A", "deadbeef",
        "9fceb02d0a", "7d24b39645cf8aa4059a91e1c527e279", "f72c2c26-7862-9522-9623-d7cfa9ae7a34",
        "d8:6c:55:fd:17:5c", "00-1A-2B-3C-4D-5E", "10.0.0.1", "10.101.211.234:36302", "::1", "fe80::1",
        "[d26b:14a0:7c2b:c320:42f9:96d:1d:2544]:35341", "/var/log/x.log", "a/b/c", "GET /api/v1/users/42",
        "http://h.example.com/x?q=1", "x@a.com", "host.example.com", "api.local:8080", "db-1.internal:5432", "Mon",
        "Fri", "Tue, ", "5ms", "12 KB", "3.5s", "abcdef", "ABCDEF", "<", "<<", ">", "<UUID>", "<NUM>", "<HOST>", "<*>",
        "id=", "v1", "user42", "blk_-123", "R02-M1", "é", "漢"};
    private static final String[] GLUE = {"", "", "", " ", " ", ":", "-", ".", "/", "=", "[", "]", ",", "<", ">",
        "\"", "a", "9"};

    @Test
    void maskedAsTheReference() {
        LineTokens lt = new LineTokens();
        SplittableRandom r = new SplittableRandom(2713);
        for (int t = 0; t < 30_000; t++) {
            StringBuilder sb = new StringBuilder();
            for (int i = r.nextInt(1, 17); i > 0; i--) {
                sb.append(GLUE[r.nextInt(GLUE.length)]).append(SHAPES[r.nextInt(SHAPES.length)]);
            }
            String line = sb.toString();
            assertEquals(lt.maskReference(line), lt.mask(line), line);
        }
    }
}
