package dev.keymem.jobs.logs.mining;

import java.nio.charset.StandardCharsets;

/**
 * Which of {@link MessageValues}' fixed words (the literal texts its classes look for before running their regexes:
 * {@code "Processing by "}, {@code " container "}, {@code "): "}, ...; {@link #WORDS}) a text holds, all found in
 * one pass: bit {@code k} of {@link #census} is set exactly when {@code s.contains(WORDS[k])}. {@link
 * MessageValues#values} asks some 35 such questions of each line; as {@link String#indexOf(String)} calls each
 * is a pass over the line (under C1, which runs a file's job, a plain loop), so a long line was read that many
 * times over to find, mostly, nothing.
 *
 * <p>The pass reads the text's ISO-8859-1 bytes (a char beyond Latin-1 becomes {@code ?}, which no word holds, so
 * no word is found or lost by it) and looks each two adjacent bytes up in a table of the words' first two bytes;
 * only there are the words that start with them compared (and, for {@link #DIGIT_BLANK_CAPITAL}, the byte
 * after a digit and a blank looked at). A word of one byte ({@code /}) has a table row of its
 * own (any byte after it) and the last byte is looked at alone.
 *
 * <p>{@link Holder} keeps the census of the last text asked about and takes it again when asked about another
 * (a class that changed the line), so each answer is that of the text asked about; {@link Holder#INDEX_OF} answers
 * with {@code indexOf} (the previous form, the reference the tests compare with).
 */
final class FixedWords {
    private FixedWords() {
    }

    /** The words, by bit. */
    static final String[] WORDS = {
        "systemd", "Processing by ", "Start", "SIG", "changed from ", "\" ", "Resolved [", " active: \"",
        "tatement:", "TATEMENT:", "SHA256:", "Key (", "Command line: ", ") CMD (", "COMMAND=", "received",
        "rocess ", "> Task :", " > ", "/", " container ", "Scaled ", " probe ", "succeeded in ", "unexpected: ",
        "] retry: ", " at ", "Unresolved reference", "ndefined ", ": Passing null to parameter #",
        "Using worker: ", "Handling signal: ", "): ", "Method Not Allowed (", "Forbidden (", ": \""};

    static final int SYSTEMD = 0;
    static final int PROCESSING_BY = 1;
    static final int START = 2;
    static final int SIG = 3;
    static final int CHANGED_FROM = 4;
    static final int QUOTE_BLANK = 5;
    static final int RESOLVED = 6;
    static final int ACTIVE = 7;
    static final int STATEMENT_LOWER = 8;
    static final int STATEMENT_UPPER = 9;
    static final int SHA256 = 10;
    static final int KEY_PAREN = 11;
    static final int COMMAND_LINE = 12;
    static final int CMD = 13;
    static final int COMMAND_EQUALS = 14;
    static final int RECEIVED = 15;
    static final int ROCESS = 16;
    static final int TASK = 17;
    static final int GREATER_BLANKS = 18;
    static final int SLASH = 19;
    static final int CONTAINER = 20;
    static final int SCALED = 21;
    static final int PROBE = 22;
    static final int SUCCEEDED_IN = 23;
    static final int UNEXPECTED = 24;
    static final int RETRY = 25;
    static final int AT = 26;
    static final int UNRESOLVED = 27;
    static final int NDEFINED = 28;
    static final int PASSING_NULL = 29;
    static final int USING_WORKER = 30;
    static final int HANDLING_SIGNAL = 31;
    static final int PAREN_COLON = 32;
    static final int METHOD_NOT_ALLOWED = 33;
    static final int FORBIDDEN = 34;
    static final int FIELD_QUOTE = 35;
    /**
     * Not a word: an ASCII digit, a blank and an ASCII capital letter in a row (where an HTTP status code's reason
     * phrase can follow its code: class 1 of {@link MessageValues}).
     */
    static final int DIGIT_BLANK_CAPITAL = 36;

    /** The words' bytes (all ASCII). */
    private static final byte[][] BYTES = new byte[WORDS.length][];
    /** By the two bytes at a position ({@code first << 8 | second}): 0, or 1 + the row of {@link #ROWS} to try. */
    private static final short[] PAIR = new short[1 << 16];
    /** Per row: the bits set at once (a one-byte word) ... */
    private static final long[] ROW_BITS;
    /** ... and the words of two or more bytes to compare there. */
    private static final int[][] ROWS;
    /** The row of the pairs of a digit and a blank ({@link #DIGIT_BLANK_CAPITAL}: a capital letter after them). */
    private static final int DIGIT_BLANK_ROW;
    /**
     * By row and the byte after its two ({@code row << 8 | third}): false only where {@link #pairAt} finds nothing
     * there (the row has no one-byte word and no two-byte word, none of its longer words has that third byte, and
     * it is not the digit-and-blank row with a capital letter): {@link #mayFind}'s table.
     */
    private static final boolean[] THIRD;

