package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.jobs.eval.ConversationGenerator;
import dev.keymem.jobs.sample.UserEvent;
import dev.keymem.jobs.sample.UserEventGenerator;
import dev.keymem.jobs.testdata.Loghub;
import dev.keymem.operators.MemoryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The front end's fast form (ContextText: each distinct word analysed once; the payload written by hand) gives
 * the records of its reference form (TermAnalyzer, Jackson) bit for bit: the same term ids, vector and payload,
 * on the generators' texts, the loghub lines, and random texts (possessives, apostrophes, digits, long tokens,
 * non-Latin scripts, emoji, control characters, unpaired surrogates).
 */
class ContextFrontEndTest {

    static final String[] PIECES = {"the", "The", "I'm", "John's", "JAMES'", "o'neil", "don't", "running", "runs",
        "caresses", "ponies", "U.S.A.", "e-mail", "x@y.com", "http://a.b/c?d=1", "3.14", "12,000", "v2", "naïve",
        "Straße", "İstanbul", "日本語", "Москва", "😀", "a\u0000b", "\t", "\n", "\"q\"", "\\", "\uD800", "\uDC00x",
        "connection", "connected", "ing", "'s", "'", "-", "__init__", "AAAAAAAAAAAAAAAAAAAA", "was", "is", "and"};

