package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingResult;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.keymem.jobs.sample.LogGenerator;
import dev.keymem.jobs.testdata.Loghub;
import org.junit.jupiter.api.Test;

/**
 * {@link Cl100kBpe} gives jtokkit's cl100k_base ids, counts, cuts and texts: on every loghub_2k line (raw and masked),
 * on generated log lines, on random text over many Unicode classes, on long pieces (the heap merge) and at limits.
 */
class Cl100kBpeTest {

    private static final Encoding JTOKKIT = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private static final Cl100kBpe BPE = Cl100kBpe.get();

    /** Every id of {@code text}, its count and its text as jtokkit has them, and cuts at a few limits. */
    private static void same(String text) {
        same(text, true);
    }

    /** As {@link #same(String)}; the cuts only when {@code cuts}. */
    private static void same(String text, boolean cuts) {
        int[] want = JTOKKIT.encodeOrdinary(text).toArray();
        assertArrayEquals(want, BPE.encode(text), () -> "ids of '" + text + "'");
        assertEquals(want.length, BPE.count(text), () -> "count of '" + text + "'");
        assertEquals(JTOKKIT.decode(list(want)), BPE.decode(want), () -> "text of '" + text + "'");
        if (!cuts) {
            return;
        }
        for (int limit : new int[] {1, 2, 3, 7, want.length - 1, want.length, want.length + 1}) {
            if (limit >= 1) {
                EncodingResult r = JTOKKIT.encodeOrdinary(text, limit);
                Cl100kBpe.Limited got = BPE.encode(text, limit);
                assertArrayEquals(r.getTokens().toArray(), got.ids(), () -> "ids of '" + text + "' cut to " + limit);
                assertEquals(r.isTruncated(), got.truncated(), () -> "cut of '" + text + "' to " + limit);
                assertEquals(JTOKKIT.decode(r.getTokens()), got.text(), () -> "text kept of '" + text + "' cut to " + limit);
            }
        }
    }

    private static IntArrayList list(int[] ids) {
        IntArrayList l = new IntArrayList(ids.length);
        for (int id : ids) {
            l.add(id);
        }
        return l;
    }

    @Test
    void readsEveryRankOfJtokkitsFile() {
        assertEquals(100_256, BPE.tokens());
        assertArrayEquals(new int[] {15339, 1917}, BPE.encode("hello world"));
        for (int r = 0; r < BPE.tokens(); r++) {
            assertArrayEquals(JTOKKIT.decodeBytes(list(new int[] {r})), BPE.tokenBytes(r), "token " + r);
        }
    }

    @Test
    void everyLoghubLineGivesJtokkitsIds() throws Exception {
        List<String> lines = Loghub.lines("Cl100kBpeTest.everyLoghubLineGivesJtokkitsIds");
        LineMasker masker = new LineMasker();
        int n = 0;
        for (String line : lines) {
            same(line, n % 4 == 0);
            same(masker.mask(line), n++ % 4 == 1);
        }
        System.out.println("Cl100kBpeTest: " + lines.size() + " loghub_2k lines, raw and masked, same ids as jtokkit");
    }

    @Test
    void generatedLogLinesGiveJtokkitsIds() {
        LineMasker masker = new LineMasker();
        int n = 0;
        for (String line : new LogGenerator(11).generate(20_000).lines) {
            same(line, n % 8 == 0);
            same(masker.mask(line), n++ % 8 == 1);
        }
    }