    static {
        java.util.List<int[]> rows = new java.util.ArrayList<>();
        java.util.List<Long> rowBits = new java.util.ArrayList<>();
        for (int k = 0; k < WORDS.length; k++) {
            BYTES[k] = WORDS[k].getBytes(StandardCharsets.US_ASCII);
        }
        for (int k = 0; k < WORDS.length; k++) {
            byte[] w = BYTES[k];
            if (w.length == 1) {
                continue;
            }
            int pair = (w[0] & 0xff) << 8 | (w[1] & 0xff);
            int row = PAIR[pair] - 1;
            if (row < 0) {
                rows.add(new int[0]);
                rowBits.add(0L);
                row = rows.size() - 1;
                PAIR[pair] = (short) (row + 1);
            }
            int[] old = rows.get(row);
            int[] nw = java.util.Arrays.copyOf(old, old.length + 1);
            nw[old.length] = k;
            rows.set(row, nw);
        }
        for (int k = 0; k < WORDS.length; k++) {
            byte[] w = BYTES[k];
            if (w.length != 1) {
                continue;
            }
            for (int second = 0; second < 256; second++) {
                int pair = (w[0] & 0xff) << 8 | second;
                int row = PAIR[pair] - 1;
                if (row < 0) {
                    rows.add(new int[0]);
                    rowBits.add(0L);
                    row = rows.size() - 1;
                    PAIR[pair] = (short) (row + 1);
                }
                rowBits.set(row, rowBits.get(row) | 1L << k);
            }
        }
        // a digit and a blank: a row of their own (no word starts with them), looked at in the pass
        rows.add(new int[0]);
        rowBits.add(0L);
        DIGIT_BLANK_ROW = rows.size() - 1;
        for (char d = '0'; d <= '9'; d++) {
            if (PAIR[d << 8 | ' '] != 0) {
                throw new IllegalStateException("a word starts with a digit and a blank");
            }
            PAIR[d << 8 | ' '] = (short) (DIGIT_BLANK_ROW + 1);
        }
        ROWS = rows.toArray(new int[0][]);
        ROW_BITS = new long[rowBits.size()];
        for (int r = 0; r < ROW_BITS.length; r++) {
            ROW_BITS[r] = rowBits.get(r);
        }
        // filled a row at a time (run at start-up, interpreted: no loop over each row's 256 bytes)
        THIRD = new boolean[ROWS.length << 8];
        for (int r = 0; r < ROWS.length; r++) {
            boolean any = ROW_BITS[r] != 0;
            for (int k : ROWS[r]) {
                any |= BYTES[k].length == 2;
            }
            if (any) {
                java.util.Arrays.fill(THIRD, r << 8, (r + 1) << 8, true);
                continue;
            }
            for (int k : ROWS[r]) {
                THIRD[r << 8 | (BYTES[k][2] & 0xff)] = true;
            }
            if (r == DIGIT_BLANK_ROW) {
                java.util.Arrays.fill(THIRD, r << 8 | 'A', r << 8 | ('Z' + 1), true);
            }
        }
    }

