package dev.keymem.jobs.logs.mining;

import dev.keymem.jobs.text.LineMasker;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a log line into the token sequence the {@link TemplateMiner} matches: variable fields masked,
 * whitespace-split, every all-variable token written {@link #WILDCARD}, runs of wildcards collapsed into
 * one (so a list of values or a value followed by its alternate form, {@code 1200 bytes (1.17 KB)},
 * does not change the line's length).
 *
 * <p>Masking, in order (a pure function of the line):
 * <ol>
 *   <li>the {@link LineMasker} rules (URLs, e-mail addresses, paths, UUIDs, timestamps, IPs, hex, epoch
 *       stamps, plain numbers);</li>
 *   <li>quantities: a number with a unit ({@code 250 ms}, {@code <1 sec}, {@code 1.17 KB},
 *       {@code 403 bytes}, {@code 00:02:10});</li>
 *   <li>identifier-like words: a run of word characters ({@code [A-Za-z0-9_.-]}) that holds a digit and
 *       either starts with one or holds two or more digits ({@code R02-M1-N0-C}, {@code J12-U11},
 *       {@code appattempt_1445144423722_0020_000001}, {@code blk_-69522}, {@code node-246},
 *       {@code t761}); a word with a single non-leading digit stays ({@code SOCKS5}, {@code IPv4},
 *       {@code mod_jk2}, {@code u0}).</li>
 * </ol>
 * Then a token is a wildcard when it holds a placeholder or a digit and, once its placeholders are
 * removed, no letter ({@code <NUM>}, {@code (<NUM>)}, {@code [<IP>]:<NUM>}, ...); other tokens keep their text
 * with placeholders ({@code uid=<*>}, {@code onExtend:<*>}).
 */
public final class LineTokens implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The wildcard token. */
    public static final String WILDCARD = "<*>";

    private static final String UNITS = "(?:[KMGTP]i?B|[KMGTP]iB|bytes?|B|kb|mb|gb|ms|us|µs|ns|s|sec|secs|seconds?"
            + "|min|mins|minutes?|h|hrs?|hours?|days?)";
    private static final Pattern QUANTITY = Pattern.compile(
            "(?<![\\w.])[<>~]?(?:<NUM>|<TS>|\\d+(?:\\.\\d+)?)\\s?" + UNITS + "(?![\\w])");
    private static final Pattern WORD = Pattern.compile("(?:[A-Za-z0-9_.\\-]|<[A-Z]+>)+");
    private static final Pattern ENDPOINT = Pattern.compile(
            "(?<![\\w.-])[A-Za-z][\\w-]*(?:\\.[\\w-]+)+:\\d{2,5}(?![\\w.])");
    private static final Pattern HEX_LETTERS = Pattern.compile("(?<![\\w<])[a-fA-F]{8,}(?![\\w>])");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"<>]{1,64}\"");
    /**
     * A host name: ending in a generic top-level domain, or in a country code after a generic or {@code co} /
     * {@code ac} second level ({@code www.google.com.hk}, {@code zen.co.uk}). A dotted name ending in two letters
     * alone is not taken for a host: {@code mapred.job.id} is a property name (host names with digits are
     * identifiers anyway, and with a port an {@code ENDPOINT}).
     */
    private static final Pattern DOMAIN = Pattern.compile(
            "(?<![\\w.-])(?:[A-Za-z0-9-]+\\.)+(?:com|net|org|edu|gov|mil|int|info|biz|io|local|localdomain|lan|co|ac)"
            + "(?:\\.[a-z]{2})?(?![\\w.-])");
    private static final Pattern SLASHED = Pattern.compile(
            "(?<![\\w/\\\\.-])[\\w.{}<>~-]+(?:[/\\\\][\\w.{}<>~-]+){2,}[/\\\\]?");
    private static final Pattern EMPTY = Pattern.compile("\\(\\)|\\[\\]|\\{\\}|\"\"|''|<>");
    private static final Pattern DAY = Pattern.compile(
            "\\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\\s+(?=<TS>|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[A-Z]+>|<\\*>");
    /** Wildcards separated by punctuation only ({@code <*>:<*>:<*>}): one value. */
    private static final Pattern WILDCARD_RUN = Pattern.compile("<\\*>(?:[^A-Za-z\\s<]*<\\*>)+");
    private static final java.util.Set<String> LEVELS = java.util.Set.of("trace", "debug", "info", "notice", "warn",
            "warning", "error", "err", "crit", "critical", "fatal", "severe", "alert", "emerg", "fine", "finer",
            "finest", "config", "v", "d", "i", "w", "e", "f");
    private static final int MAX_HEADER = 8;
    /** A time stamp at this token index or before is part of the header. */
    private static final int MAX_STAMP = 5;
    private static final String WILDCARD_REPLACEMENT = Matcher.quoteReplacement(WILDCARD);

    private final LineMasker masker = new LineMasker();

    /** The masked line (placeholders in place, whitespace kept as single spaces). */
    public String mask(String line) {
        String s = ENDPOINT.matcher(line).replaceAll("<HOST>");
        s = DOMAIN.matcher(s).replaceAll("<HOST>");
        s = masker.mask(s);
        s = DAY.matcher(s).replaceAll("");
        s = HEX_LETTERS.matcher(s).replaceAll("<HEX>");
        s = SLASHED.matcher(s).replaceAll("<PATH>");
        s = QUANTITY.matcher(s).replaceAll("<Q>");
        Matcher m = WORD.matcher(s);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            if (identifierLike(s, m.start(), m.end())) {
                if (out == null) {
                    out = new StringBuilder(s.length());
                }
                out.append(s, last, m.start()).append("<ID>");
                last = m.end();
            }
        }
        if (out != null) {
            out.append(s, last, s.length());
            s = out.toString();
        }
        return s;
    }

    private static boolean identifierLike(String s, int from, int to) {
        if (s.charAt(from) == '<' && s.indexOf('>', from) == to - 1) {
            return false; // a placeholder alone
        }
        int digits = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '<') {
                digits += 2; // a placeholder counts as a number
            }
        }
        if (digits == 0) {
            return false;
        }
        char first = s.charAt(from);
        return digits >= 2 || (first >= '0' && first <= '9');
    }

    /** The tokens of a masked line: wildcards for all-variable tokens, runs of wildcards collapsed. */
    public static String[] tokens(String masked) {
        if (masked.indexOf('"') >= 0) {
            Matcher q = QUOTED.matcher(masked);
            StringBuilder sb = new StringBuilder(masked.length());
            while (q.find()) {
                q.appendReplacement(sb, Matcher.quoteReplacement(q.group().replace(' ', '\u00a0')));
            }
            q.appendTail(sb);
            masked = sb.toString();
        }
        List<String> out = new ArrayList<>();
        int n = masked.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(masked.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(masked.charAt(i))) {
                i++;
            }
            if (i > start) {
                String t = masked.substring(start, i);
                if (isVariable(t) || EMPTY.matcher(t).matches()) {
                    t = WILDCARD;
                } else if (t.indexOf('<') >= 0) {
                    t = PLACEHOLDER.matcher(t).replaceAll(WILDCARD_REPLACEMENT);
                    t = WILDCARD_RUN.matcher(t).replaceAll(WILDCARD_REPLACEMENT);
                }
                if (t.equals(WILDCARD)) {
                    if (!out.isEmpty() && out.get(out.size() - 1).equals(WILDCARD)) {
                        continue;
                    }
                }
                out.add(t);
            }
        }
        return out.toArray(new String[0]);
    }

    /**
     * The message part of a whole masked line: without the header a logger put in front of it. The header
     * is the longest leading run (at most 8 items) of values (time stamps, numbers, ids), log levels
     * ({@code INFO}, {@code W}), bracketed fields ({@code [main]}, {@code [notice]}, {@code [IPC Server
     * handler 7]}) and lone dashes, extended through a time stamp among the first six tokens (and the
     * values after it), followed by a {@code component:} (the token right after the run, or
     * the next one, ending with a colon: {@code host sshd[<NUM>]:}), a {@code component [context]}, or a
     * {@code program -} (a lone dash one or two tokens after the run). A line without such a run, or that
     * would be left empty, is kept whole.
     */
    public static String message(String masked) {
        List<int[]> spans = new ArrayList<>();
        int n = masked.length();
        int p = 0;
        while (p < n) {
            while (p < n && Character.isWhitespace(masked.charAt(p))) {
                p++;
            }
            int start = p;
            while (p < n && !Character.isWhitespace(masked.charAt(p))) {
                p++;
            }
            if (p > start) {
                spans.add(new int[] {start, p});
            }
            if (spans.size() > MAX_HEADER + 8) {
                break;
            }
        }
        String[] t = new String[spans.size()];
        for (int k = 0; k < t.length; k++) {
            t[k] = masked.substring(spans.get(k)[0], spans.get(k)[1]);
        }
        int i = 0;
        int lastDash = -1;
        int items = 0;
        while (i < t.length && items < MAX_HEADER) {
            items++;
            if (headerish(t[i])) {
                lastDash = t[i].equals("-") ? i : lastDash;
                i++;
                continue;
            }
            int close = t[i].startsWith("[") ? bracketEnd(t, i) : -1;
            if (close < 0) {
                break;
            }
            i = close + 1;
        }
        // A time stamp among the first tokens belongs to the header, with the values right after it
        // ("<NUM> node-<NUM> unix.hw state_change <TS> <NUM> Component ...").
        for (int k = Math.min(t.length - 1, MAX_STAMP); k >= i; k--) {
            if (t[k].contains("<TS>") && isVariable(t[k])) {
                i = k + 1;
                while (i < t.length && i < MAX_HEADER && isVariable(t[i])) {
                    i++;
                }
                break;
            }
        }
        if (lastDash >= 0 && lastDash < i - 1) {
            boolean onlyValues = true;
            for (int k = lastDash + 1; k < i; k++) {
                onlyValues &= isVariable(t[k]);
            }
            if (onlyValues) {
                i = lastDash + 1; // "<TS> - <HOST> open ...": the value after the dash is the message's
            }
        }
        if (i == 0) {
            return masked;
        }
        int close;
        if (i < t.length && t[i].endsWith(":") && t[i].length() > 1) {
            i++;
        } else if (i + 1 < t.length && t[i + 1].endsWith(":") && t[i + 1].length() > 1) {
            i += 2;
        } else if (i + 1 < t.length && t[i + 1].startsWith("[") && (close = bracketEnd(t, i + 1)) > 0) {
            i = close + 1;
        } else if (i + 1 < t.length && t[i + 1].equals("-")) {
            i += 2;
        } else if (i + 2 < t.length && t[i + 2].equals("-")) {
            i += 3;
        }
        return i >= t.length ? masked : masked.substring(spans.get(i)[0]);
    }

    /** The index of the token closing the bracket opened at {@code i} (within 6 tokens), else -1. */
    private static int bracketEnd(String[] t, int i) {
        for (int j = i; j < t.length && j <= i + 6; j++) {
            if (t[j].endsWith("]")) {
                return j;
            }
        }
        return -1;
    }

    private static boolean headerish(String t) {
        if (isVariable(t) || t.equals("-") || t.equals("|")) {
            return true;
        }
        boolean bracketed = t.length() > 2 && t.startsWith("[") && t.endsWith("]");
        String k = bracketed ? t.substring(1, t.length() - 1) : t;
        if (k.endsWith(",") || k.endsWith(":")) {
            k = k.substring(0, k.length() - 1);
        }
        if (bracketed) {
            return true; // a bracketed field: [main], [notice], [<*>]
        }
        // A bare level is capitalized (INFO, Info, W); a lower-case "error" is a word of the message.
        return !k.isEmpty() && Character.isUpperCase(k.charAt(0)) && LEVELS.contains(k.toLowerCase(java.util.Locale.ROOT));
    }

    /** The tokens of a raw line ({@link #mask} then {@link #tokens(String)}). */
    public String[] tokenize(String line) {
        return tokens(mask(line));
    }

    /**
     * Whether a masked token is all variable: it holds a placeholder or a digit, and no letter outside its
     * placeholders (punctuation alone, {@code -} or {@code :}, stays a constant).
     */
    static boolean isVariable(String token) {
        boolean variable = false;
        String rest = token;
        if (token.indexOf('<') >= 0) {
            rest = PLACEHOLDER.matcher(token).replaceAll("");
            variable = rest.length() < token.length();
        }
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (Character.isLetter(c)) {
                return false;
            }
            variable |= c >= '0' && c <= '9';
        }
        return variable;
    }
}
