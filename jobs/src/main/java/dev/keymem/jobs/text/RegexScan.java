package dev.keymem.jobs.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.annotation.Internal;

/**
 * {@code pattern.matcher(s).replaceAll(literal)}, trying the pattern only at the positions where one of its
 * matches can start. {@link Matcher#find()} tries a match at every position from the end of the previous match
 * on; most positions of a log line cannot start one (a number rule needs a digit there, and a character
 * before it that its lookbehind allows), yet each try walks the pattern's first nodes. Here a
 * {@link Start} test, a necessary condition for a match to start at a position, skips those, and the
 * pattern runs anchored ({@link Matcher#lookingAt()} over a region with transparent bounds, so lookbehinds
 * and word boundaries see the text before the region) at the others. The matches, and so the result, are
 * those of {@code replaceAll} as long as the test never rejects a position where a match starts; the
 * patterns must not match the empty string (checked: such a match falls back to {@code replaceAll}).
 */
@Internal
public final class RegexScan {
    private RegexScan() {
    }

    /** A necessary condition for a match of a pattern to start at index {@code i} of {@code s}. */
    @FunctionalInterface
    public interface Start {
        /** {@code s}: the text's characters ({@link String#toCharArray()}, read only). */
        boolean mayStart(char[] s, int i);
    }

    /** {@code pattern.matcher(s).replaceAll(Matcher.quoteReplacement(literal))}, tried where {@code start} allows. */
    public static String replaceAll(Pattern pattern, String s, String literal, Start start) {
        return replaceAll(pattern, s, literal, null, start);
    }

    /**
     * The ASCII characters a match can start with, as a table for the scans: entry {@code c} false only where
     * {@code start} is false at every position that holds {@code c}. Characters from 128 up always go to
     * {@code start}.
     */
    @FunctionalInterface
    public interface CharTest {
        boolean test(char c);
    }

    /** The table of {@link CharTest} {@code t} over the ASCII characters. */
    public static boolean[] firstChars(CharTest t) {
        boolean[] table = new boolean[128];
        for (char c = 0; c < 128; c++) {
            table[c] = t.test(c);
        }
        return table;
    }

    /**
     * As {@link #replaceAll(Pattern, String, String, Start)}, {@code start} asked only at the positions whose
     * character {@code first} allows ({@link #firstChars}; null: every position). The table spares most
     * positions the call through the interface (a call per character of the line otherwise).
     */
    public static String replaceAll(Pattern pattern, String s, String literal, boolean[] first, Start start) {
        return replaceAll(pattern, s, null, literal, first, start);
    }

    /**
     * As {@link #replaceAll(Pattern, String, String, boolean[], Start)} with {@code chars}, the characters of
     * {@code s} ({@code s.toCharArray()}; null: taken here): the scan reads the array, not the string.
     */
    public static String replaceAll(Pattern pattern, String s, char[] chars, String literal, boolean[] first,
                                    Start start) {
        return replaceAll(pattern, s, chars, literal, first, start, (char[][]) null);
    }

    /**
     * As {@link #replaceAll(Pattern, String, char[], String, boolean[], Start)}; when {@code charsOut} is not
     * null and the text changed, {@code charsOut[0]} is set to the result's characters (its
     * {@code toCharArray()}, the caller's to keep) or to null where they were not at hand.
     */
    static String replaceAll(Pattern pattern, String s, char[] chars, String literal, boolean[] first,
                             Start start, char[][] charsOut) {
        char[] cs = chars != null ? chars : s.toCharArray();
        Anchored regex = null;
        int[] spans = null;
        int count = 0;
        int n = cs.length;
        for (int i = 0; i < n; i++) {
            if (first != null) {
                char c = cs[i];
                if (c < 128 && !first[c]) {
                    continue;
                }
            }
            if (!start.mayStart(cs, i)) {
                continue;
            }
            if (regex == null) {
                regex = new Anchored(pattern, s, cs);
            }
            int end = regex.end(i);
            if (end == i) {
                if (charsOut != null) {
                    charsOut[0] = null;
                }
                return regex.replaceAll(literal);
            }
            if (end > i) {
                spans = span(spans, count++, i, end);
                i = end - 1;
            }
        }
        return count == 0 ? s : splice(cs, spans, count, literal, charsOut);
    }

    /**
     * A pattern run anchored at the starts a scan gives it, over one text: its matcher (transparent bounds, no
     * anchoring bounds) and the text's String made on first need, so a scan that decides every start alone makes
     * neither.
     */
    private static final class Anchored {
        private final Pattern pattern;
        private final char[] cs;
        private String s;
        private Matcher m;

