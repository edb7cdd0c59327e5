package dev.keymem.jobs.text;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.annotation.Internal;

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
 *       and is kept, only its numbers get masked; nor does a path start right after a placeholder
 *       ({@code /v2/<HEX>/servers/detail} stays, so that masking a template gives it back)</li>
 *   <li>{@code <UUID>}: 8-4-4-4-12 hex digits</li>
 *   <li>{@code <TS>}: ISO-8601 date-times and dates ({@code 2024-05-01T12:00:00.123Z},
 *       {@code 2024-05-01 12:00:00,5}, {@code 2024-05-01}), syslog stamps ({@code May  1 12:00:00}) and
 *       clock times ({@code 12:00:00.250})</li>
 *   <li>{@code <HEX>}: MAC addresses, six groups of two hex digits joined by one separator, all colons or all
 *       hyphens ({@code d8:6c:55:fd:17:5c}, {@code 00-1A-2B-3C-4D-5E}), not after or before a {@code \w},
 *       colon or hyphen (nor after a dot): one placeholder for the whole address, where the later rules
 *       would leave pieces ({@code d8:<NUM>:fd:...}); before the clock rule, which would take
 *       {@code 12:34:56} of {@code 12:34:56:78:9a:bc}. A MAC is a 48-bit hardware id written in hex, so it
 *       shares the hex ids' placeholder ({@code <IP>} names network-layer addresses only)</li>
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
    /** The characters besides {@code \\w} each negative lookbehind {@code (?<![\\w...])} excludes ({@link RegexScan#before}). */
    private static final boolean[] BEFORE_DOT = RegexScan.chars(".");
    private static final boolean[] BEFORE_PATH = RegexScan.chars("./~:-");
    private static final boolean[] BEFORE_DOT_LT = RegexScan.chars(".<");
    private static final boolean[] BEFORE_COLON = RegexScan.chars(":");
    private static final boolean[] BEFORE_COLON_DOT = RegexScan.chars(":.");
    private static final boolean[] BEFORE_MAC = RegexScan.chars(":.-");
    /**
     * The characters before a position where a rule's {@code Start} test is false whatever follows
     * ({@link RegexScan#notAfter}): its lookbehind's, or {@code \w} for a match that starts with a word
     * character after {@code \b}. The scans skip such positions without asking the test.
     */
    private static final boolean[] AFTER_WORD = RegexScan.notAfter("");
    private static final boolean[] AFTER_PATH = RegexScan.notAfter("./~:-");
    private static final boolean[] AFTER_DOT = RegexScan.notAfter(".");
    private static final boolean[] AFTER_DOT_LT = RegexScan.notAfter(".<");
    private static final boolean[] AFTER_COLON = RegexScan.notAfter(":");
    private static final boolean[] AFTER_COLON_DOT = RegexScan.notAfter(":.");
    private static final boolean[] AFTER_MAC = RegexScan.notAfter(":.-");

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
    /**
     * A word character for Java 17's {@code \\b}: a letter or digit of any script ({@link Character#isLetterOrDigit},
     * by code point) or {@code _}. JDK 19 made {@code \\b} ASCII-only (JDK-8264160: a non-ASCII letter is no word
     * character without {@link Pattern#UNICODE_CHARACTER_CLASS}), so the rules spell this part of the boundary out and
     * mask alike on Java 17 and on a newer JVM: {@code ß0x1f} is {@code ß<NUM>x1f} on both (no boundary between
     * {@code ß} and {@code 0}), where a bare {@code \\b} gives {@code ß<HEX>} on Java 25. The rest of {@code \\b} is
     * the same on both and stays the engine's: a non-spacing mark after a BMP letter or digit is a word character
     * ({@code é}, U+0301, {@code 0x1f}: no boundary before {@code 0}), after a letter past U+FFFF it is not (the
     * engine reads the pair's low surrogate alone as the mark's base, a JDK quirk kept on both: U+1D400, U+0301,
     * {@code 0x1f} masks the hex).
     * Unicode's tables themselves still follow the JVM (a letter that a newer Unicode adds is a letter there only;
     * script properties too, which {@code LineTokens}' identifier mask reads). The {@code _} is also the engine's
     * ({@code \\w}) on both JVMs, so dropping it changes no answer; it is kept so the class reads as Java 17's
     * {@code isWord}.
     */
    static final String WORD_17 = "[\\p{javaLetterOrDigit}_]";
    /**
     * Java 17's {@code \\b} where an ASCII word character follows: {@code \\b}, and no letter, digit or {@code _}
     * before (two chars: a letter past U+FFFF is a surrogate pair, which a one-char lookbehind reads half of). Public
     * for the miner's own rules ({@code LineTokens}' day names).
     */
    public static final String BOUNDARY_BEFORE_WORD = "\\b(?<!" + WORD_17 + "{1,2})";
    /**
     * Java 17's {@code \\b} where an ASCII word character precedes: {@code \\b}, and no letter, digit or {@code _}
     * next. Public for the miner's own rules ({@code MessageValues}, {@code AlertLines}).
     */
    public static final String BOUNDARY_AFTER_WORD = "\\b(?!" + WORD_17 + ")";
    /**
     * Java 17's {@code \\b} before one of {@code [\\w.+-]} (the e-mail rule's first char): before a word char as
     * {@link #BOUNDARY_BEFORE_WORD}; before {@code . + -} a letter, digit or {@code _} before, or the engine's
     * {@code \\b} (a mark after a letter).
     */
    static final String BOUNDARY_BEFORE_EMAIL = "(?:(?=\\w)" + BOUNDARY_BEFORE_WORD + "|(?=[.+-])(?:(?<="
            + WORD_17 + "{1,2})|\\b))";
    /**
     * Java 17's {@code \\b} after one of {@code [\\w-]} (the e-mail rule's last char): after a word char as
     * {@link #BOUNDARY_AFTER_WORD}; after {@code -} a letter, digit or {@code _} next, or the engine's {@code \\b}.
     */
    static final String BOUNDARY_AFTER_EMAIL = "(?:(?<=\\w)" + BOUNDARY_AFTER_WORD + "|(?<=-)(?:(?="
            + WORD_17 + ")|\\b))";
    /** The path rule as specified (the class doc's rule 3). */
    static final String PATH_RULE = "(?<!(?:GET|PUT|POST|HEAD|PATCH|DELETE|OPTIONS) )(?<![\\w./~:-])(?<![A-Z*]>)"
            + "(?:~|[A-Za-z]:)?[/\\\\](?:[\\w.@%+-]+[/\\\\])+[\\w.@%+-]*";
    /** What a path match starts with, as a lookahead. */
    static final String PATH_START = "(?=(?:~|[A-Za-z]:)?[/\\\\])";
    private static final String MONTHS = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";

    /**
     * {@link #hexRunEnd}'s kind of an ASCII char: 1 a digit, 2 a hex letter ({@code [a-fA-F]}), 0 else (made before
     * the rules, whose checks at class initialization may call the ends).
     */
    private static final byte[] HEX_KIND = new byte[128];

    static {
        for (char c = 0; c < 128; c++) {
            HEX_KIND[c] = (byte) (RegexScan.digit(c) ? 1 : RegexScan.hex(c) ? 2 : 0);
        }
    }

    // Each rule carries a necessary condition for a match, checked on a one-pass census of the line
    // (see Census), so a rule whose trigger characters are absent skips its regex scan; the output is
    // that of applying every rule in order.
    private static final List<Rule> RULES = List.of(
            new Rule(BOUNDARY_BEFORE_WORD + "[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s\"'<>]+", URL, c -> c.schemeSeparator,
                    RegexScan.firstChars(RegexScan::letter), AFTER_WORD,
                    (s, i) -> RegexScan.letter(s[i]) && !RegexScan.wordBefore(s, i), LineMasker::urlEnd),
            new Rule(BOUNDARY_BEFORE_EMAIL + "[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+" + BOUNDARY_AFTER_EMAIL, EMAIL,
                    c -> c.emailAts > 0 && c.dots > 0,
                    RegexScan.firstChars(c -> RegexScan.word(c) || ".+-".indexOf(c) >= 0), null,
                    LineMasker::mayStartEmail),
            // The lookahead (what the match must start with) comes first: it fails fast where no path can
            // start, before the costly method-name lookbehind; zero-width checks at one position commute.
            new Rule(PATH_START + PATH_RULE, PATH, c -> c.slashes >= 2,
                    RegexScan.firstChars(c -> c == '/' || c == '\\' || c == '~' || RegexScan.letter(c)), AFTER_PATH,
                    LineMasker::mayStartPath, LineMasker::pathEnd),
            new Rule(BOUNDARY_BEFORE_WORD + H + "{8}-" + H + "{4}-" + H + "{4}-" + H + "{4}-" + H + "{12}"
                    + BOUNDARY_AFTER_WORD, UUID,
                    c -> c.hyphens >= 4 && c.maxHexRun >= 12,
                    RegexScan.firstChars(RegexScan::hex), AFTER_WORD,
                    (s, i) -> RegexScan.hex(s[i]) && !RegexScan.wordBefore(s, i), LineMasker::uuidEnd),
            new Rule(BOUNDARY_BEFORE_WORD
                    + "\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?"
                    + BOUNDARY_AFTER_WORD, TS,
                    c -> c.hyphens >= 2 && c.maxDigitRun >= 4, RegexScan.firstChars(RegexScan::digit), AFTER_WORD,
                    LineMasker::mayStartDate, LineMasker::dateEnd),
            new Rule(BOUNDARY_BEFORE_WORD + MONTHS + "\\s+\\d{1,2}\\s+\\d{2}:\\d{2}:\\d{2}" + BOUNDARY_AFTER_WORD, TS,
                    c -> c.clockColons > 0,
                    RegexScan.firstChars(c -> "JFMASOND".indexOf(c) >= 0), AFTER_WORD,
                    (s, i) -> "JFMASOND".indexOf(s[i]) >= 0 && !RegexScan.wordBefore(s, i), LineMasker::syslogStampEnd),
            new Rule("(?<![\\w:.-])(?:(?:" + H + "{2}:){5}" + H + "{2}|(?:" + H + "{2}-){5}" + H + "{2})(?![\\w:-])", HEX,
                    c -> (c.colons >= 5 || c.hyphens >= 5) && c.maxHexRun >= 2,
                    RegexScan.firstChars(RegexScan::hex), AFTER_MAC,
                    (s, i) -> RegexScan.hex(s[i]) && !RegexScan.before(s, i, BEFORE_MAC), LineMasker::macEnd),
            new Rule("(?<![\\w:])\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?" + BOUNDARY_AFTER_WORD, TS, c -> c.clockColons > 0,
                    RegexScan.firstChars(RegexScan::digit), AFTER_COLON,
                    (s, i) -> RegexScan.digit(s[i]) && !RegexScan.before(s, i, BEFORE_COLON), LineMasker::clockEnd),
            new Rule("(?<![\\w:.])(?:(?:" + H + "{1,4}:){7}" + H + "{1,4}"
                    + "|(?=[0-9a-fA-F:]*" + H + ")(?:" + H + "{1,4}:){0,6}" + H + "{0,4}::(?:" + H + "{1,4}:){0,6}" + H + "{0,4})"
                    + "(?![\\w:])", IP, c -> c.doubleColon || c.colons >= 7,
                    RegexScan.firstChars(c -> RegexScan.hex(c) || c == ':'), AFTER_COLON_DOT,
                    LineMasker::mayStartIpv6, LineMasker::ipv6End),
            new Rule("(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?![\\w.])", IP,
                    c -> c.dots >= 3 && c.maxDigitRun >= 1, RegexScan.firstChars(RegexScan::digit), AFTER_DOT,
                    LineMasker::mayStartIpv4, LineMasker::ipv4End),
            new Rule(BOUNDARY_BEFORE_WORD + "0[xX]" + H + "+" + BOUNDARY_AFTER_WORD, HEX, c -> c.hexPrefix,
                    RegexScan.firstChars(c -> c == '0'), AFTER_WORD,
                    (s, i) -> s[i] == '0' && !RegexScan.wordBefore(s, i), LineMasker::hexPrefixedEnd),
            new Rule(BOUNDARY_BEFORE_WORD + "(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])" + H + "{8,}"
                    + BOUNDARY_AFTER_WORD, HEX, c -> c.maxHexRun >= 8,
                    RegexScan.firstChars(RegexScan::hex), AFTER_WORD,
                    (s, i) -> RegexScan.hex(s[i]) && !RegexScan.wordBefore(s, i), LineMasker::hexRunEnd),
            new Rule("(?<![\\w.])1\\d{9}(?:\\d{3})?(?:\\.\\d+)?(?![\\w.])", TS, c -> c.maxDigitRun >= 10,
                    RegexScan.firstChars(c -> c == '1'), AFTER_DOT,
                    (s, i) -> s[i] == '1' && !RegexScan.before(s, i, BEFORE_DOT), LineMasker::epochEnd),
            new Rule("(?<![\\w.<])\\d+(?:\\.\\d+)*", NUM, c -> c.maxDigitRun >= 1,
                    RegexScan.firstChars(RegexScan::digit), AFTER_DOT_LT,
                    (s, i) -> RegexScan.digit(s[i]) && !RegexScan.before(s, i, BEFORE_DOT_LT), LineMasker::numberEnd));

    /** {@link #RULES} as an array (the masker's loop reads it without an iterator). */
    private static final Rule[] RULE_ARRAY = RULES.toArray(new Rule[0]);

    /**
     * Rule {@code k}'s pre-check ({@link Rule#mayMatch}, the reference: tests compare them) as a switch, a direct
     * call where the rule's {@link Precheck} is an interface call per rule and line.
     */
    static boolean mayMatch(int k, Census c) {
        return switch (k) {
            case 0 -> c.schemeSeparator;
            case 1 -> c.emailAts > 0 && c.dots > 0;
            case 2 -> c.slashes >= 2;
            case 3 -> c.hyphens >= 4 && c.maxHexRun >= 12;
            case 4 -> c.hyphens >= 2 && c.maxDigitRun >= 4;
            case 5, 7 -> c.clockColons > 0;
            case 6 -> (c.colons >= 5 || c.hyphens >= 5) && c.maxHexRun >= 2;
            case 8 -> c.doubleColon || c.colons >= 7;
            case 9 -> c.dots >= 3 && c.maxDigitRun >= 1;
            case 10 -> c.hexPrefix;
            case 11 -> c.maxHexRun >= 8;
            case 12 -> c.maxDigitRun >= 10;
            case 13 -> c.maxDigitRun >= 1;
            default -> throw new IllegalArgumentException("no rule " + k);
        };
    }

    /**
     * The rules (bit k: rule k) whose {@code Start} test is exactly their tables: an ASCII character that
     * {@code first} holds, at the start or after a character that {@code notAfter} does not hold (a letter, hex
     * digit, digit, ... at a word's start). Their walks over the line's positions ask the tables alone, not the
     * test through its interface ({@link RegexScan#replaceAllCharsByTables}); tests check each such test
     * against its tables at the start and after every pair of chars 0-299 and 26 probes beyond (surrogates,
     * CJK, ...): enough, as every flagged test reads only the char and the one before it, and only their ASCII
     * class ({@link #startIsTables}).
     */
    static final int START_BY_TABLES = 1 << 0 | 1 << 3 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 10 | 1 << 11 | 1 << 12
            | 1 << 13;

    static {
        for (int k = 0; k < RULE_ARRAY.length; k++) {
            if ((START_BY_TABLES >>> k & 1) != 0) {
                if (!RULE_ARRAY[k].walksStarts) {
                    throw new IllegalStateException("rule " + k + " does not walk the line's positions");
                }
                RULE_ARRAY[k].walkStart = null;
            }
        }
    }

    /**
     * For tests: whether rule {@code k}'s {@code Start} test at index {@code i} of {@code s} is what its tables
     * say there (an ASCII character that {@code first} holds, not after one that {@code notAfter} holds).
     */
    static boolean startIsTables(int k, char[] s, int i) {
        Rule r = RULES.get(k);
        char c = s[i];
        boolean tables = c < 128 && r.first[c] && !RegexScan.skippedAfter(s, i, r.notAfter);
        return r.start.mayStart(s, i) == tables;
    }

    /** The last rule whose pre-check ({@link #mayMatch}) reads a count that {@link Census#removed} lowers. */
    private static final int LAST_COUNTED = 9;

    /**
     * For tests: the census {@link #maskChars(String, char[], String[], RegexScan.Starts)} read while masking
     * {@code line}, given positions with their census ({@link RegexScan.Starts#ofWithCensus}), as it left it (its
     * counts lowered by the rules' changes).
     */
    Census censusAfterMask(String line) {
        char[] cs = line.toCharArray();
        RegexScan.Starts starts = RegexScan.Starts.ofWithCensus(cs, RegexScan.Starts.OPEN);
        Census c = starts.peekCensus();
        maskChars(line, cs, new String[1], starts);
        return c;
    }

    /** For tests: told, before each rule's pre-check, the line that rule scans and the census it reads. */
    interface RuleWatch {
        void beforeRule(int rule, char[] line, Census census);
    }

    /** For tests: the watch of this masker's rules; null (none) unless a test sets it. */
    transient RuleWatch watch;

    /** Rule {@code k}'s pre-check as the rule holds it (the reference of {@link #mayMatch}; for tests). */
    static boolean mayMatchReference(int k, Census c) {
        return RULES.get(k).mayMatch.test(c);
    }

    /** The end of {@code \\d+(?:\\.\\d+)*} at a digit (greedy; nothing follows it in the NUM rule). */
    private static int numberEnd(char[] s, int i) {
        int n = s.length;
        int k = i;
        while (k < n && RegexScan.digit(s[k])) {
            k++;
        }
        while (k + 1 < n && s[k] == '.' && RegexScan.digit(s[k + 1])) {
            k += 2;
            while (k < n && RegexScan.digit(s[k])) {
                k++;
            }
        }
        return k;
    }

    // The rules below written as scans ({@link RegexScan.End}): the end of the rule's match at a start its
    // Start test allowed, -1 for none, RegexScan.UNDECIDED where a word boundary touches a non-ASCII character
    // (the regex decides there). Each regex's match is unique at a start: its parts are fixed-length or
    // runs of one character class that the next part cannot continue, so there is nothing to backtrack to.

    private static final String[] MONTH_NAMES = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
        "Oct", "Nov", "Dec"};

    private static final char[][] MONTH_CHARS = new char[MONTH_NAMES.length][];

    static {
        for (int k = 0; k < MONTH_NAMES.length; k++) {
            MONTH_CHARS[k] = MONTH_NAMES[k].toCharArray();
        }
    }

    /** Whether {@code c} is in {@code \\s} ({@code [ \\t\\n\\x0B\\f\\r]}). */
    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** The end of the run of {@code \\s} from {@code i}. */
    private static int spacesEnd(char[] s, int i) {
        int n = s.length;
        while (i < n && space(s[i])) {
            i++;
        }
        return i;
    }

    /** Whether {@code s} holds {@code count} ASCII hex digits from {@code i} on. */
    private static boolean hexes(char[] s, int i, int count) {
        if (i + count > s.length) {
            return false;
        }
        for (int k = i; k < i + count; k++) {
            if (!RegexScan.hex(s[k])) {
                return false;
            }
        }
        return true;
    }

    /** {@code \\b} at {@code e} after a word character, as an End's answer for a match ending there. */
    private static int endAtBoundary(char[] s, int e) {
        int b = RegexScan.boundaryAfterWord(s, e);
        return b == 1 ? e : b == 0 ? -1 : RegexScan.UNDECIDED;
    }

    /** The UUID rule's groups of hex digits. */
    private static final int[] UUID_GROUPS = {8, 4, 4, 4, 12};

    /**
     * UUID: {@code \\b H{8}-H{4}-H{4}-H{4}-H{12} \\b}. The length and the four hyphens are looked at before the
     * hex digits: most words a walk meets that start with a hex digit (a hex id, a word such as {@code cache}) fail
     * there at one or two reads, where reading the first group's digits took a call and up to eight lookups.
     * The same answer as {@link #uuidEndReference} (every test is a necessary condition, read in another order).
     */
    static int uuidEnd(char[] s, int i) {
        int b = RegexScan.boundaryBeforeWord(s, i);
        if (b != 1) {
            return b == 0 ? -1 : RegexScan.UNDECIDED;
        }
        if (i + 36 > s.length || s[i + 8] != '-' || s[i + 13] != '-' || s[i + 18] != '-' || s[i + 23] != '-') {
            return -1;
        }
        return uuidEndReference(s, i);
    }

    /** {@link #uuidEnd} reading the groups in order (the reference; for tests). */
    static int uuidEndReference(char[] s, int i) {
        int b = RegexScan.boundaryBeforeWord(s, i);
        if (b != 1) {
            return b == 0 ? -1 : RegexScan.UNDECIDED;
        }
        int k = i;
        int[] groups = UUID_GROUPS;
        for (int g = 0; g < groups.length; g++) {
            if (!hexes(s, k, groups[g])) {
                return -1;
            }
            k += groups[g];
            if (g < groups.length - 1) {
                if (k >= s.length || s[k] != '-') {
                    return -1;
                }
                k++;
            }
        }
        return endAtBoundary(s, k);
    }

    /**
     * MAC address (after its lookbehind): two hex digits, a colon or hyphen, then four more groups of that same
     * separator and two hex digits, the last one followed by no {@code [\\w:-]} (ASCII {@code \\w}: no boundary to
     * decide, so never {@link RegexScan#UNDECIDED}).
     */
    static int macEnd(char[] s, int i) {
        // the separators first: most hex-initial words a MAC walk meets (hex ids, words, numbers) have none at
        // i + 2, and fail in one read without a call to hexes (macEndReference reads the hex digits first)
        int n = s.length;
        int e = i + 17;
        if (e > n) {
            return -1;
        }
        char sep = s[i + 2];
        if (sep != ':' && sep != '-') {
            return -1;
        }
        for (int k = i + 5; k < e; k += 3) {
            if (s[k] != sep) {
                return -1;
            }
        }
        for (int k = i; k < e; k += 3) {
            if (!hexes(s, k, 2)) {
                return -1;
            }
        }
        if (e < n && (RegexScan.word(s[e]) || s[e] == ':' || s[e] == '-')) {
            return -1;
        }
        return e;
    }

    /** {@link #macEnd} reading each group's hex digits before the next separator (the reference; for tests). */
    static int macEndReference(char[] s, int i) {
        int n = s.length;
        int e = i + 17;
        if (e > n || !hexes(s, i, 2)) {
            return -1;
        }
        char sep = s[i + 2];
        if (sep != ':' && sep != '-') {
            return -1;
        }
        for (int k = i + 2; k < e; k += 3) {
            if (s[k] != sep || !hexes(s, k + 1, 2)) {
                return -1;
            }
        }
        if (e < n && (RegexScan.word(s[e]) || s[e] == ':' || s[e] == '-')) {
            return -1;
        }
        return e;
    }

    /** Syslog stamp: {@code \\b MONTH \\s+ \\d{1,2} \\s+ \\d{2}:\\d{2}:\\d{2} \\b}. */
    static int syslogStampEnd(char[] s, int i) {
        boolean month = false;
        for (char[] m : MONTH_CHARS) {
            if (RegexScan.startsWith(s, m, i)) {
                month = true;
                break;
            }
        }
        if (!month) {
            return -1;
        }
        int b = RegexScan.boundaryBeforeWord(s, i);
        if (b != 1) {
            return b == 0 ? -1 : RegexScan.UNDECIDED;
        }
        int k = spacesEnd(s, i + 3);
        if (k == i + 3) {
            return -1;
        }
        int d = RegexScan.digitsEnd(s, k);
        if (d == k || d - k > 2) {
            return -1; // \\d{1,2} must be followed by \\s: no digit at all, or a third one where \\s must be
        }
        k = spacesEnd(s, d);
        if (k == d || !clockAt(s, k)) {
            return -1;
        }
        return endAtBoundary(s, k + 8);
    }

    /** Whether {@code \\d{2}:\\d{2}:\\d{2}} starts at {@code k}. */
    private static boolean clockAt(char[] s, int k) {
        return RegexScan.digits(s, k, 2) && k + 2 < s.length && s[k + 2] == ':' && RegexScan.digits(s, k + 3, 2)
                && k + 5 < s.length && s[k + 5] == ':' && RegexScan.digits(s, k + 6, 2);
    }

    /** Clock time (after its lookbehind): {@code \\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)? \\b}. */
    static int clockEnd(char[] s, int i) {
        int n = s.length;
        int d = RegexScan.digitsEnd(s, i);
        if (d == i || d - i > 2 || d >= n || s[d] != ':') {
            return -1;
        }
        int p = d + 1;
        if (!(RegexScan.digits(s, p, 2) && p + 2 < n && s[p + 2] == ':' && RegexScan.digits(s, p + 3, 2))) {
            return -1;
        }
        int q = p + 5;
        if (q + 1 < n && (s[q] == '.' || s[q] == ',') && RegexScan.digit(s[q + 1])) {
            int f = RegexScan.digitsEnd(s, q + 1);
            int b = RegexScan.boundaryAfterWord(s, f);
            if (b != 0) {
                return b == 1 ? f : RegexScan.UNDECIDED;
            }
            return q; // without the fraction: the dot or comma after the seconds is a boundary
        }
        return endAtBoundary(s, q);
    }

    /**
     * Hex run: {@code \\b} 8 or more hex digits holding a digit and a letter {@code \\b}. The run is read one table
     * load a char ({@link #HEX_KIND}), its kinds or-ed (3: both seen), where {@link #hexRunEndReference} asks
     * {@code hex} and then {@code digit} of each char: on an ids line ~11 runs a line reach it, most of them digit
     * runs that the number rule takes later (session 28, mask33).
     */
    static int hexRunEnd(char[] s, int i) {
        int b = RegexScan.boundaryBeforeWord(s, i);
        if (b != 1) {
            return b == 0 ? -1 : RegexScan.UNDECIDED;
        }
        byte[] kinds = HEX_KIND;
        int n = s.length;
        int k = i;
        int seen = 0;
        while (k < n) {
            char c = s[k];
            int kind;
            if (c >= 128 || (kind = kinds[c]) == 0) {
                break;
            }
            seen |= kind;
            k++;
        }
        if (k - i < 8 || seen != 3) {
            return -1;
        }
        return endAtBoundary(s, k);
    }

    /** {@link #hexRunEnd} asking {@code hex} and {@code digit} of each char (the reference; for tests). */
    static int hexRunEndReference(char[] s, int i) {
        int b = RegexScan.boundaryBeforeWord(s, i);
        if (b != 1) {
            return b == 0 ? -1 : RegexScan.UNDECIDED;
        }
        int n = s.length;
        int k = i;
        boolean digit = false;
        boolean letter = false;
        while (k < n && RegexScan.hex(s[k])) {
            if (RegexScan.digit(s[k])) {
                digit = true;
            } else {
                letter = true;
            }
            k++;
        }
        if (k - i < 8 || !digit || !letter) {
            return -1;
        }
        return endAtBoundary(s, k);
    }

    /**
     * Epoch seconds or milliseconds: {@code 1\\d{9}(?:\\d{3})?(?:\\.\\d+)?} with no {@code [\\w.]} after it (the
     * {@code [\\w.]} before it is the Start test's). Its match at a start is unique: the three digits and the
     * fraction are taken where they are there, since without them a digit or a dot follows, which the lookahead
     * rejects. {@code \\w} is ASCII here (no UNICODE_CHARACTER_CLASS), so no boundary is left undecided. The
     * regex ran at every start before (session 25, mask30): an ids line's 13-digit id that starts with 1 made a
     * String and a Matcher for the line.
     */
    static int epochEnd(char[] s, int i) {
        if (s[i] != '1' || !RegexScan.digits(s, i + 1, 9)) {
            return -1;
        }
        int n = s.length;
        int e = i + 10;
        if (RegexScan.digits(s, e, 3)) {
            e += 3;
        }
        if (e + 1 < n && s[e] == '.' && RegexScan.digit(s[e + 1])) {
            e = RegexScan.digitsEnd(s, e + 1);
        }
        if (e < n && (RegexScan.word(s[e]) || s[e] == '.')) {
            return -1;
        }
        return e;
    }

    /**
     * URL: {@code \\b}, a letter, the rest of the scheme ({@code [a-zA-Z0-9+.-]*}, which cannot hold the colon
     * after it), {@code ://} and the run of characters other than {@code [\\s"'<>]} (at least one).
     */
    static int urlEnd(char[] s, int i) {
        int b = RegexScan.boundaryBeforeWord(s, i);
        if (b != 1) {
            return b == 0 ? -1 : RegexScan.UNDECIDED;
        }
        int n = s.length;
        int k = i + 1;
        while (k < n && (RegexScan.letter(s[k]) || RegexScan.digit(s[k]) || s[k] == '+' || s[k] == '.' || s[k] == '-')) {
            k++;
        }
        if (!(k + 2 < n && s[k] == ':' && s[k + 1] == '/' && s[k + 2] == '/')) {
            return -1;
        }
        int e = k + 3;
        while (e < n && !(space(s[e]) || s[e] == '"' || s[e] == '\'' || s[e] == '<' || s[e] == '>')) {
            e++;
        }
        return e > k + 3 ? e : -1;
    }

    private static final char[][] METHODS = {"GET".toCharArray(), "PUT".toCharArray(), "POST".toCharArray(),
        "HEAD".toCharArray(), "PATCH".toCharArray(), "DELETE".toCharArray(), "OPTIONS".toCharArray()};

    /** Whether {@code s} holds one of the path rule's HTTP methods and then a space right before {@code i}. */
    private static boolean methodBefore(char[] s, int i) {
        if (i < 4 || s[i - 1] != ' ') {
            return false;
        }
        for (char[] m : METHODS) {
            if (RegexScan.startsWith(s, m, i - 1 - m.length)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code c} is in the path rule's {@code [\\w.@%+-]}. */
    private static boolean pathChar(char c) {
        return RegexScan.word(c) || c == '.' || c == '@' || c == '%' || c == '+' || c == '-';
    }

    private static int pathRunEnd(char[] s, int i) {
        int n = s.length;
        while (i < n && pathChar(s[i])) {
            i++;
        }
        return i;
    }

    /**
     * Path, at a start {@link #mayStartPath} allowed: not after an HTTP method and a space, the optional
     * {@code ~} or drive ({@code [A-Za-z]:}), a slash or backslash, one or more groups of a run of
     * {@code [\\w.@%+-]} and a slash (each run whole: a shorter one leaves one of its characters where the slash
     * must be), and the run after the last slash.
     */
    static int pathEnd(char[] s, int i) {
        if (methodBefore(s, i)) {
            return -1;
        }
        int n = s.length;
        int k = i;
        if (s[k] == '~') {
            k++;
        } else if (RegexScan.letter(s[k]) && k + 1 < n && s[k + 1] == ':') {
            k += 2;
        }
        if (k >= n || (s[k] != '/' && s[k] != '\\')) {
            return -1;
        }
        k++;
        int groups = 0;
        while (true) {
            int r = pathRunEnd(s, k);
            if (r > k && r < n && (s[r] == '/' || s[r] == '\\')) {
                k = r + 1;
                groups++;
            } else {
                break;
            }
        }
        return groups == 0 ? -1 : pathRunEnd(s, k);
    }

    /**
     * Date, at a start {@link #mayStartDate} allowed: the ends the regex tries in its order (the time with seconds
     * and fraction, with seconds, without; each with the zone and without; then the date alone), the first
     * that a {@code \\b} follows. A shorter fraction would leave a digit next, where neither a zone nor a
     * {@code \\b} can follow.
     */
    static int dateEnd(char[] s, int i) {
        int b = RegexScan.boundaryBeforeWord(s, i);
        if (b != 1) {
            return b == 0 ? -1 : RegexScan.UNDECIDED;
        }
        int n = s.length;
        int d = i + 10;
        if (d + 5 < n && (s[d] == 'T' || s[d] == ' ') && RegexScan.digits(s, d + 1, 2) && s[d + 3] == ':'
                && RegexScan.digits(s, d + 4, 2)) {
            int hm = d + 6;
            int[] times = new int[3];
            int t = 0;
            if (hm + 2 < n && s[hm] == ':' && RegexScan.digits(s, hm + 1, 2)) {
                int sec = hm + 3;
                if (sec + 1 < n && (s[sec] == '.' || s[sec] == ',') && RegexScan.digit(s[sec + 1])) {
                    times[t++] = RegexScan.digitsEnd(s, sec + 1);
                }
                times[t++] = sec;
            }
            times[t++] = hm;
            for (int k = 0; k < t; k++) {
                int p = times[k];
                int z = zoneEnd(s, p);
                if (z >= 0) {
                    int e = endAtBoundary(s, z);
                    if (e != -1) {
                        return e;
                    }
                }
                int e = endAtBoundary(s, p);
                if (e != -1) {
                    return e;
                }
            }
        }
        return endAtBoundary(s, d);
    }

    /** The end of {@code Z|[+-]\\d{2}:?\\d{2}} at {@code p}, or -1. */
    private static int zoneEnd(char[] s, int p) {
        int n = s.length;
        if (p >= n) {
            return -1;
        }
        if (s[p] == 'Z') {
            return p + 1;
        }
        if ((s[p] == '+' || s[p] == '-') && RegexScan.digits(s, p + 1, 2)) {
            if (p + 3 < n && s[p + 3] == ':' && RegexScan.digits(s, p + 4, 2)) {
                return p + 6;
            }
            if (RegexScan.digits(s, p + 3, 2)) {
                return p + 5;
            }
        }
        return -1;
    }

    /**
     * IPv6 address, at a start {@link #mayStartIpv6} allowed: the whole run of hex digits and colons (see there),
     * when it is 8 groups of 1 to 4 hex digits between single colons, or holds a hex digit and splits at some
     * {@code ::} into two parts of {@code (H{1,4}:){0,6}H{0,4}}.
     */
    static int ipv6End(char[] s, int i) {
        int n = s.length;
        int k = i;
        boolean hexDigit = false;
        while (k < n && (RegexScan.hex(s[k]) || s[k] == ':')) {
            hexDigit |= s[k] != ':';
            k++;
        }
        if (k < n && RegexScan.word(s[k])) {
            return -1;
        }
        if (groups(s, i, k, 8, 7)) {
            return k;
        }
        if (!hexDigit) {
            return -1;
        }
        for (int p = i; p + 1 < k; p++) {
            if (s[p] == ':' && s[p + 1] == ':' && groups(s, i, p, 0, 6) && groups(s, p + 2, k, 0, 6)) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Whether {@code s[from, to)} (hex digits and colons) is {@code (H{1,4}:){0,max}H{0,4}} ({@code exact} 0), or
     * exactly {@code exact} groups of 1 to 4 hex digits between single colons ({@code H{1,4}(:H{1,4}){exact-1}}).
     */
    private static boolean groups(char[] s, int from, int to, int exact, int max) {
        int most = exact > 0 ? exact - 1 : max;
        int colons = 0;
        int run = 0;
        for (int k = from; k < to; k++) { // at most 5 * (most + 1) characters read: a call per "::" stays short
            if (s[k] == ':') {
                if (run == 0 || ++colons > most) {
                    return false; // an empty group before a colon, or too many groups
                }
                run = 0;
            } else if (++run > 4) {
                return false;
            }
        }
        if (exact > 0) {
            return colons == exact - 1 && run > 0;
        }
        return colons <= max;
    }

    /** Hex with a prefix: {@code \\b 0[xX] H+ \\b} (a shorter run of hex digits would leave one next: no {@code \\b}). */
    static int hexPrefixedEnd(char[] s, int i) {
        int b = RegexScan.boundaryBeforeWord(s, i);
        if (b != 1) {
            return b == 0 ? -1 : RegexScan.UNDECIDED;
        }
        int n = s.length;
        if (!(i + 2 < n && (s[i + 1] == 'x' || s[i + 1] == 'X') && RegexScan.hex(s[i + 2]))) {
            return -1;
        }
        int k = i + 2;
        while (k < n && RegexScan.hex(s[k])) {
            k++;
        }
        return endAtBoundary(s, k);
    }

    /** Date: {@code \\b\\d{4}-\\d{2}-\\d{2}}, the part every match starts with, at a start {@code \\b} may allow. */
    private static boolean mayStartDate(char[] s, int i) {
        return RegexScan.digit(s[i]) && !RegexScan.wordBefore(s, i) && RegexScan.digits(s, i, 4)
                && i + 10 <= s.length && s[i + 4] == '-' && RegexScan.digits(s, i + 5, 2)
                && s[i + 7] == '-' && RegexScan.digits(s, i + 8, 2);
    }

    /**
     * IPv4 address after its lookbehind: its first octet (1 to 3 digits, whichever alternative matches it) is
     * followed by a dot, so the run of digits there is 1 to 3 long and a dot ends it.
     */
    private static boolean mayStartIpv4(char[] s, int i) {
        if (!RegexScan.digit(s[i]) || RegexScan.before(s, i, BEFORE_DOT)) {
            return false;
        }
        int d = RegexScan.digitsEnd(s, i);
        return d - i <= 3 && d < s.length && s[d] == '.';
    }

    /** Whether {@code c} is in the e-mail rule's {@code [\\w.+-]}. */
    private static boolean emailLocal(char c) {
        return RegexScan.word(c) || c == '.' || c == '+' || c == '-';
    }

    /**
     * E-mail address: {@code \\b} at {@code i} (where the character before is ASCII: a non-ASCII one leaves
     * {@code \\b} to the regex), then a run of {@code [\\w.+-]} that an {@code @} ends. The local part
     * {@code [\\w.+-]+} is followed by {@code @}, which it cannot hold: so the {@code @} of any match from
     * {@code i} is the first character after the run.
     */
    private static boolean mayStartEmail(char[] s, int i) {
        char c = s[i];
        if (!emailLocal(c)) {
            return false;
        }
        boolean word = RegexScan.word(c);
        if (i == 0) {
            if (!word) {
                return false; // \b before a non-word character at the start: never
            }
        } else if (s[i - 1] < 128 && RegexScan.word(s[i - 1]) == word) {
            return false; // no \b between two word or two non-word characters
        }
        int k = i + 1;
        while (k < s.length && emailLocal(s[k])) {
            k++;
        }
        return k < s.length && s[k] == '@';
    }

    /**
     * IPv6 address, after its lookbehind: a match holds only hex digits and colons and the lookahead
     * {@code (?![\\w:])} forbids another of them after it, so it is the whole run of {@code [0-9a-fA-F:]} from
     * {@code i}, which no {@code [\\w:]} follows, and holds {@code ::} or exactly 7 colons (the two alternatives).
     * Both alternatives start with at most 4 hex digits and a colon ({@code H{1,4}:} or {@code H{0,4}::}): a run
     * whose first 5 characters hold no colon (a hex id, a trace id) is rejected there, not read to its end.
     */
    private static boolean mayStartIpv6(char[] s, int i) {
        char c = s[i];
        if (!(RegexScan.hex(c) || c == ':') || RegexScan.before(s, i, BEFORE_COLON_DOT)) {
            return false;
        }
        if (c != ':' && !colonWithin(s, i + 1, i + 5)) {
            return false;
        }
        int colons = 0;
        boolean doubleColon = false;
        int k = i;
        while (k < s.length && (RegexScan.hex(s[k]) || s[k] == ':')) {
            if (s[k] == ':') {
                colons++;
                doubleColon |= k > i && s[k - 1] == ':';
            }
            k++;
        }
        if (k < s.length && RegexScan.word(s[k])) {
            return false;
        }
        return doubleColon || colons == 7;
    }

    /** Whether {@code s[from, to)} (cut at the end of {@code s}) holds a colon. */
    private static boolean colonWithin(char[] s, int from, int to) {
        for (int k = from, e = Math.min(to, s.length); k < e; k++) {
            if (s[k] == ':') {
                return true;
            }
        }
        return false;
    }

    /**
     * IPv4 address (after its lookbehind): {@code (?:OCTET\\.){3}OCTET(?![\\w.])}, OCTET
     * {@code 25[0-5]|2[0-4]\\d|1?\\d?\\d}. A dot or the lookahead follows each octet, so an octet is a whole run of
     * digits: 1 or 2 of them, or 3 that start with 1, with 2 and a second digit below 5, or with 25 and a third
     * digit up to 5.
     */
    static int ipv4End(char[] s, int i) {
        int k = i;
        for (int octet = 0; octet < 4; octet++) {
            int d = RegexScan.digitsEnd(s, k);
            if (!octet(s, k, d)) {
                return -1;
            }
            if (octet < 3) {
                if (d >= s.length || s[d] != '.') {
                    return -1;
                }
                k = d + 1;
            } else {
                k = d;
            }
        }
        if (k < s.length && (RegexScan.word(s[k]) || s[k] == '.')) {
            return -1;
        }
        return k;
    }

    /** Whether the digits {@code s[from, to)} are an IPv4 octet of the rule ({@link #ipv4End}). */
    private static boolean octet(char[] s, int from, int to) {
        int len = to - from;
        if (len == 1 || len == 2) {
            return true;
        }
        if (len != 3) {
            return false;
        }
        char a = s[from];
        char b = s[from + 1];
        char c = s[from + 2];
        return a == '1' || (a == '2' && (b < '5' || (b == '5' && c <= '5')));
    }

    /**
     * Where a path can start: its first character ({@link #PATH_START}) after one its lookbehinds allow (not a
     * placeholder's {@code >}: a capital letter or {@code *} and {@code >}).
     */
    private static boolean mayStartPath(char[] s, int i) {
        char ch = s[i];
        boolean first = ch == '/' || ch == '\\' || ch == '~'
                || (RegexScan.letter(ch) && i + 1 < s.length && s[i + 1] == ':');
        return first && !RegexScan.before(s, i, BEFORE_PATH)
                && !(i >= 2 && s[i - 1] == '>' && ((s[i - 2] >= 'A' && s[i - 2] <= 'Z') || s[i - 2] == '*'));
    }

    /**
     * Whether masking {@code s} again may change it, where {@code s} is a masked message of the log miner (its
     * {@code LineTokens} form, header cut or not): the pre-checks of the rules found to match again in such
     * messages ({@code LogSummarizerMaskTest}: the URL rule's {@code ://}, the e-mail rule's at sign between
     * address characters and a dot, the path rule's two slashes, the IPv6 rule's {@code ::} or a run of
     * {@code [0-9a-fA-F:]} with seven colons; a
     * header cut can take away the HTTP method before a route, the miner's identifier mask the word before a
     * {@code ::} or a URL). Where it is false, the test finds the message a fixed point ({@code mask(s)} is
     * {@code s.strip()}) on every loghub_2k line, format sample and generated line of every rule's shapes; that is
     * what it shows, not that no message can change: a step of {@code LineTokens} after the masker can still make a
     * new match (its day-name removal joins the text around a day name: {@code <aaaaaaaa-bbbb-cccc-dddd-Mon
     * Decaaaaaaaaa>} becomes a UUID), which none of those lines holds. One pass,
     * no allocation; {@link #mayChangeMaskedReference} is the same from the {@link Census}. Internal: for
     * {@link TextFrontEnd#encodeMasked}.
     */
    @Internal
    public static boolean mayChangeMasked(String s) {
        int n = s.length();
        int colons = 0; // in the current run of [0-9a-fA-F:]
        int slashes = 0;
        int dots = 0;
        boolean emailAt = false;
        char prev = 0;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch == ':') {
                if (prev == ':' || ++colons >= 7) {
                    return true;
                }
                prev = ch;
                continue;
            }
            if (!RegexScan.hex(ch)) {
                colons = 0;
            }
            if (ch == '/' || ch == '\\') {
                if (++slashes >= 2) {
                    return true;
                }
            } else if (ch == '.') {
                dots++;
            } else if (ch == '@') {
                emailAt |= emailLocal(prev) && i + 1 < n && (RegexScan.word(s.charAt(i + 1)) || s.charAt(i + 1) == '-');
            }
            prev = ch;
        }
        return emailAt && dots > 0;
    }

    /** Seven colons in one run of {@code [0-9a-fA-F:]}. */
    private static final Pattern SEVEN_COLONS = Pattern.compile("(?:[0-9a-fA-F]*:){7}");

    /**
     * {@link #mayChangeMasked} from the census (the URL, e-mail and path rules' pre-checks) and a regex for the IPv6
     * rule's: a match is a whole run of {@code [0-9a-fA-F:]} ({@link #mayStartIpv6}) that holds {@code ::} or seven
     * colons (the reference).
     */
    static boolean mayChangeMaskedReference(String s) {
        Census c = new Census(s.strip());
        return c.schemeSeparator || (c.emailAts > 0 && c.dots > 0) || c.slashes >= 2 || c.doubleColon
                || SEVEN_COLONS.matcher(s).find();
    }

    /** The masked form (template) of {@code line}; null is rejected with an exception. */
    public String mask(String line) {
        return mask(line, null);
    }

    /**
     * {@link #mask(String)}; when {@code charsOut} is not null, {@code charsOut[0]} receives the result's
     * characters (a new array, its {@code toCharArray()}, the caller's to keep).
     */
    public String mask(String line, char[][] charsOut) {
        if (line == null) {
            throw new IllegalArgumentException("cannot mask a null line");
        }
        String[] text = new String[1];
        char[] cs = maskChars(line, line.toCharArray(), text);
        if (charsOut != null) {
            charsOut[0] = cs;
        }
        return text[0] != null ? text[0] : new String(cs);
    }

    /**
     * The characters of {@link #mask(String)} of the text whose characters are {@code chars} (read only; the
     * result may be this very array where masking changed nothing). {@code text} is that text, or null where
     * the caller has no String of it: one is then made only where a rule's regex must run. {@code textOut[0]}
     * receives the result's String where one is at hand, else null (the caller makes it if it needs it).
     */
    public char[] maskChars(String text, char[] chars, String[] textOut) {
        return maskChars(text, chars, textOut, null);
    }

    /**
     * {@link #maskChars(String, char[], String[])} walking {@code starts}, the positions of {@code chars}
     * ({@link RegexScan.Starts#of(char[], boolean[])} with a table that holds {@link RegexScan.Starts#OPEN}, e.g.
     * {@link RegexScan.Starts#openWith}; null: found here when a rule needs them), which are then made those of
     * the result (moved along with each change, or found again), so that a caller that masks further with scans
     * over the positions finds them once per line. Internal: for the log miner's {@code LineTokens}.
     */
    @Internal
    public char[] maskChars(String text, char[] chars, String[] textOut, RegexScan.Starts starts) {
        if (chars == null) {
            throw new IllegalArgumentException("cannot mask a null line");
        }
        char[] cs = chars;
        // String.strip(): a whitespace code point is a single char, and no surrogate is whitespace.
        int from = 0;
        int to = cs.length;
        while (from < to && Character.isWhitespace(cs[from])) {
            from++;
        }
        while (to > from && Character.isWhitespace(cs[to - 1])) {
            to--;
        }
        if (starts != null && !starts.opensOpen()) {
            throw new IllegalArgumentException("positions found with a table that lacks some of the rules' characters");
        }
        RegexScan.Starts given = starts;
        if (from > 0 || to < cs.length) {
            cs = java.util.Arrays.copyOfRange(cs, from, to);
            text = null;
            if (given != null) {
                given.reset(cs);
            }
        }
        // Counted once, on the line as given: a rule replaces a match with a placeholder ("<" capital letters
        // ">"), which holds no digit, colon, hyphen, dot, slash or at sign, joins no two runs and makes no
        // "::", "://" or "0x"; its letters make hex runs of one. So every count the pre-checks compare with a
        // minimum only falls as rules apply, and a pre-check on the first census stays a necessary condition.
        // The scans read the line's characters from an array (no String.charAt per character). A rule that
        // changes the line hands the next one its characters; the String of them is made only where a regex
        // must run.
        // The rules whose tables allow it walk the line's word starts (RegexScan.Starts), found once and moved
        // along with each change; the others (the e-mail rule) every character.
        // With positions given (starts == given), every change keeps them those of cs: a walking rule moves
        // them, the others' changes find them again.
        // A census taken with the positions (RegexScan.Starts.ofWithCensus) is that of the line the caller began
        // with: the caller's changes since (LineTokens' <HOST> rules) only lower its counts, as the rules' own do,
        // and the strip above changes none (whitespace counts as nothing, and ends no run a census looks at).
        Census c = given != null ? given.takeCensus() : null;
        if (c == null) {
            c = new Census(cs);
        }
        // A walking rule's change lowers the census's counts of single characters by those it removed (its
        // spans, kept by the positions), so that a later rule's pre-check reads the counts of the line it scans:
        // an ISO time stamp's colons, masked by the date rule, no longer run the syslog and clock rules' scans.
        Rule[] rules = RULE_ARRAY;
        RuleWatch w = watch;
        for (int k = 0; k < rules.length; k++) {
            Rule r = rules[k];
            if (w != null) {
                w.beforeRule(k, cs, c);
            }
            if (mayMatch(k, c)) {
                char[] out;
                if (r.walksStarts) {
                    if (starts == null) {
                        starts = RegexScan.Starts.of(cs);
                    }
                    out = r.walkStart == null
                            ? RegexScan.replaceAllCharsByTables(r.pattern, text, cs, r.placeholder, r.first,
                                    r.walkNotAfter, r.end, starts)
                            : RegexScan.replaceAllChars(r.pattern, text, cs, r.placeholder, r.first, r.notAfter,
                                    r.start, r.end, starts);
                    if (out != cs && k < LAST_COUNTED && starts.changedCount > 0 && starts.changedLine == cs) {
                        c.removed(cs, starts.changedSpans, starts.changedCount);
                    }
                } else {
                    out = RegexScan.replaceAllChars(r.pattern, text, cs, r.placeholder, r.first, r.notAfter,
                            r.start, r.end);
                    if (out != cs && starts != null) {
                        if (starts == given) {
                            starts.reset(out);
                        } else {
                            starts = null;
                        }
                    }
                }
                if (out != cs) {
                    cs = out;
                    text = null;
                }
            }
        }
        textOut[0] = text;
        return cs;
    }

    /**
     * Whether some rule's {@code Start} test passes at index {@code i} of {@code s} where the scan skips the
     * position: the rule's first-character table leaves its character out, the rule walks the positions
     * ({@link RegexScan.Starts}, which hold no non-ASCII character) and the character is non-ASCII, or its
     * {@code notAfter} table holds the character before it (for tests: never, or the scan would skip a match).
     */
    static boolean startOutsideFirstChars(String s, int i) {
        char[] cs = s.toCharArray();
        char c = cs[i];
        for (Rule r : RULES) {
            // a walking rule skips every non-ASCII character too: no such character is a position (Starts)
            boolean skipped = (c < 128 ? !r.first[c] : r.walksStarts) || RegexScan.skippedAfter(cs, i, r.notAfter);
            if (skipped && r.start.mayStart(cs, i)) {
                return true;
            }
        }
        return false;
    }

    /** The number of rules (for tests). */
    static int rules() {
        return RULES.size();
    }

    /**
     * For tests: where rule {@code k}'s scan disagrees with its regex at index {@code i} of {@code s} (the
     * regex run anchored there, transparent bounds): its {@code Start} test rejects a position where the regex
     * matches, or its {@code End} gives another end than the regex's (or a match where it has none). A
     * description of the disagreement, else null.
     */
    static String scanDisagreement(int k, String s, int i) {
        Rule r = RULES.get(k);
        Matcher m = r.pattern.matcher(s);
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        m.region(i, s.length());
        int regexEnd = m.lookingAt() && m.end() > i ? m.end() : -1;
        char[] cs = s.toCharArray();
        boolean start = r.start.mayStart(cs, i);
        if (regexEnd > i && !start) {
            return "rule " + k + " (" + r.pattern + "): Start rejects a match at " + i;
        }
        if (start && r.end != null) {
            int e = r.end.end(cs, i);
            if (e != RegexScan.UNDECIDED && e != regexEnd) {
                return "rule " + k + " (" + r.pattern + "): End " + e + ", regex " + regexEnd + " at " + i;
            }
        }
        return null;
    }

    /** The line after each rule of the plain form ({@link #maskPlain}): entry k after rule k (for tests). */
    String[] plainStages(String line) {
        String[] out = new String[RULES.size()];
        String s = line.strip();
        for (int k = 0; k < out.length; k++) {
            s = RULES.get(k).apply(s);
            out[k] = s;
        }
        return out;
    }

    /** The plain form: every rule's regex applied in order, no pre-checks (the reference for tests). */
    String maskPlain(String line) {
        if (line == null) {
            throw new IllegalArgumentException("cannot mask a null line");
        }
        String s = line.strip();
        for (Rule r : RULES) {
            s = r.apply(s);
        }
        return s;
    }

    /**
     * What the rules' pre-checks look at, counted in one pass over a line: each rule's regex can only
     * match a line with at least that many of its literal characters (two colons for a clock time, three
     * dots for an IPv4 address, ...) or a long enough run of (hex) digits. Digits and hex digits are the
     * ASCII ones, as in the regexes ({@code \\d} and {@code [0-9a-fA-F]} without UNICODE_CHARACTER_CLASS).
     */
    static final class Census {
        private static final byte OTHER = 0;
        private static final byte DIGIT = 1;
        private static final byte HEX_LETTER = 2;
        private static final byte COLON = 3;
        private static final byte HYPHEN = 4;
        private static final byte DOT = 5;
        private static final byte SLASH = 6;
        private static final byte AT = 7;
        private static final byte X = 8;
        /** A day name's first letter but {@code F} (a hex letter: {@code Fri} is found where a hex run ends). */
        private static final byte DAY_FIRST = 9;
        /** What each ASCII character counts as. */
        private static final byte[] KIND = new byte[128];
        /** The ASCII {@code \w} characters that count as nothing ({@link #OTHER}: most letters, the underscore). */
        private static final boolean[] PLAIN = new boolean[128];

        static {
            for (char c = '0'; c <= '9'; c++) {
                KIND[c] = DIGIT;
            }
            for (char c = 'a'; c <= 'f'; c++) {
                KIND[c] = HEX_LETTER;
                KIND[Character.toUpperCase(c)] = HEX_LETTER;
            }
            KIND[':'] = COLON;
            KIND['-'] = HYPHEN;
            KIND['.'] = DOT;
            KIND['/'] = SLASH;
            KIND['\\'] = SLASH;
            KIND['@'] = AT;
            KIND['x'] = X;
            KIND['X'] = X;
            for (char c : new char[] {'M', 'T', 'W', 'S'}) {
                KIND[c] = DAY_FIRST;
            }
            for (char c = 0; c < 128; c++) {
                PLAIN[c] = KIND[c] == OTHER && RegexScan.wordReference(c);
            }
        }

        // The counts of single characters: those of the line counted, lowered by the masker as its rules remove
        // such characters ({@link #removed}), so that a later rule's pre-check reads those of the line it scans.
        int colons;
        int hyphens;
        int dots;
        int slashes;
        int ats;
        /**
         * At signs between a character of {@code [\\w.+-]} and one of {@code [\\w-]}, as every e-mail match holds
         * ({@code local@domain}). The URL rule, the only one before the e-mail rule, puts {@code <URL>} in place of
         * a run of characters: its {@code <} and {@code >} are neither, so it can only lower this count.
         */
        int emailAts;
        /**
         * Colons that start {@code \\d:\\d\\d:\\d\\d} ({@link #clockColonAt}), as the first colon of every match of
         * the syslog-stamp and clock rules does: counted on the line, lowered by {@link #removed} by those in the
         * removed spans. A placeholder holds no digit or colon, so a colon outside the spans that starts the
         * pattern in the new line started it in the old one (the seven characters were next to each other there
         * too): the count stays at or above that of the line a rule scans.
         */
        int clockColons;
        boolean doubleColon;
        boolean schemeSeparator;
        boolean hexPrefix;
        int maxDigitRun;
        int maxHexRun;
        /**
         * {@link TokenChecks}' bits of the line ({@link TokenChecks#of}, the reference): the log miner's pre-checks,
         * taken in this pass so that it makes none of its own.
         */
        int tokenChecks;
        /**
         * The characters the endpoint pre-filter read (the runs of {@code [\w.-]} before colons, read backward from
         * each colon and counted as they are read): at most the line's length, since each run stops at its first
         * other character (at the latest the previous colon). Kept for the test that bounds it.
         */
        int hostRunReads;

        Census(String s) {
            this(s.toCharArray());
        }

        /**
         * Lowers the counts of colons, hyphens, dots, slashes and at signs by those in {@code line}'s {@code count}
         * spans ({@code spans[2k]} to {@code spans[2k + 1]}), the characters a rule replaced with a placeholder
         * (which holds none of them): counts that were those of {@code line}, or above them, become those of the
         * new line, or stay above them; {@link #clockColons} likewise by the clock colons in the spans (read where
         * there are any left to lower). The other fields (maxima, flags) stay those of the line counted.
         */
        void removed(char[] line, int[] spans, int count) {
            long[] step = REMOVED_STEP;
            int colonsBefore = colons;
            for (int k = 0; k < count; k++) {
                int q = spans[2 * k];
                int to = spans[2 * k + 1];
                while (q < to) {
                    int stop = Math.min(to, q + REMOVED_CHUNK);
                    long sum = 0;
                    for (; q < stop; q++) {
                        char ch = line[q];
                        // (ch - 128) >> 31: all ones for an ASCII char, else 0 (a non-ASCII char counts nothing)
                        sum += step[ch & 127] & ((ch - 128) >> 31);
                    }
                    colons -= (int) (sum & REMOVED_FIELD);
                    hyphens -= (int) (sum >>> REMOVED_BITS & REMOVED_FIELD);
                    dots -= (int) (sum >>> 2 * REMOVED_BITS & REMOVED_FIELD);
                    slashes -= (int) (sum >>> 3 * REMOVED_BITS & REMOVED_FIELD);
                    ats -= (int) (sum >>> 4 * REMOVED_BITS & REMOVED_FIELD);
                }
            }
            if (clockColons > 0 && colons < colonsBefore) { // a clock colon is a colon: none where none was removed
                clockColons -= clockColonsIn(line, spans, count);
            }
        }

        /** The colons of {@code line}'s {@code count} spans that start {@code \\d:\\d\\d:\\d\\d} ({@link #clockColonAt}). */
        private static int clockColonsIn(char[] line, int[] spans, int count) {
            int found = 0;
            for (int k = 0; k < count; k++) {
                for (int q = spans[2 * k], to = spans[2 * k + 1]; q < to; q++) {
                    if (line[q] == ':' && clockColonAt(line, q)) {
                        found++;
                    }
                }
            }
            return found;
        }

        /**
         * Whether the colon at {@code i} of {@code s} starts {@code \\d:\\d\\d:\\d\\d}: a digit before it, two
         * digits, a colon and two digits after it (ASCII digits, as {@code \\d}). The syslog-stamp and clock rules'
         * matches ({@code \\d{1,2}:\\d{2}:\\d{2}}) each hold one.
         */
        static boolean clockColonAt(char[] s, int i) {
            return i > 0 && i + 5 < s.length && RegexScan.digit(s[i - 1]) && RegexScan.digit(s[i + 1])
                    && RegexScan.digit(s[i + 2]) && s[i + 3] == ':' && RegexScan.digit(s[i + 4])
                    && RegexScan.digit(s[i + 5]);
        }

        /** The bits of each count's field in {@link #REMOVED_STEP}'s sums. */
        private static final int REMOVED_BITS = 12;
        private static final long REMOVED_FIELD = (1L << REMOVED_BITS) - 1;
        /** The characters summed before the fields are read: fewer than a field can count, so none overflows. */
        private static final int REMOVED_CHUNK = (1 << REMOVED_BITS) - 1;
        /**
         * What each ASCII character adds to {@link #removed}'s sum: 1 in the field of its count (colons, hyphens,
         * dots, slashes, at signs: fields 0 to 4 of {@link #REMOVED_BITS} bits each), 0 for the others.
         */
        private static final long[] REMOVED_STEP = new long[128];

        static {
            for (char c = 0; c < 128; c++) {
                int field = switch (KIND[c]) {
                    case COLON -> 0;
                    case HYPHEN -> 1;
                    case DOT -> 2;
                    case SLASH -> 3;
                    case AT -> 4;
                    default -> -1;
                };
                REMOVED_STEP[c] = field < 0 ? 0 : 1L << field * REMOVED_BITS;
            }
        }

        /**
         * {@link #removed} as a switch on each character's kind (the reference; for tests): the fast form sums the
         * five counts in one word per chunk of a span, without a branch per character.
         */
        void removedReference(char[] line, int[] spans, int count) {
            byte[] kind = KIND;
            for (int k = 0; k < count; k++) {
                for (int q = spans[2 * k], to = spans[2 * k + 1]; q < to; q++) {
                    char ch = line[q];
                    if (ch < 128) {
                        switch (kind[ch]) {
                            case COLON -> colons--;
                            case HYPHEN -> hyphens--;
                            case DOT -> dots--;
                            case SLASH -> slashes--;
                            case AT -> ats--;
                            default -> {
                            }
                        }
                    }
                }
            }
            clockColons -= clockColonsIn(line, spans, count);
        }

        /** The census of the characters {@code s}. */
        Census(char[] s) {
            this(s, null);
        }

        /**
         * The positions {@code RegexScan.Starts.of(s, open)} finds, taken in the census's pass ({@code open} non-null:
         * {@link #at} and {@link #count} hold them; null: none are taken, the census alone). Internal: for
         * {@link RegexScan.Starts#ofWithCensus}.
         */
        int[] at;
        int count;

        /** The census of the characters {@code s}, and with {@code open} non-null the positions of {@code s} too. */
        Census(char[] s, boolean[] open) {
            this(s, open, false);
        }

        /**
         * {@link #Census(char[], boolean[])} counted by the loop it was counted with before its word runs were read
         * in one inner loop ({@link #countReference}: a run of hex digits and a run of other word characters each
         * its own loop, four table lookups per other character): the reference for tests.
         */
        static Census reference(char[] s, boolean[] open) {
            return new Census(s, open, true);
        }

        private Census(char[] s, boolean[] open, boolean reference) {
            if (reference) {
                countReference(s, open);
            } else {
                count(s, open);
            }
        }

        /** The counting loop of {@link #reference}. */
        private void countReference(char[] s, boolean[] open) {
            int[] at = open == null ? null : new int[Math.max(8, s.length / 4)];
            int count = 0;
            boolean afterWord = false; // the character before i is an ASCII \\w (as in RegexScan.Starts.of)
            int colons = 0;
            int clockColons = 0;
            int hyphens = 0;
            int dots = 0;
            int slashes = 0;
            int ats = 0;
            int emailAts = 0;
            boolean doubleColon = false;
            boolean schemeSeparator = false;
            boolean hexPrefix = false;
            int maxDigitRun = 0;
            int maxHexRun = 0;
            int checks = 0;
            int lastDot = -1; // the last dot read
            int hostRunReads = 0;
            int n = s.length;
            int i = 0;
            while (i < n) {
                char ch = s[i];
                int k = ch < 128 ? KIND[ch] : OTHER;
                if (k == DIGIT || k == HEX_LETTER) {
                    // the run of hex digits from i, and the runs of digits in it, read in one inner loop
                    int from = i;
                    if (at != null && !afterWord && open[ch]) {
                        if (count == at.length) {
                            at = java.util.Arrays.copyOf(at, 2 * count);
                        }
                        at[count++] = i;
                    }
                    int digitRun = 0;
                    int letterRun = 0;
                    do {
                        if (k == DIGIT) {
                            if (++digitRun > maxDigitRun) {
                                maxDigitRun = digitRun;
                            }
                            letterRun = 0;
                        } else {
                            digitRun = 0;
                            if (++letterRun == 8) {
                                checks |= TokenChecks.HEX_LETTER_RUN;
                            }
                        }
                        if (++i == n) {
                            break;
                        }
                        ch = s[i];
                        k = ch < 128 ? KIND[ch] : OTHER;
                    } while (k == DIGIT || k == HEX_LETTER);
                    if (i - from > maxHexRun) {
                        maxHexRun = i - from;
                    }
                    // "Fri": the run of hex digits ends at the r after its F
                    if (ch == 'r' && i + 1 < n && s[i - 1] == 'F' && s[i + 1] == 'i') {
                        checks |= TokenChecks.DAY_NAME;
                    }
                    afterWord = true; // the run's characters are \\w: no position within it, nor right after it
                    continue; // s[i] is read again above (it ends the run: no hex digit)
                }
                if (at != null) {
                    if (ch < 128 && !afterWord && open[ch]) {
                        if (count == at.length) {
                            at = java.util.Arrays.copyOf(at, 2 * count);
                        }
                        at[count++] = i;
                    }
                    afterWord = ch < 128 && RegexScan.WORD[ch];
                }
                if (k == OTHER) {
                    if (ch < 128 && PLAIN[ch]) {
                        // the rest of a run of \w characters that count as nothing: no position within it (each
                        // comes after a \w), nothing counted; s[i] is read again above where it ends
                        do {
                            i++;
                        } while (i < n && (ch = s[i]) < 128 && PLAIN[ch]);
                        afterWord = true;
                        continue;
                    }
                } else {
                    char prev = i > 0 ? s[i - 1] : 0;
                    switch (k) {
                        case COLON -> {
                            colons++;
                            doubleColon |= prev == ':';
                            if (clockColonAt(s, i)) {
                                clockColons++;
                            }
                            // endpointAt is false unless the run of [\w.-] before the colon holds a dot (its
                            // `dots == 0` test; the ENDPOINT regex wants one), and the last dot read is then in
                            // that run: a colon with no dot before it, or a dot outside the run (a clock time's, a
                            // timestamp's), is no endpoint's, and endpointAt is not asked. This holds only while
                            // endpointAt requires the dot: a rule for dotless names ([::1]:80, host:8080) must
                            // drop this filter (LineTokensScanTest compares such lines with the reference).
                            // The run is read backward from the colon and stops at its first other character (at
                            // the latest the previous colon), so each character is read for one colon at most
                            // and the line's cost stays linear (forward from the dot it was quadratic)
                            if (i + 2 < n && RegexScan.digit(s[i + 1]) && RegexScan.digit(s[i + 2]) && lastDot >= 0) {
                                // where the run of [\w.-] ending at the colon starts, read backward and no further
                                // than the dot; every character read is counted where it is read
                                int runStart = i;
                                while (runStart > lastDot + 1) {
                                    hostRunReads++;
                                    if (!TokenChecks.hostChar(s[runStart - 1])) {
                                        break;
                                    }
                                    runStart--;
                                }
                                if (runStart == lastDot + 1 && TokenChecks.endpointAt(s, i)) {
                                    checks |= TokenChecks.PORT;
                                }
                            }
                        }
                        case HYPHEN -> hyphens++;
                        case DOT -> {
                            dots++;
                            lastDot = i;
                            if (TokenChecks.domainEndingAt(s, i)) {
                                checks |= TokenChecks.DOMAIN_ENDING;
                            }
                        }
                        case DAY_FIRST -> {
                            if (i + 2 < n && TokenChecks.dayName(ch, s[i + 1], s[i + 2])) {
                                checks |= TokenChecks.DAY_NAME;
                            }
                        }
                        case SLASH -> {
                            slashes++;
                            schemeSeparator |= ch == '/' && prev == '/' && i >= 2 && s[i - 2] == ':';
                        }
                        case AT -> {
                            ats++;
                            // the e-mail rule's [\\w.+-]@[\\w-]: ASCII classes, as in the regex
                            if (emailLocal(prev) && i + 1 < n && (RegexScan.word(s[i + 1]) || s[i + 1] == '-')) {
                                emailAts++;
                            }
                        }
                        case X -> hexPrefix |= prev == '0';
                        default -> {
                        }
                    }
                }
                i++;
            }
            this.colons = colons;
            this.clockColons = clockColons;
            this.hyphens = hyphens;
            this.dots = dots;
            this.slashes = slashes;
            this.ats = ats;
            this.emailAts = emailAts;
            this.doubleColon = doubleColon;
            this.schemeSeparator = schemeSeparator;
            this.hexPrefix = hexPrefix;
            this.maxDigitRun = maxDigitRun;
            this.maxHexRun = maxHexRun;
            this.tokenChecks = checks | (dots > 0 ? TokenChecks.DOT : 0) | (slashes >= 2 ? TokenChecks.TWO_SLASHES : 0);
            this.at = at;
            this.count = count;
            this.hostRunReads = hostRunReads;
        }

        /** {@link #KIND}'s kinds in the low bits of a {@link #bits} entry. */
        private static final int KIND_BITS = 15;
        /** A {@link #bits} entry's bit: the character is in the positions' {@code open} table. */
        private static final int OPEN_BIT = 16;
        /** A {@link #bits} entry's bit: the character is an ASCII {@code \w} ({@link RegexScan#WORD}). */
        private static final int WORD_BIT = 32;
        /**
         * The {@link #bits} entry of every non-ASCII character: no kind, not open (no position, as in Starts.of), no
         * word character.
         */
        private static final int NON_ASCII_BITS = 0;

        /** An {@code open} table and the {@link #bits} made from it (null: no positions taken). */
        private record Bits(boolean[] open, byte[] bits) {
        }

        /**
         * The {@link Bits} made so far, at most {@link #CACHED_TABLES}, found by the identity of their {@code open}
         * table (review 26c F1: one entry made a caller that alternates two tables build a 64 KB table a call). The
         * array is replaced, never written, once published; made under the class's lock, so that two threads do not
         * both add one table.
         */
        private static volatile Bits[] madeBits = {};
        /** The {@link Bits} the last call with a table returned: the one looked at first (one compare, as before). */
        private static volatile Bits lastBits = new Bits(new boolean[0], new byte[0]);
        /** How many {@code open} tables {@link #madeBits} keeps (the masker's none is apart; the miner passes one). */
        static final int CACHED_TABLES = 4;
        /** The {@link #bits} of no {@code open} table. */
        private static final byte[] NO_OPEN_BITS = bitsOf(null);

        /**
         * What each ASCII character is to {@link #count}, in one lookup: its {@link #KIND}, {@link #OPEN_BIT} where
         * {@code open} (null: none) holds it, {@link #WORD_BIT} where it is {@code \w}. The table is remembered by
         * the identity of {@code open}, whose entries must not change (the callers' tables are constants): up to
         * {@link #CACHED_TABLES} tables are made once each; a fifth replaces the oldest.
         */
        static byte[] bits(boolean[] open) {
            if (open == null) {
                return NO_OPEN_BITS;
            }
            Bits last = lastBits;
            if (last.open == open) {
                return last.bits;
            }
            for (Bits b : madeBits) {
                if (b.open == open) {
                    lastBits = b;
                    return b.bits;
                }
            }
            return made(open);
        }

        private static synchronized byte[] made(boolean[] open) {
            Bits[] now = madeBits;
            for (Bits b : now) {
                if (b.open == open) {
                    return b.bits;
                }
            }
            int keep = Math.min(now.length, CACHED_TABLES - 1);
            Bits[] next = new Bits[keep + 1];
            next[0] = new Bits(open, bitsOf(open));
            System.arraycopy(now, 0, next, 1, keep);
            madeBits = next;
            lastBits = next[0];
            return next[0].bits;
        }

        private static byte[] bitsOf(boolean[] open) {
            byte[] t = new byte[65536];
            if (NON_ASCII_BITS != 0) { // a constant 0 now: a new array holds it, no fill at start-up (interpreted)
                java.util.Arrays.fill(t, 128, t.length, (byte) NON_ASCII_BITS);
            }
            for (char c = 0; c < 128; c++) {
                t[c] = (byte) (KIND[c] | (open != null && open[c] ? OPEN_BIT : 0)
                        | (RegexScan.WORD[c] ? WORD_BIT : 0));
            }
            return t;
        }

        /**
         * The counting loop: {@link #countReference}'s counts, flags and positions with each run of word characters
         * ({@code \w}: digits, letters, the underscore) read in one inner loop, its runs of hex digits tracked in it
         * (no position is taken within a word run, and only hex digits, {@code x}, a day name's first letter and the
         * {@code r} of {@code Fri} count there), and one table lookup per character ({@link #bits}). Under C1 (how
         * memctl runs) a word such as {@code connected} no longer goes back to the outer loop at each switch
         * between hex letters and other letters. Within a run of hex digits the runs of digits and of hex letters are
         * counted without a branch on which the character is (session 24, mask27: a random hex id mispredicted that
         * branch about every other character; the census pass alone over ids texts: -23% under C1, ONE rough pair).
         * The whole mask step ({@code LogMaskCost}) is resolved only under C2 on ids (-11.6%, 2 of 2 pairs); under C1
         * it measured +2-3% on mix49k, stack-multi and kv-fixed (0 of 2 pairs favouring it), unresolved against the
         * box's noise. Tried and dropped there: one tight loop per segment of one kind (digits, hex letters, other
         * letters) and the hex run in a method of its own: faster on digits and hex ids, but 3% dearer under C1 on
         * mix49k, kv-fixed and stack-multi lines (English words switch between hex and other letters every few
         * characters), the same C1 +2-3% the kept form shows, so that choice is unresolved both ways.
         */
        private void count(char[] s, boolean[] open) {
            byte[] t = bits(open);
            int[] at = open == null ? null : new int[Math.max(8, s.length / 4)];
            int count = 0;
            boolean afterWord = false; // the character before i is an ASCII \\w (as in RegexScan.Starts.of)
            int colons = 0;
            int clockColons = 0;
            int hyphens = 0;
            int dots = 0;
            int slashes = 0;
            int ats = 0;
            int emailAts = 0;
            boolean doubleColon = false;
            boolean schemeSeparator = false;
            boolean hexPrefix = false;
            int maxDigitRun = 0;
            int maxHexRun = 0;
            int checks = 0;
            int lastDot = -1; // the last dot read
            int hostRunReads = 0;
            int n = s.length;
            int i = 0;
            while (i < n) {
                char ch = s[i];
                int b = t[ch];
                if (!afterWord && (b & OPEN_BIT) != 0 && at != null) {
                    if (count == at.length) {
                        at = java.util.Arrays.copyOf(at, 2 * count);
                    }
                    at[count++] = i;
                }
                if ((b & WORD_BIT) != 0) {
                    // a run of \w: no position within it (each character comes after a \w); its runs of hex digits
                    // (from hexStart) and of digits and hex letters in them counted as they are read
                    int hexStart = -1;
                    int digitRun = 0;
                    int letterRun = 0;
                    while (true) {
                        int k = b & KIND_BITS;
                        if (k == OTHER) { // most letters, the underscore: a run of hex digits ends here, if any
                            if (hexStart >= 0) {
                                // "Fri": the run of hex digits ends at the r after its F
                                if (i - hexStart > maxHexRun) {
                                    maxHexRun = i - hexStart;
                                }
                                if (ch == 'r' && i + 1 < n && s[i - 1] == 'F' && s[i + 1] == 'i') {
                                    checks |= TokenChecks.DAY_NAME;
                                }
                                hexStart = -1;
                                digitRun = 0;
                                letterRun = 0;
                            }
                        } else if (k <= HEX_LETTER) { // DIGIT or HEX_LETTER: in a run of hex digits
                            if (hexStart < 0) {
                                hexStart = i;
                            }
                            // the runs of digits and of hex letters without a branch on which this is (a random
                            // hex id mispredicts such a branch about every other character): DIGIT is 1,
                            // HEX_LETTER 2; both runs are 0 where a run of hex digits starts
                            int digit = k & 1;
                            digitRun = (digitRun + 1) & -digit;
                            letterRun = (letterRun + 1) & (digit - 1);
                            if (digitRun > maxDigitRun) {
                                maxDigitRun = digitRun;
                            }
                            if (letterRun == 8) {
                                checks |= TokenChecks.HEX_LETTER_RUN;
                            }
                        } else { // X or DAY_FIRST (the word characters of the other kinds)
                            if (hexStart >= 0) { // no r: no "Fri"
                                if (i - hexStart > maxHexRun) {
                                    maxHexRun = i - hexStart;
                                }
                                hexStart = -1;
                                digitRun = 0;
                                letterRun = 0;
                            }
                            if (k == X) {
                                hexPrefix |= i > 0 && s[i - 1] == '0';
                            } else if (i + 2 < n && TokenChecks.dayName(ch, s[i + 1], s[i + 2])) {
                                checks |= TokenChecks.DAY_NAME;
                            }
                        }
                        if (++i == n) {
                            break;
                        }
                        ch = s[i];
                        b = t[ch];
                        if ((b & WORD_BIT) == 0) {
                            break;
                        }
                    }
                    // a run of hex digits that ends with the word (at its end or a non-word character: no "Fri")
                    if (hexStart >= 0 && i - hexStart > maxHexRun) {
                        maxHexRun = i - hexStart;
                    }
                    afterWord = true;
                    continue; // s[i] (no \w) is read again above
                }
                afterWord = false;
                int k = b & KIND_BITS;
                if (k != OTHER) {
                    char prev = i > 0 ? s[i - 1] : 0;
                    switch (k) {
                        case COLON -> {
                            colons++;
                            doubleColon |= prev == ':';
                            if (i + 3 < n && s[i + 3] == ':' && clockColonAt(s, i)) {
                                clockColons++;
                            }
                            // as in countReference: endpointAt only where the run of [\w.-] before the colon holds
                            // the last dot read, the run read backward from the colon (each character once)
                            if (i + 2 < n && RegexScan.digit(s[i + 1]) && RegexScan.digit(s[i + 2]) && lastDot >= 0) {
                                int runStart = i;
                                while (runStart > lastDot + 1) {
                                    hostRunReads++;
                                    if (!TokenChecks.hostChar(s[runStart - 1])) {
                                        break;
                                    }
                                    runStart--;
                                }
                                if (runStart == lastDot + 1 && TokenChecks.endpointAt(s, i)) {
                                    checks |= TokenChecks.PORT;
                                }
                            }
                        }
                        case HYPHEN -> hyphens++;
                        case DOT -> {
                            dots++;
                            lastDot = i;
                            if (TokenChecks.domainEndingAt(s, i)) {
                                checks |= TokenChecks.DOMAIN_ENDING;
                            }
                        }
                        case SLASH -> {
                            slashes++;
                            schemeSeparator |= ch == '/' && prev == '/' && i >= 2 && s[i - 2] == ':';
                        }
                        case AT -> {
                            ats++;
                            // the e-mail rule's [\\w.+-]@[\\w-]: ASCII classes, as in the regex
                            if (emailLocal(prev) && i + 1 < n && (RegexScan.word(s[i + 1]) || s[i + 1] == '-')) {
                                emailAts++;
                            }
                        }
                        default -> {
                        }
                    }
                }
                i++;
            }
            this.colons = colons;
            this.clockColons = clockColons;
            this.hyphens = hyphens;
            this.dots = dots;
            this.slashes = slashes;
            this.ats = ats;
            this.emailAts = emailAts;
            this.doubleColon = doubleColon;
            this.schemeSeparator = schemeSeparator;
            this.hexPrefix = hexPrefix;
            this.maxDigitRun = maxDigitRun;
            this.maxHexRun = maxHexRun;
            this.tokenChecks = checks | (dots > 0 ? TokenChecks.DOT : 0) | (slashes >= 2 ? TokenChecks.TWO_SLASHES : 0);
            this.at = at;
            this.count = count;
            this.hostRunReads = hostRunReads;
        }
    }

    /**
     * The log miner's pre-checks ({@code LineTokens}' host rules and later rules), taken in the census's pass over
     * the line ({@link RegexScan.Starts#ofWithCensus}, {@link RegexScan.Starts#tokenChecks}) so that the miner makes
     * no pass of its own. Each bit is set exactly when its condition holds on the line ({@link #of} is the same
     * with one loop per condition, the reference; tests compare them):
     * <ul>
     *   <li>{@link #DOT}: a dot;</li>
     *   <li>{@link #PORT}: an {@code ENDPOINT} match ({@code [A-Za-z][\w-]*(?:\.[\w-]+)+:\d{2,5}} not after
     *       {@code [\w.@-]} or {@code ://}, no {@code [\w.]} after it, and not a stack frame's file and line,
     *       {@code (B.java:521)} right after a {@code [\w$]}): {@link #endpointAt} at a colon;</li>
     *   <li>{@link #DOMAIN_ENDING}: a host name's ending after a dot and a label character, as a {@code DOMAIN}
     *       match ends ({@code .com}, {@code .co.uk}; no {@code [\w.-]} after it): {@link #domainEndingAt};</li>
     *   <li>{@link #DAY_NAME}: a day name's three letters ({@code Mon} ... {@code Sun}) anywhere;</li>
     *   <li>{@link #HEX_LETTER_RUN}: 8 hex letters ({@code [a-fA-F]}) in a row;</li>
     *   <li>{@link #TWO_SLASHES}: two slashes or backslashes.</li>
     * </ul>
     * Internal: for the log miner's {@code LineTokens}.
     */
    @Internal
    public static final class TokenChecks {
        public static final int DOT = 1;
        public static final int PORT = 2;
        public static final int DOMAIN_ENDING = 4;
        public static final int DAY_NAME = 8;
        public static final int HEX_LETTER_RUN = 16;
        public static final int TWO_SLASHES = 32;

        /** The endings of a host name the miner masks ({@code LineTokens}' {@code DOMAIN}), in its regex's order. */
        public static final List<String> HOST_ENDINGS = List.of("com", "net", "org", "edu", "gov", "mil", "int",
                "info", "biz", "io", "local", "localdomain", "lan", "co", "ac");

        private static final char[][] ENDING_CHARS = HOST_ENDINGS.stream().map(String::toCharArray)
                .toArray(char[][]::new);

        /** The endings' first two letters: entry {@code (a - 'a') * 26 + (b - 'a')} for the letters {@code a b}. */
        private static final boolean[] ENDING_PAIRS = new boolean[26 * 26];

        static {
            for (String e : HOST_ENDINGS) {
                ENDING_PAIRS[(e.charAt(0) - 'a') * 26 + (e.charAt(1) - 'a')] = true;
            }
        }

        private TokenChecks() {
        }

        /** The bits of {@code s} with one loop per condition (the reference for {@link Census#tokenChecks}). */
        public static int of(char[] s) {
            int flags = 0;
            int slashes = 0;
            int hexLetters = 0;
            for (int i = 0; i < s.length; i++) {
                char c = s[i];
                if (c == '.') {
                    flags |= DOT;
                }
                if (c == '/' || c == '\\') {
                    slashes++;
                }
                hexLetters = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ? hexLetters + 1 : 0;
                if (hexLetters >= 8) {
                    flags |= HEX_LETTER_RUN;
                }
            }
            for (int i = 0; i < s.length; i++) {
                if (s[i] == ':' && endpointAt(s, i)) {
                    flags |= PORT;
                }
            }
            for (int i = 0; i < s.length; i++) {
                if (s[i] == '.' && domainEndingAt(s, i)) {
                    flags |= DOMAIN_ENDING;
                }
            }
            for (int i = 0; i + 2 < s.length; i++) {
                if (dayName(s[i], s[i + 1], s[i + 2])) {
                    flags |= DAY_NAME;
                }
            }
            return flags | (slashes >= 2 ? TWO_SLASHES : 0);
        }

        /** Whether {@code s} holds a {@link #domainEndingAt} at one of its dots. */
        public static boolean domainEnding(char[] s) {
            for (int i = 0; i < s.length; i++) {
                if (s[i] == '.' && domainEndingAt(s, i)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether {@code c a b} are a day name's three letters. */
        public static boolean dayName(char c, char a, char b) {
            return switch (c) {
                case 'M' -> a == 'o' && b == 'n';
                case 'T' -> (a == 'u' && b == 'e') || (a == 'h' && b == 'u');
                case 'W' -> a == 'e' && b == 'd';
                case 'F' -> a == 'r' && b == 'i';
                case 'S' -> (a == 'a' && b == 't') || (a == 'u' && b == 'n');
                default -> false;
            };
        }

        /**
         * Whether the dot at {@code dot} comes after a {@code [A-Za-z0-9-]} and before one of {@link #HOST_ENDINGS},
         * optionally a dot and two lower-case letters, and then no {@code [\w.-]}: the end of every {@code DOMAIN}
         * match ({@code (?:[A-Za-z0-9-]+\.)+(?:ENDINGS)(?:\.[a-z]{2})?(?![\w.-])}). The ending is then the whole
         * run of lower-case letters after the dot (a letter after it would be a {@code \w}).
         */
        public static boolean domainEndingAt(char[] s, int dot) {
            int n = s.length;
            if (dot == 0 || dot + 2 >= n) {
                return false;
            }
            char p = s[dot - 1];
            if (!(RegexScan.letter(p) || RegexScan.digit(p) || p == '-')) {
                return false;
            }
            int from = dot + 1;
            char a = s[from];
            char b = s[from + 1];
            if (!lower(a) || !lower(b) || !ENDING_PAIRS[(a - 'a') * 26 + (b - 'a')]) {
                return false;
            }
            int e = from + 2;
            while (e < n && lower(s[e])) {
                e++;
            }
            if (e - from < 2 || e - from > 11 || !ending(s, from, e)) {
                return false;
            }
            if (e == n || !hostChar(s[e])) {
                return true;
            }
            return s[e] == '.' && e + 2 < n && lower(s[e + 1]) && lower(s[e + 2]) && (e + 3 == n || !hostChar(s[e + 3]));
        }

        private static boolean lower(char c) {
            return c >= 'a' && c <= 'z';
        }

        /** {@code [\w.-]}. */
        private static boolean hostChar(char c) {
            return RegexScan.word(c) || c == '.' || c == '-';
        }

        private static boolean ending(char[] s, int from, int to) {
            return RegexScan.oneOf(ENDING_CHARS, s, from, to);
        }

        /**
         * Whether an {@code ENDPOINT} match ends its name at the colon {@code colon}: 2 to 5 digits after it and then
         * no {@code [\w.]}; before it the whole run of {@code [\w.-]} (the lookbehind {@code (?<![\w.@-])} lets no
         * match start inside the run), a letter first, one dot or more, no empty label; no {@code @} or {@code ://}
         * before the run; and not a stack frame's file and line ({@code (} after a {@code [\w$]} before the run, a
         * {@code )} after the digits).
         */
        public static boolean endpointAt(char[] s, int colon) {
            int n = s.length;
            int d = RegexScan.digitsEnd(s, colon + 1);
            int len = d - colon - 1;
            if (len < 2 || len > 5 || (d < n && (RegexScan.word(s[d]) || s[d] == '.'))) {
                return false;
            }
            int st = colon;
            int dots = 0;
            while (st > 0 && hostChar(s[st - 1])) {
                st--;
                if (s[st] == '.') {
                    if (s[st + 1] == '.' || st + 1 == colon) {
                        return false; // an empty label (or a dot right before the colon)
                    }
                    dots++;
                }
            }
            if (dots == 0 || !RegexScan.letter(s[st])) {
                return false;
            }
            if (st > 0 && s[st - 1] == '@') {
                return false;
            }
            if (st >= 3 && s[st - 1] == '/' && s[st - 2] == '/' && s[st - 3] == ':') {
                return false;
            }
            return !(d < n && s[d] == ')' && st >= 2 && s[st - 1] == '(' && (RegexScan.word(s[st - 2]) || s[st - 2] == '$'));
        }
    }

    /**
     * A rule's pre-check: false only when its regex cannot match. Not {@link Serializable}, nor are {@link Rule}
     * and the {@link RegexScan.Start} and {@link RegexScan.End} it holds: the rules are static ({@code RULES}), so
     * no serialized masker holds one, and the JVM (17) maps a lambda of a serializable interface from the class
     * data archive never, one of any other interface from it always (37 lambdas spun at every start before).
     */
    private interface Precheck {
        boolean test(Census c);
    }

    private static final class Rule {
        private final Pattern pattern;
        private final String replacement;
        private final Precheck mayMatch;

        private final String placeholder;
        /** The ASCII characters a match can start with ({@link RegexScan#firstChars}): {@code start} is asked only there. */
        private final boolean[] first;
        /** The ASCII characters before a position where {@code start} is false: the scans skip those positions. */
        private final boolean[] notAfter;
        /**
         * {@link #notAfter} for the walks by tables ({@link RegexScan#replaceAllCharsByTables}): null where it is
         * {@code \\w} alone, which the positions' previous characters never are.
         */
        private final boolean[] walkNotAfter;
        /** Whether the scan walks the line's {@link RegexScan.Starts} (its tables allow it). */
        private final boolean walksStarts;
        private final RegexScan.Start start;
        /** {@link #start} for the walks over the line's positions: null where the tables decide ({@link #START_BY_TABLES}). */
        private RegexScan.Start walkStart;

        private final RegexScan.End end;

        Rule(String regex, String placeholder, Precheck mayMatch, boolean[] first, boolean[] notAfter,
             RegexScan.Start start) {
            this(regex, placeholder, mayMatch, first, notAfter, start, null);
        }

        /**
         * @param notAfter the characters before a position where {@code start} is false ({@link RegexScan#notAfter}; null: none)
         * @param end the regex written as a scan (null: the regex runs where {@code start} allows)
         */
        Rule(String regex, String placeholder, Precheck mayMatch, boolean[] first, boolean[] notAfter,
             RegexScan.Start start, RegexScan.End end) {
            this.pattern = Pattern.compile(regex);
            this.replacement = Matcher.quoteReplacement(placeholder);
            this.placeholder = placeholder;
            this.mayMatch = mayMatch;
            this.first = first;
            this.notAfter = notAfter;
            this.walksStarts = RegexScan.Starts.fits(first, notAfter);
            if (walksStarts) { // the walk never asks at a non-ASCII character: no match may start there
                RegexScan.Starts.checkAsciiStart(pattern, start);
            }
            this.walkNotAfter = java.util.Arrays.equals(notAfter, RegexScan.WORD) ? null : notAfter;
            this.start = start;
            this.walkStart = start;
            this.end = end;
        }

        /** The rule as specified: its regex over every position (the reference). */
        String apply(String s) {
            return pattern.matcher(s).replaceAll(replacement);
        }

        /** The same, its regex tried only where a match can start ({@link RegexScan}). */
        String applyScanning(String s) {
            return applyScanning(s, s.toCharArray());
        }

        /** {@link #applyScanning(String)} over {@code chars}, the characters of {@code s}. */
        String applyScanning(String s, char[] chars) {
            return applyScanning(s, chars, null);
        }

        /** {@link #applyScanning(String, char[])}; a changed line's characters in {@code charsOut[0]} (or null there). */
        String applyScanning(String s, char[] chars, char[][] charsOut) {
            return end != null ? RegexScan.replaceAll(pattern, s, chars, placeholder, first, start, end, charsOut)
                    : RegexScan.replaceAll(pattern, s, chars, placeholder, first, start, charsOut);
        }
    }
}
