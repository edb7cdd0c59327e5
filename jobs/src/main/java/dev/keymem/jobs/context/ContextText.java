package dev.keymem.jobs.context;

import dev.keymem.jobs.text.TermAnalyzer;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.CharacterUtils;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The context front end's text analysis, what {@link TermAnalyzer} gives (words, term ids, the hashed dense
 * vector: tests compare the two on many texts), with the per-word work done once per distinct word.
 * {@link TermAnalyzer}'s chain is Lucene's EnglishAnalyzer: tokenizer, possessives, lower case, stop words,
 * Porter stems. The last two act on each token alone, so here the chain stops after lower case (done here as
 * LowerCaseFilter does it, {@link #lowerCase}); an all-ASCII text is segmented by hand ({@link #asciiWords}, the
 * tokenizer's and possessive filter's rules for ASCII) and any other through Lucene's. Each
 * lower-cased token is looked up in a table of the tokens seen before, which holds its stem (or that it is a
 * stop word, found by the same StopFilter and PorterStemFilter run over the token alone; a token without
 * letters, which neither filter changes, is its own stem and has a small table of its own, {@link #number})
 * and what the vector
 * and the term ids derive from the stem: its term id, its feature and trigram buckets and signs, and its hash
 * state as the first word of a pair. The vector adds the same values into the same buckets as
 * {@link TermAnalyzer#vector}, exactly (in integer quarters), and scales them the same way, so it is the same bit
 * for bit.
 * Serializable (the analyzers and the table are rebuilt after deserialization); one instance per thread.
 */
final class ContextText implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The table is emptied when it holds this many tokens (a bound on memory; it fills again as it goes). */
    static final int TABLE_MAX = 100_000;

    private static final long PRIME = 0x100000001b3L;
    private static final long KIND1 = mix(0x9E3779B97F4A7C15L);
    private static final long KIND2 = mix(0x9E3779B97F4A7C15L * 2);
    private static final long KIND3 = mix(0x9E3779B97F4A7C15L * 3);

    /** A stem and what derives from it. */
    static final class Word {
        final String stem;
        final int termId;
        final int bucket;
        final double weight;
        /** FNV-1a state of the pair feature after this stem and the space. */
        final long pairPrefix;
        /** The stem's chars (the pair feature hashes them on from the previous stem's prefix). */
        final char[] chars;
        /**
         * The stem's own features (its feature and its trigrams) summed per bucket, in quarters: the
         * buckets {@link #ownBuckets}, the signed quarters {@link #ownQuarters}; {@link #ownTotal} the sum
         * of the magnitudes of the quarters added (before summing per bucket).
         */
        final int[] ownBuckets;
        final int[] ownQuarters;
        final int ownTotal;
        /**
         * {@link #ownBuckets} and {@link #ownQuarters} packed, one int each: {@code bucket | quarters << 16} (the
         * bucket in the low 16 bits, the signed quarters in the high 16: {@code x & 0xFFFF}, {@code x >> 16} give
         * them back), so the vector's loop reads one element a bucket (file runs compile it with C1: one load and
         * range check where two arrays took two each); null where they do not fit (a dimension over 2^16, or a
         * stem of {@link #PACKED_CHARS_MAX} chars or more: its quarters might not fit 16 bits).
         */
        final int[] own;
        static final int PACKED_CHARS_MAX = 1 << 14;

        /**
         * The word of {@code stem}: its term id ({@link TermAnalyzer#termId}), feature and pair prefix hashed in one
         * pass over its chars, its trigrams' features summed with its own per bucket (no arrays of the trigrams
         * kept: {@link #trigram} gives them again to the double form).
         */
        Word(String stem, int dimension) {
            this.stem = stem;
            char[] sc = stem.toCharArray();
            this.chars = sc;
            int len = sc.length;
            long f = 0xcbf29ce484222325L; // TermAnalyzer.termId's FNV-1a
            long h = KIND1;
            long p = KIND2;
            for (int i = 0; i < len; i++) {
                char c = sc[i];
                f = (f ^ c) * PRIME;
                h = (h ^ c) * PRIME;
                p = (p ^ c) * PRIME;
            }
            f = mix(f);
            this.termId = (int) (f ^ (f >>> 32));
            h = mix(h);
            bucket = bucket(h, dimension);
            weight = h < 0 ? -1.0 : 1.0;
            pairPrefix = (p ^ ' ') * PRIME;
            int[] b = new int[len + 1];
            int[] q = new int[len + 1];
            b[0] = bucket;
            q[0] = h < 0 ? -4 : 4;
            int m = 1;
            for (int j = 0; j < len; j++) { // the trigrams of "<" + stem + ">"
                long t = trigram(sc, j);
                int bk = bucket(t, dimension);
                int at = 0;
                while (at < m && b[at] != bk) {
                    at++;
                }
                if (at == m) {
                    b[m++] = bk;
                }
                q[at] += t < 0 ? -1 : 1;
            }
            ownBuckets = m == b.length ? b : Arrays.copyOf(b, m);
            ownQuarters = m == q.length ? q : Arrays.copyOf(q, m);
            ownTotal = 4 + len;
            if (dimension <= 1 << 16 && len < PACKED_CHARS_MAX) { // |quarters| <= 4 + len: within 16 bits
                int[] o = new int[m];
                for (int t = 0; t < m; t++) {
                    o[t] = b[t] | q[t] << 16;
                }
                own = o;
            } else {
                own = null;
            }
        }

        /** The feature hash of trigram {@code j} of {@code "<" + stem + ">"} (0 <= j < the stem's length). */
        static long trigram(char[] sc, int j) {
            int n = sc.length + 2;
            long t = KIND3;
            for (int k = j; k < j + 3; k++) {
                char c = k == 0 ? '<' : k == n - 1 ? '>' : sc[k - 1];
                t = (t ^ c) * PRIME;
            }
            return mix(t);
        }
    }

    /** Texts analysed are kept up to this many (then all dropped), each of at most {@link #TEXT_MAX_CHARS}. */
    static final int TEXTS_MAX = 8192;
    static final int TEXT_MAX_CHARS = 1024;

    /** A text's words and (once asked for) their vector; the vector is handed out as a copy. */
    static final class Analysed {
        /** The words, in order (not to be changed). */
        final Word[] words;
        private float[] vector;
        /** Vectors handed out before {@link #vector} was kept. */
        private int vectors;

        Analysed(Word[] words) {
            this.words = words;
        }
    }

    /** A stop word's entry. */
    private static final Word STOP = null;

    private final int dimension;
    private transient Analyzer tokens;
    private transient Analyzer stopStem;
    /** The text's chars for {@link #asciiWords}. */
    private transient char[] chars;
    /** The text's bytes for {@link #asciiByteWords}. */
    private transient byte[] bytes;
    /**
     * The short tokens' table in front of the word table, for {@link #asciiByteWords}: tokens of at most 8 chars
     * (most words) with a letter, each packed into a long, one byte a char (ASCII chars of a token are not 0, so
     * the long is not 0 and tells the token's length too), the same words the word table holds for them
     * (open addressing, linear probing, at most half full, slots by Fibonacci hashing with {@code shortShift});
     * emptied with the word table.
     */
    private transient long[] shortKeys;
    private transient Word[] shortWords;
    private transient int shortShift;
    private transient int shortSize;
    static final int SHORT_TABLE = 2048;
    /**
     * The word table: lower-cased tokens seen before ({@code keys}, open addressing, linear probing; at most
     * half full) and their words ({@code keyWords}; null for a stop word).
     */
    private transient char[][] keys;
    private transient Word[] keyWords;
    private transient int tableSize;
    /** The letterless tokens' table ({@link #number}): tokens and their words, by slot. */
    static final int NUMBERS = 1 << 12;
    private transient char[][] numberKeys;
    private transient Word[] numberWords;
    /** The words of the text being analysed: {@code found[0, count)}. */
    private transient Word[] found;
    private transient int count;
    private transient double[] acc;
    /** {@link #vectorInScratch}'s array (made at its first use). */
    private transient float[] scratchVector;
    private transient int[] quarters;
    private transient boolean[] touched;
    private transient int[] buckets;
    /**
     * Pair features computed before, direct-mapped by the two stems' term ids: slot i holds the pair
     * ({@code pairFirst[i]}, {@code pairSecond[i]}) (by identity) and its bucket times 2 plus 1 when its
     * sign is negative.
     */
    private transient Word[] pairFirst;
    private transient Word[] pairSecond;
    private transient int[] pairFeature;
    static final int PAIRS = 1 << 12;
    private transient java.util.HashMap<String, Analysed> texts;

    ContextText(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        this.dimension = dimension;
    }

    /**
     * {@link #words} of {@code text}, kept for the next time the same text comes (repeated messages: the
     * same words and vector as analysing it again, the analysis being a function of the text). Texts of more
     * than {@link #SHORT_CHARS} chars are looked up (hashed, compared) and kept only while such texts repeat:
     * after a window of {@link #LONG_WINDOW} of them with fewer than {@link #LONG_FOUND_MIN} found, the next
     * {@link #LONG_SKIPPED_WINDOWS} windows skip the table (long free texts mostly come once: hashing and keeping
     * each was work for nothing), then a window looks them up and keeps them again. The same analysis whichever way
     * (tests compare).
     */
    Analysed analyse(String text) {
        return analyse(text, false);
    }

    /**
     * {@link #analyse(String)} of a text known to be ASCII where {@code ascii} ({@link ContextEvent#ascii}): its
     * words then read from its bytes ({@link #wordArray(String, boolean)}).
     */
    Analysed analyse(String text, boolean ascii) {
        if (tokens == null) {
            open();
        }
        int len = text.length();
        boolean kept = len <= TEXT_MAX_CHARS; // a longer text is never kept: not looked up (nor hashed)
        boolean counted = false;
        if (kept && len > SHORT_CHARS) {
            if (longSkip > 0) {
                kept = false;
                longSkip--;
            } else {
                counted = true;
            }
        }
        Analysed a = kept ? texts.get(text) : null;
        if (counted) {
            longFound += a != null ? 1 : 0;
            if (++longLooked == LONG_WINDOW) {
                longSkip = longFound < LONG_FOUND_MIN ? LONG_SKIPPED_WINDOWS * LONG_WINDOW : 0;
                longLooked = 0;
                longFound = 0;
            }
        }
        if (a == null) {
            a = new Analysed(wordArray(text, ascii));
            if (kept) {
                if (texts.size() >= TEXTS_MAX) {
                    texts.clear();
                }
                texts.put(text, a);
            }
        }
        return a;
    }

    /** Long texts still to skip the table (for tests). */
    int longSkip() {
        return longSkip;
    }

    /** Texts longer than this many chars are kept only while they repeat ({@link #analyse}). */
    static final int SHORT_CHARS = 64;
    /** Long texts a window of {@link #analyse} counts; windows skipped after one finding too few of them. */
    static final int LONG_WINDOW = 1024;
    static final int LONG_SKIPPED_WINDOWS = 7;
    /**
     * Long texts a window must find for the next to look them up: one in eight, a safety margin, not a break-even.
     * On longtext (session 25) a long text's lookup (its hash, and its put where missed) cost about half what a find
     * saved in words, a break-even near one in two; but a text that comes 3 or more times also saves its vector from
     * its 3rd use on ({@link #vector(Analysed)}), which lowers the break-even for such inputs: hence a margin well
     * under one in two. Windows finding a few repeats by chance (longtext: 1.3% of its long texts) paid more than
     * they saved. Inputs checked by simulation (review 25b): longtext and lhlong look up fewer long texts; users50k,
     * questions, conv50k and whales are unaffected (the same lookups and finds as with the rule before).
     */
    static final int LONG_FOUND_MIN = LONG_WINDOW / 8;
    /** Long texts looked up and found in the current window; long texts still to skip the table. */
    private transient int longLooked;
    private transient int longFound;
    private transient int longSkip;

    /**
     * {@link #vector} of an analysed text's words (a new array each time): computed the first two times, and
     * the second time a copy kept for the next ones (most texts come once: no copy made for them).
     */
    float[] vector(Analysed a) {
        if (a.vector != null) {
            return a.vector.clone();
        }
        float[] v = vector(a.words);
        if (a.vectors++ > 0) {
            a.vector = v.clone();
        }
        return v;
    }

    /**
     * {@link #vector(Analysed)} (the same values), where the text takes {@link #vectorDense} the first time it
     * is asked for, written into this analyser's one scratch array instead of a new one (a long text's 1 KiB
     * vector was the keyed step's largest allocation an event): the array handed out is overwritten by the next
     * call of this method, so only for a caller that is done with it (and has let nothing keep it) by then.
     * Other texts get a new array, as from {@link #vector(Analysed)}.
     */
    float[] vectorInScratch(Analysed a) {
        if (a.vector != null || a.vectors > 0) {
            return vector(a);
        }
        if (tokens == null) {
            open();
        }
        Word[] words = a.words;
        if ((long) words.length * DENSE_BUCKETS_PER_WORD < dimension) {
            return vector(a);
        }
        a.vectors++;
        float[] out = scratchVector;
        if (out == null) {
            out = scratchVector = new float[dimension];
        }
        return vectorDense(words, out);
    }

    /** The words (stems, stop words removed) of {@code text}, in order, as {@link TermAnalyzer#words} gives them. */
    List<Word> words(String text) {
        return Arrays.asList(wordArray(text));
    }

    /** {@link #words} as an array. */
    Word[] wordArray(String text) {
        if (tokens == null) {
            open();
        }
        int len = text.length();
        char[] cs = chars.length >= len ? chars : (chars = new char[Math.max(len, chars.length * 2)]);
        text.getChars(0, len, cs, 0);
        count = 0;
        if (!asciiWords(cs, len)) {
            count = 0;
            luceneWords(text);
        }
        if (chars.length > 1 << 16) {
            chars = new char[256]; // not kept larger after a very long text
        }
        Word[] out = new Word[count]; // not Arrays.copyOf: under C1 its reflective array creation is a call
        System.arraycopy(found, 0, out, 0, count);
        if (found.length > 1 << 12) {
            found = new Word[64];
        }
        return out;
    }

    /**
     * {@link #wordArray(String)} of a text known to be ASCII where {@code ascii}: its chars copied as bytes
     * ({@code String.getBytes(int, int, byte[], int)}: a compact string's bytes copied, no widening to chars) and
     * segmented by {@link #asciiByteWords}; a text it declines (a token over {@link #ASCII_TOKEN_MAX} chars, or a
     * char that is not ASCII after all) is read again by {@link #wordArray(String)}. The same words (tests
     * compare).
     */
    @SuppressWarnings("deprecation")
    Word[] wordArray(String text, boolean ascii) {
        if (!ascii) {
            return wordArray(text);
        }
        if (tokens == null) {
            open();
        }
        int len = text.length();
        byte[] bs = bytes.length >= len ? bytes : (bytes = new byte[Math.max(len, bytes.length * 2)]);
        text.getBytes(0, len, bs, 0);
        boolean read = asciiByteWords(bs, len);
        if (bytes.length > 1 << 16) {
            bytes = new byte[256]; // not kept larger after a very long text
        }
        if (!read) {
            return wordArray(text);
        }
        Word[] out = new Word[count];
        System.arraycopy(found, 0, out, 0, count);
        if (found.length > 1 << 12) {
            found = new Word[64];
        }
        return out;
    }

    /** Tokens in the word table (for tests). */
    int tableSize() {
        return tableSize;
    }

    private void found(Word w) {
        if (count == found.length) {
            found = Arrays.copyOf(found, count * 2);
        }
        found[count++] = w;
    }

    /**
     * The word of the lower-cased token {@code cs[start, start + n)} whose {@link #hash} is {@code h}, from the
     * table or (the first time) through the stop and stem filters; null for a stop word.
     */
    private Word word(char[] cs, int start, int n, int h) {
        char[][] ks = keys;
        int mask = ks.length - 1;
        int i = spread(h) & mask;
        for (char[] k; (k = ks[i]) != null; i = (i + 1) & mask) {
            if (k.length == n && same(k, cs, start, n)) {
                return keyWords[i];
            }
        }
        if (letterless(cs, start, n)) {
            return number(cs, start, n, h);
        }
        Word w = stemOf(cs, start, n);
        if (tableSize >= TABLE_MAX) {
            Arrays.fill(keys, null);
            Arrays.fill(keyWords, null);
            tableSize = 0;
            shortKeys = new long[SHORT_TABLE];
            shortWords = new Word[SHORT_TABLE];
            shortShift = 64 - Integer.numberOfTrailingZeros(SHORT_TABLE);
            shortSize = 0;
        } else if (2 * (tableSize + 1) > ks.length) {
            grow();
        }
        ks = keys;
        mask = ks.length - 1;
        i = spread(h) & mask;
        while (ks[i] != null) {
            i = (i + 1) & mask;
        }
        ks[i] = Arrays.copyOfRange(cs, start, start + n);
        keyWords[i] = w;
        tableSize++;
        return w;
    }

    /** Whether {@code k} (of length n) holds the chars {@code cs[start, start + n)}. */
    private static boolean same(char[] k, char[] cs, int start, int n) {
        for (int j = 0; j < n; j++) {
            if (k[j] != cs[start + j]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the token {@code cs[start, start + n)} is of ASCII chars none of them a letter. */
    private static boolean letterless(char[] cs, int start, int n) {
        for (int j = start; j < start + n; j++) {
            char c = cs[j];
            if (c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                return false;
            }
        }
        return n > 0;
    }

    /**
     * The word of a letterless token (its own stem, {@link #stemOf}) from a small direct-mapped table of its
     * own: numbers and ids mostly come once, and kept in the word table they would fill it (to
     * {@link #TABLE_MAX}) and spread its words over memory; here a token seen again recently is found, and the
     * others only replace one slot.
     */
    private Word number(char[] cs, int start, int n, int h) {
        int i = spread(h) & (NUMBERS - 1);
        char[] k = numberKeys[i];
        if (k != null && k.length == n && same(k, cs, start, n)) {
            return numberWords[i];
        }
        Word w = stemOf(cs, start, n);
        numberKeys[i] = w.chars; // the stem is the token
        numberWords[i] = w;
        return w;
    }

    private void grow() {
        char[][] oldKeys = keys;
        Word[] oldWords = keyWords;
        keys = new char[oldKeys.length * 2][];
        keyWords = new Word[keys.length];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            char[] k = oldKeys[j];
            if (k != null) {
                int i = spread(hash(k, 0, k.length)) & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                keyWords[i] = oldWords[j];
            }
        }
    }

    /** The table's hash of a token (the ASCII scan computes the same while it lowers the token). */
    private static int hash(char[] cs, int start, int n) {
        int h = 0;
        for (int j = start; j < start + n; j++) {
            h = 31 * h + cs[j];
        }
        return h;
    }

    /** MurmurHash3's finalizer: every bit of {@code h} into the low bits that pick the slot. */
    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    /** {@link #words} through Lucene's tokenizer and possessive filter (any text; the reference of {@link #asciiWords}). */
    List<Word> luceneWords(String text) {
        if (tokens == null) {
            open();
        }
        count = 0;
        try (TokenStream ts = tokens.tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                char[] buf = term.buffer();
                int len = term.length();
                lowerCase(buf, len);
                Word w = word(buf, 0, len, hash(buf, 0, len));
                if (w != STOP) {
                    found(w);
                }
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot analyse text", e);
        }
        return Arrays.asList(Arrays.copyOf(found, count));
    }

    /**
     * What Lucene's LowerCaseFilter does to a token ({@link CharacterUtils#toLowerCase}, in place), with the
     * ASCII letters of a token all of ASCII lowered here (the same chars: {@link Character#toLowerCase} maps
     * A-Z to a-z and leaves the other ASCII chars as they are).
     */
    static void lowerCase(char[] buf, int len) {
        for (int i = 0; i < len; i++) {
            if (buf[i] >= 0x80) {
                CharacterUtils.toLowerCase(buf, 0, len);
                return;
            }
        }
        for (int i = 0; i < len; i++) {
            char c = buf[i];
            if (c >= 'A' && c <= 'Z') {
                buf[i] = (char) (c + ('a' - 'A'));
            }
        }
    }

    /** Character classes of ASCII for {@link #asciiWords}: Unicode's word-break property of each char. */
    private static final byte OTHER = 0;
    private static final byte LETTER = 1; // ALetter: A-Z a-z
    private static final byte NUMERIC = 2; // 0-9
    private static final byte EXTEND_NUM_LET = 3; // _
    private static final byte MID_LETTER = 4; // :
    private static final byte MID_NUM_LET = 5; // . and the single quote (Single_Quote acts as MidNumLet here)
    private static final byte MID_NUM = 6; // , ;
    private static final byte[] CLASS = new byte[128];
    /** ASCII lower case: A-Z to a-z, every other char as it is. */
    private static final char[] LOWER = new char[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            CLASS[c] = LETTER;
            CLASS[c - 'a' + 'A'] = LETTER;
        }
        for (char c = '0'; c <= '9'; c++) {
            CLASS[c] = NUMERIC;
        }
        for (char c = 0; c < 128; c++) {
            LOWER[c] = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
        CLASS['_'] = EXTEND_NUM_LET;
        CLASS[':'] = MID_LETTER;
        CLASS['.'] = MID_NUM_LET;
        CLASS['\''] = MID_NUM_LET;
        CLASS[','] = MID_NUM;
        CLASS[';'] = MID_NUM;
    }

    /** Longest token {@link #asciiWords} takes (Lucene's StandardTokenizer cuts tokens at 255 chars). */
    static final int ASCII_TOKEN_MAX = 200;

    /**
     * {@link #luceneWords} of an ASCII text, {@code cs[0, len)}, without Lucene: the tokens of Unicode's word
     * segmentation (UAX#29, as StandardTokenizer applies it: only segments holding a letter or digit are tokens)
     * by the rules that apply to ASCII: letters and digits run together (WB5, WB8-10), and with underscores
     * (WB13a/b); a letter, one of {@code : . '} and a letter stay together (WB6/7), as do a digit, one of
     * {@code , ; . '} and a digit (WB11/12); everything else breaks. Then what EnglishPossessiveFilter does (a
     * trailing {@code 's} or {@code 'S} dropped), lower case, and the word table. Returns false, leaving
     * {@code out} in any state, at a char above ASCII or a token over {@link #ASCII_TOKEN_MAX} chars (the caller
     * then takes Lucene's way). The chars of tokens are lowered in place. Tests compare both on random and real
     * texts.
     */
    boolean asciiWords(char[] cs, int len, List<Word> out) {
        count = 0;
        boolean taken = asciiWords(cs, len);
        out.addAll(Arrays.asList(found).subList(0, count));
        return taken;
    }

    /**
     * Per ASCII char: its word-break class ({@link #CLASS}) in the low byte, its lower case ({@link #LOWER}) in
     * the next (one load where {@link #asciiWords} takes two).
     */
    private static final int[] CLASS_LOWER = new int[128];

    static {
        for (int c = 0; c < 128; c++) {
            CLASS_LOWER[c] = CLASS[c] | LOWER[c] << 8;
        }
    }

    /**
     * {@link #asciiWords(char[], int)} over the bytes of an ASCII text, {@code bs[0, len)} (the reference form is
     * the char one; tests compare): the same tokens, lowered in place and packed a byte a char as they are read
     * (a shift and an or a char, where the word table's hash is a multiply and an add); a token of at most 8
     * chars is found in the short tokens' table ({@link #shortKeys}: one compare of longs), a longer one in the
     * word table ({@link #longWord}: hashed then, its keys' chars compared with the bytes, the same values for
     * ASCII); a token found in neither goes to {@link #word} as chars. The same words, the very objects of the
     * word table. False, as there, at a byte above ASCII or a token over {@link #ASCII_TOKEN_MAX}, with
     * {@code found[0, count)} in any state.
     */
    private boolean asciiByteWords(byte[] bs, int len) {
        int[] table = CLASS_LOWER;
        Word[] f = found;
        int cnt = 0;
        int i = 0;
        while (i < len) {
            int c = bs[i];
            if (c < 0) {
                found = f;
                return false;
            }
            int t = table[c];
            int k = t & 0xFF;
            if (k < LETTER || k > EXTEND_NUM_LET) {
                i++;
                continue;
            }
            // the token is lowered, and packed a byte a char (its last 8 chars), as it is scanned
            int start = i;
            boolean word = k != EXTEND_NUM_LET;
            long p = t >>> 8;
            bs[i] = (byte) p;
            i++;
            while (i < len) {
                int d = bs[i];
                if (d >= 'a' && d <= 'z') {
                    // a run of lower-case letters (most of a text's chars): each a LETTER and its own lower case,
                    // so the table's steps below come to this, without the load and the store
                    word = true;
                    k = LETTER;
                    do {
                        p = p << 8 | d;
                        i++;
                    } while (i < len && (d = bs[i]) >= 'a' && d <= 'z');
                    if (i == len) {
                        break;
                    }
                }
                if (d < 0) {
                    found = f;
                    return false;
                }
                int u = table[d];
                int m = u & 0xFF;
                if (m >= LETTER && m <= EXTEND_NUM_LET) {
                    word |= m != EXTEND_NUM_LET;
                    k = m;
                    d = u >>> 8;
                    bs[i] = (byte) d;
                    p = p << 8 | d;
                    i++;
                    continue;
                }
                if (m < MID_LETTER || i + 1 >= len || k == EXTEND_NUM_LET) {
                    break;
                }
                int e = bs[i + 1];
                if (e < 0) {
                    found = f;
                    return false;
                }
                int v = table[e];
                int n = v & 0xFF;
                if (k == LETTER ? n == LETTER && m != MID_NUM : n == NUMERIC && m != MID_LETTER) {
                    k = n;
                    e = v >>> 8;
                    bs[i + 1] = (byte) e;
                    p = (p << 8 | d) << 8 | e;
                    i += 2;
                    continue;
                }
                break;
            }
            if (!word) {
                continue;
            }
            int end = i;
            if (end - start > ASCII_TOKEN_MAX) {
                found = f;
                return false;
            }
            if (end - start >= 2 && bs[end - 2] == '\'' && bs[end - 1] == 's') {
                end -= 2; // EnglishPossessiveFilter ('s or 'S, lowered above)
                p >>>= 16;
            }
            Word w;
            if (i - start <= 8) {
                // the short tokens' table (its hit here: C1 inlines no call of this size); a miss goes to
                // shortMiss, through the word table
                long[] sk = shortKeys;
                int mask = sk.length - 1;
                int slot = (int) ((p * 0x9E3779B97F4A7C15L) >>> shortShift);
                while (true) {
                    long key = sk[slot];
                    if (key == p) {
                        w = shortWords[slot];
                        break;
                    }
                    if (key == 0) {
                        w = shortMiss(bs, start, end - start, p);
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
            } else {
                w = longWord(bs, start, end - start);
            }
            if (w != STOP) {
                if (cnt == f.length) {
                    f = Arrays.copyOf(f, cnt * 2);
                }
                f[cnt++] = w;
            }
        }
        found = f;
        count = cnt;
        return true;
    }

    /**
     * The word of the lowered token {@code bs[start, start + n)} (at most 8 chars, packed into {@code p}) missing
     * from the short tokens' table: the word table's ({@link #word}), then kept in the short table where the
     * token has a letter (a letterless one keeps to {@link #number}'s table).
     */
    private Word shortMiss(byte[] bs, int start, int n, long p) {
        char[] cs = chars;
        int h = 0;
        for (int j = 0; j < n; j++) {
            char c = (char) bs[start + j];
            cs[j] = c;
            h = 31 * h + c;
        }
        Word w = word(cs, 0, n, h);
        if (letterless(cs, 0, n)) {
            return w;
        }
        if (2 * (shortSize + 1) > shortKeys.length) {
            long[] oldKeys = shortKeys;
            Word[] oldWords = shortWords;
            shortKeys = new long[oldKeys.length * 2];
            shortWords = new Word[shortKeys.length];
            shortShift--;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != 0) {
                    shortPut(oldKeys[j], oldWords[j]);
                }
            }
        }
        shortPut(p, w);
        shortSize++;
        return w;
    }

    private void shortPut(long p, Word w) {
        int mask = shortKeys.length - 1;
        int slot = (int) ((p * 0x9E3779B97F4A7C15L) >>> shortShift);
        while (shortKeys[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        shortKeys[slot] = p;
        shortWords[slot] = w;
    }

    /** The word of the lowered token {@code bs[start, start + n)} of more than 8 chars, from the word table. */
    private Word longWord(byte[] bs, int start, int n) {
        int h = 0;
        for (int j = start; j < start + n; j++) {
            h = 31 * h + bs[j];
        }
        char[][] ks = keys;
        int mask = ks.length - 1;
        int slot = spread(h) & mask;
        while (true) {
            char[] key = ks[slot];
            if (key == null) {
                char[] cs = chars.length >= n ? chars : (chars = new char[Math.max(n, 2 * chars.length)]);
                for (int j = 0; j < n; j++) {
                    cs[j] = (char) bs[start + j];
                }
                return word(cs, 0, n, h);
            }
            if (key.length == n) {
                int j = 0;
                while (j < n && key[j] == bs[start + j]) {
                    j++;
                }
                if (j == n) {
                    return keyWords[slot];
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /** {@link #asciiWords(char[], int, List)} into {@code found[0, count)}. */
    private boolean asciiWords(char[] cs, int len) {
        if (tokens == null) {
            open();
        }
        byte[] cls = CLASS;
        char[] lower = LOWER;
        Word[] f = found;
        int cnt = 0;
        int i = 0;
        while (i < len) {
            char c = cs[i];
            if (c >= 0x80) {
                found = f;
                return false;
            }
            byte k = cls[c];
            if (k < LETTER || k > EXTEND_NUM_LET) {
                i++;
                continue;
            }
            // the token is lowered, and its table hash taken, as it is scanned
            int start = i;
            boolean word = k != EXTEND_NUM_LET;
            c = lower[c];
            cs[i] = c;
            int h = c;
            i++;
            while (i < len) {
                char d = cs[i];
                if (d >= 0x80) {
                    found = f;
                    return false;
                }
                byte m = cls[d];
                if (m >= LETTER && m <= EXTEND_NUM_LET) {
                    word |= m != EXTEND_NUM_LET;
                    k = m;
                    d = lower[d];
                    cs[i] = d;
                    h = 31 * h + d;
                    i++;
                    continue;
                }
                if (m < MID_LETTER || i + 1 >= len || k == EXTEND_NUM_LET) {
                    break;
                }
                char e = cs[i + 1];
                if (e >= 0x80) {
                    found = f;
                    return false;
                }
                byte n = cls[e];
                if (k == LETTER ? n == LETTER && m != MID_NUM : n == NUMERIC && m != MID_LETTER) {
                    k = n;
                    e = lower[e];
                    cs[i + 1] = e;
                    h = 31 * (31 * h + d) + e;
                    i += 2;
                    continue;
                }
                break;
            }
            if (!word) {
                continue;
            }
            int end = i;
            if (end - start > ASCII_TOKEN_MAX) {
                found = f;
                return false;
            }
            if (end - start >= 2 && cs[end - 2] == '\'' && cs[end - 1] == 's') {
                end -= 2; // EnglishPossessiveFilter ('s or 'S, lowered above)
                h = hash(cs, start, end - start);
            }
            // the word table's probe for a token seen before, here (C1 inlines neither word nor same); a token
            // not found goes to word, which probes again and adds it
            int n = end - start;
            char[][] ks = keys;
            int mask = ks.length - 1;
            int slot = spread(h) & mask;
            Word w;
            while (true) {
                char[] key = ks[slot];
                if (key == null) {
                    w = word(cs, start, n, h);
                    break;
                }
                if (key.length == n) {
                    int j = 0;
                    while (j < n && key[j] == cs[start + j]) {
                        j++;
                    }
                    if (j == n) {
                        w = keyWords[slot];
                        break;
                    }
                }
                slot = (slot + 1) & mask;
            }
            if (w != STOP) {
                if (cnt == f.length) {
                    f = Arrays.copyOf(f, cnt * 2);
                }
                f[cnt++] = w;
            }
        }
        found = f;
        count = cnt;
        return true;
    }

    /**
     * {@link #lookUp} of the lower-cased token {@code cs[start, start + n)}, where a token of ASCII chars none of
     * them a letter (numbers, ids: most of the tokens a table meets once) is its own stem without the filters:
     * every Snowball stop word is made of letters, and every rule of the Porter stemmer tests letters at the
     * token's end (a suffix, an ending 's', 'e', 'l' or 'y'), so neither filter changes such a token. Tests
     * compare both on random tokens.
     */
    Word stemOf(char[] cs, int start, int n) {
        String token = new String(cs, start, n);
        if (letterless(cs, start, n)) {
            return new Word(token, dimension);
        }
        try {
            return lookUp(token);
        } catch (IOException x) {
            throw new UncheckedIOException("cannot analyse text", x);
        }
    }

    /** The stem of one lower-cased token through the stop and stem filters alone, or {@link #STOP}. */
    Word lookUp(String token) throws IOException {
        String stem = null;
        try (TokenStream ts = stopStem.tokenStream("text", token)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                if (stem != null) {
                    throw new IllegalStateException("the stem filter split the token " + token);
                }
                stem = term.toString();
            }
            ts.end();
        }
        return stem == null ? STOP : new Word(stem, dimension);
    }

    private void open() {
        CharArraySet stop = stopWords();
        tokens = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer source = new StandardTokenizer();
                // LowerCaseFilter's work is done by words (lowerCase), on the token read
                return new TokenStreamComponents(source, new EnglishPossessiveFilter(source));
            }
        };
        stopStem = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer source = new KeywordTokenizer();
                return new TokenStreamComponents(source, new PorterStemFilter(new StopFilter(source, stop)));
            }
        };
        keys = new char[2048][];
        keyWords = new Word[keys.length];
        tableSize = 0;
        numberKeys = new char[NUMBERS][];
        numberWords = new Word[NUMBERS];
        found = new Word[64];
        chars = new char[256];
        bytes = new byte[256];
        shortKeys = new long[SHORT_TABLE];
        shortWords = new Word[SHORT_TABLE];
        shortShift = 64 - Integer.numberOfTrailingZeros(SHORT_TABLE);
        shortSize = 0;
        texts = new java.util.HashMap<>();
        acc = new double[dimension];
        quarters = new int[dimension];
        touched = new boolean[dimension];
        buckets = new int[dimension];
        pairFirst = new Word[PAIRS];
        pairSecond = new Word[PAIRS];
        pairFeature = new int[PAIRS];
    }

    /** Snowball's English stop words, as {@link TermAnalyzer} reads them. */
    private static CharArraySet stopWords() {
        try (java.io.InputStream in = org.apache.lucene.analysis.snowball.SnowballFilter.class
                .getResourceAsStream("english_stop.txt")) {
            if (in == null) {
                throw new IllegalStateException("lucene-analysis-common lacks snowball/english_stop.txt");
            }
            return org.apache.lucene.analysis.WordlistLoader.getSnowballWordSet(
                    new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the English stop words", e);
        }
    }

    /** The term ids of {@code words}. */
    static int[] termIds(List<Word> words) {
        return termIds(words.toArray(new Word[0]), null);
    }

    /** The term ids of {@code words} and then of {@code more} (null: none). */
    static int[] termIds(Word[] words, Word[] more) {
        int[] ids = new int[words.length + (more == null ? 0 : more.length)];
        for (int i = 0; i < words.length; i++) {
            ids[i] = words[i].termId;
        }
        if (more != null) {
            for (int i = 0; i < more.length; i++) {
                ids[words.length + i] = more[i].termId;
            }
        }
        return ids;
    }

    /**
     * Above this many quarters added in all, {@link #vector} takes the double form (there the sums of squares
     * might no longer be exact).
     */
    static final long EXACT_QUARTERS_MAX = 1L << 26;

    /**
     * {@link TermAnalyzer#vector} of the stems of {@code words}. Every weight added is a multiple of 1/4 (1,
     * 0.5, 0.25, signed), so TermAnalyzer's doubles hold exact multiples of 1/4, and their squares exact
     * multiples of 1/16: while the quarters added in all stay at most {@link #EXACT_QUARTERS_MAX} (2^26), each
     * bucket's sum, each square and each partial sum of squares (at most the square of that total, 2^52
     * sixteenths) is exact whatever the order of the additions. So the buckets are summed here in integer
     * quarters, each stem's own features summed per bucket beforehand (and the pairs' features kept in a small
     * table), and the sum of squares taken in any
     * order: the same doubles as TermAnalyzer's, hence the same unit vector bit for bit. Longer texts take
     * {@link #vectorDoubles}, TermAnalyzer's order of additions.
     */
    float[] vector(List<Word> words) {
        return vector(words.toArray(new Word[0]));
    }

    /**
     * Texts of at least one word per this many buckets of the vector take {@link #vectorDense} (a word adds to
     * some 5-10 buckets: most buckets touched, so not worth tracking which).
     */
    static final int DENSE_BUCKETS_PER_WORD = 12;

    /** {@link #vector(List)} of an array of words. */
    float[] vector(Word[] words) {
        if (tokens == null) {
            open();
        }
        if ((long) words.length * DENSE_BUCKETS_PER_WORD >= dimension) {
            return vectorDense(words);
        }
        int[] q = quarters;
        boolean[] seen = touched;
        int[] b = buckets;
        int n = 0;
        long total = 0;
        Word prev = null;
        for (int i = 0, size = words.length; i < size; i++) {
            Word w = words[i];
            int[] ob = w.ownBuckets;
            int[] oq = w.ownQuarters;
            for (int t = 0; t < ob.length; t++) {
                int k = ob[t];
                if (!seen[k]) {
                    seen[k] = true;
                    b[n++] = k;
                }
                q[k] += oq[t];
            }
            total += w.ownTotal;
            if (prev != null) {
                int f = pairFeatureOf(prev, w);
                int k = f >>> 1;
                if (!seen[k]) {
                    seen[k] = true;
                    b[n++] = k;
                }
                q[k] += 2 - ((f & 1) << 2); // +2 or -2 by the sign bit, no branch (as in vectorDense)
                total += 2;
            }
            prev = w;
        }
        if (total > EXACT_QUARTERS_MAX) {
            for (int k = 0; k < n; k++) {
                q[b[k]] = 0;
                seen[b[k]] = false;
            }
            return vectorDoubles(Arrays.asList(words));
        }
        if (n * 2 >= dimension) { // most buckets touched: over all of them (an untouched one holds 0)
            Arrays.fill(seen, false);
            return unitOfQuarters(q);
        }
        float[] out = new float[dimension];
        long squares = 0; // sixteenths
        for (int k = 0; k < n; k++) {
            long v = q[b[k]];
            squares += v * v;
        }
        double norm = squares / 16.0; // exact: at most 2^52 sixteenths
        if (norm > 0) {
            double inv = 1 / Math.sqrt(norm);
            for (int k = 0; k < n; k++) {
                int j = b[k];
                out[j] = (float) ((q[j] * 0.25) * inv);
            }
        }
        for (int k = 0; k < n; k++) {
            q[b[k]] = 0;
            seen[b[k]] = false;
        }
        return out;
    }

    /**
     * The pair feature of the stems {@code prev}, {@code w} (bucket times 2, plus 1 for a negative sign), from
     * the direct-mapped table where the pair was seen before, else hashed and put there.
     */
    private int pairFeatureOf(Word prev, Word w) {
        int slot = (prev.termId * 0x9E3779B9 + w.termId) >>> (32 - 12);
        if (pairFirst[slot] == prev && pairSecond[slot] == w) {
            return pairFeature[slot];
        }
        long h = prev.pairPrefix;
        char[] cs = w.chars;
        for (int c = 0; c < cs.length; c++) {
            h = (h ^ cs[c]) * PRIME;
        }
        h = mix(h);
        int f = bucket(h, dimension) * 2 + (h < 0 ? 1 : 0);
        pairFirst[slot] = prev;
        pairSecond[slot] = w;
        pairFeature[slot] = f;
        return f;
    }

    /**
     * {@link #vector(Word[])} without tracking the buckets touched: every bucket's sum (in quarters) is exact,
     * so the same sums, squares and vector, over all buckets (an untouched one holds 0 and scales to +0.0).
     */
    float[] vectorDense(Word[] words) {
        return vectorDense(words, null);
    }

    /**
     * {@link #vectorDense(Word[])} into {@code out} (all {@link #dimension} values written) where not null and
     * the text takes the quarters' form; else into a new array (also where the text goes another way).
     */
    private float[] vectorDense(Word[] words, float[] out) {
        if (tokens == null) {
            open();
        }
        // vectorDenseReference's sums, with each word's features read from one packed array and the pair table's
        // hit taken here (C1 inlines neither pairFeatureOf nor a loop over two arrays' elements)
        int[] q = quarters;
        Word[] firsts = pairFirst;
        Word[] seconds = pairSecond;
        int[] features = pairFeature;
        long total = 0;
        Word prev = null;
        for (int i = 0; i < words.length; i++) {
            Word w = words[i];
            int[] o = w.own;
            if (o == null) { // not packed: the reference's loop over the whole text (q cleared first)
                Arrays.fill(q, 0);
                return vectorDenseReference(words);
            }
            for (int t = 0; t < o.length; t++) {
                int x = o[t];
                q[x & 0xFFFF] += x >> 16;
            }
            total += w.ownTotal;
            if (prev != null) {
                int slot = (prev.termId * 0x9E3779B9 + w.termId) >>> (32 - 12);
                int f = firsts[slot] == prev && seconds[slot] == w ? features[slot] : pairFeatureOf(prev, w);
                // +2 or -2 by the feature's sign bit (C1 compiled the old two-constant conditional without a branch
                // too: no change was measured, the form only matches vectorDense's)
                q[f >>> 1] += 2 - ((f & 1) << 2);
                total += 2;
            }
            prev = w;
        }
        if (total > EXACT_QUARTERS_MAX) {
            Arrays.fill(q, 0);
            return vectorDoubles(Arrays.asList(words));
        }
        return unitOfQuarters(q, out == null ? new float[dimension] : out);
    }

    /** {@link #vectorDense} over the two arrays of each word's features (the reference form, for tests). */
    float[] vectorDenseReference(Word[] words) {
        if (tokens == null) {
            open();
        }
        int[] q = quarters;
        long total = 0;
        Word prev = null;
        for (int i = 0; i < words.length; i++) {
            Word w = words[i];
            int[] ob = w.ownBuckets;
            int[] oq = w.ownQuarters;
            for (int t = 0; t < ob.length; t++) {
                q[ob[t]] += oq[t];
            }
            total += w.ownTotal;
            if (prev != null) {
                int f = pairFeatureOf(prev, w);
                q[f >>> 1] += (f & 1) == 0 ? 2 : -2;
                total += 2;
            }
            prev = w;
        }
        if (total > EXACT_QUARTERS_MAX) {
            Arrays.fill(q, 0);
            return vectorDoubles(Arrays.asList(words));
        }
        return unitOfQuarters(q);
    }

    /**
     * The unit vector of the quarter sums {@code q} (all {@link #dimension} buckets; zero where they are all 0),
     * its norm from the exact integer sum of squares; {@code q} cleared (as it is scaled).
     */
    private float[] unitOfQuarters(int[] q) {
        return unitOfQuarters(q, new float[dimension]);
    }

    /** {@link #unitOfQuarters(int[])} written into {@code out} (every value set, zeros included), which it returns. */
    private float[] unitOfQuarters(int[] q, float[] out) {
        // four buckets a step (file runs compile this with C1, which does not unroll): the squares are exact
        // integers, so their sum is the same in any order; each value is scaled by inv / 4 (exact: a power of
        // two), the one rounding of the same product as (v / 4) * inv, so the same floats as
        // unitOfQuartersReference
        int d = dimension;
        int d4 = d & ~3;
        long s0 = 0; // sixteenths
        long s1 = 0;
        int j = 0;
        for (; j < d4; j += 4) {
            long v0 = q[j];
            long v1 = q[j + 1];
            long v2 = q[j + 2];
            long v3 = q[j + 3];
            s0 += v0 * v0 + v1 * v1;
            s1 += v2 * v2 + v3 * v3;
        }
        for (; j < d; j++) {
            long v = q[j];
            s0 += v * v;
        }
        double norm = (s0 + s1) / 16.0; // exact: at most 2^52 sixteenths
        if (norm > 0) {
            // each quarter cleared as it is scaled (no second pass to clear them)
            double inv4 = (1 / Math.sqrt(norm)) * 0.25;
            for (j = 0; j < d4; j += 4) {
                int v0 = q[j];
                int v1 = q[j + 1];
                int v2 = q[j + 2];
                int v3 = q[j + 3];
                q[j] = 0;
                q[j + 1] = 0;
                q[j + 2] = 0;
                q[j + 3] = 0;
                out[j] = (float) (v0 * inv4);
                out[j + 1] = (float) (v1 * inv4);
                out[j + 2] = (float) (v2 * inv4);
                out[j + 3] = (float) (v3 * inv4);
            }
            for (; j < d; j++) {
                out[j] = (float) (q[j] * inv4);
                q[j] = 0;
            }
        } else {
            Arrays.fill(q, 0);
            Arrays.fill(out, 0f);
        }
        return out;
    }

    /** {@link #unitOfQuarters} one bucket a step, as TermAnalyzer scales (the reference form, for tests). */
    float[] unitOfQuartersReference(int[] q) {
        float[] out = new float[dimension];
        long squares = 0; // sixteenths
        for (int j = 0; j < dimension; j++) {
            long v = q[j];
            squares += v * v;
        }
        double norm = squares / 16.0; // exact: at most 2^52 sixteenths
        if (norm > 0) {
            double inv = 1 / Math.sqrt(norm);
            for (int j = 0; j < dimension; j++) {
                int v = q[j];
                q[j] = 0;
                out[j] = (float) ((v * 0.25) * inv);
            }
        } else {
            Arrays.fill(q, 0);
        }
        return out;
    }

    /** {@link #unitOfQuarters} of {@code q} itself, which it clears (for tests). */
    float[] unitOfQuartersIn(int[] q) {
        return unitOfQuarters(q);
    }

    /** {@link #unitOfQuarters} of a copy of {@code q} (for tests). */
    float[] unitOfQuartersOf(int[] q) {
        return unitOfQuarters(q.clone());
    }

    /**
     * {@link #vector} in doubles, TermAnalyzer's additions in TermAnalyzer's order (the form for texts past the
     * exact integer bound, and a reference for tests).
     */
    float[] vectorDoubles(List<Word> words) {
        if (tokens == null) {
            open();
        }
        double[] a = acc;
        int n = 0;
        Word prev = null;
        for (int i = 0; i < words.size(); i++) {
            Word w = words.get(i);
            n = add(a, n, w.bucket, w.weight);
            if (prev != null) {
                long h = prev.pairPrefix;
                String s = w.stem;
                for (int c = 0; c < s.length(); c++) {
                    h = (h ^ s.charAt(c)) * PRIME;
                }
                h = mix(h);
                n = add(a, n, bucket(h, dimension), h < 0 ? -0.5 : 0.5);
            }
            char[] sc = w.chars;
            for (int t = 0; t < sc.length; t++) {
                long x = Word.trigram(sc, t);
                n = add(a, n, bucket(x, dimension), x < 0 ? -0.25 : 0.25);
            }
            prev = w;
        }
        // TermAnalyzer's unit over the touched buckets in ascending order: the others hold +0.0, which adds
        // nothing to the sum of squares (a sum from +0.0 is never -0.0) and scales to the +0.0 of a new array
        int[] b = buckets;
        Arrays.sort(b, 0, n);
        double norm = 0;
        for (int k = 0; k < n; k++) {
            double v = a[b[k]];
            norm += v * v;
        }
        float[] out = new float[dimension];
        if (norm > 0) {
            double inv = 1 / Math.sqrt(norm);
            for (int k = 0; k < n; k++) {
                out[b[k]] = (float) (a[b[k]] * inv);
            }
        }
        for (int k = 0; k < n; k++) {
            a[b[k]] = 0;
            touched[b[k]] = false;
        }
        return out;
    }

    private int add(double[] a, int n, int bucket, double w) {
        if (!touched[bucket]) {
            touched[bucket] = true;
            buckets[n++] = bucket;
        }
        a[bucket] += w;
        return n;
    }

    /**
     * {@code floorMod(h, dimension)}: for a power of two its low bits (the same value for any sign of h, two's
     * complement), with no 64-bit division.
     */
    private static int bucket(long h, int dimension) {
        return (dimension & (dimension - 1)) == 0 ? (int) (h & (dimension - 1)) : (int) Math.floorMod(h, (long) dimension);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