        /** {@code s}: the text of {@code cs}, or null (made from {@code cs} when the pattern first runs). */
        Anchored(Pattern pattern, String s, char[] cs) {
            if (pattern == null) {
                throw new IllegalStateException("a scan left a match undecided and there is no pattern");
            }
            this.pattern = pattern;
            this.s = s;
            this.cs = cs;
        }

        private String text() {
            if (s == null) {
                s = new String(cs);
            }
            return s;
        }

        /** The end of the pattern's match starting at {@code i} ({@link Matcher#lookingAt()}), or -1. */
        int end(int i) {
            if (m == null) {
                m = pattern.matcher(text());
                m.useTransparentBounds(true);
                m.useAnchoringBounds(false);
            }
            m.region(i, cs.length);
            return m.lookingAt() ? m.end() : -1;
        }

        /** The pattern's own {@code replaceAll} of the whole text by {@code literal} (after an empty match). */
        String replaceAll(String literal) {
            return pattern.matcher(text()).replaceAll(Matcher.quoteReplacement(literal));
        }
    }

    /** {@code spans} (null: a new array) with match {@code k}, {@code [from, to)}, at its entries 2k and 2k+1. */
    private static int[] span(int[] spans, int k, int from, int to) {
        if (spans == null) {
            spans = new int[8];
        } else if (2 * k + 1 >= spans.length) {
            spans = java.util.Arrays.copyOf(spans, 2 * spans.length);
        }
        spans[2 * k] = from;
        spans[2 * k + 1] = to;
        return spans;
    }

    /**
     * The text of {@code cs} with its {@code count} matches (disjoint, in order: {@link #span}) replaced by
     * {@code literal}: built in an array of the result's length (which {@code charsOut[0]} receives when not
     * null), one copy per piece, where appending to a builder and taking the characters again took three.
     */
    private static String splice(char[] cs, int[] spans, int count, String literal, char[][] charsOut) {
        char[] out = spliceChars(cs, spans, count, literal);
        if (charsOut != null) {
            charsOut[0] = out;
        }
        return new String(out);
    }

    /** {@link #splice}'s characters. */
    private static char[] spliceChars(char[] cs, int[] spans, int count, String literal) {
        int n = cs.length;
        int lit = literal.length();
        int len = n;
        for (int k = 0; k < count; k++) {
            len += lit - (spans[2 * k + 1] - spans[2 * k]);
        }
        char[] out = new char[len];
        // the literal's chars made once and copied per match (String.getChars per match widens the Latin-1
        // literal again each time, a call chain that C1 does not reduce to a copy)
        char[] litChars = count > 1 ? literal.toCharArray() : null;
        int o = 0;
        int last = 0;
        for (int k = 0; k < count; k++) {
            int from = spans[2 * k];
            System.arraycopy(cs, last, out, o, from - last);
            o += from - last;
            if (litChars != null) {
                System.arraycopy(litChars, 0, out, o, lit);
            } else {
                literal.getChars(0, lit, out, o);
            }
            o += lit;
            last = spans[2 * k + 1];
        }
        System.arraycopy(cs, last, out, o, n - last);
        return out;
    }

    /**
     * The characters of {@code replaceAll}'s result over {@code cs} ({@code end} null: the regex decides where
     * {@code start} passes, as {@link #replaceAll(Pattern, String, char[], String, boolean[], Start)}; else as
     * {@link #replaceAll(Pattern, String, char[], String, boolean[], Start, End)}): {@code cs} itself where
     * nothing matched, else a new array. {@code s} is the text of {@code cs}, or null: then made from {@code cs}
     * only where a regex runs, so that a chain of rules over a line's characters makes no String per change.
     */
    public static char[] replaceAllChars(Pattern pattern, String s, char[] cs, String literal, boolean[] first,
                                  Start start, End end) {
        return replaceAllChars(pattern, s, cs, literal, first, null, start, end);
    }