    static String randomText(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(14);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(40) == 0) {
                b.append("x".repeat(250 + r.nextInt(20))); // around the tokenizer's 255-char limit
            } else if (r.nextInt(6) == 0) {
                b.append((char) r.nextInt(0x3000));
            } else {
                b.append(PIECES[r.nextInt(PIECES.length)]);
            }
            b.append(r.nextInt(5) == 0 ? "" : r.nextInt(4) == 0 ? ", " : " ");
        }
        return b.toString();
    }

    private static boolean ascii(String s) {
        return s == null || s.chars().allMatch(c -> c < 0x80);
    }

    /** {@link #checkOnce}, and again with the parser's ASCII hint where the strings are ASCII. */
    private static void check(ContextFrontEnd fe, ContextEvent e) {
        checkOnce(fe, e);
        if (ascii(e.text) && ascii(e.type) && ascii(e.expect) && ascii(e.ts)) {
            e.ascii = true;
            checkOnce(fe, e);
            e.ascii = false;
        }
    }

    private static void checkOnce(ContextFrontEnd fe, ContextEvent e) {
        MemoryRecord a = fe.map(e);
        MemoryRecord b = fe.mapReference(e);
        String what = "text '" + e.text + "' type '" + e.type + "'";
        assertEquals(b.query, a.query, what);
        assertArrayEquals(b.tokenIds, a.tokenIds, what);
        float[] va = a.query ? a.q : a.k;
        float[] vb = b.query ? b.q : b.k;
        va = va != null ? va : a.vector;
        vb = vb != null ? vb : b.vector;
        assertEquals(vb.length, va.length, what);
        for (int i = 0; i < va.length; i++) {
            assertEquals(Float.floatToRawIntBits(vb[i]), Float.floatToRawIntBits(va[i]), what + " i " + i);
        }
        assertArrayEquals(b.payload, a.payload, what);
    }

    private static ContextEvent event(String text, String type, boolean query, long offset) {
        ContextEvent e = new ContextEvent();
        e.user = "u";
        e.text = text;
        e.type = type;
        e.query = query;
        e.expect = query ? "x" : null;
        e.ts = offset % 3 == 0 ? null : "2026-01-01T00:00:00Z";
        e.offset = offset;
        return e;
    }

    @Test
    void fastFormEqualsTheReferenceOnGeneratedLoghubAndRandomTexts() throws Exception {
        for (int dim : new int[] {256, 31}) {
            ContextFrontEnd fe = new ContextFrontEnd(ContextOptions.Embedder.HASHING, dim);
            long offset = 0;
            for (UserEvent u : new UserEventGenerator(11).generate(300)) {
                check(fe, event(u.text, u.type, u.query, offset++));
            }
            ConversationGenerator g = new ConversationGenerator(4);
            for (int c = 0; c < 20; c++) {
                for (ConversationGenerator.Turn t : g.conversation("c" + c, 200).turns()) {
                    check(fe, event(t.text(), t.type(), t.question(), offset++));
                }
            }
            SplittableRandom r = new SplittableRandom(dim);
            for (int i = 0; i < 6_000; i++) {
                ContextEvent e = event(randomText(r), r.nextInt(3) == 0 ? null : randomText(r), r.nextInt(4) == 0,
                        r.nextInt(3) == 0 ? r.nextLong() : offset++);
                check(fe, e);
                if (i % 10 == 0) { // again, from the texts kept, after the first record's vector was changed
                    MemoryRecord first = fe.map(e);
                    java.util.Arrays.fill(first.vector, 1f);
                    check(fe, e);
                }
            }
            List<String> lines = loghubLines();
            for (int i = 0; i < lines.size(); i += dim == 256 ? 1 : 7) {
                check(fe, event(lines.get(i), i % 2 == 0 ? null : "log", false, offset++));
            }
        }
    }

    /**
     * Long texts (ten lines of the generators, or of loghub, joined, as in realistic chat or log events): the
     * integer-quarter vector equals TermAnalyzer's and the double form, and the records their reference.
     */
    @Test
    void longTextsGiveTheReferenceRecordsAndVectors() throws Exception {
        List<String> lines = new ArrayList<>();
        ConversationGenerator g = new ConversationGenerator(9);
        for (int c = 0; c < 10; c++) {
            for (ConversationGenerator.Turn t : g.conversation("c" + c, 100).turns()) {
                lines.add(t.text());
            }
        }
        for (UserEvent u : new UserEventGenerator(3).generate(500)) {
            lines.add(u.text);
        }
        List<String> loghub = loghubLines();
        for (int i = 0; i < loghub.size(); i += 3) {
            lines.add(loghub.get(i));
        }
        SplittableRandom r = new SplittableRandom(13);
        for (int dim : new int[] {256, 7}) {
            ContextFrontEnd fe = new ContextFrontEnd(ContextOptions.Embedder.HASHING, dim);
            ContextText text = new ContextText(dim);
            dev.keymem.jobs.text.TermAnalyzer ref = new dev.keymem.jobs.text.TermAnalyzer(dim);
            for (int i = 0; i < 4_000; i++) {
                StringBuilder b = new StringBuilder();
                int n = 1 + r.nextInt(i % 50 == 0 ? 400 : 12);
                for (int j = 0; j < n; j++) {
                    b.append(j > 0 ? " " : "").append(lines.get(r.nextInt(lines.size())));
                }
                String t = b.toString();
                check(fe, event(t, i % 3 == 0 ? null : "chat", i % 10 == 0, i));
                List<ContextText.Word> words = text.words(t);
                float[] fast = text.vector(words);
                float[] doubles = text.vectorDoubles(words);
                float[] dense = text.vectorDense(words.toArray(new ContextText.Word[0]));
                float[] reference = ref.vector(ref.words(t));
                for (int k = 0; k < dim; k++) {
                    assertEquals(Float.floatToRawIntBits(reference[k]), Float.floatToRawIntBits(dense[k]), t);
                    assertEquals(Float.floatToRawIntBits(reference[k]), Float.floatToRawIntBits(fast[k]), t);
                    assertEquals(Float.floatToRawIntBits(reference[k]), Float.floatToRawIntBits(doubles[k]), t);
                }
            }
        }
    }

    /**
     * vectorDense (each word's features from one interleaved array, the pair table's hit taken inline) gives its
     * reference's vector (two arrays, pairFeatureOf) and TermAnalyzer's bit for bit: random texts, markdown with
     * code fences, empty and letterless texts, non-Latin scripts and emoji, very long texts (past the pair table's
     * size, the same pairs again so the table's hits are taken), at several dimensions.
     */
    @Test
    void vectorDenseEqualsItsReference() {
        String[] fixed = {"", " ", "```", "```java\nint x = foo(y);\n```\n## Title\n- **a**: b `c`",
            "# H1\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |", "1 2 3 4.5 6,7", "日本語 Москва 😀 naïve Straße",
            "\uD800 \uDC00x a\u0000b", "the the the the", "x".repeat(300)};
        SplittableRandom r = new SplittableRandom(53);
        // 2^16: the largest dimension whose words' features are packed; 2^16 + 1: not packed (the reference's loop)
        for (int dim : new int[] {256, 31, 7, 1, 1 << 16, (1 << 16) + 1}) {
            ContextText t = new ContextText(dim);
            dev.keymem.jobs.text.TermAnalyzer ref = new dev.keymem.jobs.text.TermAnalyzer(dim);
            List<String> texts = new ArrayList<>(List.of(fixed));
            for (int i = 0, n = dim > 256 ? 101 : 3_000; i < n; i++) {
                StringBuilder b = new StringBuilder();
                for (int k = r.nextInt(i % 100 == 0 ? 300 : 6); k >= 0; k--) {
                    b.append(r.nextInt(5) == 0 ? fixed[r.nextInt(fixed.length)] : randomText(r)).append(' ');
                }
                texts.add(b.toString());
            }
            for (String text : texts) {
                ContextText.Word[] words = t.wordArray(text);
                for (int rep = 0; rep < 2; rep++) { // the second time the pairs are in the table
                    float[] fast = t.vectorDense(words);
                    float[] slow = t.vectorDenseReference(words);
                    float[] want = ref.vector(ref.words(text));
                    for (int k = 0; k < dim; k++) {
                        assertEquals(Float.floatToRawIntBits(slow[k]), Float.floatToRawIntBits(fast[k]), text);
                        assertEquals(Float.floatToRawIntBits(want[k]), Float.floatToRawIntBits(fast[k]), text);
                    }
                }
            }
        }
    }

    /**
     * The keyed step's form ({@link ContextFrontEnd#mapForOneUse}: the vector possibly in the front end's scratch
     * array) gives {@link ContextFrontEnd#map}'s record bit for bit, each record checked before the next is mapped
     * (its contract), on long and short, repeated and new texts in turn (the scratch overwritten by texts of
     * every path: dense, sparse, kept, empty), ASCII-flagged or not, at several dimensions; and
     * {@link ContextText#vectorInScratch} equals {@link ContextText#vector(ContextText.Analysed)}.
     */
    @Test
    void oneUseRecordsEqualMapsRecords() {
        SplittableRandom r = new SplittableRandom(211);
        for (int dim : new int[] {256, 31, 7}) {
            ContextFrontEnd fast = new ContextFrontEnd(ContextOptions.Embedder.HASHING, dim);
            ContextFrontEnd ref = new ContextFrontEnd(ContextOptions.Embedder.HASHING, dim);
            List<String> seen = new ArrayList<>(List.of("", "the the", "x".repeat(300), "a b c d e f g h i j k l m"));
            for (int i = 0; i < 4_000; i++) {
                String text;
                if (r.nextInt(4) == 0) {
                    text = seen.get(r.nextInt(seen.size())); // again: the analysed text's kept vector
                } else {
                    StringBuilder b = new StringBuilder();
                    for (int k = r.nextInt(r.nextInt(5) == 0 ? 60 : 4); k >= 0; k--) {
                        b.append(randomText(r)).append(' ');
                    }
                    text = b.toString();
                    seen.add(text);
                }
                ContextEvent e = event(text, r.nextInt(3) == 0 ? "chat" : null, r.nextInt(5) == 0, i);
                e.ascii = ascii(text) && r.nextBoolean();
                MemoryRecord a = fast.mapForOneUse(e);
                MemoryRecord b = ref.map(e);
                String what = "dim " + dim + " text '" + text + "'";
                assertEquals(b.query, a.query, what);
                assertArrayEquals(b.tokenIds, a.tokenIds, what);
                assertArrayEquals(b.payload, a.payload, what);
                assertEquals(b.vector.length, a.vector.length, what);
                for (int k = 0; k < a.vector.length; k++) {
                    assertEquals(Float.floatToRawIntBits(b.vector[k]), Float.floatToRawIntBits(a.vector[k]), what);
                }
            }
            ContextText t = new ContextText(dim);
            ContextText u = new ContextText(dim);
            for (String text : seen.subList(0, Math.min(seen.size(), 1_000))) {
                float[] want = u.vector(u.analyse(text));
                float[] got = t.vectorInScratch(t.analyse(text));
                for (int k = 0; k < dim; k++) {
                    assertEquals(Float.floatToRawIntBits(want[k]), Float.floatToRawIntBits(got[k]), text);
                }
            }
        }
    }

    /** The payload's offset is written as Jackson writes a long, at the edges of every digit count and sign. */
    @Test
    void payloadOffsetsAreJacksonsAtEveryLength() {
        List<Long> offsets = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, 0L, -1L));
        for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10 * 10; p *= 10) {
            offsets.addAll(List.of(p, p - 1, p + 1, -p, -p + 1, -p - 1));
            if (p > Long.MAX_VALUE / 10) {
                break;
            }
        }
        for (long o : offsets) {
            for (boolean ascii : new boolean[] {false, true}) {
                ContextEvent e = event("text \"q\"", "chat", o % 2 == 0, o);
                e.ascii = ascii;
                assertArrayEquals(ContextPayload.encodeStreaming(e), ContextPayload.encode(e), "offset " + o);
            }
        }
    }

    /** ContextText.lowerCase is LowerCaseFilter's CharacterUtils.toLowerCase, on ASCII and on any chars. */
    @Test
    void lowerCaseIsLuceneLowerCase() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 50_000; i++) {
            int len = r.nextInt(12);
            char[] a = new char[len + 3];
            for (int j = 0; j < len; j++) {
                int kind = r.nextInt(10);
                a[j] = (char) (kind < 6 ? 0x20 + r.nextInt(0x60) : kind < 8 ? r.nextInt(0x300)
                        : kind < 9 ? 0xD800 + r.nextInt(0x800) : r.nextInt(0x10000));
            }
            char[] b = a.clone();
            ContextText.lowerCase(a, len);
            org.apache.lucene.analysis.CharacterUtils.toLowerCase(b, 0, len);
            assertArrayEquals(b, a, new String(b, 0, len));
        }
    }

    @Test
    void theWordTableStaysBoundedAndGivesTheSameWordsAfterItIsEmptied() {
        ContextText t = new ContextText(64);
        ContextFrontEnd fe = new ContextFrontEnd(ContextOptions.Embedder.HASHING, 64);
        for (int i = 0; i < ContextText.TABLE_MAX + 500; i++) {
            String text = "w" + i + " running " + (i % 7 == 0 ? "the" : "caresses");
            assertEquals(3 - (i % 7 == 0 ? 1 : 0), t.words(text).size());
            if (i % 997 == 0 || i > ContextText.TABLE_MAX - 5) {
                check(fe, event(text, null, false, i));
            }
        }
    }

    /**
     * ContextText.stemOf (a token without letters is its own stem, without Lucene's filters) gives lookUp's
     * word: on random tokens of digits, punctuation and a few letters (stop words and stemmable endings among
     * them), every ASCII char alone and in pairs, and non-ASCII tokens.
     */
    @Test
    void stemOfEqualsTheStopAndStemFilters() throws Exception {
        ContextText t = new ContextText(64);
        t.words("warm up"); // opens the analyzers
        SplittableRandom r = new SplittableRandom(41);
        String chars = "0123456789._,:;'-/@#$%^&*()[]{}<>=+~`!?|\\\"sely";
        List<String> tokens = new ArrayList<>(List.of("s", "e", "l", "y", "ll", "ies", "sses", "the", "a", "2s",
                "12e", "3ll", "4ing", "5ed", "é", "٣", "１２", "x".repeat(300), "9".repeat(300)));
        for (char a = 0; a < 128; a++) {
            tokens.add(String.valueOf(a));
            tokens.add("1" + a);
            tokens.add(a + "s");
        }
        for (int i = 0; i < 50_000; i++) {
            int n = 1 + r.nextInt(i % 100 == 0 ? 40 : 8);
            StringBuilder b = new StringBuilder();
            for (int j = 0; j < n; j++) {
                b.append(r.nextInt(8) == 0 ? (char) r.nextInt(0x250) : chars.charAt(r.nextInt(chars.length())));
            }
            tokens.add(b.toString());
        }
        int letterless = 0;
        for (String token : tokens) {
            char[] cs = ("#" + token).toCharArray();
            ContextText.Word fast = t.stemOf(cs, 1, token.length());
            ContextText.Word ref = t.lookUp(token);
            assertEquals(ref == null, fast == null, token);
            if (ref != null) {
                assertEquals(ref.stem, fast.stem, token);
                assertEquals(ref.termId, fast.termId, token);
                assertArrayEquals(ref.ownBuckets, fast.ownBuckets, token);
                assertArrayEquals(ref.ownQuarters, fast.ownQuarters, token);
                assertEquals(ref.pairPrefix, fast.pairPrefix, token);
            }
            letterless += token.chars().allMatch(c -> c < 0x80 && !Character.isLetter(c)) ? 1 : 0;
        }
        assertEquals(true, letterless > 10_000, "letterless tokens " + letterless);
        // through the front end: numbers and ids, new and repeated, far more than the letterless table's slots
        ContextFrontEnd fe = new ContextFrontEnd(ContextOptions.Embedder.HASHING, 256);
        for (int i = 0; i < 3 * ContextText.NUMBERS; i++) {
            String text = "order " + r.nextInt(i % 2 == 0 ? 50 : 1_000_000) + " at " + (i % 97) + "." + r.nextInt(1000)
                    + " id_" + i + " 0x" + Integer.toHexString(i) + " __" + (i % 5) + " took " + i % 13 + "ms";
            check(fe, event(text, i % 3 == 0 ? "code" : null, i % 10 == 0, i));
        }
    }

    /**
     * The word table finds a token again by the hash asciiWords takes while it scans (the table's own hash, which
     * it rehashes by when it grows): texts analysed a second time, after the table grew, add no token to it, and
     * give the same words (by identity).
     */
    @Test
    void theScanHashFindsTheTokensTheTableHolds() {
        SplittableRandom r = new SplittableRandom(47);
        ContextText t = new ContextText(64);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = r.nextInt(30); j >= 0; j--) {
                b.append(SEGMENT_CHARS.charAt(r.nextInt(SEGMENT_CHARS.length())));
                if (r.nextInt(3) == 0) {
                    b.append("Word").append(r.nextInt(500)).append(r.nextBoolean() ? "'s" : "'S ");
                }
            }
            texts.add(b.toString());
        }
        List<ContextText.Word[]> first = new ArrayList<>();
        for (String text : texts) {
            first.add(t.wordArray(text));
        }
        int size = t.tableSize();
        assertEquals(true, size > 2_048, "the table grew: " + size);
        for (int i = 0; i < texts.size(); i++) {
            ContextText.Word[] again = t.wordArray(texts.get(i));
            assertEquals(first.get(i).length, again.length, texts.get(i));
            for (int k = 0; k < again.length; k++) {
                assertEquals(true, first.get(i)[k] == again[k], texts.get(i));
            }
        }
        assertEquals(size, t.tableSize());
    }

    /**
     * The byte scan of texts known to be ASCII (wordArray(text, true)) gives the char scan's words
     * (wordArray(text), the reference), the very same Word objects from one table (tokens with a letter),
     * whichever of the two saw a token first: on random texts over the chars the segmentation turns on and every other ASCII char,
     * possessives, tokens around the length limit (declined, then read by the char way), and texts with Latin-1
     * chars wrongly flagged ASCII (declined at the byte above ASCII); a second table fed only bytes gives the same
     * stems.
     */
    @Test
    void theByteScanOfAsciiTextsGivesTheCharScansWords() {
        ContextText t = new ContextText(64);
        ContextText bytesOnly = new ContextText(64);
        SplittableRandom r = new SplittableRandom(31);
        for (int i = 0; i < 200_000; i++) {
            int len = r.nextInt(i % 100 == 0 ? 600 : 40);
            StringBuilder b = new StringBuilder(len);
            for (int j = 0; j < len; j++) {
                int kind = r.nextInt(10);
                b.append(kind < 7 ? SEGMENT_CHARS.charAt(r.nextInt(kind < 4 ? 10 : SEGMENT_CHARS.length()))
                        : kind < 9 ? (char) r.nextInt(128) : "abcXYthe12345".charAt(r.nextInt(13)));
                if (r.nextInt(20) == 0) {
                    b.append(" Word").append(r.nextInt(3000)).append(r.nextBoolean() ? "'s " : "'S ");
                }
            }
            if (i % 1000 == 1) {
                b.append("ab".repeat(r.nextInt(95, 105))).append(r.nextBoolean() ? "'s" : "_");
            }
            if (i % 500 == 2) {
                b.insert(r.nextInt(b.length() + 1), r.nextBoolean() ? '\u00e9' : '\u00ff');
            }
            String text = b.toString();
            ContextText.Word[] fast;
            ContextText.Word[] ref;
            int size = t.tableSize();
            if (r.nextBoolean()) {
                fast = t.wordArray(text, true);
                ref = t.wordArray(text);
            } else {
                ref = t.wordArray(text);
                fast = t.wordArray(text, true);
            }
            assertEquals(ref.length, fast.length, text);
            for (int k = 0; k < ref.length; k++) {
                // the same Word where the token has a letter (the word table); a letterless token's word may be
                // made again (its small direct-mapped table: another token of the text took its slot)
                // (and not where the table was emptied in between, at its bound)
                boolean letters = ref[k].stem.chars().anyMatch(Character::isLetter) && t.tableSize() >= size;
                assertEquals(true, letters ? ref[k] == fast[k] : ref[k].stem.equals(fast[k].stem),
                        ref[k].stem + " / " + fast[k].stem + " in " + text);
            }
            ContextText.Word[] alone = bytesOnly.wordArray(text, true);
            assertEquals(ref.length, alone.length, text);
            for (int k = 0; k < ref.length; k++) {
                assertEquals(ref[k].stem, alone[k].stem, text);
            }
        }
        assertEquals(true, t.tableSize() > 2_048, "the table grew: " + t.tableSize());
    }

    /**
     * unitOfQuarters (four buckets a step, scaled by inv / 4) gives the floats of the one-bucket-a-step reference,
     * at dimensions that are and are not multiples of four, on sparse, dense, zero and large quarter sums.
     */
    @Test
    void unitOfQuartersEqualsItsReference() {
        SplittableRandom r = new SplittableRandom(53);
        for (int dim : new int[] {1, 2, 3, 4, 5, 7, 64, 255, 256}) {
            ContextText t = new ContextText(dim);
            t.words("open");
            for (int i = 0; i < 3_000; i++) {
                int[] q = new int[dim];
                int bound = new int[] {1, 5, 300, 1 << 20}[r.nextInt(4)];
                for (int j = 0; j < dim; j++) {
                    q[j] = r.nextInt(3) == 0 ? 0 : r.nextInt(-bound, bound + 1);
                }
                float[] ref = t.unitOfQuartersReference(q.clone());
                int[] cleared = q.clone();
                float[] fast = t.unitOfQuartersIn(cleared);
                assertEquals(true, java.util.Arrays.equals(new int[dim], cleared), "quarters cleared");
                for (int j = 0; j < dim; j++) {
                    assertEquals(Float.floatToRawIntBits(ref[j]), Float.floatToRawIntBits(fast[j]), dim + " " + j);
                }
            }
        }
    }

    /** What asciiWords gives, as stems, or null where it declines the text. */
    private static List<String> ascii(ContextText t, String text) {
        char[] cs = text.toCharArray();
        List<ContextText.Word> out = new ArrayList<>();
        if (!t.asciiWords(cs, cs.length, out)) {
            return null;
        }
        List<String> stems = new ArrayList<>();
        for (ContextText.Word w : out) {
            stems.add(w.stem);
        }
        return stems;
    }

    private static List<String> lucene(ContextText t, String text) {
        List<String> stems = new ArrayList<>();
        for (ContextText.Word w : t.luceneWords(text)) {
            stems.add(w.stem);
        }
        return stems;
    }

    /** Chars the ASCII segmenter treats apart, weighted toward the ones word segmentation turns on. */
    private static final String SEGMENT_CHARS = "aZs'S.:,;_0 9-/@#*\"\t\n\r\u0000\u000b\u000c!?()[]{}=+<>$%&|~`^";

    /**
     * ContextText.asciiWords (the hand-written word segmentation of ASCII texts) gives the words of Lucene's
     * StandardTokenizer and possessive filter: on random ASCII strings over the chars its rules turn on (and
     * every other ASCII char), on tokens around its length limit, on every loghub_2k line and on the generators'
     * conversation and user texts; it declines non-ASCII texts.
     */
    @Test
    void asciiWordSegmentationEqualsLucenes() throws Exception {
        ContextText t = new ContextText(64);
        SplittableRandom r = new SplittableRandom(29);
        int taken = 0;
        for (int i = 0; i < 400_000; i++) {
            int len = r.nextInt(i % 100 == 0 ? 600 : 16);
            StringBuilder b = new StringBuilder(len);
            for (int j = 0; j < len; j++) {
                int kind = r.nextInt(10);
                b.append(kind < 7 ? SEGMENT_CHARS.charAt(r.nextInt(kind < 4 ? 10 : SEGMENT_CHARS.length()))
                        : kind < 9 ? (char) r.nextInt(128) : "abcXY12345".charAt(r.nextInt(10)));
            }
            if (i % 1000 == 1) {
                b.append("ab".repeat(r.nextInt(90, 140))).append(r.nextBoolean() ? "'s" : "_");
            }
            String text = b.toString();
            List<String> fast = ascii(t, text);
            if (fast != null) {
                taken++;
                assertEquals(lucene(t, text), fast, text);
            }
        }
        assertEquals(true, taken > 390_000, "texts taken " + taken);
        List<String> real = new ArrayList<>(loghubLines());
        ConversationGenerator g = new ConversationGenerator(4);
        for (int c = 0; c < 20; c++) {
            for (ConversationGenerator.Turn turn : g.conversation("c" + c, 200).turns()) {
                real.add(turn.text());
            }
        }
        for (UserEvent u : new UserEventGenerator(11).generate(2_000)) {
            real.add(u.text);
        }
        int declined = 0;
        for (String text : real) {
            List<String> fast = ascii(t, text);
            if (fast == null) {
                declined++;
            } else {
                assertEquals(lucene(t, text), fast, text);
            }
        }
        assertEquals(true, declined < real.size() / 20, declined + " of " + real.size() + " declined");
        assertEquals(null, ascii(t, "naïve"));
        assertEquals(null, ascii(t, "x".repeat(ContextText.ASCII_TOKEN_MAX + 1)));
    }

    static List<String> loghubLines() throws Exception {
        return Loghub.lines("ContextFrontEndTest");
    }
}
