package dev.keymem.jobs.logs.mining;

import dev.keymem.jobs.text.LineMasker;
import dev.keymem.jobs.text.RegexScan;
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
 *   <li>the {@link LineMasker} rules (URLs, e-mail addresses, paths, UUIDs, timestamps, MAC addresses, IPs,
 *       hex, epoch stamps, plain numbers);</li>
 *   <li>quantities: a number with a unit ({@code 250 ms}, {@code <1 sec}, {@code 1.17 KB},
 *       {@code 403 bytes}, {@code 00:02:10}); a unit word followed by {@code =} is a key, not a unit
 *       ({@code [::1]:8080 bytes=5} keeps its port {@code <NUM>}, as {@code 10.0.0.1:8080} does);</li>
 *   <li>identifier-like words: a run of word characters ({@code [A-Za-z0-9_.-]}) that holds a digit and
 *       either starts with one or holds two or more digits ({@code R02-M1-N0-C}, {@code J12-U11},
 *       {@code appattempt_1445144423722_0020_000001}, {@code blk_-69522}, {@code node-246},
 *       {@code t761}); a word with a single non-leading digit stays ({@code SOCKS5}, {@code IPv4},
 *       {@code mod_jk2}, {@code u0}); outside ASCII a letter or mark ({@code \\p{L}}, {@code \\p{M}}) reads as an
 *       ASCII letter ({@code 12é34}, {@code блок_17} and {@code Müller42} are identifiers as {@code 12e34} is), except
 *       in the scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar, Bopomofo, and
 *       U+3000 to U+30FF and the half-width kana): there a word run would be a clause ({@code 第3次重试失败}), so their
 *       letters end the run as punctuation does ({@code 第<NUM>次重试失败} stays text).</li>
 * </ol>
 * Before the masker, host names with a port or a known ending become {@code <HOST>}, except right after a
 * scheme's {@code ://} (a URL is masked whole, by the masker), after an {@code @} (an e-mail address is the
 * masker's too) and, for a name with a port, a stack frame's file and line ({@code at a.B.c(B.java:521)}: a
 * {@code name.ext:NUMBER} in parentheses right after a word); after it, day names before a date go, runs of hex
 * letters become {@code <HEX>} and slash-separated runs of three or more parts {@code <PATH>}; none of these
 * starts inside a placeholder ({@code /v2/<HEX>/servers/detail} keeps its route).
 * Then a token is a wildcard when it holds a placeholder or a digit and, once its placeholders are
 * removed, no letter ({@code <NUM>}, {@code (<NUM>)}, {@code [<IP>]:<NUM>}, ...); other tokens keep their text
 * with placeholders ({@code uid=<*>}, {@code onExtend:<*>}).
 *
 * <p>Not thread-safe: one instance per thread (each miner owns one). The last masked line and its chars are kept
 * in two plain fields written one after the other, so a second thread could see the new line with the old chars.
 */