    /**
     * As {@link #replaceAllChars(Pattern, String, char[], String, boolean[], Start, End)}, {@code start} also
     * skipped where the character before the position is an ASCII one that {@code notAfter} holds
     * ({@link #notAfter}; null: none): a rule whose match must start after a lookbehind such as
     * {@code (?<![\w.])} or at a {@code \b} before a word character is then asked only at the starts of
     * words, not at every character of them. {@code start} must be false wherever the table skips.
     */
    public static char[] replaceAllChars(Pattern pattern, String s, char[] cs, String literal, boolean[] first,
                                         boolean[] notAfter, Start start, End end) {
        Anchored regex = null;
        int[] spans = null;
        int count = 0;
        int n = cs.length;
        for (int i = 0; i < n; i++) {
            if (first != null) {
                char c = cs[i];
                if (c < 128 && !first[c]) {
                    continue;
                }
            }
            if (notAfter != null && i > 0) {
                char p = cs[i - 1];
                if (p < 128 && notAfter[p]) {
                    continue;
                }
            }
            if (!start.mayStart(cs, i)) {
                continue;
            }
            int e = end == null ? UNDECIDED : end.end(cs, i);
            if (e == UNDECIDED) {
                if (regex == null) {
                    regex = new Anchored(pattern, s, cs);
                }
                e = regex.end(i);
                if (e == i && end == null) { // an empty match: the regex's own replaceAll, as replaceAll does
                    return regex.replaceAll(literal).toCharArray();
                }
            }
            if (e > i) {
                spans = span(spans, count++, i, e);
                i = e - 1;
            }
        }
        return count == 0 ? cs : spliceChars(cs, spans, count, literal);
    }

    /**
     * The positions of a line where a scan with a {@code notAfter} table that holds {@code \\w}, and a
     * first-character table within {@code \\w}, {@code /}, {@code \\}, {@code ~} and {@code :}, can ask its
     * {@code Start} test: the line's start, and every position whose character is one of those and whose previous
     * character is not an ASCII {@code \\w} (a word's start, a slash, a colon). A line of words has about one such
     * position per word: a chain of rules walks these instead of every character, and a rule that changes the line
     * moves them along with its replacements ({@link #replaceAllChars(Pattern, String, char[], String, boolean[],
     * boolean[], Start, End, Starts)}) instead of finding them again. A non-ASCII character is no position (until
     * session 26 each was one unless right after an ASCII word character; a line of Cyrillic or CJK text had about
     * one per character): a scan that walks the positions must have a {@code Start} test that is false at every non-ASCII
     * character (every {@code Start} of the masker's and the log miner's walking rules is: their tests check it at
     * every position of their lines, {@code startOutsideFirstChars}). The character after a non-ASCII one still is
     * a position where the table holds it.
     */
    public static final class Starts {
        /** The characters a position of the list can hold (ASCII; no non-ASCII character). */
        static final boolean[] OPEN = firstChars(c -> word(c) || c == '/' || c == '\\' || c == '~' || c == ':');
        final boolean[] open;
        int[] at;
        int count;
        /** The array {@link #moved} wrote before the last (null: none yet): the next move writes there if it fits. */
        private int[] spare;
        /**
         * The last change a scan over these positions made ({@link #replaceAllChars(Pattern, String, char[], String,
         * boolean[], boolean[], Start, End, Starts)}): the line before it, and its matches' spans ({@link
         * #changedCount} of them, from and to, in order) that the literal replaced; {@link #changedCount} -1 where the
         * change is not known by spans (a regex's own replacement). Read by the masker to lower its census.
         */
        char[] changedLine;
        int[] changedSpans;
        int changedCount = -1;

        private Starts(boolean[] open, int[] at, int count) {
            this.open = open;
            this.at = at;
            this.count = count;
        }

        /**
         * The census of the line these positions were found on ({@link #ofWithCensus}), until the masker takes it
         * ({@link #takeCensus}); null: none.
         */
        private LineMasker.Census census;

        /**
         * {@link #of(char[], boolean[])} found in the masker's census pass over {@code cs}, the census kept with the
         * positions: a masker given these ({@link LineMasker#maskChars(String, char[], String[], Starts)}) takes it
         * in place of its own pass, valid while the caller's changes to the line only lower its counts (placeholders
         * such as {@code <HOST>}). Internal: for the log miner's {@code LineTokens}.
         */
        @Internal
        public static Starts ofWithCensus(char[] cs, boolean[] open) {
            LineMasker.Census c = new LineMasker.Census(cs, open);
            Starts s = new Starts(open, c.at, c.count);
            c.at = null;
            s.census = c;
            s.tokenChecks = c.tokenChecks;
            return s;
        }

        /** {@link LineMasker.TokenChecks}' bits of the line these positions were found on ({@link #ofWithCensus}). */
        private int tokenChecks;

        /**
         * The bits of {@link LineMasker.TokenChecks#of} of the line as given to {@link #ofWithCensus}, taken in its
         * pass (0 where the positions were found otherwise). Internal: for the log miner's {@code LineTokens}.
         */
        @Internal
        public int tokenChecks() {
            return tokenChecks;
        }

        /** The census {@link #takeCensus} would give, left in place (for tests). */
        LineMasker.Census peekCensus() {
            return census;
        }

        /** The census kept with these positions, once (null after, or where none was taken). */
        LineMasker.Census takeCensus() {
            LineMasker.Census c = census;
            census = null;
            return c;
        }

