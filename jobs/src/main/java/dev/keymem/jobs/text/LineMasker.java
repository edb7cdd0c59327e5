package dev.keymem.jobs.text;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces the variable fields of a log line with typed placeholders, so that lines printed by the same
 * statement share one <em>template</em> (the masked line).
 *
 * <p>Rules, applied in this order (each to the output of the previous one):
 * <ol>
 *   <li>{@code <URL>}: {@code scheme://...} up to whitespace or a quote</li>
 *   <li>{@code <EMAIL>}: {@code local@domain.tld}</li>
 *   <li>{@code <PATH>}: file-system paths of two or more segments ({@code /var/log/app.log},
 *       {@code C:\data\x}); a path right after an HTTP method ({@code GET /api/v1/users/42}) is a route
 *       and is kept, only its numbers get masked</li>
 *   <li>{@code <UUID>}: 8-4-4-4-12 hex digits</li>
 *   <li>{@code <TS>}: ISO-8601 date-times and dates ({@code 2024-05-01T12:00:00.123Z},
 *       {@code 2024-05-01 12:00:00,5}, {@code 2024-05-01}), syslog stamps ({@code May  1 12:00:00}) and
 *       clock times ({@code 12:00:00.250})</li>
 *   <li>{@code <IP>}: IPv6 (full form or with {@code ::}) and IPv4 addresses (a port stays: {@code <IP>:<NUM>})</li>
 *   <li>{@code <HEX>}: {@code 0x}-prefixed hex, and runs of 8 or more hex digits holding both a digit
 *       and a letter (commit ids, trace ids)</li>
 *   <li>{@code <TS>}: epoch seconds or milliseconds (10 or 13 digits starting with 1)</li>
 *   <li>{@code <NUM>}: other numbers not glued to a preceding letter or digit, including decimals and
 *       dotted versions ({@code 42}, {@code 3.14}, {@code 1.2.3}, the 250 of {@code 250ms}); {@code v1}
 *       or {@code user42} stay as they are</li>
 * </ol>
 * Masking is a pure function of the line (deterministic, no state) and idempotent: masking a template
 * gives the template back. Leading and trailing whitespace is trimmed.
 */
public final class LineMasker implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Placeholder for a timestamp. */
    public static final String TS = "<TS>";
    /** Placeholder for an IPv4 or IPv6 address. */
    public static final String IP = "<IP>";
    /** Placeholder for a UUID. */
    public static final String UUID = "<UUID>";
    /** Placeholder for a hex id. */
    public static final String HEX = "<HEX>";
    /** Placeholder for a file-system path. */
    public static final String PATH = "<PATH>";
    /** Placeholder for a URL. */
    public static final String URL = "<URL>";
    /** Placeholder for an e-mail address. */
    public static final String EMAIL = "<EMAIL>";
    /** Placeholder for a number. */
    public static final String NUM = "<NUM>";

    private static final String H = "[0-9a-fA-F]";
    private static final String MONTHS = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";

    private static final List<Rule> RULES = List.of(
            new Rule("\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s\"'<>]+", URL),
            new Rule("\\b[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+\\b", EMAIL),
            new Rule("(?<!(?:GET|PUT|POST|HEAD|PATCH|DELETE|OPTIONS) )(?<![\\w./~:-])(?:~|[A-Za-z]:)?[/\\\\](?:[\\w.@%+-]+[/\\\\])+[\\w.@%+-]*", PATH),
            new Rule("\\b" + H + "{8}-" + H + "{4}-" + H + "{4}-" + H + "{4}-" + H + "{12}\\b", UUID),
            new Rule("\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?\\b", TS),
            new Rule("\\b" + MONTHS + "\\s+\\d{1,2}\\s+\\d{2}:\\d{2}:\\d{2}\\b", TS),
            new Rule("(?<![\\w:])\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?\\b", TS),
            new Rule("(?<![\\w:.])(?:(?:" + H + "{1,4}:){7}" + H + "{1,4}"
                    + "|(?=[0-9a-fA-F:]*" + H + ")(?:" + H + "{1,4}:){0,6}" + H + "{0,4}::(?:" + H + "{1,4}:){0,6}" + H + "{0,4})"
                    + "(?![\\w:])", IP),
            new Rule("(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?![\\w.])", IP),
            new Rule("\\b0[xX]" + H + "+\\b", HEX),
            new Rule("\\b(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])" + H + "{8,}\\b", HEX),
            new Rule("(?<![\\w.])1\\d{9}(?:\\d{3})?(?:\\.\\d+)?(?![\\w.])", TS),
            new Rule("(?<![\\w.<])\\d+(?:\\.\\d+)*", NUM));

    /** The masked form (template) of {@code line}; null is rejected with an exception. */
    public String mask(String line) {
        if (line == null) {
            throw new IllegalArgumentException("cannot mask a null line");
        }
        String s = line.strip();
        for (Rule r : RULES) {
            s = r.apply(s);
        }
        return s;
    }

    private static final class Rule implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Pattern pattern;
        private final String replacement;

        Rule(String regex, String placeholder) {
            this.pattern = Pattern.compile(regex);
            this.replacement = Matcher.quoteReplacement(placeholder);
        }

        String apply(String s) {
            return pattern.matcher(s).replaceAll(replacement);
        }
    }
}
