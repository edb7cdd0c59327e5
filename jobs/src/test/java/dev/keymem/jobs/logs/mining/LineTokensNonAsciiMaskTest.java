package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import dev.keymem.jobs.text.LineMasker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The masking step with positions ({@code RegexScan.Starts}) that hold no non-ASCII character (session 26): the
 * miner's {@link LineTokens#mask} against its regex reference ({@code maskReference}) and the masker's
 * {@link LineMasker#mask} against every rule's regex ({@code maskPlain}; {@code maskReference} takes the masker's
 * stage from the fast masker), on lines where non-ASCII text sits right
 * before, after and between what the rules look for (Cyrillic, CJK, Latin-1, Arabic-Indic and full-width digits,
 * surrogate pairs, no-break spaces), on every loghub_2k line (read as ISO-8859-1: its bytes from 128 up are
 * non-ASCII chars) and the sample log; with {@code -Dkeymem.bench.in=DIR} also on the first 3,000 lines of each of
 * the bench inputs ids, mix49k, nonascii and lhredraw1 there (opt-in: the CI does not run that part). And that no
 * walking scan's {@code Start} test passes at a non-ASCII character ({@code startOutsideFirstChars}), which is what
 * lets the positions leave those characters out.
 */
class LineTokensNonAsciiMaskTest {
    private final LineTokens lt = new LineTokens();
    private final LineMasker masker = new LineMasker();

    private static final String[] NON_ASCII = {"é", "Ж", "Превышен", "漢字", "注文", "キャンセル", "٣", "١٢", "１２",
        "\u00a0", "\u2028", "µ", "ß", "Ü", "😀", "\ud83d", "\ude00", "ÿ", "\u0080", "\uffff", "Ⅻ", "ａｂｃ", "ﬁ",
        // review 26c F3: where Java 17's \b (Character.isLetterOrDigit on code points, a mark after a base char a
        // word char) differs most from the ASCII \w: supplementary letters and digits, combining marks with and
        // without a base, the Kelvin sign and long s (case folds to k and s), ZWJ, ZWNJ, BOM, Lo/Lm letters
        "\ud835\udc00", "\ud840\udc00", "\ud835\udfd8", "\ud801\udc00", "e\u0301", "\u0301", "\u212a",
        "\u017f", "\u0130", "\u200d", "\u200c", "\ufeff", "\u00aa", "\u02b0", "\udbff", "\udfff"};
    private static final String[] ASCII = {"0", "1", "42", "255", "1714564800", "1714564800123", "2024-05-01",
        "2024-05-01T12:00:00.123Z", "12:00:00", "1:02:03", "Jan 5 12:00:00", "0x1f", "0XdeadBEEF", "deadbeef",
        "9fceb02d0a", "abcdefab", "f72c2c26-7862-9522-9623-d7cfa9ae7a34", "d8:6c:55:fd:17:5c", "d8-6c-55-fd-17-5c",
        "10.0.0.1", "10.101.211.234:36302", "::1", "fe80::1", "d26b:14a0:7c2b:c320:42f9:96d:1d:2544",
        "/var/log/x.log", "C:\\dir\\f", "~/a/b", "a/b/c", "http://h.example.com/x?q=1", "x@a.com", "host.example.com",
        "api.local:8080", "Mon", "Fri", "Tue, ", "5ms", "12 KB", "3.5s", "<NUM>", "<*>", "id=", "req=", " ", ".", ":",
        "-", "_", "[", "]", "(", ")", "=", ",", "\"", "'", "<", ">", "GET ", "v1", "blk_-123", "R02-M1"};

    private static String nonAsciiLine(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(1, 24); i > 0; i--) {
            String[] from = r.nextInt(3) == 0 ? ASCII : NON_ASCII;
            sb.append(from[r.nextInt(from.length)]);
            if (r.nextInt(4) == 0) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    /** {@code LineMasker.maskPlain}, every rule's regex in order (package-private there: reached by reflection). */
    private static final java.lang.reflect.Method MASK_PLAIN;

    static {
        try {
            MASK_PLAIN = LineMasker.class.getDeclaredMethod("maskPlain", String.class);
            MASK_PLAIN.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private void check(String line) throws Exception {
        assertEquals(lt.maskReference(line), lt.mask(line), "LineTokens.mask of '" + line + "'");
        assertEquals(MASK_PLAIN.invoke(masker, line), masker.mask(line), "LineMasker.mask of '" + line + "'");
    }

    @Test
    void maskIsTheReferenceWhereNonAsciiTextTouchesTheRules() throws Exception {
        SplittableRandom r = new SplittableRandom(26);
        for (int n = 0; n < 20_000; n++) {
            check(nonAsciiLine(r));
        }
        // each rule's shape with one non-ASCII char right before and right after it
        for (String a : ASCII) {
            for (String x : NON_ASCII) {
                check(x + a + x);
                check(x + a + " " + a + x);
                check("k=" + x + a);
                check(a + x + "1");
            }
        }
    }

    @Test
    void noWalkingStartPassesAtANonAsciiChar() {
        SplittableRandom r = new SplittableRandom(31);
        for (int n = 0; n < 5_000; n++) {
            String line = nonAsciiLine(r);
            for (int i = 0; i < line.length(); i++) {
                assertFalse(LineTokens.startOutsideFirstChars(line, i), "at " + i + " of '" + line + "'");
            }
        }
    }

    @Test
    void maskIsTheReferenceOnRealAndBenchLines() throws Exception {
        List<String> lines = new ArrayList<>(
                Files.readAllLines(Path.of("../samples/logs/services.log"), StandardCharsets.UTF_8));
        lines.addAll(Loghub.lines("LineTokensNonAsciiMaskTest"));
        String bench = System.getProperty("keymem.bench.in");
        int benchLines = 0;
        if (bench != null) {
            for (String f : new String[] {"ids.jsonl", "mix49k.jsonl", "nonascii.log", "lhredraw1.log"}) {
                List<String> all = Files.readAllLines(Path.of(bench, f), StandardCharsets.UTF_8);
                List<String> some = all.subList(0, Math.min(3_000, all.size()));
                lines.addAll(some);
                benchLines += some.size();
            }
            assertTrue(benchLines >= 12_000, "bench lines: " + benchLines);
        }
        for (String line : lines) {
            check(line);
        }
        System.out.println("LineTokensNonAsciiMaskTest: " + lines.size() + " real lines checked (" + benchLines
                + " of the bench inputs)");
    }
}