        /** The positions of {@code cs}. */
        public static Starts of(char[] cs) {
            return of(cs, OPEN);
        }

        /**
         * The positions of {@code cs} with {@code open} (a table of ASCII characters that holds {@code \\w}) in
         * place of {@link #OPEN}: for scans whose first-character tables are within it. The table must not change
         * after its first use: whether it holds {@link #OPEN} is remembered by the array's identity
         * ({@link #opensOpen}), so a table changed later could be taken to hold characters it no longer does
         * (make a new table, {@link #openWith}, instead).
         */
        public static Starts of(char[] cs, boolean[] open) {
            int[] at = new int[Math.max(8, cs.length / 4)];
            int k = 0;
            boolean afterWord = false;
            boolean[] wordTable = WORD;
            for (int q = 0, n = cs.length; q < n; q++) {
                char c = cs[q];
                if (c >= 128) { // no position (no Start test passes at a non-ASCII char), but the next may be one
                    afterWord = false;
                    continue;
                }
                if (!afterWord && open[c]) {
                    if (k == at.length) {
                        at = java.util.Arrays.copyOf(at, 2 * k);
                    }
                    at[k++] = q;
                }
                afterWord = wordTable[c];
            }
            return new Starts(open, at, k);
        }

        /**
         * {@link #OPEN} with the characters of {@code tables} (first-character tables, {@link #firstChars}): the open
         * table of positions that scans with any of those tables, and the masker's rules, may walk.
         */
        public static boolean[] openWith(boolean[]... tables) {
            boolean[] t = OPEN.clone();
            for (boolean[] f : tables) {
                for (char c = 0; c < 128; c++) {
                    t[c] |= f[c];
                }
            }
            return t;
        }

        /**
         * The last open table found to hold every character of {@link #OPEN} ({@link #opensOpen}): the callers' tables
         * are constants (a table must not change after its first use, {@link #of(char[], boolean[])}), so the check
         * runs once per table, not once per line. A race only repeats the check.
         */
        private static boolean[] holdsOpen;

        /** {@code opens(OPEN)}, remembered for the last table that passed. */
        boolean opensOpen() {
            if (holdsOpen == open) {
                return true;
            }
            if (!opens(OPEN)) {
                return false;
            }
            holdsOpen = open;
            return true;
        }

        /** Whether these positions were found with a table that holds every character of {@code table}. */
        boolean opens(boolean[] table) {
            for (char c = 0; c < 128; c++) {
                if (table[c] && !open[c]) {
                    return false;
                }
            }
            return true;
        }

        /** These positions made those of {@code cs} (found again, with the same table). */
        void reset(char[] cs) {
            Starts again = of(cs, open);
            at = again.at;
            count = again.count;
            changedCount = -1;
        }

        /** {@link #of(char[], boolean[])} as the plain loop finds them: {@link #holds} at every position (the reference). */
        static Starts ofReference(char[] cs, boolean[] open) {
            Starts s = new Starts(open, new int[Math.max(8, cs.length)], 0);
            for (int q = 0; q < cs.length; q++) {
                if (s.holds(cs, q)) {
                    s.at[s.count++] = q;
                }
            }
            return s;
        }

        /** Whether {@code q} is a position of {@code cs}. */
        boolean holds(char[] cs, int q) {
            char c = cs[q];
            return c < 128 && open[c] && (q == 0 || cs[q - 1] >= 128 || !word(cs[q - 1]));
        }

        /**
         * Non-ASCII characters a walking rule's {@code Start} is asked at by {@link #checkAsciiStart}: Latin, Arabic
         * and full-width digits, the Kelvin sign and long s (which {@code (?iu)} folds to k and s), a dotted capital
         * I, a combining mark, a no-break space, supplementary letters and digits (their high surrogate), lone
         * surrogates, U+FFFF.
         */
        static final String[] NON_ASCII_PROBES = {"\u00e9", "\u0663", "\uff11", "\u212a", "\u017f", "\u0130",
            "\u0301", "\u00a0", "\ud835\udc00", "\ud835\udfd8", "\ud840\udc00", "\ud800", "\udc00", "\uffff"};
        /** What may follow a probe character: nothing, ASCII digits and hex, a word. */
        private static final String[] PROBE_TAILS = {"", "0x1f:2a 1714564800", "abc/def"};
        /**
         * Each probe before each tail, at index 0 and after a space at index 1 (made once; StringBuilder, not an
         * indy string concatenation at start-up).
         */
        private static final char[][] PROBE_LINES = probeLines();

