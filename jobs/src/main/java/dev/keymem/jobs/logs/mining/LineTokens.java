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
    private static final Pattern DOMAIN = Pattern.compile(
            "(?<![\\w.-])(?:[A-Za-z0-9-]+\\.)+(?:com|net|org|edu|gov|mil|int|info|biz|io|local|localdomain|lan"
            + "|[a-z]{2})(?![\\w.-])");
    private static final Pattern SLASHED = Pattern.compile(
            "(?<![\\w/\\\\.-])[\\w.{}<>~-]+(?:[/\\\\][\\w.{}<>~-]+){2,}[/\\\\]?");
    private static final Pattern EMPTY = Pattern.compile("\\(\\)|\\[\\]|\\{\\}|\"\"|''|<>");
    private static final Pattern DAY = Pattern.compile(
            "\\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\\s+(?=<TS>|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[A-Z]+>|<\\*>");
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