    /**
     * Merged pieces taken from the cache give the merge's ids: every piece merged (no cache), a cache of 4 slots
     * (emptied every second piece it remembers, so lookups meet both hits and misses after emptying) and the
     * thread's own, each against jtokkit, over generated lines whose words repeat.
     */
    @Test
    void cachedPiecesGiveTheMergedIds() {
        Cl100kBpe.PieceCache tiny = new Cl100kBpe.PieceCache(4);
        Cl100kBpe.PieceCache large = new Cl100kBpe.PieceCache(1 << 12);
        int merged = 0;
        for (String line : new LogGenerator(13).generate(3_000).lines) {
            int[] want = JTOKKIT.encodeOrdinary(line).toArray();
            assertArrayEquals(want, BPE.encodeWith(line, null), () -> "ids of '" + line + "', no cache");
            assertArrayEquals(want, BPE.encodeWith(line, tiny), () -> "ids of '" + line + "', 4 slots");
            assertArrayEquals(want, BPE.encodeWith(line, large), () -> "ids of '" + line + "', 4,096 slots");
            assertArrayEquals(want, BPE.encode(line), () -> "ids of '" + line + "'");
            merged += want.length > line.split("\\s+").length ? 1 : 0;
        }
        assertTrue(merged > 1_000, "lines with a piece of several tokens: " + merged);
        assertThrows(IllegalArgumentException.class, () -> new Cl100kBpe.PieceCache(12));
    }