        private static char[][] probeLines() {
            char[][] lines = new char[NON_ASCII_PROBES.length * PROBE_TAILS.length * 2][];
            int k = 0;
            for (String probe : NON_ASCII_PROBES) {
                for (String tail : PROBE_TAILS) {
                    lines[k++] = new StringBuilder(probe).append(tail).toString().toCharArray();
                    lines[k++] = new StringBuilder(" ").append(probe).append(tail).toString().toCharArray();
                }
            }
            return lines;
        }
        /** An inline flag group ({@code (?U)}, {@code (?iu:}) that turns on Unicode classes or Unicode case folding. */
        private static final Pattern INLINE_UNICODE = Pattern.compile("(?<!\\\\)\\(\\?[idmsxuU]*[uU][idmsxuU-]*[:)]");

        /**
         * Checks the premise of a scan that walks the positions ({@link #of}, which holds no non-ASCII character): a
         * match of {@code pattern} never starts at a non-ASCII character. Throws {@link IllegalStateException} where
         * the pattern turns on Unicode classes ({@link Pattern#UNICODE_CHARACTER_CLASS}, {@code (?U)}, whose
         * {@code \\w}, {@code \\d} and {@code \\b} hold non-ASCII characters) or Unicode case folding
         * ({@link Pattern#UNICODE_CASE}, {@code (?u)}), or where {@code start}, a necessary condition for a match,
         * passes at one of {@link #NON_ASCII_PROBES} (at a line's start and after a space, before each of a few
         * tails). Cheap: for the rules' class initialization (review 26c F2).
         */
        public static void checkAsciiStart(Pattern pattern, Start start) {
            int unicode = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNICODE_CASE;
            if ((pattern.flags() & unicode) != 0 || INLINE_UNICODE.matcher(pattern.pattern()).find()) {
                throw new IllegalStateException("a walking rule's regex has Unicode classes or case: " + pattern);
            }
            for (char[] line : PROBE_LINES) {
                int at = line[0] == ' ' ? 1 : 0;
                if (start.mayStart(line, at)) {
                    throw new IllegalStateException("a walking rule's Start passes at U+"
                            + Integer.toHexString(line[at]) + ": " + pattern);
                }
            }
        }

        /** Whether a scan with these tables may walk the positions: {@code notAfter} holds \\w, {@code first} is within {@link #OPEN}. */
        public static boolean fits(boolean[] first, boolean[] notAfter) {
            return fits(first, notAfter, OPEN);
        }