    /** The words {@code s} holds: bit {@code k} set exactly when {@code s.contains(WORDS[k])}. */
    static long census(String s) {
        return census(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** {@link #census(String)} of the text whose ISO-8859-1 bytes are {@code b}. */
    static long census(byte[] b) {
        int n = b.length;
        if (n == 0) {
            return 0;
        }
        long bits = 0;
        short[] pairs = PAIR;
        int first = b[0] & 0xff;
        for (int i = 0; i + 1 < n; i++) {
            int second = b[i + 1] & 0xff;
            int row = pairs[first << 8 | second];
            first = second;
            if (row != 0 && mayFind(b, i, row - 1)) {
                bits = pairAt(b, i, row - 1, bits);
            }
        }
        return lastByte(b, bits);
    }

    /**
     * The row of {@link #PAIR} for the bytes {@code first} and {@code second}: 0, or 1 + the row to try with
     * {@link #pairAt} (for {@link MessageValues#gates(byte[], Holder)}, which takes the census in its pass).
     */
    static int pairRow(int first, int second) {
        return PAIR[first << 8 | second];
    }

    /** A copy of the table {@link #pairRow} reads, by {@code first << 8 | second} (for {@link MessageValues}' own). */
    static short[] pairTable() {
        return PAIR.clone();
    }

    /**
     * Whether {@link #pairAt} can find a word at {@code i} of {@code b} (row {@code row}, as there): false only where
     * the byte after the pair rules every word of the row out ({@link #THIRD}). Most pairs that start a word, such as
     * {@code re} or a blank and {@code a}, begin another: on mix49k's first 20,000 messages the pass calls {@link
     * #pairAt} at 49k of the 212k pairs with a row.
     */
    static boolean mayFind(byte[] b, int i, int row) {
        return i + 2 >= b.length || THIRD[row << 8 | (b[i + 2] & 0xff)];
    }

    /** {@link #THIRD}'s entry for {@code row} and {@code third} by its definition, per byte (the reference, for tests). */
    static boolean thirdReference(int row, int third) {
        boolean may = ROW_BITS[row] != 0 || (row == DIGIT_BLANK_ROW && third >= 'A' && third <= 'Z');
        for (int k : ROWS[row]) {
            may |= BYTES[k].length == 2 || (BYTES[k][2] & 0xff) == third;
        }
        return may;
    }

    /** The number of rows (for tests). */
    static int rows() {
        return ROWS.length;
    }

    /** {@link #THIRD}'s entry (for tests). */
    static boolean third(int row, int third) {
        return THIRD[row << 8 | third];
    }

    /**
     * {@code bits} with the words found at {@code i} of {@code b}, where the two bytes from {@code i} on have the
     * row {@code row} of {@link #ROWS} (one of {@link #pairRow} less 1): its one-byte words, those of two or more
     * bytes that {@code b} holds there, or, for the row of a digit and a blank, {@link #DIGIT_BLANK_CAPITAL} where a
     * capital letter follows.
     */
    static long pairAt(byte[] b, int i, int row, long bits) {
        if (row == DIGIT_BLANK_ROW) {
            if (i + 2 < b.length && b[i + 2] >= 'A' && b[i + 2] <= 'Z') {
                bits |= 1L << DIGIT_BLANK_CAPITAL;
            }
            return bits;
        }
        bits |= ROW_BITS[row];
        for (int k : ROWS[row]) {
            if ((bits & 1L << k) == 0 && at(b, i, BYTES[k])) {
                bits |= 1L << k;
            }
        }
        return bits;
    }

    /** {@code bits} with the one-byte word that is {@code b}'s last byte, if it is one ({@code b} not empty). */
    static long lastByte(byte[] b, long bits) {
        int row = PAIR[(b[b.length - 1] & 0xff) << 8] - 1;
        return row >= 0 ? bits | ROW_BITS[row] : bits;
    }

    /** {@link #census} by {@code indexOf}, one word at a time (the reference). */
    static long censusReference(String s) {
        long bits = 0;
        for (int k = 0; k < WORDS.length; k++) {
            if (s.indexOf(WORDS[k]) >= 0) {
                bits |= 1L << k;
            }
        }
        for (int i = 1; i + 1 < s.length(); i++) {
            char c = s.charAt(i + 1);
            if (s.charAt(i) == ' ' && s.charAt(i - 1) >= '0' && s.charAt(i - 1) <= '9' && c >= 'A' && c <= 'Z') {
                bits |= 1L << DIGIT_BLANK_CAPITAL;
                break;
            }
        }
        return bits;
    }

    /** Whether {@code b} holds {@code w} from {@code i} on (its first two bytes known to match). */
    private static boolean at(byte[] b, int i, byte[] w) {
        int m = w.length;
        if (i + m > b.length) {
            return false;
        }
        for (int j = 2; j < m; j++) {
            if (b[i + j] != w[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The answers for one line as {@link MessageValues#values} changes it: {@link #has} for the text asked about,
     * from the census of the last text asked about (taken again where the text is another).
     */
    static class Holder {
        /** Answers by {@code indexOf} each time (the form before the census; the tests' reference). */
        static final Holder INDEX_OF = new Holder() {
            @Override
            boolean has(String s, int word) {
                return (censusReference(s) & 1L << word) != 0;
            }

            @Override
            boolean mayScan(String s, int word) {
                return true;
            }

            @Override
            int start(String line) {
                return MessageValues.gatesReference(line);
            }
        };

        private String of;
        private long bits;

        /**
         * The gates of {@link MessageValues#values} for {@code line} ({@link MessageValues#gates(String)}), its census
         * taken in the same pass over one copy of its bytes and kept as that of the text asked about.
         */
        int start(String line) {
            byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
            int gates = MessageValues.gates(b, this);
            of = line;
            return gates;
        }

        /** Set by {@link MessageValues#gates(byte[], Holder)}: the census of the text it read. */
        void keep(long bits) {
            this.bits = bits;
        }

        /** The census kept (for tests). */
        long bitsKept() {
            return bits;
        }

        /** Whether {@code s} holds {@code WORDS[word]}. */
        boolean has(String s, int word) {
            if (s != of) {
                bits = census(s);
                of = s;
            }
            return (bits & 1L << word) != 0;
        }

        /**
         * Whether a scan that finds nothing in a text without {@code WORDS[word]} (or without {@link
         * FixedWords#DIGIT_BLANK_CAPITAL}'s chars) is to run on {@code s}: {@link #has}; always for {@link #INDEX_OF} (the form
         * before ran those scans on every line).
         */
        boolean mayScan(String s, int word) {
            return has(s, word);
        }
    }
}
