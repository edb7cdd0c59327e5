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
        boolean mayStart(String s, int i);
    }

    /** {@code pattern.matcher(s).replaceAll(Matcher.quoteReplacement(literal))}, tried where {@code start} allows. */
    public static String replaceAll(Pattern pattern, String s, String literal, Start start) {
        Matcher m = null;
        StringBuilder sb = null;
        int last = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (!start.mayStart(s, i)) {
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
                    return pattern.matcher(s).replaceAll(Matcher.quoteReplacement(literal));
                }
                if (sb == null) {
                    sb = new StringBuilder(n + 16);
                }
                sb.append(s, last, i).append(literal);
                last = end;
                i = end - 1;
            }
        }
        if (sb == null) {
            return s;
        }
        return sb.append(s, last, n).toString();
    }

    /**
     * A pattern written as a scan: the end of its match starting at index {@code i} of {@code s} (where the
     * {@link Start} test passed), or -1 when none starts there. The match must be the regex's (leftmost,
     * greedy, as {@link Matcher#lookingAt()} finds it) and not empty.
     */
    @FunctionalInterface
    public interface End extends Serializable {
        int end(String s, int i);
    }

    /** As {@link #replaceAll(Pattern, String, String, Start)}, the pattern's match at a start given by {@code end}. */
    public static String replaceAll(String s, String literal, Start start, End end) {
        StringBuilder sb = null;
        int last = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (!start.mayStart(s, i)) {
                continue;
            }
            int e = end.end(s, i);
            if (e > i) {
                if (sb == null) {
                    sb = new StringBuilder(n + 16);
                }
                sb.append(s, last, i).append(literal);
                last = e;
                i = e - 1;
            }
        }
        if (sb == null) {
            return s;
        }
        return sb.append(s, last, n).toString();
    }

    /** Whether {@code c} is in {@code \w} ({@code [a-zA-Z_0-9]}, the regexes' default). */
    public static boolean word(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /** Whether the character before index {@code i} is in {@code \w} (false at the start). */
    public static boolean wordBefore(String s, int i) {
        return i > 0 && word(s.charAt(i - 1));
    }

    /**
     * Whether the character before index {@code i} is in {@code \w} or is one of {@code others} (false at the
     * start): the negative lookbehinds {@code (?<![\w...])} fail exactly there.
     */
    public static boolean before(String s, int i, String others) {
        if (i == 0) {
            return false;
        }
        char c = s.charAt(i - 1);
        return word(c) || others.indexOf(c) >= 0;
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
