package dev.keymem.jobs.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * cl100k_base byte-pair encoding with a set-up of one pass over the ranks: the same token ids as jtokkit's
 * {@code cl100k_base} encoder (its ranks file, its pre-tokenizer's pieces, tiktoken's merge order), for
 * {@link Tokenizer}.
 *
 * <p>Why our own: jtokkit builds its encoder from the Base64 ranks file line by line (a {@code String}, a Base64
 * decoder call, an {@code Integer} and a map entry in three maps per token, 100,256 tokens), which cost a log
 * run 0.10-0.15 CPU s of its start-up, most of it in the interpreter and the JIT of that code. Here the same
 * file, read with one bulk read, is decoded in one loop into one byte array (every token's bytes, in rank
 * order), an array of offsets, and an open-addressing table from a token's bytes to its rank; nothing is
 * allocated per token. The file is jtokkit's own resource, so the ranks are always those of the jtokkit
 * version on the class path.
 *
 * <p>The pieces are those of cl100k_base's pattern {@code '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|
 * \p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}, with jtokkit's character classes
 * ({@code Character.getType}; a lone surrogate is neither letter, digit nor space, and is encoded, as jtokkit
 * does, as the three bytes of its code unit). Each piece that is not a token is merged as tiktoken does:
 * repeatedly the adjacent pair of lowest rank, the leftmost of equal ones (a scan for short pieces, a heap for
 * long ones). {@code Cl100kBpeTest} compares every id with jtokkit's encoder.
 *
 * <p>A text of ASCII characters only (most log lines) is encoded from its bytes ({@link #asciiBytes}): they are its
 * UTF-8 bytes, a code point is one byte, so the pieces are found on the byte array and hashed and ranked where they
 * lie, with no {@code charAt} / {@code codePointAt} per character and no UTF-8 conversion per piece (on a 2,700-char
 * stack trace these were a third of the encoding). The char path stays the reference
 * ({@link #encodeWith(String, PieceCache, boolean)}; {@code Cl100kBpeTest} compares the two). On that path a piece's
 * end is found with one table of the ASCII chars' classes ({@link #pieceEnd(byte[], int)}; {@link #pieceEndAscii},
 * the class tests, is its reference), and a piece of at most {@link #SHORT_BYTES} bytes takes its rank from the
 * thread's {@link PieceCache} of short pieces when it was met before (the rank table's hash and probes otherwise).
 */
final class Cl100kBpe {
    /** jtokkit's bundled ranks: one {@code BASE64 RANK} line per token, ranks 0, 1, 2, ... in order. */
    static final String RANKS = "/com/knuddels/jtokkit/cl100k_base.tiktoken";

    private static final int[] SPECIAL_IDS = {100257, 100258, 100259, 100260, 100276};
    private static final String[] SPECIAL_TEXTS = {"<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>",
        "<|fim_suffix|>", "<|endofprompt|>"};

    /** Pieces of at least this many bytes merge through a heap (O(n log n)) instead of a scan (O(n^2)). */
    static final int HEAP_BYTES = 128;

    private static final byte[] BASE64 = new byte[256];

    static {
        Arrays.fill(BASE64, (byte) -1);
        String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < a.length(); i++) {
            BASE64[a.charAt(i)] = (byte) i;
        }
    }

    private static volatile Cl100kBpe shared;

    /** Every token's bytes, rank order. */
    final byte[] bytes;
    /** Token r is {@code bytes[offsets[r] .. offsets[r + 1])}. */
    final int[] offsets;
    /** Open addressing by {@link #hash}: rank + 1, 0 for an empty slot; linear probing. */
    final int[] slots;
    final int tokens;
    final int maxLength;

    private Cl100kBpe(byte[] bytes, int[] offsets, int tokens) {
        this.bytes = bytes;
        this.offsets = offsets;
        this.tokens = tokens;
        int size = Integer.highestOneBit(Math.max(2, tokens) * 2) * 2; // load factor at most 1/2
        int[] s = new int[size];
        int longest = 0;
        for (int r = 0; r < tokens; r++) {
            longest = Math.max(longest, insert(s, bytes, offsets, r));
        }
        this.slots = s;
        this.maxLength = longest;
    }

    /** The encoder of tables made before ({@link Cl100kImage}: those of an encoder {@link #parse} made). */
    Cl100kBpe(byte[] bytes, int[] offsets, int[] slots, int tokens, int maxLength) {
        this.bytes = bytes;
        this.offsets = offsets;
        this.slots = slots;
        this.tokens = tokens;
        this.maxLength = maxLength;
    }

    /**
     * Puts rank {@code r} into the table; returns its length. One call per token (not one loop over all): a method
     * called 100,000 times is compiled after its first few hundred calls, where a loop's body would run
     * interpreted until on-stack replacement.
     */
    private static int insert(int[] s, byte[] bytes, int[] offsets, int r) {
        int mask = s.length - 1;
        int from = offsets[r];
        int to = offsets[r + 1];
        int i = hash(bytes, from, to) & mask;
        while (s[i] != 0) {
            int other = s[i] - 1;
            if (equal(bytes, offsets[other], offsets[other + 1], bytes, from, to)) {
                throw new IllegalStateException(RANKS + ": ranks " + other + " and " + r + " have the same bytes");
            }
            i = (i + 1) & mask;
        }
        s[i] = r + 1;
        return to - from;
    }

    /**
     * A fingerprint of how this class lays out its slot table (the table's size, {@link #hash}, the probing, what a
     * slot holds): a hash of the table it makes of 96 fixed tokens. {@link Cl100kImage} records it with the tables.
     */
    static int layout() {
        int n = 96;
        byte[][] tokens = new byte[n][];
        int length = 0;
        for (int r = 0; r < n; r++) {
            tokens[r] = Integer.toString(r * 7919).getBytes(StandardCharsets.US_ASCII);
            length += tokens[r].length;
        }
        byte[] bytes = new byte[length];
        int[] offsets = new int[n + 1];
        for (int r = 0; r < n; r++) {
            System.arraycopy(tokens[r], 0, bytes, offsets[r], tokens[r].length);
            offsets[r + 1] = offsets[r] + tokens[r].length;
        }
        int[] s = new Cl100kBpe(bytes, offsets, n).slots;
        int h = s.length;
        for (int v : s) {
            h = 31 * h + v;
        }
        return h;
    }

    /** The encoder, loaded at the first call (thread-safe). */
    static Cl100kBpe get() {
        Cl100kBpe b = shared;
        if (b == null) {
            synchronized (Cl100kBpe.class) {
                b = shared;
                if (b == null) {
                    b = load();
                    shared = b;
                }
            }
        }
        return b;
    }

    /**
     * From the build's image of the tables where one of this jtokkit's ranks is named ({@link Cl100kImage}), else
     * parsed.
     */
    private static Cl100kBpe load() {
        Cl100kBpe image = Cl100kImage.load();
        return image != null ? image : parse(ranksFile());
    }

    /**
     * jtokkit's ranks file's bytes: read into an array of the size its jar entry gives (one inflation, no copies of
     * growing buffers: ~7 of the ~22 ms a {@code readAllBytes} of the 1.6 MB took under C1), or with
     * {@code readAllBytes} where no size is known.
     */
    static byte[] ranksFile() {
        java.net.URL url = com.knuddels.jtokkit.Encodings.class.getResource(RANKS);
        if (url == null) {
            throw new IllegalStateException("jtokkit's " + RANKS + " is not on the class path");
        }
        try {
            java.net.URLConnection conn = url.openConnection();
            long size = conn.getContentLengthLong();
            try (InputStream in = conn.getInputStream()) {
                if (size < 0 || size > Integer.MAX_VALUE - 16) {
                    return in.readAllBytes();
                }
                byte[] f = new byte[(int) size];
                int n = in.readNBytes(f, 0, f.length);
                if (n < f.length || in.read() >= 0) {
                    throw new IOException("its size is not " + size + " bytes");
                }
                return f;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read jtokkit's " + RANKS, e);
        }
    }

    /** The encoder of a ranks file's bytes (lines {@code BASE64 RANK}, ranks 0, 1, 2, ... in order). */
    static Cl100kBpe parse(byte[] f) {
        RanksReader r = new RanksReader(f);
        while (r.at < f.length) {
            r.line();
        }
        r.offsets[r.tokens] = r.length;
        return new Cl100kBpe(Arrays.copyOf(r.bytes, r.length), Arrays.copyOf(r.offsets, r.tokens + 1), r.tokens);
    }

    /** Decodes a ranks file a line at a time (a method called per line is compiled early; see {@link #insert}). */
    private static final class RanksReader {
        final byte[] f;
        final byte[] bytes;
        final int[] offsets;
        int at;
        int length;
        int tokens;

        RanksReader(byte[] f) {
            this.f = f;
            this.bytes = new byte[f.length / 4 * 3 + 3];
            this.offsets = new int[f.length / 7 + 2]; // the shortest line, "QQ== 0\n", has 7 bytes
        }

        /** Decodes the line at {@link #at}: its token's bytes appended to {@link #bytes}. */
        void line() {
            byte[] f = this.f;
            int len = f.length;
            int i = at;
            int o = length;
            int n = tokens;
            offsets[n] = o;
            int acc = 0;
            int bits = 0;
            int c;
            while (i < len && (c = f[i++] & 0xff) != ' ') {
                if (c == '=') {
                    continue;
                }
                int v = BASE64[c];
                if (v < 0) {
                    throw new IllegalStateException(RANKS + ": line " + (n + 1) + " is not Base64");
                }
                acc = (acc << 6) | v;
                bits += 6;
                if (bits >= 8) {
                    bits -= 8;
                    bytes[o++] = (byte) (acc >>> bits);
                }
            }
            int rank = 0;
            int digits = 0;
            while (i < len && (c = f[i++] & 0xff) != '\n') {
                if (c == '\r') {
                    continue;
                }
                if (c < '0' || c > '9' || digits > 9) {
                    throw new IllegalStateException(RANKS + ": line " + (n + 1) + " has no rank");
                }
                rank = rank * 10 + (c - '0');
                digits++;
            }
            if (digits == 0 || rank != n || o == offsets[n]) {
                throw new IllegalStateException(RANKS + ": line " + (n + 1) + " is not the token of rank " + n);
            }
            at = i;
            length = o;
            tokens = n + 1;
        }
    }

    /** The number of ordinary tokens (ranks 0 .. n-1). */
    int tokens() {
        return tokens;
    }

    // ---- encoding ------------------------------------------------------------------------------------------

    /** The ids of {@code text}, all of them (jtokkit's {@code encodeOrdinary(text)}). */
    int[] encode(String text) {
        Ids out = new Ids(Math.max(8, text.length() / 3));
        encode(text, Integer.MAX_VALUE, out);
        return out.toArray();
    }

    /**
     * {@link #encode(String)} of a text whose {@link #asciiBytes} are {@code ascii} (a caller that has them: the
     * conversion is not made a second time).
     */
    int[] encodeAscii(byte[] ascii) {
        Ids out = new Ids(Math.max(8, ascii.length / 3));
        out.ascii = true;
        encodeAscii(ascii, 0, 0, Integer.MAX_VALUE, out, PIECES.get(), -1);
        return out.toArray();
    }

    /** The number of tokens of {@code text} (jtokkit's {@code countTokensOrdinary}). */
    int count(String text) {
        Ids out = new Ids(Math.max(8, text.length() / 3));
        return encode(text, Integer.MAX_VALUE, out);
    }

    /**
     * Ids cut to a limit, whether the text was longer than what they decode to, and that text ({@link #decode} of the
     * ids).
     */
    record Limited(int[] ids, boolean truncated, String text) {
    }

    /**
     * jtokkit's {@code encodeOrdinary(text, maxTokens)}: the first {@code maxTokens} ids (at most), less the last
     * ones while their text is not a prefix of {@code text} (a token that would split a character);
     * {@code truncated} when that text is shorter than {@code text}.
     */
    Limited encode(String text, int maxTokens) {
        if (maxTokens == Integer.MAX_VALUE) {
            int[] ids = encode(text);
            return new Limited(ids, false, hasSurrogate(text) ? decode(ids) : text);
        }
        Ids out = new Ids(Math.min(maxTokens, Math.max(8, text.length() / 3)));
        int count = encode(text, maxTokens, out);
        if (out.whole && count == out.size && (out.ascii || !hasSurrogate(text))) {
            // Every piece encoded and every id kept: their bytes are the text's UTF-8 bytes, which decode to the text
            // itself where it holds no surrogate (a lone one would not round-trip), so the prefix test below would
            // keep them all and find nothing cut; it is skipped (a text of some 1,000 chars spared a decoding).
            return new Limited(out.toArray(), false, text);
        }
        int size = out.size;
        int[] ends = new int[size + 1];
        for (int k = 0; k < size; k++) {
            int r = out.ids[k];
            ends[k + 1] = ends[k] + (offsets[r + 1] - offsets[r]);
        }
        byte[] all = new byte[ends[size]];
        for (int k = 0; k < size; k++) {
            int r = out.ids[k];
            System.arraycopy(bytes, offsets[r], all, ends[k], ends[k + 1] - ends[k]);
        }
        for (int m = size; m >= 0; m--) {
            String decoded = new String(all, 0, ends[m], StandardCharsets.UTF_8);
            if (text.startsWith(decoded)) {
                return new Limited(Arrays.copyOf(out.ids, m), text.length() > decoded.length(), decoded);
            }
        }
        throw new AssertionError("the empty text is a prefix of every text");
    }

    /**
     * {@link #encode(String, int)} of a text whose {@link #asciiBytes} are {@code ascii}, from those bytes: the same
     * ids, cut and text. Every id's bytes are the text's next bytes (a piece's ids split the piece's bytes in order,
     * and a piece cut at the limit keeps its first ones), so what the ids decode to is the text's first chars, as
     * many as their bytes: the longest prefix, the one {@link #encode(String, int)} tries first and keeps, found here
     * without decoding them. {@code EncodeFastFormsTest} compares the two through {@link Tokenizer}.
     */
    Limited encodeAscii(String text, byte[] ascii, int maxTokens) {
        return encodeAscii(text, ascii, maxTokens, true);
    }

    /**
     * {@link #encodeAscii(String, byte[], int)}; {@code withText} false: the {@link Limited#text} of a cut text is not
     * made (null), for a caller that reads only the ids.
     */
    Limited encodeAscii(String text, byte[] ascii, int maxTokens, boolean withText) {
        Ids out = new Ids(Math.min(maxTokens, Math.max(8, ascii.length / 3)));
        out.ascii = true;
        int count = encodeAscii(ascii, 0, 0, maxTokens, out, PIECES.get(), -1);
        if (out.whole && count == out.size) {
            return new Limited(out.toArray(), false, text);
        }
        return cutAscii(text, out, withText);
    }

    /** The {@link Limited} of an ASCII text whose ids in {@code out} do not cover it all: each id's bytes are its next chars. */
    private Limited cutAscii(String text, Ids out, boolean withText) {
        int size = out.size;
        int[] ids = out.ids;
        int chars = 0;
        for (int k = 0; k < size; k++) {
            int r = ids[k];
            chars += offsets[r + 1] - offsets[r];
        }
        return new Limited(Arrays.copyOf(ids, size), text.length() > chars,
                chars == text.length() ? text : withText ? text.substring(0, chars) : null);
    }

    /**
     * {@link #encode(String, int)} of a text longer than {@code window}, from the bytes of its first {@code window}
     * chars alone where they decide it: a long text cut at the limit is encoded only as far as its first
     * {@code maxTokens} ids, and its rest is neither converted to bytes nor checked for ASCII. Where they do not
     * decide it, the whole text's bytes are encoded on from the last piece they decided (the same ids); null where the
     * window or the text is not all ASCII (the caller then encodes the whole text, by the char path where it must).
     * The prefix decides where its chars are all ASCII, the limit is reached in it, and after {@code stop},
     * the end of the piece that reached the limit, a char that is no white space comes at some {@code q} with
     * {@code q + 2 < window}: {@link #pieceEnd(byte[], int)} reads at most two chars past a piece that is no white
     * space (two only for a piece of a lone {@code '}: its contraction test reads the char after the next; every
     * other such piece reads at most the one char after it) and a white-space run up to its first other char, so no
     * piece up to {@code stop} read a char at or past {@code window}, and the pieces, ids and cut are those of the whole text (the ASCII path's; where a later char is
     * not ASCII, the char path's, which gives the same ids and, its decoded prefix being these ASCII chars, the same
     * text). {@code withText} false: the text kept is not made (null). {@code EncodeFastFormsTest} compares this with
     * {@link Tokenizer#cutUncachedReference} at windows of every size around the cut.
     */
    Limited encodeAsciiPrefix(String text, int window, int maxTokens, boolean withText) {
        if (window >= text.length() || maxTokens == Integer.MAX_VALUE) {
            return null;
        }
        byte[] t = asciiBytes(text.substring(0, window));
        if (t == null) {
            return null;
        }
        // safe: the last char that is no white space at or before window - 3; a piece ending at or before it read
        // nothing from window on
        byte[] cls = ASCII_CLASS;
        int safe = window - 3;
        while (safe >= 0 && (cls[t[safe]] == SPACE || cls[t[safe]] == NEWLINE)) {
            safe--;
        }
        Ids out = new Ids(Math.min(maxTokens, Math.max(8, window / 3)));
        out.ascii = true;
        int count = encodeAscii(t, 0, 0, maxTokens, out, PIECES.get(), safe);
        if (count >= maxTokens && out.stop <= safe) {
            return cutAscii(text, out, withText);
        }
        // the window ran out first (or its last piece read to its end): the whole text's bytes, if all ASCII, from the
        // last piece end the window decided, with the ids up to there
        byte[] all = asciiBytes(text);
        if (all == null) {
            return null;
        }
        out.size = out.safeSize;
        count = encodeAscii(all, out.safeStop, out.safeCount, maxTokens, out, PIECES.get(), -1);
        if (out.whole && count == out.size) {
            return new Limited(out.toArray(), false, text);
        }
        return cutAscii(text, out, withText);
    }

    /**
     * Appends the ids of {@code text}'s pieces to {@code out} while it has fewer than {@code limit}, stopping after
     * the piece that brings the count to {@code limit} or more; returns that count (all tokens of the pieces
     * encoded). Short pieces that are no token take their merged ids from this thread's {@link PieceCache}.
     */
    private int encode(String text, int limit, Ids out) {
        return encode(text, limit, out, PIECES.get(), true);
    }

    /** The ids of {@code text} with {@code cache} for the merged pieces (null: none, every piece merged; for tests). */
    int[] encodeWith(String text, PieceCache cache) {
        return encodeWith(text, cache, true);
    }

    /** {@link #encodeWith(String, PieceCache)}; {@code ascii} false: the char path for every text (the reference). */
    int[] encodeWith(String text, PieceCache cache, boolean ascii) {
        Ids out = new Ids(Math.max(8, text.length() / 3));
        encode(text, Integer.MAX_VALUE, out, cache, ascii);
        return out.toArray();
    }

    /**
     * The bytes of {@code s} where every char of it is ASCII (they are then its UTF-8 bytes, one per char), else
     * null. One bulk conversion: a char from 128 up gives a longer UTF-8 encoding, and a lone surrogate, encoded as
     * {@code '?'}, is told from a real one by the text.
     */
    static byte[] asciiBytes(String s) {
        // ISO-8859-1's bytes: a copy of a Latin-1 string's bytes (UTF-8's first scans them for a byte above ASCII,
        // a loop of its own under C1), a char above 0xFF encoded as '?'; one loop then finds both a byte above ASCII
        // and a '?' that is no '?' in the text. The loop reads eight bytes a step as one long (C1 does not unroll):
        // their bits or'ed (a byte above ASCII sets its top bit) and whether one is a '?' (a zero byte of x ^ '?'s,
        // the exact any-zero-byte test); only a text holding a '?' is then checked at its '?'s. Null on the same
        // texts as the reference.
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        int n = b.length;
        long bits = 0;
        long marks = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = (long) LONGS.get(b, i);
            bits |= x;
            long y = x ^ 0x3F3F3F3F3F3F3F3FL;
            marks |= (y - 0x0101010101010101L) & ~y;
        }
        bits &= 0x8080808080808080L;
        marks &= 0x8080808080808080L;
        for (; i < n; i++) {
            int c = b[i];
            bits |= c & 0x80;
            marks |= c == '?' ? 1 : 0;
        }
        if (bits != 0) {
            return null;
        }
        if (marks != 0) {
            for (i = 0; i < n; i++) {
                if (b[i] == '?' && s.charAt(i) != '?') {
                    return null;
                }
            }
        }
        return b;
    }

    /** {@link #asciiBytes}'s bytes as little-endian longs (eight a read). */
    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** {@link #asciiBytes} four bytes a step, each byte's bits or'ed and its '?' counted (its form before the long reads), for tests. */
    static byte[] asciiBytesFourBytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        int n = b.length;
        int bits = 0;
        int marks = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int c0 = b[i];
            int c1 = b[i + 1];
            int c2 = b[i + 2];
            int c3 = b[i + 3];
            bits |= c0 | c1 | c2 | c3;
            marks += (c0 == '?' ? 1 : 0) + (c1 == '?' ? 1 : 0) + (c2 == '?' ? 1 : 0) + (c3 == '?' ? 1 : 0);
        }
        for (; i < n; i++) {
            int c = b[i];
            bits |= c;
            marks += c == '?' ? 1 : 0;
        }
        if (bits < 0) {
            return null;
        }
        if (marks != 0) {
            for (i = 0; i < n; i++) {
                if (b[i] == '?' && s.charAt(i) != '?') {
                    return null;
                }
            }
        }
        return b;
    }

    /** {@link #asciiBytes} as one loop testing each byte (its form before the four-byte steps), for tests. */
    static byte[] asciiBytesOneLoop(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i++) {
            int c = b[i];
            if (c < 0 || c == '?' && s.charAt(i) != '?') {
                return null;
            }
        }
        return b;
    }

    /** {@link #asciiBytes} through the text's UTF-8 bytes (the reference form, for tests). */
    static byte[] asciiBytesReference(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = b.length;
        if (n != s.length()) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            if (b[i] == '?' && s.charAt(i) != '?') {
                return null; // a lone surrogate (the one char that encodes as a single byte and is no ASCII)
            }
        }
        return b;
    }

    private int encode(String text, int limit, Ids out, PieceCache cache, boolean ascii) {
        byte[] bytes = ascii ? asciiBytes(text) : null;
        out.ascii = bytes != null;
        if (bytes != null) {
            return encodeAscii(bytes, 0, 0, limit, out, cache, -1);
        }
        int n = text.length();
        byte[] buf = new byte[Math.min(n, 1024) * 3 + 4];
        int count = 0;
        int[] work = null;
        Ids merged = null;
        int start = 0;
        while (start < n && count < limit) {
            int end = pieceEnd(text, start);
            int need = (end - start) * 3;
            if (need > buf.length) {
                buf = new byte[need];
            }
            int len = utf8(text, start, end, buf);
            int h = hash(buf, 0, len);
            int r = len > maxLength ? -1 : rank(buf, 0, len, h);
            if (r >= 0) {
                out.add(r);
                count++;
            } else if (len < HEAP_BYTES) {
                int[] ids = cache != null ? cache.get(buf, len, h) : null;
                if (ids == null) {
                    if (work == null) {
                        work = new int[2 * HEAP_BYTES + 2];
                        merged = new Ids(16);
                    }
                    merged.size = 0;
                    mergeByScan(buf, len, work, merged, Integer.MAX_VALUE);
                    ids = merged.toArray();
                    if (cache != null) {
                        cache.put(buf, len, h, ids);
                    }
                }
                for (int k = 0; k < ids.length && out.size < limit; k++) {
                    out.add(ids[k]);
                }
                count += ids.length;
            } else {
                count += mergeByHeap(buf, len, out, limit);
            }
            start = end;
        }
        out.whole = start >= n;
        return count;
    }

    /**
     * {@link #encode(String, int, Ids, PieceCache, boolean)} of an ASCII text from its bytes {@code t}: the same pieces
     * ({@link #pieceEnd(byte[], int)}), each hashed once and ranked in place; a piece that is no token is looked up
     * in the cache from the text's bytes and copied out only where it must be merged, as the char path has it.
     * Starts at piece start {@code from} with {@code count} tokens (and {@code out}'s ids) before it; records in
     * {@code out} the last piece start at or before {@code safe} met (with the size and count there; -1: none) and
     * where it stopped.
     */
    private int encodeAscii(byte[] t, int from, int count, int limit, Ids out, PieceCache cache, int safe) {
        int n = t.length;
        byte[] buf = null;
        int[] work = null;
        Ids merged = null;
        int start = from;
        out.safeStop = from;
        out.safeSize = out.size;
        out.safeCount = count;
        long[] shortKeys = cache != null ? cache.shortKeys : null;
        int[] shortRanks = cache != null ? cache.shortRanks : null;
        int shift = cache != null ? cache.shortShift : 0;
        while (start < n && count < limit) {
            if (start <= safe) {
                out.safeStop = start;
                out.safeSize = out.size;
                out.safeCount = count;
            }
            int end = pieceEnd(t, start);
            int len = end - start;
            int r;
            int h = 0;
            boolean hashed = false;
            if (shortKeys != null && len <= SHORT_BYTES) {
                // a short piece's rank from the thread's table of them (its 7-bit bytes and length as the key)
                long key = len;
                for (int i = start; i < end; i++) {
                    key = key << 7 | t[i];
                }
                int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
                if (shortKeys[slot] == key) {
                    r = shortRanks[slot];
                } else {
                    h = hash(t, start, end);
                    hashed = true;
                    r = rank(t, start, end, h);
                    shortKeys[slot] = key;
                    shortRanks[slot] = r;
                }
            } else if (cache != null && len < HEAP_BYTES) {
                // a longer piece (an identifier, a path) is looked up in the cache first, where a token's rank is kept
                // too: a repeated piece then costs one hash and one probe, not the rank table's probes besides
                h = hash(t, start, end);
                int[] known = cache.get(t, start, len, h);
                if (known != null) {
                    for (int k = 0; k < known.length && out.size < limit; k++) {
                        out.add(known[k]);
                    }
                    count += known.length;
                    start = end;
                    continue;
                }
                hashed = true;
                r = len > maxLength ? -1 : rank(t, start, end, h);
                if (r >= 0) {
                    cache.put(t, start, len, h, new int[] {r});
                }
            } else if (len > maxLength) {
                r = -1;
            } else {
                h = hash(t, start, end);
                hashed = true;
                r = rank(t, start, end, h);
            }
            if (r >= 0) {
                out.add(r);
                count++;
                start = end;
                continue;
            }
            if (!hashed) {
                h = hash(t, start, end); // the piece's hash, taken once: the rank's probe and the cache's use the same
            }
            // a remembered piece's ids are found from the text's bytes (a longer one's were looked for above); only a
            // piece to merge is copied out
            int[] ids = cache != null && len < HEAP_BYTES && len <= SHORT_BYTES ? cache.get(t, start, len, h) : null;
            if (ids == null) {
                if (buf == null || buf.length < len) {
                    buf = new byte[Math.max(len, 256)];
                }
                System.arraycopy(t, start, buf, 0, len);
            }
            if (len < HEAP_BYTES) {
                if (ids == null) {
                    if (work == null) {
                        work = new int[2 * HEAP_BYTES + 2];
                        merged = new Ids(16);
                    }
                    merged.size = 0;
                    mergeByScan(buf, len, work, merged, Integer.MAX_VALUE);
                    ids = merged.toArray();
                    if (cache != null) {
                        cache.put(buf, len, h, ids);
                    }
                }
                for (int k = 0; k < ids.length && out.size < limit; k++) {
                    out.add(ids[k]);
                }
                count += ids.length;
            } else {
                count += mergeByHeap(buf, len, out, limit);
            }
            start = end;
        }
        out.whole = start >= n;
        out.stop = start;
        return count;
    }

    /** Pieces of at most this many bytes have their rank remembered in a thread's {@link PieceCache#shortKeys}. */
    static final int SHORT_BYTES = 8;

    /** An ASCII char's class for {@link #pieceEnd(byte[], int)}: a letter, a digit, a newline, other white space. */
    private static final byte LETTER = 1;
    private static final byte DIGIT = 2;
    private static final byte NEWLINE = 3;
    private static final byte SPACE = 4;
    /** {@code [^\s\p{L}\p{N}]}: neither of those. */
    private static final byte PUNCT = 0;
    /** The class of each ASCII char, by {@link #isLetter}, {@link #isNumber}, {@link #isNewline}, {@link #isWhitespace}. */
    private static final byte[] ASCII_CLASS = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII_CLASS[c] = isLetter(c) ? LETTER : isNumber(c) ? DIGIT : isNewline(c) ? NEWLINE
                    : isWhitespace(c) ? SPACE : PUNCT;
        }
    }

    /**
     * {@link #pieceEndAscii} (the reference) with each char's class read from one table ({@link #ASCII_CLASS}) instead
     * of the class tests; {@code t} holds ASCII bytes only. Reads past the piece it returns: for a piece that is no
     * white space, the char after it (which ends its letter, digit or punctuation run, or, for a one-char piece, is
     * the next char's class looked at first) and, only for a piece of a lone {@code '}, also the char after that one
     * (the {@code 've}/{@code 'll}/{@code 're} test reads {@code t[i + 2]}; its result is then false whatever that
     * char is, since the char between is no letter): at most two chars read, and the piece's end depends on at most
     * one char past it; for a white-space piece, the run of white space after it and the first other char.
     */
    static int pieceEnd(byte[] t, int i) {
        byte[] cls = ASCII_CLASS;
        int n = t.length;
        int c0 = t[i];
        int k0 = cls[c0];
        int j = i + 1;
        int k1 = j < n ? cls[t[j]] : -1;
        // '(?i:[sdmt]|ll|ve|re)
        if (c0 == '\'' && j < n) {
            int c1 = t[j];
            if (isShortContraction(c1)) {
                return i + 2;
            }
            if (i + 2 < n && isLongContraction(c1, t[i + 2])) {
                return i + 3;
            }
        }
        // [^\r\n\p{L}\p{N}]?+\p{L}+
        if (k0 == LETTER || ((k0 == PUNCT || k0 == SPACE) && k1 == LETTER)) {
            int end = j;
            if (k1 == LETTER) {
                end++;
                while (end < n && cls[t[end]] == LETTER) {
                    end++;
                }
            }
            return end;
        }
        // \p{N}{1,3}
        if (k0 == DIGIT) {
            int end = j;
            if (k1 == DIGIT) {
                end++;
                if (end < n && cls[t[end]] == DIGIT) {
                    end++;
                }
            }
            return end;
        }
        // ' ?[^\s\p{L}\p{N}]++[\r\n]*'
        if (k0 == PUNCT || (c0 == ' ' && k1 == PUNCT)) {
            int end = j;
            if (k1 == PUNCT) {
                end++;
                while (end < n && cls[t[end]] == PUNCT) {
                    end++;
                }
            }
            while (end < n && cls[t[end]] == NEWLINE) {
                end++;
            }
            return end;
        }
        // \s*[\r\n]+ | \s+(?!\S) | \s+   (c0 is white space)
        int lastNewline = -1;
        int end = i;
        int k;
        while (end < n && ((k = cls[t[end]]) == SPACE || k == NEWLINE)) {
            if (k == NEWLINE) {
                lastNewline = end;
            }
            end++;
        }
        if (lastNewline >= 0) {
            return lastNewline + 1;
        }
        if (end < n && end - i >= 2) {
            return end - 1; // leave the last space to the piece that follows
        }
        return end;
    }

    /**
     * {@link #pieceEnd} over the bytes of an ASCII text: the same tests on the same code points (each char one byte
     * and one code point, {@code codePointAt(i)} is {@code t[i]}); the reference of {@link #pieceEnd(byte[], int)}.
     */
    static int pieceEndAscii(byte[] t, int i) {
        int n = t.length;
        int c0 = t[i];
        int j = i + 1;
        int c1 = j < n ? t[j] : -1;
        // '(?i:[sdmt]|ll|ve|re)
        if (c0 == '\'' && c1 > 0) {
            if (isShortContraction(c1)) {
                return i + 2;
            }
            if (i + 2 < n && isLongContraction(c1, t[i + 2])) {
                return i + 3;
            }
        }
        // [^\r\n\p{L}\p{N}]?+\p{L}+
        if (isLetter(c0) || (isNotNewlineLetterOrNumber(c0) && isLetter(c1))) {
            int end = j;
            if (isLetter(c1)) {
                end++;
                while (end < n && isLetter(t[end])) {
                    end++;
                }
            }
            return end;
        }
        // \p{N}{1,3}
        if (isNumber(c0)) {
            int end = j;
            if (isNumber(c1)) {
                end++;
                if (end < n && isNumber(t[end])) {
                    end++;
                }
            }
            return end;
        }
        // ' ?[^\s\p{L}\p{N}]++[\r\n]*'
        if (isPunctuation(c0) || (c0 == ' ' && isPunctuation(c1))) {
            int end = j;
            if (isPunctuation(c1)) {
                end++;
                while (end < n && isPunctuation(t[end])) {
                    end++;
                }
            }
            while (end < n && isNewline(t[end])) {
                end++;
            }
            return end;
        }
        // \s*[\r\n]+ | \s+(?!\S) | \s+   (c0 is white space)
        int lastNewline = -1;
        int end = i;
        while (end < n && isWhitespace(t[end])) {
            if (isNewline(t[end])) {
                lastNewline = end;
            }
            end++;
        }
        if (lastNewline >= 0) {
            return lastNewline + 1;
        }
        if (end < n && end - i >= 2) {
            return end - 1; // leave the last space to the piece that follows
        }
        return end;
    }

    /** Each thread's cache of merged pieces (the encoder is shared by the threads of a process). */
    private static final ThreadLocal<PieceCache> PIECES = ThreadLocal.withInitial(() -> new PieceCache(8192));

    /**
     * The ids of recently merged pieces (pieces of fewer than {@link #HEAP_BYTES} bytes that are no token
     * themselves), by their bytes: a log's words repeat, and a merge costs a rank lookup per pair and round. The
     * ASCII path keeps the rank of a token piece of more than {@link #SHORT_BYTES} bytes here too (as a one-id
     * array), looked up before the rank table's probes.
     * Open addressing over at most {@code capacity / 2} entries; when full it is emptied (a cache: the ids are
     * those of the merge either way, whatever was seen before). Not thread-safe: one per thread.
     */
    static final class PieceCache {
        private final int mask;
        private final byte[][] keys;
        private final int[][] values;
        private final int[] hashes;
        private int size;
        /**
         * The ranks of recently met short ASCII pieces (at most {@link #SHORT_BYTES} bytes), a direct-mapped table:
         * key = the piece's length, then its 7-bit bytes ({@code key << 7 | byte} from the first; one key per piece,
         * never 0), rank or -1 (no token); a slot met by another piece is overwritten. Most of a log line's pieces
         * are short, and this spares them the rank table's hash and probes (a few cache misses in 1.2 MB of arrays).
         */
        final long[] shortKeys;
        final int[] shortRanks;
        /** {@code 64 - log2(shortKeys.length)}: a key's slot is the high bits of its Fibonacci hash. */
        final int shortShift;

        /** {@code capacity}: a power of two (the short pieces' table has as many slots). */
        PieceCache(int capacity) {
            if (Integer.bitCount(capacity) != 1 || capacity < 2) {
                throw new IllegalArgumentException("capacity must be a power of two >= 2, got " + capacity);
            }
            mask = capacity - 1;
            keys = new byte[capacity][];
            values = new int[capacity][];
            hashes = new int[capacity];
            shortKeys = new long[capacity];
            shortRanks = new int[capacity];
            shortShift = 64 - Integer.numberOfTrailingZeros(capacity);
        }

        /** The ids of the piece {@code b[0 .. len)} whose {@link #hash} is {@code h}, or null when not remembered. */
        int[] get(byte[] b, int len, int h) {
            return get(b, 0, len, h);
        }

        /** The ids of the piece {@code b[from .. from + len)} whose {@link #hash} is {@code h}, or null when not remembered. */
        int[] get(byte[] b, int from, int len, int h) {
            for (int i = h & mask; ; i = (i + 1) & mask) {
                byte[] k = keys[i];
                if (k == null) {
                    return null;
                }
                if (hashes[i] == h && equal(k, 0, k.length, b, from, from + len)) {
                    return values[i];
                }
            }
        }

        /** Remembers {@code ids} (read only from now on) for the piece {@code b[0 .. len)} (not remembered yet). */
        void put(byte[] b, int len, int h, int[] ids) {
            put(b, 0, len, h, ids);
        }

        /** Remembers {@code ids} (read only from now on) for the piece {@code b[from .. from + len)} (not remembered yet). */
        void put(byte[] b, int from, int len, int h, int[] ids) {
            if (size >= (mask + 1) / 2) {
                Arrays.fill(keys, null);
                Arrays.fill(values, null);
                size = 0;
            }
            int i = h & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = Arrays.copyOfRange(b, from, from + len);
            values[i] = ids;
            hashes[i] = h;
            size++;
        }
    }

    /** Whether {@code s} holds a surrogate char. */
    private static boolean hasSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * tiktoken's merge of one piece of {@code len >= 2} bytes that is not a token itself, for short pieces: parts
     * as (start, rank of the part joined with the next) in arrays, the leftmost lowest rank merged each round.
     */
    private int mergeByScan(byte[] b, int len, int[] work, Ids out, int limit) {
        // starts in work[0 .. parts], ranks of (part i + part i+1) in work[HEAP_BYTES + 1 + i]
        int base = HEAP_BYTES + 1;
        int parts = len + 1; // the last "part" is the end sentinel
        for (int i = 0; i < parts; i++) {
            work[i] = i;
            work[base + i] = i + 2 <= len ? rankOr(b, i, i + 2) : Integer.MAX_VALUE;
        }
        while (true) {
            int min = Integer.MAX_VALUE;
            int at = -1;
            for (int i = 0; i < parts - 1; i++) {
                int r = work[base + i];
                if (r < min) {
                    min = r;
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            // merge part at with part at+1: re-rank at-1 and at, then drop part at+1
            if (at > 0) {
                work[base + at - 1] = at + 2 < parts ? rankOr(b, work[at - 1], work[at + 2]) : Integer.MAX_VALUE;
            }
            work[base + at] = at + 3 < parts ? rankOr(b, work[at], work[at + 3]) : Integer.MAX_VALUE;
            System.arraycopy(work, at + 2, work, at + 1, parts - at - 2);
            System.arraycopy(work, base + at + 2, work, base + at + 1, parts - at - 2);
            parts--;
        }
        int tokens = parts - 1;
        for (int i = 0; i < tokens && out.size < limit; i++) {
            out.add(rankOr(b, work[i], work[i + 1]));
        }
        return tokens;
    }

    /**
     * The same merge for long pieces: parts as a linked list over their start offsets, candidate merges in a heap
     * of (rank, start) taken lowest rank first, then leftmost; a candidate whose part has since merged or been
     * re-ranked is skipped.
     */
    private int mergeByHeap(byte[] b, int len, Ids out, int limit) {
        int[] next = new int[len + 1];
        int[] prev = new int[len + 1];
        int[] rankAt = new int[len + 1];
        long[] heap = new long[Math.max(16, 2 * len)];
        int heapSize = 0;
        for (int i = 0; i <= len; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
            int r = i + 2 <= len ? rankOr(b, i, i + 2) : Integer.MAX_VALUE;
            rankAt[i] = r;
            if (r != Integer.MAX_VALUE) {
                heap = push(heap, heapSize++, (long) r << 32 | i);
            }
        }
        int tokens = len;
        while (heapSize > 0) {
            long top = heap[0];
            heapSize = pop(heap, heapSize);
            int r = (int) (top >>> 32);
            int s = (int) top;
            if (rankAt[s] != r) {
                continue; // stale: s merged with its right neighbour or was re-ranked since
            }
            int t = next[s]; // merged into s
            int u = next[t]; // the part after
            next[s] = u;
            if (u <= len) {
                prev[u] = s;
            }
            rankAt[t] = Integer.MAX_VALUE - 1; // never matches a heap entry again
            tokens--;
            int rs = u < len ? rankOr(b, s, next[u]) : Integer.MAX_VALUE;
            rankAt[s] = rs;
            if (rs != Integer.MAX_VALUE) {
                heap = push(heap, heapSize++, (long) rs << 32 | s);
            }
            int p = prev[s];
            if (p >= 0) {
                int rp = rankOr(b, p, u);
                rankAt[p] = rp;
                if (rp != Integer.MAX_VALUE) {
                    heap = push(heap, heapSize++, (long) rp << 32 | p);
                }
            }
        }
        for (int s = 0; s < len && out.size < limit; s = next[s]) {
            out.add(rankOr(b, s, next[s]));
        }
        return tokens;
    }

    private static long[] push(long[] heap, int size, long v) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= v) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
        return heap;
    }

    /** Removes heap[0]; returns the new size. */
    private static int pop(long[] heap, int size) {
        size--;
        long v = heap[size];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && heap[c + 1] < heap[c]) {
                c++;
            }
            if (heap[c] >= v) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = v;
        return size;
    }

    /** The rank of {@code b[from .. to)}, or {@link Integer#MAX_VALUE} when those bytes are no token. */
    private int rankOr(byte[] b, int from, int to) {
        int r = rank(b, from, to);
        return r < 0 ? Integer.MAX_VALUE : r;
    }

    /** The rank of {@code b[from .. to)}, or -1 when those bytes are no token. */
    int rank(byte[] b, int from, int to) {
        if (to - from > maxLength) {
            return -1;
        }
        return rank(b, from, to, hash(b, from, to));
    }

    /** {@link #rank(byte[], int, int)} of bytes at most {@link #maxLength} long whose {@link #hash} is {@code h}. */
    private int rank(byte[] b, int from, int to, int h) {
        int mask = slots.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int r = slots[i] - 1;
            if (r < 0) {
                return -1;
            }
            if (equal(bytes, offsets[r], offsets[r + 1], b, from, to)) {
                return r;
            }
        }
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x811C9DC5 ^ (to - from);
        for (int i = from; i < to; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        return h ^ (h >>> 13);
    }

    private static boolean equal(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        if (aTo - aFrom != bTo - bFrom) {
            return false;
        }
        for (int i = aFrom, j = bFrom; i < aTo; i++, j++) {
            if (a[i] != b[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The UTF-8 bytes of {@code s[from .. to)} into {@code out}, a lone surrogate as the three bytes of its code unit
     * (as jtokkit encodes it); returns their count.
     */
    static int utf8(String s, int from, int to, byte[] out) {
        int o = 0;
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                out[o++] = (byte) ch;
            } else if (ch < 0x800) {
                out[o++] = (byte) (0xc0 | (ch >> 6));
                out[o++] = (byte) (0x80 | (ch & 0x3f));
            } else if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(ch, s.charAt(++i));
                out[o++] = (byte) (0xf0 | (cp >> 18));
                out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                out[o++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                out[o++] = (byte) (0xe0 | (ch >> 12));
                out[o++] = (byte) (0x80 | ((ch >> 6) & 0x3f));
                out[o++] = (byte) (0x80 | (ch & 0x3f));
            }
        }
        return o;
    }

    // ---- pieces (cl100k_base's pre-tokenizer) ----------------------------------------------------------------

    /** The end (exclusive, in chars) of the piece that starts at {@code i < s.length()}. */
    static int pieceEnd(String s, int i) {
        int n = s.length();
        int c0 = s.codePointAt(i);
        int j = i + Character.charCount(c0);
        int c1 = j < n ? s.codePointAt(j) : -1;
        // '(?i:[sdmt]|ll|ve|re)
        if (c0 == '\'' && c1 > 0) {
            if (isShortContraction(c1)) {
                return i + 2;
            }
            if (i + 2 < n && isLongContraction(c1, s.codePointAt(i + 2))) {
                return i + 3;
            }
        }
        // [^\r\n\p{L}\p{N}]?+\p{L}+
        if (isLetter(c0) || (isNotNewlineLetterOrNumber(c0) && isLetter(c1))) {
            int end = j;
            if (isLetter(c1)) {
                end += Character.charCount(c1);
                int c;
                while (end < n && isLetter(c = s.codePointAt(end))) {
                    end += Character.charCount(c);
                }
            }
            return end;
        }
        // \p{N}{1,3}
        if (isNumber(c0)) {
            int end = j;
            if (isNumber(c1)) {
                end += Character.charCount(c1);
                int c;
                if (end < n && isNumber(c = s.codePointAt(end))) {
                    end += Character.charCount(c);
                }
            }
            return end;
        }
        // ' ?[^\s\p{L}\p{N}]++[\r\n]*'
        if (isPunctuation(c0) || (c0 == ' ' && isPunctuation(c1))) {
            int end = j;
            if (isPunctuation(c1)) {
                end += Character.charCount(c1);
                int c;
                while (end < n && isPunctuation(c = s.codePointAt(end))) {
                    end += Character.charCount(c);
                }
            }
            while (end < n && isNewline(s.charAt(end))) {
                end++;
            }
            return end;
        }
        // \s*[\r\n]+ | \s+(?!\S) | \s+   (c0 is white space; white space is all in the BMP)
        int lastNewline = -1;
        int end = i;
        while (end < n && isWhitespace(s.charAt(end))) {
            if (isNewline(s.charAt(end))) {
                lastNewline = end;
            }
            end++;
        }
        if (lastNewline >= 0) {
            return lastNewline + 1;
        }
        if (end < n && end - i >= 2) {
            return end - 1; // leave the last space to the piece that follows
        }
        return end;
    }

    static boolean isShortContraction(int c) {
        return c == 's' || c == 'd' || c == 't' || c == 'm' || c == 'S' || c == 'D' || c == 'T' || c == 'M'
                || c == '\u017f';
    }

    static boolean isLongContraction(int c1, int c2) {
        int u1 = Character.toUpperCase(c1);
        int u2 = Character.toUpperCase(c2);
        return (u1 == 'L' && u2 == 'L') || (u1 == 'V' && u2 == 'E') || (u1 == 'R' && u2 == 'E');
    }

    static boolean isLetter(int c) {
        if (c < 0xaa) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
        if (c > 0x323af) {
            return false;
        }
        switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
                return true;
            default:
                return false;
        }
    }

    static boolean isNumber(int c) {
        if (c < 0xb2) {
            return c >= '0' && c <= '9';
        }
        if (c > 0x1fbf9) {
            return false;
        }
        switch (Character.getType(c)) {
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
                return true;
            default:
                return false;
        }
    }

    static boolean isLetterOrNumber(int c) {
        if (c < 0xaa) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
        if (c > 0x323af) {
            return false;
        }
        switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
                return true;
            default:
                return false;
        }
    }

    /** {@code \s}: Unicode white space, as jtokkit's pre-tokenizer has it. */
    static boolean isWhitespace(int c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r');
        }
        if (c < 0x85) {
            return false;
        }
        return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029
                || c == 0x202f || c == 0x205f || c == 0x3000;
    }

    static boolean isNewline(int c) {
        return c == '\r' || c == '\n';
    }

    /** {@code [^\s\p{L}\p{N}]} (-1, no character, is not). */
    static boolean isPunctuation(int c) {
        return c >= 0 && !isWhitespace(c) && !isLetterOrNumber(c);
    }

    /** {@code [^\r\n\p{L}\p{N}]} (-1, no character, is not). */
    static boolean isNotNewlineLetterOrNumber(int c) {
        return c >= 0 && !isNewline(c) && !isLetterOrNumber(c);
    }

    // ---- decoding --------------------------------------------------------------------------------------------

    /** The text of {@code ids} (jtokkit's {@code decode}: special tokens as their text; an unknown id throws). */
    String decode(int[] ids) {
        int total = 0;
        for (int id : ids) {
            total += tokenBytes(id).length;
        }
        byte[] out = new byte[total];
        int o = 0;
        for (int id : ids) {
            byte[] t = tokenBytes(id);
            System.arraycopy(t, 0, out, o, t.length);
            o += t.length;
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The bytes of token {@code id} (a special token's text; an unknown id throws). */
    byte[] tokenBytes(int id) {
        if (id >= 0 && id < tokens) {
            return Arrays.copyOfRange(bytes, offsets[id], offsets[id + 1]);
        }
        for (int k = 0; k < SPECIAL_IDS.length; k++) {
            if (SPECIAL_IDS[k] == id) {
                return SPECIAL_TEXTS[k].getBytes(StandardCharsets.UTF_8);
            }
        }
        throw new NullPointerException("Unknown token for decoding: " + id);
    }

    /** A growing list of ids. */
    private static final class Ids {
        int[] ids;
        int size;
        /** Whether the last {@link #encode(String, int, Ids)} into this list encoded every piece of its text. */
        boolean whole;
        /** Whether that text was all ASCII (so held no surrogate). */
        boolean ascii;
        /** Where the last ASCII encoding into this list stopped: the end of its last piece. */
        int stop;
        /** Its last piece start at or before its {@code safe} bound, and the list's size and token count there. */
        int safeStop;
        int safeSize;
        int safeCount;

        Ids(int capacity) {
            ids = new int[Math.max(1, capacity)];
        }

        void add(int id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        int[] toArray() {
            return Arrays.copyOf(ids, size);
        }
    }
}