    @Test
    void randomTextGivesJtokkitsIds() {
        // letters, digits and spaces of many scripts and classes; contractions; newlines; punctuation; emoji
        String[] atoms = {"a", "b", "z", "A", "Q", "0", "7", "42", "365", " ", "  ", "\t", "\n", "\r\n", "\r", "\u000B",
            "\f", "'", "'s", "'S", "'ll", "'LL", "'Ve", "'re", "'t", "'d", "'m", "'\u017f", "'x", ".", ",", ":", "/", "-",
            "_", "=", "<", ">", "<|", "|>", "<|endoftext|>", "\"", "(", ")", "[", "]", "{", "}", "#", "@", "$", "%", "^",
            "&", "*", "+", "~", "`", "\\", "|", "!", "?", ";", "\u0085", "\u00a0", "\u1680", "\u2003", "\u2028", "\u202f",
            "\u3000", "\u00aa", "\u00b2", "\u00bd", "\u00e4", "\u00df", "\u00c9", "\u0130", "\u0131", "\u03a9",
            "\u0436", "\u05d0", "\u0627", "\u0661", "\u0966", "\u0e01", "\u2160", "\u2460", "\u20ac", "\u00a9", "\u2014",
            "\u3042", "\u6f22", "\u5b57", "\uac00", "\uff10", "\uff41", "\ud83d\ude80", "\ud83d\ude00", "\ud835\udc00",
            "\ud840\udc00", "\ud83c\udff3\ufe0f", "e\u0301", "\u0300", "\u200d", "\ufeff", "\u0000", "\u007f"};
        SplittableRandom r = new SplittableRandom(5);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(0, 40); k > 0; k--) {
                sb.append(atoms[r.nextInt(atoms.length)]);
            }
            same(sb.toString());
        }
    }

    @Test
    void longPiecesMergeAsJtokkitMerges() {
        // pieces of 128+ bytes take the heap merge, those of 500+ bytes jtokkit's large-piece path
        SplittableRandom r = new SplittableRandom(13);
        List<String> texts = new ArrayList<>();
        texts.add("a".repeat(5000));
        texts.add("ab".repeat(700));
        texts.add("=".repeat(3000));
        texts.add(" ".repeat(2000) + "x");
        texts.add("\n".repeat(600) + " \n ".repeat(300));
        texts.add("\ud83d\ude80".repeat(400));
        texts.add("\u6f22\u5b57".repeat(300));
        texts.add("Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(40));
        texts.add("x".repeat(127) + " " + "y".repeat(128) + " " + "z".repeat(129));
        String letters = "etaoinshrdlucmfwypvbgkjqxz\u00e4\u00f6\u00fc\u00df";
        for (int n = 0; n < 100; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(100, 1500); k > 0; k--) {
                sb.append(letters.charAt(r.nextInt(letters.length())));
            }
            texts.add(sb.toString());
            StringBuilder p = new StringBuilder();
            for (int k = r.nextInt(100, 800); k > 0; k--) {
                p.append("=-_.:/\\|*#".charAt(r.nextInt(10)));
            }
            texts.add(p.toString());
        }
        for (String t : texts) {
            same(t);
        }
        for (String t : PathologicalLinesTest.lines().values()) {
            // what TextFrontEnd hands the tokenizer of such a line: its first 4096 chars, cut to 512 tokens
            String prefix = t.substring(0, 4096);
            int[] want = JTOKKIT.encodeOrdinary(prefix).toArray();
            assertArrayEquals(want, BPE.encode(prefix), prefix.substring(0, 40));
            EncodingResult cut = JTOKKIT.encodeOrdinary(prefix, 512);
            Cl100kBpe.Limited got = BPE.encode(prefix, 512);
            assertArrayEquals(cut.getTokens().toArray(), got.ids(), prefix.substring(0, 40));
            assertEquals(cut.isTruncated(), got.truncated());
        }
    }

    @Test
    void aCutNeverSplitsACharacter() {
        // multi-byte characters whose bytes are several tokens: a cut inside one drops its tokens, as jtokkit's does
        String s = "\ud83c\udff3\ufe0f\u200d\ud83c\udf08 \u0f00\u0f01\u0f02 \ud802\udd00\ud802\udd01 \u2e80\u2e81";
        for (int limit = 1; limit <= BPE.count(s) + 1; limit++) {
            EncodingResult r = JTOKKIT.encodeOrdinary(s, limit);
            Cl100kBpe.Limited got = BPE.encode(s, limit);
            assertArrayEquals(r.getTokens().toArray(), got.ids(), "limit " + limit);
            assertEquals(r.isTruncated(), got.truncated(), "limit " + limit);
            assertTrue(s.startsWith(BPE.decode(got.ids())));
        }
    }

    @Test
    void specialTokensDecodeAsTextAndUnknownIdsThrow() {
        for (int id : new int[] {100257, 100258, 100259, 100260, 100276}) {
            assertEquals(JTOKKIT.decode(list(new int[] {id})), BPE.decode(new int[] {id}));
        }
        String s = "a <|endoftext|> b <|fim_prefix|><|endofprompt|>";
        same(s);
        for (int bad : new int[] {-1, 100256, 100261, 200000}) {
            NullPointerException e = assertThrows(NullPointerException.class, () -> BPE.decode(new int[] {bad}));
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
    }

    @Test
    void loneSurrogatesAreEncodedAsTheirCodeUnits() {
        // jtokkit asserts valid UTF-8 (tests run with -ea), so compare with its bytes: the code unit's three bytes
        String s = "x\ud800y \udc00";
        int[] ids = BPE.encode(s);
        byte[] want = {'x', (byte) 0xed, (byte) 0xa0, (byte) 0x80, 'y', ' ', (byte) 0xed, (byte) 0xb0, (byte) 0x80};
        int total = 0;
        StringBuilder bytes = new StringBuilder();
        for (int id : ids) {
            byte[] t = JTOKKIT.decodeBytes(list(new int[] {id}));
            for (byte b : t) {
                assertEquals(want[total++], b, "byte " + (total - 1));
            }
            bytes.append(t.length).append(' ');
        }
        assertEquals(want.length, total, bytes.toString());
    }

    /**
     * The byte path of ASCII texts against the char path (the reference) on the same texts: every loghub_2k line
     * raw and masked, shape lines (JSON, ids, mutated), multi-line stack traces, and random texts over all 128 ASCII
     * characters (contractions, newlines, runs of spaces); with and without the piece cache. Where a text is not all
     * ASCII ({@link Cl100kBpe#asciiBytes} null) both calls take the char path.
     */
    @Test
    void asciiBytePathGivesTheCharPathsIds() throws Exception {
        List<String> texts = new ArrayList<>();
        LineMasker masker = new LineMasker();
        for (String line : Loghub.lines("Cl100kBpeTest.asciiBytePathGivesTheCharPathsIds")) {
            texts.add(line);
            texts.add(masker.mask(line));
        }
        SplittableRandom r = new SplittableRandom(17);
        for (int n = 0; n < 3_000; n++) {
            texts.add(ShapeLines.json(r));
            texts.add(ShapeLines.ids(r));
        }
        StringBuilder trace = new StringBuilder("ERROR request failed\njava.io.IOException: it's closed");
        for (int k = 0; k < 60; k++) {
            trace.append("\n\tat com.acme.Svc").append(k).append(".run(Svc.java:").append(100 + k).append(')');
            texts.add(trace.toString());
        }
        String[] atoms = {"'s", "'LL", "'ve", "'re", "'x", "  ", "   ", "\r\n", " \n ", "abcXYZ", "0123", "42", "<NUM>",
            "<*>", "=", "\"key\":", "?", "??", "a?b"};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(0, 60); k > 0; k--) {
                if (r.nextInt(3) == 0) {
                    sb.append(atoms[r.nextInt(atoms.length)]);
                } else {
                    sb.append((char) r.nextInt(0, 128));
                }
            }
            texts.add(sb.toString());
        }
        int ascii = 0;
        Cl100kBpe.PieceCache small = new Cl100kBpe.PieceCache(16);
        for (String t : texts) {
            ascii += Cl100kBpe.asciiBytes(t) != null ? 1 : 0;
            int[] want = BPE.encodeWith(t, null, false);
            assertArrayEquals(want, BPE.encodeWith(t, null, true), () -> "ids of '" + t + "'");
            assertArrayEquals(want, BPE.encodeWith(t, small, true), () -> "ids of '" + t + "', cached pieces");
            assertEquals(want.length, BPE.count(t), () -> "count of '" + t + "'");
        }
        assertTrue(ascii > texts.size() * 3 / 4, "ASCII texts: " + ascii + " of " + texts.size());
    }

    /**
     * The table-driven piece finder ends every piece where the class tests end it ({@code pieceEndAscii}, the
     * reference), at every offset of random ASCII texts (all 128 chars, contractions, runs of spaces and newlines)
     * and of stack traces; and short pieces' ranks from a table of 2 slots (each piece overwriting the last) equal
     * the rank table's.
     */
    @Test
    void tableDrivenPiecesAndShortRanksEqualTheReference() {
        SplittableRandom r = new SplittableRandom(23);
        String[] atoms = {"'s", "'LL", "'Ve", "'re", "'x", "'", "  ", "   ", "\r\n", " \n ", "\n\n", "\t", "abcXYZ", "0123",
            "42", "<NUM>", "<*>", "=", "\"key\":", "?", "a?b", " .", " (", "\u0000", "\u007f"};
        List<String> texts = new ArrayList<>();
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(0, 40); k > 0; k--) {
                sb.append(r.nextInt(3) == 0 ? atoms[r.nextInt(atoms.length)] : String.valueOf((char) r.nextInt(0, 128)));
            }
            texts.add(sb.toString());
        }
        StringBuilder trace = new StringBuilder("ERROR request failed\njava.io.IOException: it's closed");
        for (int k = 0; k < 40; k++) {
            trace.append("\n\tat com.acme.Svc").append(k).append(".run(Svc.java:").append(100 + k).append(')');
        }
        texts.add(trace.toString());
        Cl100kBpe.PieceCache two = new Cl100kBpe.PieceCache(2);
        for (String text : texts) {
            byte[] t = Cl100kBpe.asciiBytes(text);
            for (int i = 0; i < t.length; i++) {
                int at = i;
                assertEquals(Cl100kBpe.pieceEndAscii(t, i), Cl100kBpe.pieceEnd(t, i), () -> "piece at " + at + " of '" + text + "'");
            }
            assertArrayEquals(BPE.encodeWith(text, null, false), BPE.encodeWith(text, two, true), () -> "ids of '" + text + "'");
        }
    }

    /**
     * What {@code pieceEnd(byte[], int)}'s doc says it reads (and {@code encodeAsciiPrefix}'s window margin leans on):
     * a piece that is no white space ends where it ends whatever the chars from one past its end on are (the text cut
     * there, or those chars replaced), so two past is a bound with room; and one past is needed (many pieces end
     * elsewhere once their next char changes). Random ASCII texts of letters, digits, contraction letters,
     * apostrophes, white space and punctuation, at every offset.
     */
    @Test
    void aPieceThatIsNoWhiteSpaceDependsOnOneCharPastIt() {
        String alphabet = "ab'sdmtlvreSLVRE1 \t\n\r.:(),<*>_-";
        SplittableRandom r = new SplittableRandom(61);
        int needsOne = 0;
        int pieces = 0;
        for (int n = 0; n < 40_000; n++) {
            byte[] t = new byte[1 + r.nextInt(12)];
            for (int k = 0; k < t.length; k++) {
                t[k] = (byte) alphabet.charAt(r.nextInt(alphabet.length()));
            }
            for (int i = 0; i < t.length; i++) {
                int end = Cl100kBpe.pieceEnd(t, i);
                int c = t[i];
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    continue;
                }
                pieces++;
                int keep = Math.min(t.length, end + 1);
                String at = new String(t, java.nio.charset.StandardCharsets.US_ASCII) + " at " + i;
                assertEquals(end, Cl100kBpe.pieceEnd(java.util.Arrays.copyOf(t, keep), i), at);
                byte[] u = t.clone();
                for (int k = keep; k < u.length; k++) {
                    u[k] = (byte) alphabet.charAt(r.nextInt(alphabet.length()));
                }
                assertEquals(end, Cl100kBpe.pieceEnd(u, i), at);
                if (end < t.length) {
                    byte[] v = t.clone();
                    v[end] = t[end] == 'a' ? (byte) '.' : (byte) 'a';
                    needsOne += Cl100kBpe.pieceEnd(v, i) != end ? 1 : 0;
                }
            }
        }
        assertTrue(pieces > 100_000, "pieces: " + pieces);
        assertTrue(needsOne > 10_000, "pieces whose end needs the char after it: " + needsOne);
    }

    @Test
    void asciiBytesOnlyForAsciiTexts() {
        assertArrayEquals(new byte[] {'a', '?', 'b'}, Cl100kBpe.asciiBytes("a?b"));
        assertArrayEquals(new byte[0], Cl100kBpe.asciiBytes(""));
        assertArrayEquals(new byte[] {0, 127}, Cl100kBpe.asciiBytes("\u0000\u007f"));
        for (String s : new String[] {"\u0080", "caf\u00e9", "a\ud800b", "?\udc00", "\ud83d\ude80", "x\u20ac", "\u00ff"}) {
            assertEquals(null, Cl100kBpe.asciiBytes(s), s);
        }
        SplittableRandom r = new SplittableRandom(3);
        for (int n = 0; n < 20_000; n++) {
            char[] cs = new char[n % 4 == 0 ? r.nextInt(0, 70) : r.nextInt(0, 12)];
            for (int i = 0; i < cs.length; i++) {
                // every eighth text: long and mostly ASCII (a char above it one time in 100), to reach the eight-byte
                // steps; every sixteenth of those with no '?' typed (a char above 0xFF still encodes as one)
                int odd = n % 8 == 0 ? 100 : 4;
                boolean marks = n % 128 != 0;
                cs[i] = r.nextInt(odd) == 0 ? (char) r.nextInt(0, 0x10000)
                        : marks && r.nextInt(3) == 0 ? '?' : (char) r.nextInt(0, 128);
            }
            String s = new String(cs);
            boolean allAscii = s.chars().allMatch(c -> c < 128);
            byte[] b = Cl100kBpe.asciiBytes(s);
            assertEquals(allAscii, b != null, s);
            assertArrayEquals(Cl100kBpe.asciiBytesReference(s), b, s); // the eight-byte form and the UTF-8 one
            assertArrayEquals(Cl100kBpe.asciiBytesOneLoop(s), b, s);
            assertArrayEquals(Cl100kBpe.asciiBytesFourBytes(s), b, s);
            if (allAscii) {
                assertArrayEquals(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII), b, s);
            }
        }
    }
}