public final class LineTokens implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The characters besides {@code \\w} each negative lookbehind {@code (?<![\\w...])} excludes ({@link RegexScan#before}). */
    private static final boolean[] BEFORE_DOT = RegexScan.chars(".");
    /** The host rules' ({@link #ENDPOINT}, {@link #DOMAIN}): no host starts after an e-mail address's {@code @}. */
    private static final boolean[] BEFORE_DOT_HYPHEN = RegexScan.chars(".-@");
    private static final boolean[] BEFORE_SLASHED = RegexScan.chars("/\\.<-");
    private static final boolean[] BEFORE_LT = RegexScan.chars("<");
    /** The same with {@code \\w} ({@link RegexScan#notAfter}): the scans skip positions after these characters. */
    private static final boolean[] AFTER_DOT = RegexScan.notAfter(".");
    private static final boolean[] AFTER_DOT_HYPHEN = RegexScan.notAfter(".-@");
    private static final boolean[] AFTER_SLASHED = RegexScan.notAfter("/\\.<-");
    private static final boolean[] AFTER_LT = RegexScan.notAfter("<");
    private static final boolean[] AFTER_WORD = RegexScan.notAfter("");

    /** The wildcard token. */
    public static final String WILDCARD = "<*>";

    private static final String UNITS = "(?:[KMGTP]i?B|[KMGTP]iB|bytes?|B|kb|mb|gb|ms|us|µs|ns|s|sec|secs|seconds?"
            + "|min|mins|minutes?|h|hrs?|hours?|days?)";
    private static final Pattern QUANTITY = Pattern.compile(
            "(?<![\\w.])[<>~]?(?:<NUM>|<TS>|\\d+(?:\\.\\d+)?)\\s?" + UNITS + "(?![\\w=])");
    /**
     * The scripts written without spaces between words: their letters end an identifier run (a run there would be a
     * clause, {@link #identifierLetter}); with the blocks U+3000 to U+30FF (CJK symbols, kana: the prolonged sound
     * mark U+30FC is script Common) and U+FF61 to U+FF9F (half-width kana).
     */
    private static final java.util.Set<Character.UnicodeScript> SPACELESS = java.util.EnumSet.of(
            Character.UnicodeScript.HAN, Character.UnicodeScript.HIRAGANA, Character.UnicodeScript.KATAKANA,
            Character.UnicodeScript.BOPOMOFO, Character.UnicodeScript.THAI, Character.UnicodeScript.LAO,
            Character.UnicodeScript.KHMER, Character.UnicodeScript.MYANMAR);
    /** The identifier letters outside ASCII, the reference of {@link #identifierLetter}. */
    static final Pattern IDENTIFIER_LETTER = Pattern.compile(identifierLetterClass());
    /**
     * An identifier-like word's run ({@link #maskIdentifiers}): ASCII word characters, dots, hyphens and whole
     * placeholders, and the letters and marks of scripts written with spaces between words
     * ({@link #IDENTIFIER_LETTER}).
     */
    private static final Pattern WORD = Pattern.compile(
            "(?:[A-Za-z0-9_.\\-]|" + IDENTIFIER_LETTER.pattern() + "|<[A-Z]+>)+");
    private static final Pattern ENDPOINT = Pattern.compile(
            "(?<![\\w.@-])(?<!://)(?!(?<=[\\w$]\\()[\\w-]+(?:\\.[\\w-]+)+:\\d{2,5}\\))"
            + "[A-Za-z][\\w-]*(?:\\.[\\w-]+)+:\\d{2,5}(?![\\w.])");
    private static final Pattern HEX_LETTERS = Pattern.compile("(?<![\\w<])[a-fA-F]{8,}(?![\\w>])");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"<>]{1,64}\"");
    /**
     * A host name: ending in a generic top-level domain, or in a country code after a generic or {@code co} /
     * {@code ac} second level ({@code www.google.com.hk}, {@code zen.co.uk}). A dotted name ending in two letters
     * alone is not taken for a host: {@code mapred.job.id} is a property name (host names with digits are
     * identifiers anyway, and with a port an {@code ENDPOINT}).
     */
    private static final Pattern DOMAIN = Pattern.compile(
            "(?<![\\w.@-])(?<!://)(?:[A-Za-z0-9-]+\\.)+(?:" + String.join("|", LineMasker.TokenChecks.HOST_ENDINGS) + ")"
            + "(?:\\.[a-z]{2})?(?![\\w.-])");
    /**
     * How every {@link #DOMAIN} match ends: a label's character, a dot, an ending, optionally a dot and two lower-case
     * letters, then no {@code [\\w.-]} (the reference of {@link #DOMAIN_ENDING}).
     */
    private static final Pattern DOMAIN_END = Pattern.compile("(?<=[A-Za-z0-9-])\\.(?:"
            + String.join("|", LineMasker.TokenChecks.HOST_ENDINGS) + ")(?:\\.[a-z]{2})?(?![\\w.-])");
    private static final Pattern SLASHED = Pattern.compile(
            "(?<![\\w/\\\\.<-])[\\w.{}<>~-]+(?:[/\\\\][\\w.{}<>~-]+){2,}[/\\\\]?");
    private static final Pattern EMPTY = Pattern.compile("\\(\\)|\\[\\]|\\{\\}|\"\"|''|<>");
    private static final Pattern DAY = Pattern.compile(LineMasker.BOUNDARY_BEFORE_WORD // Java 17's \b on any JVM
            + "(?:Mon(?:day)?|Tue(?:s|sday)?|Wed(?:s|nesday)?|Thu(?:r|rs|rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)"
            + ",?\\s+(?=<TS>|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[A-Z]+>|<\\*>");
    /**
     * Wildcards separated by punctuation only ({@code <*>:<*>:<*>}): one value; a separator's brackets
     * ({@code ( ) [ ] { } < >}, a {@code >} after {@code -} or {@code =} being an arrow, no bracket) must also close,
     * kind by kind and in order, what they open, or close brackets first and open the same kinds again, mirrored,
     * for after it ({@link #bracketsBalance}; the separator is judged alone: whether the token opened those brackets
     * before the run is not checked, so {@code k=<*>)(<*>} joins as {@code k=<*>][<*>} does): {@code <*>][<*>} and {@code <*>])([<*>} join, {@code <*>]:<*>},
     * {@code <*>)](<*>} and {@code <*>>:<*>} do not, so {@code to=[<*>]:<*>} and {@code Switch<<*>>:<*>} stay so
     * (as one run they were {@code to=[<*>} and {@code Switch<<*>}). Outside ASCII the same rule by kind of char: a
     * letter of any script ends a separator as an ASCII letter does ({@code \\p{L}}, by code point), a space char as
     * a space does ({@code \\p{Z}}: U+00A0, U+2007, U+202F, which cut no token), and so does NEL (U+0085, a line
     * break that is no Java whitespace; the invisible format chars ZWSP U+200B and BOM U+FEFF are punctuation: they
     * join, as the value they sit in reads as one); a space inside quotes, which the tokens write as U+00A0
     * ({@link #protectQuoted(char[])}), thus ends one as the space it was, on ASCII lines too ({@code k=<*>": "<*>}
     * keeps both wildcards, where before U+00A0 ended a separator it was {@code k=<*>}); a digit of any script is
     * read as an ASCII digit is (no end), and the fullwidth forms of ASCII punctuation (U+FF01 to U+FF5E) as that
     * punctuation:
     * {@code ＜} ends it, {@code （）［］｛｝＜＞} are brackets of their kind, {@code －＞} and {@code ＝＞} arrows
     * ({@link #foldFullwidth}); the CJK brackets {@code 【】〔〕「」『』｢｣《》〈〉｟｠} are brackets of the ASCII kind
     * they read as ({@link #CJK_BRACKETS}), so {@code k=【<*>】：<*>} stays so as
     * {@code to=[<*>]:<*>} does. The reference's separator: {@link #separatorReference}.
     */
    private static final Pattern RUN_SEPARATOR = Pattern.compile("[^A-Za-z\\s<\uFF1C\\p{L}\\p{Z}\\x85]*");
    private static final java.util.Set<String> LEVELS = java.util.Set.of("trace", "debug", "info", "notice", "warn",
            "warning", "error", "err", "crit", "critical", "fatal", "severe", "alert", "emerg", "fine", "finer",
            "finest", "config", "v", "d", "i", "w", "e", "f");
    private static final int MAX_HEADER = 8;
    /** A time stamp at this token index or before is part of the header. */
    private static final int MAX_STAMP = 5;
    private static final String WILDCARD_REPLACEMENT = Matcher.quoteReplacement(WILDCARD);

    private final LineMasker masker = new LineMasker();
    /**
     * The String {@link #mask} last returned and an array of its characters (never changed once kept: the readers
     * below copy before they write), so that the miner's message and tokens of that line read them without
     * inflating the String again ({@link #charsOf}); null before the first line.
     */
    private transient String lastMasked;
    private transient char[] lastMaskedChars;

    private static final String[] DAY_NAMES = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

    /** Whether {@code s} holds a day name's three letters (what any {@link #DAY} match starts with). */
    static boolean hasDayNameReference(String s) {
        for (String d : DAY_NAMES) {
            if (s.indexOf(d) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code s} holds 8 hex letters in a row (what any {@link #HEX_LETTERS} match needs). */
    private static boolean hasHexLetterRun(char[] s) {
        int run = 0;
        for (char ch : s) {
            if ((ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')) {
                if (++run >= 8) {
                    return true;
                }
            } else {
                run = 0;
            }
        }
        return false;
    }

    /** Whether {@code s} holds two slashes or backslashes (what any {@link #SLASHED} match needs). */
    private static boolean hasTwoSlashes(char[] s) {
        int seen = 0;
        for (char ch : s) {
            if ((ch == '/' || ch == '\\') && ++seen >= 2) {
                return true;
            }
        }
        return false;
    }

    /** {@link #preChecks}: the line holds a dot. */
    static final int DOT = LineMasker.TokenChecks.DOT;
    /** {@link #preChecks}: an {@link #ENDPOINT} match ({@link #endpointFound}). */
    static final int PORT = LineMasker.TokenChecks.PORT;
    /** {@link #preChecks}: a {@link #DOMAIN_END} match (which every {@link #DOMAIN} match ends with). */
    static final int DOMAIN_ENDING = LineMasker.TokenChecks.DOMAIN_ENDING;
    /** {@link #preChecks}: {@link #hasDayNameReference}. */
    static final int DAY_NAME = LineMasker.TokenChecks.DAY_NAME;
    /** {@link #preChecks}: {@link #hasHexLetterRun}. */
    static final int HEX_LETTER_RUN = LineMasker.TokenChecks.HEX_LETTER_RUN;
    /** {@link #preChecks}: {@link #hasTwoSlashes}. */
    static final int TWO_SLASHES = LineMasker.TokenChecks.TWO_SLASHES;

    /**
     * The pre-checks of {@link #mask}: {@link #DOT} | {@link #PORT} | {@link #DOMAIN_ENDING} (the checks before the
     * {@code <HOST>} rules, over the raw line) | {@link #DAY_NAME} | {@link #HEX_LETTER_RUN} | {@link #TWO_SLASHES}
     * (those after the masker), each bit set exactly when its check ({@link #preChecksReference}) holds: taken in
     * the masker's census pass ({@link RegexScan.Starts#ofWithCensus}), as {@link #mask} takes them.
     */
    static int preChecks(char[] s) {
        return RegexScan.Starts.ofWithCensus(s, OPEN).tokenChecks();
    }

    /** Whether {@code c a b} are a day name's three letters ({@link #DAY_NAMES}). */
    private static boolean dayName(char c, char a, char b) {
        return LineMasker.TokenChecks.dayName(c, a, b);
    }

    /** What {@link #laterChecks} looks at: bit 1 a hex letter, 2 a slash or backslash, 4 a day name's first letter. */
    private static final byte[] LATER = new byte[128];

    static {
        for (char c = 'a'; c <= 'f'; c++) {
            LATER[c] |= 1;
            LATER[Character.toUpperCase(c)] |= 1;
        }
        LATER['/'] |= 2;
        LATER['\\'] |= 2;
        for (char c : new char[] {'M', 'T', 'W', 'F', 'S'}) {
            LATER[c] |= 4;
        }
    }

    /**
     * {@link #DAY_NAME} | {@link #HEX_LETTER_RUN} | {@link #TWO_SLASHES} of {@link #preChecks} in one loop over the
     * line (where the day names or the hex letters changed it): a character {@link #LATER} does not name (most
     * letters) costs a lookup.
     */
    static int laterChecks(char[] s) {
        byte[] table = LATER;
        int flags = 0;
        int hexRun = 0;
        int slashes = 0;
        int n = s.length;
        for (int i = 0; i < n; i++) {
            char c = s[i];
            int k = c < 128 ? table[c] : 0;
            if ((k & 1) == 0) {
                hexRun = 0;
                if (k == 0) {
                    continue;
                }
            } else if (++hexRun >= 8) {
                flags |= HEX_LETTER_RUN;
            }
            if (k == 2) {
                if (++slashes >= 2) {
                    flags |= TWO_SLASHES;
                }
            } else if ((k & 4) != 0 && i < n - 2 && dayName(c, s[i + 1], s[i + 2])) {
                flags |= DAY_NAME;
            }
        }
        return flags;
    }

    /** Whether the {@link #ENDPOINT} regex finds a match in {@code s} (for tests: then {@link #PORT} is set). */
    static boolean endpointFound(String s) {
        return ENDPOINT.matcher(s).find();
    }

    /** Whether the {@link #DOMAIN} regex finds a match in {@code s} (for tests: then {@link #DOMAIN_ENDING} is set). */
    static boolean domainFound(String s) {
        return DOMAIN.matcher(s).find();
    }

    /** {@link #preChecks} with the separate checks, the host ones by their regexes (the reference). */
    static int preChecksReference(String s) {
        char[] cs = s.toCharArray();
        return (s.indexOf('.') >= 0 ? DOT : 0) | (endpointFound(s) ? PORT : 0)
                | (DOMAIN_END.matcher(s).find() ? DOMAIN_ENDING : 0)
                | (hasDayNameReference(s) ? DAY_NAME : 0) | (hasHexLetterRun(cs) ? HEX_LETTER_RUN : 0)
                | (hasTwoSlashes(cs) ? TWO_SLASHES : 0);
    }

    /**
     * The masked line (placeholders in place, whitespace kept as single spaces). Each pattern runs only where
     * the line has what any match of it needs, and only at the positions where a match can start
     * ({@link RegexScan}); identifier-like words are found by a scan: the result is {@link #maskReference}'s.
     * The scans read the line's characters from an array, taken again only after a step changed the line, and
     * the pre-checks are made in one pass over the line as given ({@link #preChecks}; each flag stays a necessary
     * condition as the line changes), the later ones again after the day names or the hex letters changed it.
     */
    public String mask(String line) {
        // A step that changes the line hands the next its characters; a String of them is made only where a
        // regex must run (RegexScan.replaceAllChars), and at the end. Every scan, the masker's included, walks
        // the line's positions (RegexScan.Starts, found once with a table that holds every scan's first
        // characters, and moved along with each change) instead of every character.
        String text = line; // the text of cs, or null where not made yet
        char[] cs = line.toCharArray();
        // the positions found in the masker's census pass, its census kept for the masker (see maskChars)
        // and with them the pre-checks (LineMasker.TokenChecks): the line is read once before the scans
        RegexScan.Starts starts = RegexScan.Starts.ofWithCensus(cs, OPEN);
        int flags = starts.tokenChecks();
        if ((flags & DOT) != 0) {
            if ((flags & PORT) != 0) {
                char[] out = RegexScan.replaceAllChars(ENDPOINT, text, cs, "<HOST>", LETTER, AFTER_DOT_HYPHEN,
                        LineTokens::mayStartEndpoint, LineTokens::endpointEnd, starts);
                if (out != cs) {
                    cs = out;
                    text = null;
                    // DOMAIN_ENDING is that of the line before: taken again on this one (a line with a host and port
                    // is rare), where the DOMAIN scan runs.
                    flags = (flags & ~DOMAIN_ENDING)
                            | (LineMasker.TokenChecks.domainEnding(cs) ? DOMAIN_ENDING : 0);
                }
            }
            if ((flags & DOMAIN_ENDING) != 0) {
                char[] out = RegexScan.replaceAllChars(DOMAIN, text, cs, "<HOST>", DOMAIN_FIRST, AFTER_DOT_HYPHEN,
                        LineTokens::mayStartDomain, LineTokens::domainEnd, starts);
                if (out != cs) {
                    cs = out;
                    text = null;
                }
            }
        }
        String[] masked = new String[1];
        cs = masker.maskChars(text, cs, masked, starts);
        text = masked[0];
        // The later flags stay those of the line as given: the host rules' and the masker's placeholders ("<"
        // capital letters ">") hold no slash, no two hex letters in a row and no lower-case letter, and join
        // nothing across their angle brackets, so no change made a day name, a longer run of hex letters or
        // another slash: a flag can only have been lost, and kept set it runs a scan that finds what there is.
        if ((flags & DAY_NAME) != 0) {
            char[] out = RegexScan.replaceAllChars(DAY, text, cs, "", DAY_FIRST, AFTER_WORD, LineTokens::mayStartDay,
                    LineTokens::dayEnd, starts);
            if (out != cs) {
                cs = out;
                text = null;
                flags = laterChecks(cs);
            }
        }
        if ((flags & HEX_LETTER_RUN) != 0) {
            char[] out = RegexScan.replaceAllChars(HEX_LETTERS, text, cs, "<HEX>", HEX_LETTER_FIRST, AFTER_LT,
                    LineTokens::mayStartHexLetters, LineTokens::hexLettersEnd, starts);
            if (out != cs) {
                cs = out;
                text = null;
                flags = laterChecks(cs);
            }
        }
        if ((flags & TWO_SLASHES) != 0) {
            char[] out = RegexScan.replaceAllChars(SLASHED, text, cs, "<PATH>", SLASHED_FIRST, AFTER_SLASHED,
                    LineTokens::mayStartSlashed, LineTokens::slashedEnd, starts);
            if (out != cs) {
                cs = out;
                text = null;
            }
        }
        char[] out = RegexScan.replaceAllChars(QUANTITY, text, cs, "<Q>", QUANTITY_FIRST, AFTER_DOT,
                LineTokens::mayStartQuantity, LineTokens::quantityEnd, starts);
        if (out != cs) {
            cs = out;
            text = null;
        }
        return maskIdentifiers(text, cs, this);
    }

    /**
     * The characters of {@code masked} where it is the very String the last {@link #mask} call returned (an array
     * no caller may write to: {@link #message(String, char[])} and {@link #tokens(String, char[], int)} only read it,
     * or copy it first), else null.
     */
    char[] charsOf(String masked) {
        return masked == lastMasked ? lastMaskedChars : null;
    }

    // Where a match of each pattern can start: its first character after one its lookbehind allows, and what
    // must follow (a pattern's leading run of a character class can end only where the next literal is).
    // The tables (RegexScan.firstChars) hold each test's condition on the character at the start, so the scans
    // ask the test only where it can pass.
    private static final boolean[] LETTER = RegexScan.firstChars(RegexScan::letter);
    private static final boolean[] DOMAIN_FIRST =
            RegexScan.firstChars(c -> RegexScan.letter(c) || RegexScan.digit(c) || c == '-');
    private static final boolean[] DAY_FIRST = RegexScan.firstChars(c -> "MTWFS".indexOf(c) >= 0);
    private static final boolean[] HEX_LETTER_FIRST =
            RegexScan.firstChars(c -> (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    private static final boolean[] SLASHED_FIRST = RegexScan.firstChars(LineTokens::slashedCharReference);
    private static final boolean[] QUANTITY_FIRST =
            RegexScan.firstChars(c -> RegexScan.digit(c) || c == '<' || c == '>' || c == '~');
    /**
     * The characters at the positions {@link #mask} walks ({@link RegexScan.Starts}): the masker's and each scan's
     * first characters. Every scan's tables fit it (checked here: a scan that did not would miss matches).
     */
    static final boolean[] OPEN = RegexScan.Starts.openWith(LETTER, DOMAIN_FIRST, DAY_FIRST, HEX_LETTER_FIRST,
            SLASHED_FIRST, QUANTITY_FIRST);

    static {
        if (!(RegexScan.Starts.fits(LETTER, AFTER_DOT_HYPHEN, OPEN) && RegexScan.Starts.fits(DOMAIN_FIRST, AFTER_DOT_HYPHEN, OPEN)
                && RegexScan.Starts.fits(DAY_FIRST, AFTER_WORD, OPEN) && RegexScan.Starts.fits(HEX_LETTER_FIRST, AFTER_LT, OPEN)
                && RegexScan.Starts.fits(SLASHED_FIRST, AFTER_SLASHED, OPEN)
                && RegexScan.Starts.fits(QUANTITY_FIRST, AFTER_DOT, OPEN))) {
            throw new IllegalStateException("a scan's tables do not fit the positions LineTokens.mask walks");
        }
    }


    /** {@link #DAY}: a day name's first letter at a word's start. */
    private static boolean mayStartDay(char[] s, int i) {
        return "MTWFS".indexOf(s[i]) >= 0 && !RegexScan.wordBefore(s, i);
    }

    /**
     * Whether a scan's {@code Start} test passes at index {@code i} of {@code s} where its first-character
     * table leaves the position out or its {@code notAfter} table holds the character before it (for tests:
     * never, or the scan would skip a match).
     */
    static boolean startOutsideFirstChars(String s, int i) {
        return startOutsideFirstChars(s.toCharArray(), i);
    }

    private static boolean startOutsideFirstChars(char[] s, int i) {
        return (skipped(s, i, LETTER, AFTER_DOT_HYPHEN) && mayStartEndpoint(s, i))
                || (skipped(s, i, DOMAIN_FIRST, AFTER_DOT_HYPHEN) && mayStartDomain(s, i))
                || (skipped(s, i, DAY_FIRST, AFTER_WORD) && mayStartDay(s, i))
                || (skipped(s, i, HEX_LETTER_FIRST, AFTER_LT) && mayStartHexLetters(s, i))
                || (skipped(s, i, SLASHED_FIRST, AFTER_SLASHED) && mayStartSlashed(s, i))
                || (skipped(s, i, QUANTITY_FIRST, AFTER_DOT) && mayStartQuantity(s, i));
    }

    /** Whether a scan with the tables {@code first} and {@code notAfter} skips index {@code i} of {@code s}. */
    private static boolean skipped(char[] s, int i, boolean[] first, boolean[] notAfter) {
        // every scan here walks the positions (RegexScan.Starts), which hold no non-ASCII character
        return s[i] >= 128 || !first[s[i]] || RegexScan.skippedAfter(s, i, notAfter);
    }

    /** {@link #ENDPOINT}: a letter, then {@code [\\w-]*} up to the first dot. */
    private static boolean mayStartEndpoint(char[] s, int i) {
        if (!RegexScan.letter(s[i]) || RegexScan.before(s, i, BEFORE_DOT_HYPHEN) || afterScheme(s, i)) {
            return false;
        }
        int k = i + 1;
        while (k < s.length && (RegexScan.word(s[k]) || s[k] == '-')) {
            k++;
        }
        return k < s.length && s[k] == '.';
    }

    /**
     * Whether {@code ://} comes right before {@code i}: a URL's host, which the host rules leave to the masker's URL
     * rule (masked first, the URL would no longer match: {@code https://<HOST>/x?q=1}).
     */
    private static boolean afterScheme(char[] s, int i) {
        return i >= 3 && s[i - 1] == '/' && s[i - 2] == '/' && s[i - 3] == ':';
    }

    private static boolean wordOrHyphen(char c) {
        return RegexScan.word(c) || c == '-';
    }

    /**
     * {@link #ENDPOINT} written as a scan, at a start {@link #mayStartEndpoint} allowed (its lookbehind holds, a
     * letter there): {@code [\\w-]*}, one or more {@code \\.[\\w-]+}, a colon, 2 to 5 digits and then no
     * {@code [\\w.]}. The runs end where the next part must begin, so the match is the longest one or none.
     */
    static int endpointEnd(char[] s, int i) {
        int n = s.length;
        int k = i + 1;
        while (k < n && wordOrHyphen(s[k])) {
            k++;
        }
        int groups = 0;
        while (k + 1 < n && s[k] == '.' && wordOrHyphen(s[k + 1])) {
            k += 2;
            while (k < n && wordOrHyphen(s[k])) {
                k++;
            }
            groups++;
        }
        if (groups == 0 || k >= n || s[k] != ':') {
            return -1;
        }
        int d = RegexScan.digitsEnd(s, k + 1);
        int len = d - k - 1;
        if (len < 2 || len > 5 || (d < n && (RegexScan.word(s[d]) || s[d] == '.'))) {
            return -1;
        }
        if (d < n && s[d] == ')' && i >= 2 && s[i - 1] == '(' && (RegexScan.word(s[i - 2]) || s[i - 2] == '$')) {
            return -1; // a stack frame's file and line: "at a.B.c(B.java:521)"
        }
        return d;
    }

    /** {@link #DOMAIN}: a run of {@code [A-Za-z0-9-]} ending at a dot. */
    private static boolean mayStartDomain(char[] s, int i) {
        if (RegexScan.before(s, i, BEFORE_DOT_HYPHEN) || afterScheme(s, i)) {
            return false;
        }
        int k = i;
        while (k < s.length) {
            char c = s[k];
            if (!(RegexScan.letter(c) || RegexScan.digit(c) || c == '-')) {
                break;
            }
            k++;
        }
        return k > i && k < s.length && s[k] == '.';
    }

    private static boolean mayStartHexLetters(char[] s, int i) {
        char c = s[i];
        return ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) && !RegexScan.before(s, i, BEFORE_LT);
    }

    /** {@code [\\w.{}<>~-]}, {@link #SLASHED}'s run: a lookup in {@link #SLASHED_CHARS}. */
    static boolean slashedChar(char c) {
        return c < 128 && SLASHED_CHARS[c];
    }

    /** {@link #slashedChar} as the class's test (the reference; the table is made from it). */
    static boolean slashedCharReference(char c) {
        return RegexScan.word(c) || ".{}<>~-".indexOf(c) >= 0;
    }

    private static final boolean[] SLASHED_CHARS = RegexScan.firstChars(LineTokens::slashedCharReference);

    /** {@link #SLASHED}: a run of {@code [\\w.{}<>~-]} ending at a slash or backslash. */
    private static boolean mayStartSlashed(char[] s, int i) {
        if (RegexScan.before(s, i, BEFORE_SLASHED)) {
            return false;
        }
        int k = i;
        while (k < s.length && slashedChar(s[k])) {
            k++;
        }
        return k > i && k < s.length && (s[k] == '/' || s[k] == '\\');
    }

    /**
     * {@link #QUANTITY}: an optional {@code [<>~]}, a number ({@code <NUM>}, {@code <TS>} or digits with an
     * optional decimal part), an optional {@code \\s}, then the first letter of a unit.
     */
    private static boolean mayStartQuantity(char[] s, int i) {
        char c = s[i];
        if (!(RegexScan.digit(c) || c == '<' || c == '>' || c == '~') || RegexScan.before(s, i, BEFORE_DOT)) {
            return false;
        }
        return unitAfterNumber(s, i) || ((c == '<' || c == '>' || c == '~') && unitAfterNumber(s, i + 1));
    }

    /** {@link #unitAfterNumber} as it was, the placeholders compared by {@code startsWith} (the reference, for tests). */
    static boolean unitAfterNumberReference(char[] s, int i) {
        int n = s.length;
        int q;
        if (RegexScan.startsWith(s, NUM_CHARS, i)) {
            q = i + 5;
        } else if (RegexScan.startsWith(s, TS_CHARS, i)) {
            q = i + 4;
        } else if (i < n && RegexScan.digit(s[i])) {
            q = i + 1;
            while (q < n && RegexScan.digit(s[q])) {
                q++;
            }
            if (q + 1 < n && s[q] == '.' && RegexScan.digit(s[q + 1])) {
                q += 2;
                while (q < n && RegexScan.digit(s[q])) {
                    q++;
                }
            }
        } else {
            return false;
        }
        if (q < n && unitStart(s[q])) {
            return true;
        }
        return q + 1 < n && space(s[q]) && unitStart(s[q + 1]);
    }

    private static final char[] NUM_CHARS = "<NUM>".toCharArray();
    private static final char[] TS_CHARS = "<TS>".toCharArray();

    /**
     * Whether a number starts at {@code i} and a unit's first letter follows it (after at most one {@code \\s}).
     * The first char decides which number to read: a {@code <} the placeholders' (compared in place, no call per
     * placeholder: the walk asks here at every placeholder of a masked line), a digit the digits'.
     */
    static boolean unitAfterNumber(char[] s, int i) {
        int n = s.length;
        if (i >= n) {
            return false;
        }
        char c = s[i];
        int q;
        if (c == '<') {
            if (i + 4 < n && s[i + 1] == 'N' && s[i + 2] == 'U' && s[i + 3] == 'M' && s[i + 4] == '>') {
                q = i + 5;
            } else if (i + 3 < n && s[i + 1] == 'T' && s[i + 2] == 'S' && s[i + 3] == '>') {
                q = i + 4;
            } else {
                return false;
            }
        } else if (c >= '0' && c <= '9') {
            q = i + 1;
            while (q < n && RegexScan.digit(s[q])) {
                q++;
            }
            if (q + 1 < n && s[q] == '.' && RegexScan.digit(s[q + 1])) {
                q += 2;
                while (q < n && RegexScan.digit(s[q])) {
                    q++;
                }
            }
        } else {
            return false;
        }
        if (q < n && unitStart(s[q])) {
            return true;
        }
        return q + 1 < n && space(s[q]) && unitStart(s[q + 1]);
    }

    /** The first letters of {@link #UNITS} (Latin-1: a lookup in {@link #UNIT_FIRST}). */
    static boolean unitStart(char c) {
        return c < 256 && UNIT_FIRST[c];
    }

    /** {@link #unitStart} by {@code indexOf} (the reference; the table is made from it). */
    static boolean unitStartReference(char c) {
        return UNIT_FIRST_LETTERS.indexOf(c) >= 0;
    }

    private static final String UNIT_FIRST_LETTERS = "KMGTPBbkmgunsµhd";
    private static final boolean[] UNIT_FIRST = new boolean[256];

    static {
        for (char c = 0; c < 256; c++) {
            UNIT_FIRST[c] = unitStartReference(c);
        }
    }

    // The patterns written as scans (RegexScan.End): the end of the pattern's match at a start its Start test
    // allowed, -1 for none (RegexScan.UNDECIDED where a \b touches a non-ASCII character: the regex decides).
    // Each pattern's parts are runs of a class that the next part cannot continue, or a lookahead that forbids
    // what a shorter run would leave next, so backtracking into a run finds nothing: the match is the greedy one
    // (or, where optional parts are tried, the first that the regex's order of tries finds). Tests compare each
    // with its regex at every start (scanDisagreement).

    /** The {@link #DOMAIN} endings. */
    private static final java.util.Set<String> DOMAIN_ENDINGS = java.util.Set.copyOf(LineMasker.TokenChecks.HOST_ENDINGS);

    /**
     * {@link #DOMAIN} at a start {@link #mayStartDomain} allowed: a match holds only {@code [A-Za-z0-9.-]} and its
     * lookahead forbids a {@code [\\w.-]} after it, so it is the whole run of {@code [\\w.-]} from {@code i} or
     * none. The run matches when it holds no underscore, no empty label, and ends in an ending, or in an ending and
     * two lower-case letters, after at least one label.
     */
    static int domainEnd(char[] s, int i) {
        int n = s.length;
        int r = i;
        while (r < n && (RegexScan.word(s[r]) || s[r] == '.' || s[r] == '-')) {
            if (s[r] == '_') {
                return -1;
            }
            r++;
        }
        // the last two labels: [a, b) before the last dot, [c, r) after it
        int lastDot = -1;
        int prevDot = -1;
        for (int k = i; k < r; k++) {
            if (s[k] == '.') {
                if (k == i || s[k - 1] == '.') {
                    return -1; // an empty label
                }
                prevDot = lastDot;
                lastDot = k;
            }
        }
        if (lastDot < 0 || lastDot == r - 1) {
            return -1; // one label, or an empty last one
        }
        if (domainEnding(s, lastDot + 1, r)) {
            return r;
        }
        if (prevDot >= 0 && r - lastDot - 1 == 2 && lowerLetter(s[r - 2]) && lowerLetter(s[r - 1])
                && domainEnding(s, prevDot + 1, lastDot)) {
            return r;
        }
        return -1;
    }

    private static boolean lowerLetter(char c) {
        return c >= 'a' && c <= 'z';
    }

    /** Whether {@code s[from, to)} is one of {@link #DOMAIN_ENDINGS}. */
    private static boolean domainEnding(char[] s, int from, int to) {
        int len = to - from;
        if (len < 2 || len > 11) {
            return false;
        }
        for (int k = from; k < to; k++) {
            if (!lowerLetter(s[k])) {
                return false;
            }
        }
        return oneOf(DOMAIN_ENDING_CHARS, s, from, to);
    }

    private static final char[][] DOMAIN_ENDING_CHARS = charsOf(DOMAIN_ENDINGS);

    /** The words of {@code set} as character arrays (for {@link #oneOf}). */
    private static char[][] charsOf(java.util.Set<String> set) {
        return set.stream().sorted().map(String::toCharArray).toArray(char[][]::new);
    }

    /**
     * Whether {@code s[from, to)} is one of {@code words}: {@code set.contains(new String(s, from, to - from))}
     * for the set they were made of ({@link #charsOf}), without the String (tests compare the two).
     */
    static boolean oneOf(char[][] words, char[] s, int from, int to) {
        return RegexScan.oneOf(words, s, from, to);
    }

    /**
     * {@link #DAY} at a start {@link #mayStartDay} allowed: {@code \\b}, a day name (short or full), an optional
     * comma, {@code \\s+}, and then {@code <TS>} or a month name (a lookahead).
     */
    static int dayEnd(char[] s, int i) {
        int n = s.length;
        if (i + 3 > n) {
            return -1;
        }
        boolean day = false;
        for (char[] d : DAY_CHARS) {
            if (RegexScan.startsWith(s, d, i)) {
                day = true;
                break;
            }
        }
        if (!day) {
            return -1;
        }
        int b = RegexScan.boundaryBeforeWord(s, i);
        if (b != 1) {
            return b == 0 ? -1 : RegexScan.UNDECIDED;
        }
        int k = i + 3; // then the rest of the day's name, told by its third letter (Mon, Fri, Sun: "day"), the
        // longest that is there (a shorter one leaves a letter where the comma or blank must follow, as in the regex)
        for (char[] rest : DAY_RESTS[s[i + 2] == 'e' ? 1 : s[i + 2] == 'd' ? 2 : s[i + 2] == 'u' ? 3 : s[i + 2] == 't' ? 4 : 0]) {
            if (RegexScan.startsWith(s, rest, k)) {
                k += rest.length;
                break;
            }
        }
        if (k < n && s[k] == ',') {
            k++;
        }
        int sp = k;
        while (k < n && space(s[k])) {
            k++;
        }
        if (k == sp) {
            return -1;
        }
        if (RegexScan.startsWith(s, TS_CHARS, k)) {
            return k;
        }
        for (char[] m : MONTH_CHARS) {
            if (RegexScan.startsWith(s, m, k)) {
                return k;
            }
        }
        return -1;
    }

    private static final char[][] DAY_CHARS = chars(DAY_NAMES);
    /** The rests of a day's names after its three letters (Tues, Weds, Thur, Thurs too), longest first. */
    private static final char[][][] DAY_RESTS = {
        chars(new String[] {"day"}), chars(new String[] {"sday", "s"}), chars(new String[] {"nesday", "s"}),
        chars(new String[] {"rsday", "rs", "r"}), chars(new String[] {"urday"})};
    private static final char[][] MONTH_CHARS = chars(new String[] {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
        "Aug", "Sep", "Oct", "Nov", "Dec"});

    private static char[][] chars(String[] words) {
        char[][] out = new char[words.length][];
        for (int k = 0; k < words.length; k++) {
            out[k] = words[k].toCharArray();
        }
        return out;
    }

    /** Whether {@code c} is in {@code \\s} ({@code [ \\t\\n\\x0B\\f\\r]}). */
    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** {@link #HEX_LETTERS} at a start its test allowed: the run of hex letters, 8 or more, no {@code [\\w>]} after. */
    static int hexLettersEnd(char[] s, int i) {
        int n = s.length;
        int k = i;
        while (k < n && ((s[k] >= 'a' && s[k] <= 'f') || (s[k] >= 'A' && s[k] <= 'F'))) {
            k++;
        }
        if (k - i < 8 || (k < n && (RegexScan.word(s[k]) || s[k] == '>'))) {
            return -1;
        }
        return k;
    }

    /**
     * {@link #SLASHED} at a start {@link #mayStartSlashed} allowed: a run of {@code [\\w.{}<>~-]}, two or more
     * groups of a slash (or backslash) and such a run, each run whole, and a slash after them if there is one.
     */
    static int slashedEnd(char[] s, int i) {
        int n = s.length;
        int k = slashedRunEnd(s, i);
        if (k == i) {
            return -1;
        }
        int groups = 0;
        while (k + 1 < n && (s[k] == '/' || s[k] == '\\') && slashedChar(s[k + 1])) {
            k = slashedRunEnd(s, k + 1);
            groups++;
        }
        if (groups < 2) {
            return -1;
        }
        return k < n && (s[k] == '/' || s[k] == '\\') ? k + 1 : k;
    }

    private static int slashedRunEnd(char[] s, int i) {
        int n = s.length;
        while (i < n && s[i] < 128 && slashedChar(s[i])) {
            i++;
        }
        return i;
    }

    /** The units of {@link #UNITS}, each alternative spelt out. */
    private static final java.util.Set<String> UNIT_WORDS = java.util.Set.of("KB", "MB", "GB", "TB", "PB", "KiB",
            "MiB", "GiB", "TiB", "PiB", "byte", "bytes", "B", "kb", "mb", "gb", "ms", "us", "µs", "ns", "s", "sec",
            "secs", "second", "seconds", "min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "day",
            "days");

    /**
     * {@link #QUANTITY} at a start {@link #mayStartQuantity} allowed: with the optional {@code [<>~]} first (as the
     * regex tries it), else without; then the number, an optional {@code \\s} and a unit with no {@code \\w} after it.
     * A unit is letters (after a {@code µ}), and no unit is a prefix of another followed by anything but a letter,
     * so the unit is the whole run of ASCII letters there.
     */
    static int quantityEnd(char[] s, int i) {
        char c = s[i];
        if (c == '<' || c == '>' || c == '~') {
            int e = numberUnitEnd(s, i + 1);
            if (e >= 0) {
                return e;
            }
        }
        return numberUnitEnd(s, i);
    }

    /** The end of {@code (?:<NUM>|<TS>|\\d+(?:\\.\\d+)?)\\s?UNITS(?![\\w=])} from {@code i}, or -1. */
    private static int numberUnitEnd(char[] s, int i) {
        int n = s.length;
        int q;
        if (RegexScan.startsWith(s, NUM_CHARS, i)) {
            q = i + 5;
        } else if (RegexScan.startsWith(s, TS_CHARS, i)) {
            q = i + 4;
        } else if (i < n && RegexScan.digit(s[i])) {
            q = RegexScan.digitsEnd(s, i);
            if (q + 1 < n && s[q] == '.' && RegexScan.digit(s[q + 1])) {
                q = RegexScan.digitsEnd(s, q + 1);
            }
        } else {
            return -1;
        }
        if (q < n && space(s[q])) {
            int e = unitEnd(s, q + 1);
            if (e >= 0) {
                return e;
            }
        }
        return unitEnd(s, q);
    }

    /**
     * The end of a unit of {@link #UNIT_WORDS} at {@code q} that no {@code \\w} or {@code =} follows, or -1: a unit
     * word before {@code =} is a key ({@code :35341 bytes=732347482}: a port, then the next field), not a unit.
     */
    private static int unitEnd(char[] s, int q) {
        int n = s.length;
        if (q >= n) {
            return -1;
        }
        int k = s[q] == 'µ' ? q + 1 : q;
        while (k < n && RegexScan.letter(s[k])) {
            k++;
        }
        if (k == q || (k < n && (RegexScan.word(s[k]) || s[k] == '=')) || k - q > 7) {
            return -1;
        }
        return oneOf(UNIT_CHARS, s, q, k) ? k : -1;
    }

    private static final char[][] UNIT_CHARS = charsOf(UNIT_WORDS);

    /** {@code oneOf} of the domain endings' and the units' words, as the sets' {@code contains} (for tests). */
    static boolean[] inSets(String w) {
        char[] cs = ("." + w + ".").toCharArray();
        return new boolean[] {oneOf(DOMAIN_ENDING_CHARS, cs, 1, cs.length - 1), DOMAIN_ENDINGS.contains(w),
            oneOf(UNIT_CHARS, cs, 1, cs.length - 1), UNIT_WORDS.contains(w)};
    }

    /**
     * For tests: where one of the scans disagrees with its pattern at index {@code i} of {@code s} (the pattern run
     * anchored there, transparent bounds): the {@code Start} test rejects a position where the pattern matches, or
     * the {@code End} gives another end than the pattern's. A description of the disagreement, else null.
     */
    static String scanDisagreement(String s, int i) {
        char[] cs = s.toCharArray();
        for (WalkingScan scan : WALKING_SCANS) {
            Pattern p = scan.pattern();
            Matcher m = p.matcher(s);
            m.useTransparentBounds(true);
            m.useAnchoringBounds(false);
            m.region(i, s.length());
            int regexEnd = m.lookingAt() && m.end() > i ? m.end() : -1;
            boolean start = scan.start().mayStart(cs, i);
            if (regexEnd > i && !start) {
                return p + ": Start rejects a match at " + i;
            }
            if (start) {
                int e = scan.end().end(cs, i);
                if (e != RegexScan.UNDECIDED && e != regexEnd) {
                    return p + ": End " + e + ", regex " + regexEnd + " at " + i;
                }
            }
        }
        return null;
    }

    /**
     * Every identifier-like match of {@link #WORD} replaced by {@code <ID>}: the matches found by a scan (a
     * maximal run of {@code [A-Za-z0-9_.-]} characters, {@link #identifierLetter}s and {@code <[A-Z]+>} placeholders,
     * the next one from the
     * end of the last, as {@code Matcher.find} gives them; nothing follows the pattern's greedy loop).
     */
    static String maskIdentifiers(String s) {
        return maskIdentifiers(s, s.toCharArray(), null);
    }

    /**
     * {@link #maskIdentifiers(String)} over {@code cs}, the characters of {@code s} (null: made from cs if needed);
     * where {@code keep} is given, the result and its characters are kept there ({@link #charsOf}).
     */
    private static String maskIdentifiers(String s, char[] cs, LineTokens keep) {
        // One pass: each maximal run of WORD (its characters and whole placeholders, as wordEnd finds it) is
        // judged as it is read (identifierLike's digits, first character and lone placeholder), not read again.
        int[] spans = null;
        int count = 0;
        // A run with no ASCII char holds no digit nor placeholder, so it is no identifier: a non-ASCII char is read
        // only beside a run's ASCII chars, after them (letterWidth) or, from the first, back to the run's start.
        int n = cs.length;
        int i = 0;
        int low = 0; // the end of the last run judged: no run starts before it
        while (i < n) {
            char c = cs[i];
            int kind = c < 128 ? RUN[c] : 0;
            if (kind == 0) {
                i++;
                continue;
            }
            int from = i;
            while (from > low && cs[from - 1] >= 128) {
                int cp = Character.codePointBefore(cs, from, low);
                if (!identifierLetter(cp)) {
                    break;
                }
                from -= Character.charCount(cp);
            }
            int digits = 0;
            int loneEnd = -1; // the end of the placeholder the run starts with, if it does
            while (i < n) {
                c = cs[i];
                kind = c < 128 ? RUN[c] : WIDE;
                int w;
                if (kind == 1) {
                    i++;
                } else if (kind == 2) {
                    digits++;
                    i++;
                } else if (kind == 3) {
                    int e = placeholderEnd(cs, i);
                    if (e < 0) {
                        break;
                    }
                    if (i == from) {
                        loneEnd = e;
                    }
                    digits += 2; // a placeholder counts as a number
                    i = e;
                } else if (kind == WIDE && (w = letterWidth(cs, i)) != 0) {
                    i += w; // a letter or mark of a spaced script: one char or a surrogate pair
                } else {
                    break;
                }
            }
            if (i == from) { // a '<' that starts no placeholder
                i++;
                continue;
            }
            low = i;
            boolean identifier = loneEnd != i && digits > 0 && (digits >= 2 || RegexScan.digit(cs[from]));
            if (identifier) {
                if (spans == null) {
                    spans = new int[16];
                } else if (2 * count + 1 >= spans.length) {
                    spans = java.util.Arrays.copyOf(spans, 2 * spans.length);
                }
                spans[2 * count] = from;
                spans[2 * count + 1] = i;
                count++;
            }
        }
        if (count == 0) {
            String same = s != null ? s : new String(cs);
            if (keep != null) {
                keep.lastMasked = same;
                keep.lastMaskedChars = cs;
            }
            return same;
        }
        // the output's characters in one array of its length, one String of them (no builder growing and copied)
        int len = n;
        for (int k = 0; k < count; k++) {
            len += ID.length - (spans[2 * k + 1] - spans[2 * k]);
        }
        char[] out = new char[len];
        int o = 0;
        int last = 0;
        for (int k = 0; k < count; k++) {
            int from = spans[2 * k];
            System.arraycopy(cs, last, out, o, from - last);
            o += from - last;
            System.arraycopy(ID, 0, out, o, ID.length);
            o += ID.length;
            last = spans[2 * k + 1];
        }
        System.arraycopy(cs, last, out, o, n - last);
        String result = new String(out);
        if (keep != null) {
            keep.lastMasked = result;
            keep.lastMaskedChars = out;
        }
        return result;
    }

    private static final char[] ID = "<ID>".toCharArray();

    /**
     * What {@link #maskIdentifiers} reads in a {@link #WORD} run: 1 {@code [A-Za-z_.-]}, 2 a digit, 3 {@code <}, else 0
     * (a non-ASCII char is read by {@link #letterWidth}).
     */
    private static final byte[] RUN = new byte[128];

    static {
        for (char c = 0; c < 128; c++) {
            RUN[c] = (byte) (RegexScan.digit(c) ? 2 : c == '<' ? 3 : RegexScan.word(c) || c == '.' || c == '-' ? 1 : 0);
        }
    }

    /** {@link #maskIdentifiers}' kind of a non-ASCII char: read by {@link #letterWidth}. */
    private static final int WIDE = 4;

    /** The general categories of {@code \\p{L}} and {@code \\p{M}}, one bit each. */
    private static final int LETTER_OR_MARK = 1 << Character.UPPERCASE_LETTER | 1 << Character.LOWERCASE_LETTER
            | 1 << Character.TITLECASE_LETTER | 1 << Character.MODIFIER_LETTER | 1 << Character.OTHER_LETTER
            | 1 << Character.NON_SPACING_MARK | 1 << Character.ENCLOSING_MARK | 1 << Character.COMBINING_SPACING_MARK;

    /** {@link #IDENTIFIER_LETTER}'s regex class: {@code \\p{L}} and {@code \\p{M}} less the {@link #SPACELESS} ones. */
    private static String identifierLetterClass() {
        StringBuilder sb = new StringBuilder("[\\p{L}\\p{M}&&[^\\u3000-\\u30FF\\uFF61-\\uFF9F");
        for (Character.UnicodeScript script : SPACELESS) {
            sb.append("\\p{Is").append(script.name()).append('}');
        }
        return sb.append("]]").toString();
    }

    /**
     * Whether the non-ASCII code point {@code cp} reads as an ASCII letter in an identifier run: a letter or mark not
     * of a {@link #SPACELESS} script or block ({@link #IDENTIFIER_LETTER}).
     */
    static boolean identifierLetter(int cp) {
        if ((1 << Character.getType(cp) & LETTER_OR_MARK) == 0) {
            return false;
        }
        if (cp < 0x0E00) {
            return true; // below Thai every script is written with spaces
        }
        if (cp >= 0x3000 && cp <= 0x30FF || cp >= 0x4E00 && cp <= 0x9FFF || cp >= 0xFF61 && cp <= 0xFF9F) {
            return false; // the kana blocks, the unified Han ideographs (all Han), half-width kana
        }
        return !SPACELESS.contains(Character.UnicodeScript.of(cp));
    }

    /**
     * The width (1, or 2 for a surrogate pair) of the {@link #identifierLetter} that starts at the non-ASCII char
     * {@code cs[i]}, or 0 where none does (a lone surrogate is none).
     */
    private static int letterWidth(char[] cs, int i) {
        int cp = Character.codePointAt(cs, i);
        return identifierLetter(cp) ? Character.charCount(cp) : 0;
    }

    /** The end of the {@code <[A-Z]+>} placeholder at {@code i}, or -1 when none starts there. */
    private static int placeholderEnd(char[] s, int i) {
        int n = s.length;
        int k = i + 1;
        while (k < n && s[k] >= 'A' && s[k] <= 'Z') {
            k++;
        }
        return k > i + 1 && k < n && s[k] == '>' ? k + 1 : -1;
    }

    /** The end of the {@code <[A-Z]+>} placeholder at {@code i}, or -1 when none starts there. */
    private static int placeholderEnd(String s, int i) {
        int n = s.length();
        int k = i + 1;
        while (k < n && s.charAt(k) >= 'A' && s.charAt(k) <= 'Z') {
            k++;
        }
        return k > i + 1 && k < n && s.charAt(k) == '>' ? k + 1 : -1;
    }

    /** The end of the {@link #PLACEHOLDER} ({@code <[A-Z]+>} or {@code <*>}) at {@code i}, or -1. */
    private static int anyPlaceholderEnd(String s, int i) {
        if (s.charAt(i) != '<') {
            return -1;
        }
        int e = placeholderEnd(s, i);
        if (e >= 0) {
            return e;
        }
        return s.startsWith(WILDCARD, i) ? i + WILDCARD.length() : -1;
    }

    /** {@link #mask} with each pattern's regex over every position (the reference). */
    String maskReference(String line) {
        String s = maskerStageReference(line);
        s = DAY.matcher(s).replaceAll("");
        s = HEX_LETTERS.matcher(s).replaceAll("<HEX>");
        s = SLASHED.matcher(s).replaceAll("<PATH>");
        s = QUANTITY.matcher(s).replaceAll("<Q>");
        return maskIdentifiersReference(s);
    }

    /** The line as {@link #maskReference} has it after the host rules and the masker (for tests). */
    String maskerStageReference(String line) {
        String s = line;
        if (s.indexOf('.') >= 0) {
            if (s.indexOf(':') >= 0) {
                s = ENDPOINT.matcher(s).replaceAll("<HOST>");
            }
            s = DOMAIN.matcher(s).replaceAll("<HOST>");
        }
        return masker.mask(s);
    }

    /** {@link #maskIdentifiers} with the regex {@link #WORD} (the reference). */
    static String maskIdentifiersReference(String s) {
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

    /**
     * The tokens of a masked line: wildcards for all-variable tokens, runs of wildcards collapsed. Written
     * as scans; {@link #tokensReference} is the same with the regexes it stands for.
     */
    public static String[] tokens(String masked) {
        // One array of the line's characters: the quoted runs' spaces are protected in it, and a token is judged
        // a wildcard on it. A token that holds a '<' is rewritten (placeholders to wildcards, runs of them
        // collapsed) in one buffer, in two passes over its characters, and its String made once; the others'
        // String is made only where kept. (tokensPerToken, the form before, made a String of the token and one
        // per rewrite.)
        char[] cs = masked.toCharArray();
        if (protectQuoted(cs)) {
            masked = new String(cs);
        }
        String[] out = new String[16];
        int count = 0;
        char[] buf = null;
        int n = cs.length;
        int i = 0;
        while (i < n) {
            while (i < n && whitespace(cs[i])) {
                i++;
            }
            int start = i;
            while (i < n && !whitespace(cs[i])) {
                i++;
            }
            if (i > start) {
                String t;
                if (isVariable(cs, start, i) || isEmptyPair(cs, start, i)) {
                    t = WILDCARD;
                } else if ((t = masked.substring(start, i)).indexOf('<') >= 0) {
                    if (buf == null || buf.length < i - start) {
                        buf = new char[Math.max(64, i - start)];
                    }
                    int m = wildcardsInto(cs, start, i, buf);
                    t = m < 0 ? t : m == 3 && buf[0] == '<' && buf[1] == '*' && buf[2] == '>' ? WILDCARD
                            : new String(buf, 0, m);
                }
                if (t == WILDCARD && count > 0 && out[count - 1].equals(WILDCARD)) {
                    continue;
                }
                if (count == out.length) {
                    out = java.util.Arrays.copyOf(out, 2 * count);
                }
                out[count++] = t;
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }

    /**
     * {@link #tokens(String)} of {@code line.substring(from)}, read from {@code cs}, the characters of {@code line}
     * (not changed: where quoted runs' spaces are protected, a copy is; {@code line} is no copy of a part of them, so
     * a kept token is a substring of it): the masked line's characters as {@link #mask} left them
     * ({@link #charsOf}), not inflated from the String again, and the message's tokens found from where the
     * message starts in it.
     */
    static String[] tokens(String line, char[] cs, int from) {
        char[] quoted = protectQuoted(cs, from);
        boolean changed = quoted != cs;
        cs = quoted;
        String[] out = new String[16];
        int count = 0;
        char[] buf = null;
        int n = cs.length;
        int i = from;
        while (i < n) {
            while (i < n && whitespace(cs[i])) {
                i++;
            }
            int start = i;
            while (i < n && !whitespace(cs[i])) {
                i++;
            }
            if (i > start) {
                String t;
                if (isVariable(cs, start, i) || isEmptyPair(cs, start, i)) {
                    t = WILDCARD;
                } else {
                    int lt = -1;
                    for (int k = start; k < i; k++) {
                        if (cs[k] == '<') {
                            lt = k;
                            break;
                        }
                    }
                    int m = -1;
                    if (lt >= 0) {
                        if (buf == null || buf.length < i - start) {
                            buf = new char[Math.max(64, i - start)];
                        }
                        m = wildcardsInto(cs, start, i, buf);
                    }
                    t = m < 0 ? (changed ? new String(cs, start, i - start) : line.substring(start, i))
                            : m == 3 && buf[0] == '<' && buf[1] == '*' && buf[2] == '>' ? WILDCARD
                            : new String(buf, 0, m);
                }
                if (t == WILDCARD && count > 0 && out[count - 1].equals(WILDCARD)) {
                    continue;
                }
                if (count == out.length) {
                    out = java.util.Arrays.copyOf(out, 2 * count);
                }
                out[count++] = t;
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }

    /**
     * {@link #protectQuoted(char[])} of {@code s[from, s.length)}: {@code s} itself where no space is protected,
     * else a copy of it with the protected spaces (the caller's array is never written).
     */
    static char[] protectQuoted(char[] s, int from) {
        char[] changed = protectQuoted(s, from, false);
        return changed == null ? s : changed;
    }

    /**
     * The spaces inside each {@link #QUOTED} match of {@code s[from, s.length)} made no-break spaces, in {@code s}
     * itself ({@code inPlace}) or in a copy made at the first such space; the array written, or null where none was.
     */
    private static char[] protectQuoted(char[] s, int from, boolean inPlace) {
        boolean writable = inPlace;
        boolean changed = false;
        int n = s.length;
        int i = indexOfQuote(s, from);
        while (i >= 0 && i < n) {
            int k = i + 1;
            while (k < n && k - i - 1 < 65) {
                char c = s[k];
                if (c == '"' || c == '<' || c == '>') {
                    break;
                }
                k++;
            }
            int run = k - i - 1;
            if (run >= 1 && run <= 64 && k < n && s[k] == '"') {
                for (int j = i + 1; j < k; j++) {
                    if (s[j] == ' ') {
                        if (!writable) {
                            s = s.clone();
                            writable = true;
                        }
                        s[j] = '\u00a0';
                        changed = true;
                    }
                }
                i = indexOfQuote(s, k + 1);
            } else {
                i = indexOfQuote(s, i + 1);
            }
        }
        return changed ? s : null;
    }

    /**
     * The token {@code cs[from, to)} with each placeholder written as {@link #WILDCARD} and each run of wildcards
     * ({@link #RUN_SEPARATOR}) as one, into {@code buf} (its length at least {@code to - from}; neither step makes
     * the token longer); returns the length written, or -1 where the token holds no placeholder (it stays as it is).
     * The first pass is {@link #placeholdersToWildcards} (the text between placeholders copied in bulk), the second
     * {@link #collapseWildcardRuns} in place (it reads only at or after where it writes), run only where the first
     * wrote two wildcards or more: a run needs two, and every wildcard of the first pass's text is one it wrote (a
     * copied {@code <*>} would have been taken as a placeholder; a wildcard written next to copied text makes no
     * other: its {@code <} cannot be another's {@code *} or {@code >}, nor its {@code >} another's {@code <}).
     */
    private static int wildcardsInto(char[] cs, int from, int to, char[] buf) {
        int m = 0;
        int wildcards = 0;
        int copied = from;
        for (int i = from; i < to; i++) {
            if (cs[i] == '<') {
                int e = anyPlaceholderEnd(cs, i, to);
                if (e >= 0) {
                    System.arraycopy(cs, copied, buf, m, i - copied);
                    m += i - copied;
                    buf[m++] = '<';
                    buf[m++] = '*';
                    buf[m++] = '>';
                    wildcards++;
                    copied = e;
                    i = e - 1;
                }
            }
        }
        if (wildcards == 0) {
            return -1;
        }
        System.arraycopy(cs, copied, buf, m, to - copied);
        m += to - copied;
        if (wildcards < 2) {
            return m;
        }
        int w = 0;
        for (int r = 0; r < m; ) {
            if (wildcardAt(buf, r, m)) {
                int end = r + 3;
                int groups = 0;
                while (true) {
                    int k = end;
                    while (k < m && !runStop(buf, k, m)) {
                        k++;
                    }
                    if (wildcardAt(buf, k, m) && bracketsBalance(buf, end, k)) {
                        end = k + 3;
                        groups++;
                    } else {
                        break;
                    }
                }
                if (groups > 0) {
                    buf[w++] = '<';
                    buf[w++] = '*';
                    buf[w++] = '>';
                    r = end;
                    continue;
                }
            }
            buf[w++] = buf[r++];
        }
        return w;
    }

    /** Whether {@code s[i, m)} starts with {@link #WILDCARD}. */
    private static boolean wildcardAt(char[] s, int i, int m) {
        return i + 3 <= m && s[i] == '<' && s[i + 1] == '*' && s[i + 2] == '>';
    }

    /** {@link #tokens} as it was before {@link #wildcardsInto}: a String per token and per rewrite (the tests compare them). */
    static String[] tokensPerToken(String masked) {
        // One array of the line's characters: the quoted runs' spaces are protected in it (a String of it made only
        // where one changed), and a token is judged a wildcard on it, its String made only where it is kept.
        char[] cs = masked.toCharArray();
        if (protectQuoted(cs)) {
            masked = new String(cs);
        }
        List<String> out = new ArrayList<>();
        int n = cs.length;
        int i = 0;
        while (i < n) {
            while (i < n && whitespace(cs[i])) {
                i++;
            }
            int start = i;
            while (i < n && !whitespace(cs[i])) {
                i++;
            }
            if (i > start) {
                String t;
                if (isVariable(cs, start, i) || isEmptyPair(cs, start, i)) {
                    t = WILDCARD;
                } else if ((t = masked.substring(start, i)).indexOf('<') >= 0) {
                    t = collapseWildcardRuns(placeholdersToWildcards(t));
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

    /** {@link #tokens} with the regexes {@link #QUOTED}, {@link #EMPTY}, {@link #PLACEHOLDER}, {@link #collapseWildcardRunsReference}. */
    static String[] tokensReference(String masked) {
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
                if (isVariableReference(t) || EMPTY.matcher(t).matches()) {
                    t = WILDCARD;
                } else if (t.indexOf('<') >= 0) {
                    t = PLACEHOLDER.matcher(t).replaceAll(WILDCARD_REPLACEMENT);
                    t = collapseWildcardRunsReference(t);
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
     * The spaces inside each {@link #QUOTED} match made no-break spaces: a match is a quote, 1 to 64
     * characters none of them a quote or angle bracket, and a quote (the run of such characters after an
     * opening quote is maximal, so it matches exactly when that run is 1 to 64 long and a quote ends it).
     */
    private static String protectQuoted(String s) {
        StringBuilder sb = null;
        int n = s.length();
        int i = s.indexOf('"');
        while (i >= 0 && i < n) {
            int k = i + 1;
            while (k < n && k - i - 1 < 65) {
                char c = s.charAt(k);
                if (c == '"' || c == '<' || c == '>') {
                    break;
                }
                k++;
            }
            int run = k - i - 1;
            if (run >= 1 && run <= 64 && k < n && s.charAt(k) == '"') {
                if (sb == null) {
                    sb = new StringBuilder(s);
                }
                for (int j = i + 1; j < k; j++) {
                    if (s.charAt(j) == ' ') {
                        sb.setCharAt(j, '\u00a0');
                    }
                }
                i = s.indexOf('"', k + 1);
            } else {
                i = s.indexOf('"', i + 1);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * {@link #protectQuoted(String)} in place on the characters of the text: the spaces inside each {@link #QUOTED}
     * match made no-break spaces. Whether any was (tests compare the two).
     */
    static boolean protectQuoted(char[] s) {
        return protectQuoted(s, 0, true) != null;
    }

    private static int indexOfQuote(char[] s, int from) {
        for (int i = from; i < s.length; i++) {
            if (s[i] == '"') {
                return i;
            }
        }
        return -1;
    }

    /** {@link #protectQuoted(String)} through {@link #protectQuoted(char[])} (for tests). */
    static String protectQuotedChars(String s) {
        char[] cs = s.toCharArray();
        return protectQuoted(cs) ? new String(cs) : s;
    }

    /** {@link #protectQuoted(String)} (for tests). */
    static String protectQuotedString(String s) {
        return protectQuoted(s);
    }

    /** {@link #isEmptyPair(String)} of the token {@code s[from, to)}. */
    private static boolean isEmptyPair(char[] s, int from, int to) {
        if (to - from != 2) {
            return false;
        }
        char a = s[from];
        char b = s[from + 1];
        return (a == '(' && b == ')') || (a == '[' && b == ']') || (a == '{' && b == '}') || (a == '"' && b == '"')
                || (a == '\'' && b == '\'') || (a == '<' && b == '>');
    }

    /** Whether {@code t} is a whole {@link #EMPTY} match: {@code ()}, {@code []}, {@code {}}, two quotes, {@code <>}. */
    private static boolean isEmptyPair(String t) {
        if (t.length() != 2) {
            return false;
        }
        char a = t.charAt(0);
        char b = t.charAt(1);
        return (a == '(' && b == ')') || (a == '[' && b == ']') || (a == '{' && b == '}') || (a == '"' && b == '"')
                || (a == '\'' && b == '\'') || (a == '<' && b == '>');
    }

    /** Every {@link #PLACEHOLDER} of {@code t} written {@link #WILDCARD}. */
    private static String placeholdersToWildcards(String t) {
        StringBuilder sb = null;
        int last = 0;
        int n = t.length();
        for (int i = t.indexOf('<'); i >= 0 && i < n; ) {
            int e = anyPlaceholderEnd(t, i);
            if (e < 0) {
                i = t.indexOf('<', i + 1);
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(t, last, i).append(WILDCARD);
            last = e;
            i = t.indexOf('<', e);
        }
        return sb == null ? t : sb.append(t, last, n).toString();
    }

    /**
     * Every run of wildcards of {@code t} (wildcards separated by characters other than letters, spaces and
     * {@code <}, whose brackets balance: {@link #RUN_SEPARATOR}) written as one {@link #WILDCARD}.
     */
    private static String collapseWildcardRuns(String t) {
        StringBuilder sb = null;
        int last = 0;
        int n = t.length();
        for (int i = t.indexOf(WILDCARD); i >= 0; ) {
            int end = i + WILDCARD.length();
            int groups = 0;
            while (true) {
                int k = end;
                while (k < n && !runStop(t, k)) {
                    k++;
                }
                if (t.startsWith(WILDCARD, k) && bracketsBalance(t, end, k)) {
                    end = k + WILDCARD.length();
                    groups++;
                } else {
                    break;
                }
            }
            if (groups == 0) {
                i = t.indexOf(WILDCARD, i + 1);
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(t, last, i).append(WILDCARD);
            last = end;
            i = t.indexOf(WILDCARD, end);
        }
        return sb == null ? t : sb.append(t, last, n).toString();
    }

    /**
     * Whether {@code s[from, to)}, the separator between two wildcards, may join them ({@link #RUN_SEPARATOR}): read
     * in order, each bracket it closes is the last one it opened and not yet closed, of the same kind, or, where it
     * has none open, any (counted as closed first); and the brackets left open are the kinds it closed that way,
     * mirrored, the last left open the first closed. The separator is judged alone: whatever precedes the run, the
     * token's brackets before it are not read, so nothing checks that a bracket closed first was opened there
     * ({@code ][}, {@code ])([}, {@code )(}, {@code ()} yes; {@code ]:}, {@code )](}, {@code (]}, {@code >:} no).
     * Kinds: {@code ( ) [ ] { } < >}; a {@code >} right after {@code -} or {@code =} in the separator is an arrow,
     * no bracket ({@code <*>-><*>} joins). The definition: {@link #nestingReference}.
     */
    static boolean bracketsBalance(char[] s, int from, int to) {
        long open = 0; // the brackets opened and not closed yet, two bits a kind, the last opened lowest
        int opened = 0;
        long closed = 0; // the brackets closed that the separator did not open, two bits a kind, the first lowest
        int closedBefore = 0;
        for (int i = from; i < to; i++) {
            int b = bracket(s[i], i > from ? s[i - 1] : 0);
            if (b > 0) {
                if (opened == 32) {
                    return nestingReference(new String(s, from, to - from)); // deeper than a long holds
                }
                open = open << 2 | (b - 1);
                opened++;
            } else if (b < 0) {
                if (opened > 0) {
                    if ((open & 3) != -b - 1) {
                        return false;
                    }
                    open >>>= 2;
                    opened--;
                } else {
                    // Defensive only, it cannot change a result: an answer of true needs opened == closedBefore at
                    // the end, and closes are counted here only while none is open, so a 33rd one here is answered
                    // by the opened == 32 fallback (the same separator opening 33) or is false either way; the
                    // guard keeps `closed` from taking a wrapped shift (2 * 32 is 0 for a long).
                    if (closedBefore == 32) {
                        return nestingReference(new String(s, from, to - from));
                    }
                    closed |= (long) (-b - 1) << 2 * closedBefore;
                    closedBefore++;
                }
            }
        }
        return opened == closedBefore && open == closed;
    }

    /** {@link #bracketsBalance(char[], int, int)} of {@code s}'s chars (read in place, not copied). */
    static boolean bracketsBalance(String s, int from, int to) {
        long open = 0;
        int opened = 0;
        long closed = 0;
        int closedBefore = 0;
        for (int i = from; i < to; i++) {
            int b = bracket(s.charAt(i), i > from ? s.charAt(i - 1) : 0);
            if (b > 0) {
                if (opened == 32) {
                    return nestingReference(s.substring(from, to));
                }
                open = open << 2 | (b - 1);
                opened++;
            } else if (b < 0) {
                if (opened > 0) {
                    if ((open & 3) != -b - 1) {
                        return false;
                    }
                    open >>>= 2;
                    opened--;
                } else {
                    if (closedBefore == 32) { // defensive only, as in the char[] form
                        return nestingReference(s.substring(from, to));
                    }
                    closed |= (long) (-b - 1) << 2 * closedBefore;
                    closedBefore++;
                }
            }
        }
        return opened == closedBefore && open == closed;
    }

    /**
     * {@code c}'s bracket: its kind plus one ({@code ( [ { <}: 1 to 4), negative where it closes, 0 for any other
     * char and for a {@code >} right after {@code -} or {@code =} ({@code before}: an arrow); fullwidth forms of them
     * as their ASCII forms ({@link #foldFullwidth}), CJK brackets as their kind ({@link #CJK_BRACKETS}).
     */
    private static int bracket(char c, char before) {
        switch (c) {
            case '(':
                return 1;
            case '[':
                return 2;
            case '{':
                return 3;
            case '<':
                return 4;
            case ')':
                return -1;
            case ']':
                return -2;
            case '}':
                return -3;
            case '>':
                return before == '-' || before == '=' || before == '\uFF0D' || before == '\uFF1D' ? 0 : -4;
            default:
                return c >= '\u3008' ? wideBracket(c, before) : 0;
        }
    }

    /**
     * {@link #bracket} of a char from U+3008 on: that of its ASCII form where it is a fullwidth one, the kind a CJK
     * bracket reads as ({@link #CJK_BRACKETS}), else 0.
     */
    private static int wideBracket(char c, char before) {
        switch (c) {
            case '\uFF08':
            case '\uFF3B':
            case '\uFF5B':
            case '\uFF1C':
            case '\uFF09':
            case '\uFF3D':
            case '\uFF5D':
            case '\uFF1E':
                return bracket((char) (c - 0xFEE0), before);
            case '\uFF5F': // ｟
                return 1;
            case '\uFF60': // ｠
                return -1;
            case '\u3010': // 【
            case '\u3014': // 〔
                return 2;
            case '\u3011': // 】
            case '\u3015': // 〕
                return -2;
            case '\u300C': // 「
            case '\u300E': // 『
            case '\uFF62': // ｢
                return 3;
            case '\u300D': // 」
            case '\u300F': // 』
            case '\uFF63': // ｣
                return -3;
            case '\u3008': // 〈
            case '\u300A': // 《
                return 4;
            case '\u3009': // 〉
            case '\u300B': // 》
                return -4;
            default:
                return 0;
        }
    }

    /**
     * The CJK brackets and the ASCII ones they read as in a run's separator, char for char: {@code 【】〔〕} as
     * {@code []}, {@code 「」『』｢｣} as <code>{}</code>, {@code 《》〈〉} as {@code <>}, {@code ｟｠} as {@code ()}; for
     * their balance only: {@code 《} ends no separator ({@code <} and {@code ＜} do) and {@code -》} is no arrow.
     */
    static final String CJK_BRACKETS = "【】〔〕「」『』｢｣《》〈〉｟｠";
    private static final String CJK_BRACKETS_AS = "[][]{}{}{}<><>()";

    /**
     * {@link #collapseWildcardRuns} by its definition (the reference): the token cut at its wildcards; a piece
     * between two of them that is a separator ({@link #separatorReference}) joins them into one.
     */
    static String collapseWildcardRunsReference(String t) {
        String[] pieces = t.split(Pattern.quote(WILDCARD), -1);
        StringBuilder sb = new StringBuilder(pieces[0]);
        boolean joined = false;
        for (int j = 1; j < pieces.length; j++) {
            if (!joined) {
                sb.append(WILDCARD);
            }
            joined = j < pieces.length - 1 && separatorReference(pieces[j]);
            if (!joined) {
                sb.append(pieces[j]);
            }
        }
        return sb.toString();
    }

    /**
     * Whether {@code piece} may join the wildcards around it: no letter, space or {@code <} ({@link #RUN_SEPARATOR}),
     * and its brackets nest ({@link #nestingReference}).
     */
    static boolean separatorReference(String piece) {
        return RUN_SEPARATOR.matcher(piece).matches() && nestingReference(piece);
    }

    /**
     * {@link #bracketsBalance} by its definition (the reference): of {@code piece}'s brackets, its fullwidth chars
     * read as their ASCII forms ({@link #foldFullwidth}; a {@code >} after {@code -} or {@code =} none; then the CJK
     * ones as the kind they read as, {@link #foldCjkBrackets}), each adjacent
     * pair that opens and closes one kind taken out until none is left;
     * what remains must be closing brackets and then the opening ones of the same kinds in mirror order
     * ({@code ])([}: closed before the run, opened again for after it).
     */
    static boolean nestingReference(String piece) {
        String b = foldCjkBrackets(foldFullwidth(piece).replaceAll("(?<=[-=])>", ""))
                .replaceAll("[^()\\[\\]{}<>]", "");
        for (String before = null; !b.equals(before); ) {
            before = b;
            b = b.replace("()", "").replace("[]", "").replace("{}", "").replace("<>", "");
        }
        int n = b.length();
        if (n % 2 != 0) {
            return false;
        }
        for (int j = 0; j < n / 2; j++) {
            int kind = ")]}>".indexOf(b.charAt(j));
            if (kind < 0 || "([{<".indexOf(b.charAt(n - 1 - j)) != kind) {
                return false;
            }
        }
        return true;
    }

    /** {@code s}'s chars, each CJK bracket written as the ASCII one it reads as ({@link #CJK_BRACKETS}). */
    static String foldCjkBrackets(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            int k = CJK_BRACKETS.indexOf(s.charAt(i));
            sb.append(k < 0 ? s.charAt(i) : CJK_BRACKETS_AS.charAt(k));
        }
        return sb.toString();
    }

    /**
     * {@code s}'s chars, the fullwidth forms of ASCII punctuation and letters (U+FF01 to U+FF5E) written as those
     * (the references' reading of them: {@link #RUN_SEPARATOR}).
     */
    static String foldFullwidth(String s) {
        char[] cs = s.toCharArray();
        for (int i = 0; i < cs.length; i++) {
            if (cs[i] >= '\uFF01' && cs[i] <= '\uFF5E') {
                cs[i] -= 0xFEE0;
            }
        }
        return new String(cs);
    }

    /**
     * Whether the char at {@code s[k]} (before {@code m}) ends the separator of a wildcard run
     * ({@link #RUN_SEPARATOR}): an ASCII letter, {@code \\s} or {@code <}; outside ASCII {@link #runStopWide}.
     */
    private static boolean runStop(char[] s, int k, int m) {
        char c = s[k];
        if (c < 0x80) {
            return RegexScan.letter(c) || c == '<' || c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f'
                    || c == '\r';
        }
        return runStopWide(c, k + 1 < m ? s[k + 1] : 0);
    }

    /** {@link #runStop(char[], int, int)} of {@code s.charAt(k)}. */
    private static boolean runStop(String s, int k) {
        char c = s.charAt(k);
        if (c < 0x80) {
            return RegexScan.letter(c) || c == '<' || c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f'
                    || c == '\r';
        }
        return runStopWide(c, k + 1 < s.length() ? s.charAt(k + 1) : 0);
    }

    /**
     * Whether {@code c}, no ASCII char, ends a run's separator: a letter (the code point of {@code c} and
     * {@code next} where they are a surrogate pair; a lone surrogate is none), a space char, NEL or {@code ＜}.
     */
    private static boolean runStopWide(char c, char next) {
        int cp = Character.isHighSurrogate(c) && Character.isLowSurrogate(next) ? Character.toCodePoint(c, next) : c;
        return Character.isLetter(cp) || Character.isSpaceChar(cp) || c == '\uFF1C' || c == '\u0085';
    }

    /**
     * The message part of a whole masked line: without the header a logger put in front of it. The header
     * is the longest leading run (at most 8 items) of values (time stamps, numbers, ids), log levels
     * ({@code INFO}, {@code W}), bracketed fields ({@code [main]}, {@code [notice]}, {@code [IPC Server
     * handler 7]}) and lone dashes, extended through a time stamp among the first six tokens (and the
     * values after it), followed by a {@code component:} (the token right after the run, or
     * the next one, ending with a colon, after a host that is no capitalized word: {@code host sshd[<NUM>]:}), a
     * {@code component [context]}, or a
     * {@code program -} (a lone dash one or two tokens after the run). Where none of those follows, values at the
     * run's end after a level or a bracketed field (none ending in a colon) are the message's first values
     * ({@code <TS> INFO <NUM> ms spent}: the message {@code <NUM> ms spent}). A leading dash is a label of the
     * header (BGL's, Thunderbird's), the values after it header too. {@code --} and {@code ---} are header items
     * too; where the run holds one, a lone {@code :} right after it ends the header (Ruby's Logger: {@code I, [<TS>
     * #<NUM>]  INFO -- : message}), as does {@code logger :} (Spring Boot: {@code <TS> INFO <NUM> --- [app]
     * [thread] o.s.w.s.DispatcherServlet : message}); without one, {@code logger :} only where the logger is a
     * dotted name. A line that starts with fields in brackets with no blank between them ({@code [<TS>][INFO
     * ][o.e.n.Node] [node-1] message}: log4j's {@code [%d][%p][%c]}, Elasticsearch's layout) loses them and one
     * bracketed field after them, no more; text glued to the last of them ({@code [<TS>][INFO]Connected to [db]})
     * starts the message. A line without such a run, or that would be left empty, is kept whole.
     */
    public static String message(String masked) {
        // Only the first MAX_HEADER + 9 words are looked at: their characters are taken from a prefix of the line
        // (a stack trace's 2,700 chars were copied for its first hundred), the whole line only where the words
        // reach the prefix's end.
        int n = masked.length();
        char[] cs = new char[Math.min(n, MESSAGE_PREFIX)];
        masked.getChars(0, cs.length, cs, 0);
        int[] starts = new int[MAX_HEADER + 9];
        int[] ends = new int[MAX_HEADER + 9];
        int count = scanWords(cs, starts, ends, n);
        if (count < 0) {
            count = scanWords(masked.toCharArray(), starts, ends, n);
        }
        return messageOfWords(masked, starts, ends, count);
    }

    /**
     * {@link #message(String)} of a line whose characters {@code cs} are at hand (read, not changed): its words
     * read from them, not from a copy of the line's start.
     */
    static String message(String masked, char[] cs) {
        int[] starts = new int[MAX_HEADER + 9];
        int[] ends = new int[MAX_HEADER + 9];
        return messageOfWords(masked, starts, ends, scanWords(cs, starts, ends, cs.length));
    }

    /** {@link #message} from all the line's chars (the reference). */
    static String messageReference(String masked) {
        int[] starts = new int[MAX_HEADER + 9];
        int[] ends = new int[MAX_HEADER + 9];
        return messageOfWords(masked, starts, ends, scanWords(masked.toCharArray(), starts, ends, masked.length()));
    }

    /** The chars of a line's start that {@link #message} takes first. */
    static final int MESSAGE_PREFIX = 256;

    /**
     * The bounds of the first words (up to MAX_HEADER + 9) of a line of {@code lineLength} chars whose first chars
     * are {@code cs}, as {@link #message} reads them; their count, or -1 where {@code cs} is a prefix of the line
     * that the scan reached the end of (a word may go on past it).
     */
    private static int scanWords(char[] cs, int[] starts, int[] ends, int lineLength) {
        int n = cs.length;
        int count = 0;
        int p = 0;
        while (p < n) {
            while (p < n && whitespace(cs[p])) {
                p++;
            }
            int start = p;
            while (p < n && !whitespace(cs[p])) {
                p++;
            }
            if (p > start) {
                starts[count] = start;
                ends[count] = p;
                count++;
            }
            if (count > MAX_HEADER + 8) {
                break;
            }
        }
        return p >= n && lineLength > n ? -1 : count;
    }

    /** {@link #message} from the bounds of the line's first {@code count} words. */
    private static String messageOfWords(String masked, int[] starts, int[] ends, int count) {
        String[] t = new String[count];
        for (int k = 0; k < t.length; k++) {
            t[k] = masked.substring(starts[k], ends[k]);
        }
        if (count > 1 && t[0].startsWith("[") && t[0].contains("][")) {
            // fields in brackets with no blank between them (log4j's "[%d][%p][%c]", Elasticsearch's layout), and
            // one bracketed field after them ("[%node_name]"): the header, what follows the message (whose own
            // bracketed values are no header); text glued after the first word's last ']' is the message's start
            // ("[ts][INFO]Connected to [db]": later words ending in ']' are its values), a first word that ends
            // inside an open bracket (Elasticsearch's padded "[INFO ]") closes in a later word
            int lastClose = t[0].lastIndexOf(']');
            if (lastClose >= 0 && lastClose < t[0].length() - 1 && t[0].lastIndexOf('[') < lastClose) {
                return gluedText(t[0], lastClose + 1) ? masked.substring(starts[0] + lastClose + 1)
                        : masked.substring(starts[1]);
            }
            int close = bracketEnd(t, 0);
            if (close >= 0 && close + 1 < count) {
                int m = close + 1;
                if (m + 1 < count && t[m].length() > 2 && t[m].startsWith("[") && t[m].endsWith("]")) {
                    m++;
                }
                return masked.substring(starts[m]);
            }
        }
        int i = 0;
        int lastDash = -1;
        int items = 0;
        int afterTag = -1; // the index after the run's last level or bracketed field
        boolean separator = false; // the run holds a "--" or "---" (Ruby's Logger, Spring Boot)
        while (i < t.length && items < MAX_HEADER) {
            items++;
            if (headerish(t[i])) {
                lastDash = t[i].equals("-") ? i : lastDash;
                boolean dashes = t[i].equals("--") || t[i].equals("---");
                separator |= dashes;
                if (!isVariable(t[i]) && !t[i].equals("-") && !t[i].equals("|") && !dashes) {
                    afterTag = i + 1;
                }
                i++;
                continue;
            }
            int close = t[i].startsWith("[") ? bracketEnd(t, i) : -1;
            if (close < 0) {
                break;
            }
            i = close + 1;
            afterTag = i;
        }
        int run = i;
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
        // a leading dash is a label of the header (BGL's, Thunderbird's "-" of a line without an alert), not the
        // "program -" separator
        if (lastDash > 0 && lastDash < i - 1) {
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
        if (i < t.length && t[i].endsWith(":") && (t[i].length() > 1 || separator)) {
            i++; // "component:", or Ruby Logger's "-- : " (no program name)
        } else if (i + 1 < t.length && t[i + 1].equals(":") && (separator || dottedName(t[i]))) {
            i += 2; // Spring Boot's "--- [thread] o.s.w.s.DispatcherServlet : ", a dotted logger's " : "
        } else if (i + 1 < t.length && t[i + 1].endsWith(":") && t[i + 1].length() > 1 && !capitalized(t[i])) {
            i += 2; // "host program:" (a host is no capitalized word: "Syncing repository: ..." is a message)
        } else if (i + 1 < t.length && t[i + 1].startsWith("[") && (close = bracketEnd(t, i + 1)) > 0) {
            i = close + 1;
        } else if (i + 1 < t.length && t[i + 1].equals("-")) {
            i += 2;
        } else if (i + 2 < t.length && t[i + 2].equals("-")) {
            i += 3;
        } else if (i == run && afterTag > 0 && afterTag < i && valuesWithoutColon(t, afterTag, i)) {
            // "<TS> INFO 717 ms spent ...": the values after the level (or a bracketed field) start the message,
            // which follows them with no component of its own
            i = afterTag;
        }
        return i >= t.length ? masked : masked.substring(starts[i]);
    }

    /**
     * Whether {@code w} is a dotted name of a logger ({@code o.s.w.s.DispatcherServlet}, {@code com.acme.Orders}):
     * letters, digits, {@code _} and {@code $} in two or more parts separated by single dots, a letter first.
     */
    private static boolean dottedName(String w) {
        int n = w.length();
        if (n < 3 || !RegexScan.letter(w.charAt(0)) || w.charAt(n - 1) == '.') {
            return false;
        }
        boolean dot = false;
        for (int k = 1; k < n; k++) {
            char c = w.charAt(k);
            if (c == '.') {
                if (w.charAt(k - 1) == '.') {
                    return false;
                }
                dot = true;
            } else if (!(RegexScan.letter(c) || RegexScan.digit(c) || c == '_' || c == '$')) {
                return false;
            }
        }
        return dot;
    }

    /** Whether {@code w} is a capitalized word: an upper-case letter, then one or more lower-case letters only. */
    private static boolean capitalized(String w) {
        int n = w.length();
        if (n < 2 || !Character.isUpperCase(w.charAt(0))) {
            return false;
        }
        for (int k = 1; k < n; k++) {
            if (!Character.isLowerCase(w.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code t[from, to)} are values ({@link #isVariable}) none of which ends in a colon ({@code 12#12:}). */
    private static boolean valuesWithoutColon(String[] t, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!isVariable(t[k]) || t[k].endsWith(":")) {
                return false;
            }
        }
        return true;
    }

    /** {@link Character#isWhitespace(char)} of the characters below 256, as a table. */
    private static final boolean[] LATIN1_WHITESPACE = new boolean[256];

    static {
        for (char c = 0; c < 256; c++) {
            LATIN1_WHITESPACE[c] = Character.isWhitespace(c);
        }
    }

    /** {@link Character#isWhitespace(char)}, a table lookup below 256. */
    static boolean whitespace(char c) {
        return c < 256 ? LATIN1_WHITESPACE[c] : Character.isWhitespace(c);
    }

    /** The index of the token closing the bracket opened at {@code i} (within 6 tokens), else -1. */
    /** Whether {@code w} holds a letter or a digit from {@code from} on (text, not punctuation like a ':'). */
    private static boolean gluedText(String w, int from) {
        for (int k = from; k < w.length(); k++) {
            if (Character.isLetterOrDigit(w.charAt(k))) {
                return true;
            }
        }
        return false;
    }

    private static int bracketEnd(String[] t, int i) {
        for (int j = i; j < t.length && j <= i + 6; j++) {
            if (t[j].endsWith("]")) {
                return j;
            }
        }
        return -1;
    }

    private static boolean headerish(String t) {
        if (isVariable(t) || t.equals("-") || t.equals("|") || t.equals("--") || t.equals("---")) {
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
     * placeholders (punctuation alone, {@code -} or {@code :}, stays a constant). Letters by code point: one past
     * the BMP (a surrogate pair: {@code 12𠀀34}) is a letter as {@code 条} is.
     */
    static boolean isVariable(String token) {
        boolean variable = false;
        int n = token.length();
        for (int i = 0; i < n; i++) {
            char c = token.charAt(i);
            if (c == '<') {
                int e = anyPlaceholderEnd(token, i);
                if (e >= 0) {
                    variable = true; // a placeholder: removed before the letter and digit check
                    i = e - 1;
                    continue;
                }
            }
            if (Character.isLetter(Character.isHighSurrogate(c) ? token.codePointAt(i) : c)) {
                return false; // a pair's low half, read alone next, is no letter and no digit
            }
            variable |= c >= '0' && c <= '9';
        }
        return variable;
    }

    /**
     * {@link #isVariable(String)} of the token {@code s[from, to)} (no whitespace in it), without its String: a
     * placeholder that starts in it ends in it (its characters are no white space), so the bounds are the token's.
     */
    static boolean isVariable(char[] s, int from, int to) {
        boolean variable = false;
        for (int i = from; i < to; i++) {
            char c = s[i];
            if (c == '<') {
                int e = anyPlaceholderEnd(s, i, to);
                if (e >= 0) {
                    variable = true; // a placeholder: removed before the letter and digit check
                    i = e - 1;
                    continue;
                }
            }
            if (c < 128 ? ASCII_LETTER[c]
                    : Character.isLetter(Character.isHighSurrogate(c) ? Character.codePointAt(s, i, to) : c)) {
                return false;
            }
            variable |= c >= '0' && c <= '9';
        }
        return variable;
    }

    private static final boolean[] ASCII_LETTER = RegexScan.firstChars(Character::isLetter);

    /** {@link #anyPlaceholderEnd(String, int)} within {@code s[i, to)}. */
    private static int anyPlaceholderEnd(char[] s, int i, int to) {
        int k = i + 1;
        while (k < to && s[k] >= 'A' && s[k] <= 'Z') {
            k++;
        }
        if (k > i + 1 && k < to && s[k] == '>') {
            return k + 1;
        }
        return i + 2 < to && s[i + 1] == '*' && s[i + 2] == '>' ? i + 3 : -1;
    }

    /** {@link #isVariable(char[], int, int)} of a whole token (for tests). */
    static boolean isVariableChars(String token) {
        return isVariable(token.toCharArray(), 0, token.length());
    }

    /**
     * {@link #isVariable} by regex (the reference): the token with its placeholders ({@link #PLACEHOLDER}) written as
     * spaces (no letter, no digit, and no surrogate pair made across one) holds no letter ({@code \\p{L}}, by code
     * point) and a placeholder was there or an ASCII digit is.
     */
    static boolean isVariableReference(String token) {
        java.util.regex.Matcher m = PLACEHOLDER.matcher(token);
        boolean placeholder = m.find();
        String rest = placeholder ? m.replaceAll(" ") : token;
        return (placeholder || ASCII_DIGIT.matcher(rest).find()) && !ANY_LETTER.matcher(rest).find();
    }

    private static final Pattern ASCII_DIGIT = Pattern.compile("[0-9]");
    private static final Pattern ANY_LETTER = Pattern.compile("\\p{L}");

    /**
     * One scan of {@link #mask} that walks the line's positions ({@link RegexScan.Starts}): its regex, its
     * {@code Start} test ({@code mayStart} + {@code name}) and its {@code End} ({@code name} in lower camel case +
     * {@code End}).
     */
    record WalkingScan(String name, Pattern pattern, RegexScan.Start start, RegexScan.End end) {
    }

    /**
     * Every walking scan of {@link #mask}, in its order: the one list that {@link #checkWalkingStarts} and
     * {@link #scanDisagreement} read (a test finds every {@code mayStart} method by reflection and asks that each
     * has its entry here, so a scan added to or taken from the class cannot go unchecked; review 27b F4).
     */
    static final List<WalkingScan> WALKING_SCANS = List.of(
            new WalkingScan("Endpoint", ENDPOINT, LineTokens::mayStartEndpoint, LineTokens::endpointEnd),
            new WalkingScan("Domain", DOMAIN, LineTokens::mayStartDomain, LineTokens::domainEnd),
            new WalkingScan("Day", DAY, LineTokens::mayStartDay, LineTokens::dayEnd),
            new WalkingScan("HexLetters", HEX_LETTERS, LineTokens::mayStartHexLetters, LineTokens::hexLettersEnd),
            new WalkingScan("Slashed", SLASHED, LineTokens::mayStartSlashed, LineTokens::slashedEnd),
            new WalkingScan("Quantity", QUANTITY, LineTokens::mayStartQuantity, LineTokens::quantityEnd));

    // Last in the class: the checks ask the Start tests, which read tables declared above.
    static {
        checkWalkingStarts(WALKING_SCANS);
    }

    /**
     * The premise of {@link #mask}'s scans, which walk the line's positions ({@link RegexScan.Starts}, no non-ASCII
     * char among them): no match of a scan's regex starts at a non-ASCII char. Checked for each scan of
     * {@link #WALKING_SCANS} at class initialization, one {@link RegexScan.Starts#checkAsciiStart} a scan, as the
     * masker checks its rules (review 26c F2): a scan whose regex or {@code Start} test could start at one would
     * lose those matches unseen.
     */
    static void checkWalkingStarts(List<WalkingScan> scans) {
        for (WalkingScan scan : scans) {
            RegexScan.Starts.checkAsciiStart(scan.pattern(), scan.start());
        }
    }
}
