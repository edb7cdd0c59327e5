package dev.keymem.jobs.text;

import java.io.Serializable;
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
    public interface Start extends Serializable {
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
        Matcher m = null;
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
            if (m == null) {
                m = pattern.matcher(s);
                m.useTransparentBounds(true);
                m.useAnchoringBounds(false);
            }
            m.region(i, n);
            if (m.lookingAt()) {
                int end = m.end();
                if (end == i) {
                    if (charsOut != null) {
                        charsOut[0] = null;
                    }
                    return pattern.matcher(s).replaceAll(Matcher.quoteReplacement(literal));
                }
                spans = span(spans, count++, i, end);
                i = end - 1;
            }
        }
        return count == 0 ? s : splice(cs, spans, count, literal, charsOut);
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
        int o = 0;
        int last = 0;
        for (int k = 0; k < count; k++) {
            int from = spans[2 * k];
            System.arraycopy(cs, last, out, o, from - last);
            o += from - last;
            literal.getChars(0, lit, out, o);
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
        Matcher m = null;
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
            int e = end == null ? UNDECIDED : end.end(cs, i);
            if (e == UNDECIDED) {
                if (pattern == null) {
                    throw new IllegalStateException("a scan left a match undecided and there is no pattern");
                }
                if (m == null) {
                    if (s == null) {
                        s = new String(cs);
                    }
                    m = pattern.matcher(s);
                    m.useTransparentBounds(true);
                    m.useAnchoringBounds(false);
                }
                m.region(i, n);
                e = m.lookingAt() ? m.end() : -1;
                if (e == i && end == null) { // an empty match: the regex's own replaceAll, as replaceAll does
                    return pattern.matcher(s).replaceAll(Matcher.quoteReplacement(literal)).toCharArray();
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
     * A pattern written as a scan: the end of its match starting at index {@code i} of {@code s} (where the
     * {@link Start} test passed), or -1 when none starts there. The match must be the regex's (leftmost,
     * greedy, as {@link Matcher#lookingAt()} finds it) and not empty.
     */
    @FunctionalInterface
    public interface End extends Serializable {
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
        Matcher m = null;
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
                if (pattern == null) {
                    throw new IllegalStateException("a scan left a match undecided and there is no pattern");
                }
                if (m == null) {
                    m = pattern.matcher(s);
                    m.useTransparentBounds(true);
                    m.useAnchoringBounds(false);
                }
                m.region(i, n);
                e = m.lookingAt() ? m.end() : -1;
            }
            if (e > i) {
                spans = span(spans, count++, i, e);
                i = e - 1;
            }
        }
        return count == 0 ? s : splice(cs, spans, count, literal, charsOut);
    }

    /** Whether {@code c} is in {@code \w} ({@code [a-zA-Z_0-9]}, the regexes' default). */
    public static boolean word(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /** Whether the character before index {@code i} is in {@code \w} (false at the start). */
    public static boolean wordBefore(char[] s, int i) {
        return i > 0 && word(s[i - 1]);
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

    /** Whether {@code c} is an ASCII hex digit ({@code [0-9a-fA-F]}). */
    public static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Whether {@code c} is an ASCII letter ({@code [A-Za-z]}). */
    public static boolean letter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