        /** {@link #fits(boolean[], boolean[])} for positions found with {@code open} ({@link #of(char[], boolean[])}). */
        public static boolean fits(boolean[] first, boolean[] notAfter, boolean[] open) {
            if (first == null || notAfter == null) {
                return false;
            }
            for (char c = 0; c < 128; c++) {
                if ((word(c) && !notAfter[c]) || (first[c] && !open[c])) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The positions of {@code out}, the old line with its {@code n} matches (spans, in order) replaced by a
         * literal of {@code lit} characters: the old positions before a match kept, those after it moved by the
         * change of length, and those inside it or right after it (whose previous character changed) found
         * again on {@code out}. Writes into the array of the move before the last where it fits (two arrays a line,
         * not one per change).
         */
        void moved(char[] out, int[] spans, int n, int lit) {
            int[] old = at;
            int on = count;
            int need = on + n * (lit + 1) + 1;
            int[] nw = spare != null && spare.length >= need ? spare : new int[need];
            int k = 0;
            int j = 0;
            int shift = 0;
            int inner = -1; // innerPositions of the literal (-1: not found yet)
            for (int s = 0; s < n; s++) {
                int from = spans[2 * s];
                int to = spans[2 * s + 1];
                while (j < on && old[j] < from) {
                    int q = old[j++] + shift;
                    if (k == 0 || q > nw[k - 1]) {
                        nw[k++] = q;
                    }
                }
                while (j < on && old[j] <= to) {
                    j++;
                }
                int nf = from + shift;
                if (lit > 1 && lit < 32) {
                    // the first position (after the old text) and the one after the literal looked at; those within
                    // it read the literal alone (its char and the one before), the same for each match: found once
                    if (inner < 0) {
                        inner = innerPositions(out, nf, lit);
                    }
                    if ((k == 0 || nf > nw[k - 1]) && holds(out, nf)) {
                        nw[k++] = nf;
                    }
                    for (int b = inner; b != 0; b &= b - 1) {
                        int q = nf + Integer.numberOfTrailingZeros(b);
                        if (k == 0 || q > nw[k - 1]) {
                            nw[k++] = q;
                        }
                    }
                    int q = nf + lit;
                    if (q < out.length && (k == 0 || q > nw[k - 1]) && holds(out, q)) {
                        nw[k++] = q;
                    }
                } else {
                    for (int q = nf; q <= nf + lit && q < out.length; q++) {
                        if ((k == 0 || q > nw[k - 1]) && holds(out, q)) {
                            nw[k++] = q;
                        }
                    }
                }
                shift += lit - (to - from);
            }
            if (k + (on - j) > nw.length) {
                nw = java.util.Arrays.copyOf(nw, k + (on - j));
            }
            while (j < on) {
                nw[k++] = old[j++] + shift;
            }
            at = nw;
            count = k;
            spare = old != nw ? old : null;
        }

        /**
         * The positions strictly within the literal of {@code lit} characters (1 to 31) at {@code nf} of {@code out}:
         * bit {@code j} set where {@code nf + j} ({@code 0 < j < lit}) {@link #holds}, which reads the literal's
         * characters alone.
         */
        private int innerPositions(char[] out, int nf, int lit) {
            int bits = 0;
            for (int j = 1; j < lit; j++) {
                if (holds(out, nf + j)) {
                    bits |= 1 << j;
                }
            }
            return bits;
        }

        /** The positions as an array (for tests). */
        int[] toArray() {
            return java.util.Arrays.copyOf(at, count);
        }
    }

    /**
     * As {@link #replaceAllChars(Pattern, String, char[], String, boolean[], boolean[], Start, End)}, asking
     * {@code start} only at the positions of {@code starts} (those of {@code cs}, {@link Starts#fits} the tables),
     * which are then moved to the result's. No position holds a non-ASCII character: {@code start} must be false at
     * every such character.
     */
    public static char[] replaceAllChars(Pattern pattern, String s, char[] cs, String literal, boolean[] first,
                                         boolean[] notAfter, Start start, End end, Starts starts) {
        Anchored regex = null;
        int[] spans = null;
        int count = 0;
        int n = cs.length;
        int next = 0;
        int[] at = starts.at;
        for (int k = 0, kn = starts.count; k < kn; k++) {
            int i = at[k];
            if (i < next) {
                continue;
            }
            char c = cs[i];
            if (c < 128 && !first[c]) {
                continue;
            }
            if (i > 0) {
                char p = cs[i - 1];
                if (p < 128 && notAfter[p]) {
                    continue;
                }
            }
            if (!start.mayStart(cs, i)) {
                continue;
            }
            int e = end == null ? UNDECIDED : end.end(cs, i);
            if (e == UNDECIDED) {
                if (regex == null) {
                    regex = new Anchored(pattern, s, cs);
                }
                e = regex.end(i);
                if (e == i && end == null) { // an empty match: the regex's own replaceAll, as replaceAll does
                    char[] out = regex.replaceAll(literal).toCharArray();
                    starts.reset(out);
                    starts.changedCount = -1;
                    return out;
                }
            }
            if (e > i) {
                spans = span(spans, count++, i, e);
                next = e;
            }
        }
        if (count == 0) {
            return cs;
        }
        char[] out = spliceChars(cs, spans, count, literal);
        starts.moved(out, spans, count, literal.length());
        starts.changedLine = cs;
        starts.changedSpans = spans;
        starts.changedCount = count;
        return out;
    }

    /**
     * {@link #replaceAllChars(Pattern, String, char[], String, boolean[], boolean[], Start, End, Starts)} for a rule
     * whose {@code Start} test is exactly its tables (an ASCII character that {@code first} holds, at the start or
     * after a character that {@code notAfter} does not hold): the tables decide alone, a position with a non-ASCII
     * character rejected, and no test is called (an interface call per such position spared). A loop of its own,
     * not a null test in the other: under C2 the shared loop with that branch made stack-trace lines 11% dearer.
     * {@code notAfter} null: the table is {@code \\w} alone ({@link #WORD}), which no position's previous
     * character is in ({@link Starts#holds}), so the check is left out (two loads a position).
     */
    public static char[] replaceAllCharsByTables(Pattern pattern, String s, char[] cs, String literal, boolean[] first,
                                                 boolean[] notAfter, End end, Starts starts) {
        Anchored regex = null;
        int[] spans = null;
        int count = 0;
        int next = 0;
        int[] at = starts.at;
        for (int k = 0, kn = starts.count; k < kn; k++) {
            int i = at[k];
            if (i < next) {
                continue;
            }
            char c = cs[i];
            if (c >= 128 || !first[c]) {
                continue;
            }
            if (notAfter != null && i > 0) {
                char p = cs[i - 1];
                if (p < 128 && notAfter[p]) {
                    continue;
                }
            }
            int e = end == null ? UNDECIDED : end.end(cs, i);
            if (e == UNDECIDED) {
                if (regex == null) {
                    regex = new Anchored(pattern, s, cs);
                }
                e = regex.end(i);
                if (e == i && end == null) { // an empty match: the regex's own replaceAll, as replaceAll does
                    char[] out = regex.replaceAll(literal).toCharArray();
                    starts.reset(out);
                    starts.changedCount = -1;
                    return out;
                }
            }
            if (e > i) {
                spans = span(spans, count++, i, e);
                next = e;
            }
        }
        if (count == 0) {
            return cs;
        }
        char[] out = spliceChars(cs, spans, count, literal);
        starts.moved(out, spans, count, literal.length());
        starts.changedLine = cs;
        starts.changedSpans = spans;
        starts.changedCount = count;
        return out;
    }

    /**
     * A pattern written as a scan: the end of its match starting at index {@code i} of {@code s} (where the
     * {@link Start} test passed), or -1 when none starts there. The match must be the regex's (leftmost,
     * greedy, as {@link Matcher#lookingAt()} finds it) and not empty.
     */
    @FunctionalInterface
    public interface End {
        /** {@code s}: the text's characters ({@link String#toCharArray()}, read only). */
        int end(char[] s, int i);
    }

    /** As {@link #replaceAll(Pattern, String, String, Start)}, the pattern's match at a start given by {@code end}. */
    public static String replaceAll(String s, String literal, Start start, End end) {
        return replaceAll(null, s, literal, start, end);
    }

    /**
     * An {@link End}'s answer where the scan cannot decide alone (a word boundary next to a non-ASCII
     * character, where {@code \b} follows Unicode's letters and digits and its marks): the pattern decides.
     */
    public static final int UNDECIDED = -2;

    /**
     * As {@link #replaceAll(String, String, Start, End)}; where {@code end} answers {@link #UNDECIDED}, {@code pattern}
     * runs anchored at that start ({@link Matcher#lookingAt()}, transparent bounds) and gives the match.
     */
    public static String replaceAll(Pattern pattern, String s, String literal, Start start, End end) {
        return replaceAll(pattern, s, literal, null, start, end);
    }

    /** As {@link #replaceAll(Pattern, String, String, Start, End)}, {@code start} gated by {@code first} ({@link #firstChars}). */
    public static String replaceAll(Pattern pattern, String s, String literal, boolean[] first, Start start, End end) {
        return replaceAll(pattern, s, null, literal, first, start, end);
    }

    /**
     * As {@link #replaceAll(Pattern, String, String, boolean[], Start, End)} with {@code chars}, the characters
     * of {@code s} ({@code s.toCharArray()}; null: taken here): the scan reads the array, not the string.
     */
    public static String replaceAll(Pattern pattern, String s, char[] chars, String literal, boolean[] first,
                                    Start start, End end) {
        return replaceAll(pattern, s, chars, literal, first, start, end, null);
    }

    /**
     * As {@link #replaceAll(Pattern, String, char[], String, boolean[], Start, End)}; when {@code charsOut} is
     * not null and the text changed, {@code charsOut[0]} is set to the result's characters (its
     * {@code toCharArray()}, the caller's to keep).
     */
    static String replaceAll(Pattern pattern, String s, char[] chars, String literal, boolean[] first,
                             Start start, End end, char[][] charsOut) {
        char[] cs = chars != null ? chars : s.toCharArray();
        Anchored regex = null;
        int[] spans = null;
        int count = 0;
        int n = cs.length;
        for (int i = 0; i < n; i++) {
            if (first != null) {
                char c = cs[i];
                if (c < 128 && !first[c]) {
                    continue;
                }
            }
            if (!start.mayStart(cs, i)) {
                continue;
            }
            int e = end.end(cs, i);
            if (e == UNDECIDED) {
                if (regex == null) {
                    regex = new Anchored(pattern, s, cs);
                }
                e = regex.end(i);
            }
            if (e > i) {
                spans = span(spans, count++, i, e);
                i = e - 1;
            }
        }
        return count == 0 ? s : splice(cs, spans, count, literal, charsOut);
    }

    /** {@link #word} as a table of the ASCII characters. */
    static final boolean[] WORD = firstChars(RegexScan::wordReference);
    /** {@link #hex} as a table of the ASCII characters. */
    private static final boolean[] HEX = firstChars(RegexScan::hexReference);

    /**
     * Whether {@code c} is in {@code \w} ({@code [a-zA-Z_0-9]}, the regexes' default). A lookup in a table
     * ({@link #wordReference} is the range test): its bytecode is short enough for C1, the only compiler of a
     * file run, to inline it into the scans (the range test's 48 bytes are over C1's 35 and cost a call per
     * character).
     */
    public static boolean word(char c) {
        return c < 128 && WORD[c];
    }

    /** {@link #word} as the range test (the reference). */
    static boolean wordReference(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /** Whether the character before index {@code i} is in {@code \w} (false at the start). */
    public static boolean wordBefore(char[] s, int i) {
        return i > 0 && word(s[i - 1]);
    }

    /**
     * The table of the characters {@link #before} tests with {@code others}: {@code \w} and the ASCII
     * characters of {@code others} (for {@link #replaceAllChars(Pattern, String, char[], String, boolean[],
     * boolean[], Start, End)}).
     */
    public static boolean[] notAfter(String others) {
        boolean[] t = chars(others);
        for (char c = 0; c < 128; c++) {
            t[c] |= word(c);
        }
        return t;
    }

    /** Whether a scan with the table {@code notAfter} ({@link #notAfter}; null: none) skips index {@code i} of {@code s}. */
    public static boolean skippedAfter(char[] s, int i, boolean[] notAfter) {
        return notAfter != null && i > 0 && s[i - 1] < 128 && notAfter[s[i - 1]];
    }

    /** A table of the ASCII characters of {@code chars} (for {@link #before}). */
    public static boolean[] chars(String chars) {
        boolean[] t = new boolean[128];
        for (char c : chars.toCharArray()) {
            if (c >= 128) {
                throw new IllegalArgumentException("not an ASCII character: " + c);
            }
            t[c] = true;
        }
        return t;
    }

    /**
     * Whether the character before index {@code i} is in {@code \w} or is one of {@code others} (a table of
     * ASCII characters, {@link #chars}; false at the start): the negative lookbehinds {@code (?<![\w...])} fail
     * exactly there.
     */
    public static boolean before(char[] s, int i, boolean[] others) {
        if (i == 0) {
            return false;
        }
        char c = s[i - 1];
        return word(c) || (c < 128 && others[c]);
    }

    /**
     * Whether a {@code \b} holds at index {@code e} of {@code s} right after a word character (an ASCII
     * letter, digit or underscore before it): 1 when it does (the end, or an ASCII non-word character next),
     * 0 when it does not (an ASCII word character next), {@link #UNDECIDED} for a non-ASCII character next.
     */
    public static int boundaryAfterWord(char[] s, int e) {
        if (e >= s.length) {
            return 1;
        }
        char c = s[e];
        if (c >= 128) {
            return UNDECIDED;
        }
        return word(c) ? 0 : 1;
    }

    /**
     * Whether a {@code \b} holds at index {@code i} of {@code s} right before a word character (at
     * {@code i}): 1 when it does (the start, or an ASCII non-word character before), 0 when it does not,
     * {@link #UNDECIDED} for a non-ASCII character before.
     */
    public static int boundaryBeforeWord(char[] s, int i) {
        if (i == 0) {
            return 1;
        }
        char c = s[i - 1];
        if (c >= 128) {
            return UNDECIDED;
        }
        return word(c) ? 0 : 1;
    }

    /** The end of the run of ASCII digits starting at {@code i} ({@code i} when none). */
    public static int digitsEnd(char[] s, int i) {
        int n = s.length;
        while (i < n && digit(s[i])) {
            i++;
        }
        return i;
    }

    /** Whether {@code s} holds {@code count} ASCII digits from {@code i} on. */
    public static boolean digits(char[] s, int i, int count) {
        if (i + count > s.length) {
            return false;
        }
        for (int k = i; k < i + count; k++) {
            if (!digit(s[k])) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s[from, to)} is one of {@code words}, without making a String of it. */
    public static boolean oneOf(char[][] words, char[] s, int from, int to) {
        int len = to - from;
        for (char[] w : words) {
            if (w.length == len) {
                int k = 0;
                while (k < len && w[k] == s[from + k]) {
                    k++;
                }
                if (k == len) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code s} holds {@code p} from index {@code i} on ({@link String#startsWith(String, int)}). */
    public static boolean startsWith(char[] s, char[] p, int i) {
        int m = p.length;
        if (i < 0 || i > s.length - m) {
            return false;
        }
        for (int k = 0; k < m; k++) {
            if (s[i + k] != p[k]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code c} is an ASCII digit ({@code \d}). */
    public static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whether {@code c} is an ASCII hex digit ({@code [0-9a-fA-F]}): a table lookup, as {@link #word}. */
    public static boolean hex(char c) {
        return c < 128 && HEX[c];
    }

    /** {@link #hex} as the range test (the reference). */
    static boolean hexReference(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Whether {@code c} is an ASCII letter ({@code [A-Za-z]}). */
    public static boolean letter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
