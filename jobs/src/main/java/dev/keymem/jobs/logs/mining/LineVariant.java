package dev.keymem.jobs.logs.mining;

/**
 * Which variant of its template a line is: the words it holds where its template has a wildcard. The miner
 * merges lines that differ in tokens it takes for values ({@code <*> is deprecated. Instead, use <*>},
 * {@code onReceive action: <*>} over {@code ...SCREEN_ON} and {@code ...SCREEN_OFF}); some of those are words
 * of the message to a reader (and to loghub's ground truth). A summary that shows a template's line once can
 * show one more line per new variant when the memory also finds the line new, so that each such message is
 * seen verbatim while bursts and value lists stay a count.
 *
 * <p>The key lists, in order, {@code position=token} for each wildcard position (or a field's {@code key=<*>}
 * that the line's {@code key=value} fills: {@link TemplateMiner#fieldValue}) whose token is a word: it has
 * a letter, no digit (of any script, read by code point) and no placeholder. Not words, because they are values
 * by the miner's own rules: tokens with a digit (numbered instances: {@code broadcast_8}, {@code node-D3},
 * {@code IPV4}) and names after a name key ({@code user root}, {@code for admin}, {@code user=guest}). Lines
 * without such words have the empty key: no variant.
 */
public final class LineVariant {
    /** At most this many characters of key. */
    static final int MAX_CHARS = 200;

    private LineVariant() {
    }

    /**
     * The variant key of a line: {@code template} is its template ({@link TemplateMiner.Match#template()}),
     * {@code masked} its masked message ({@link TemplateMiner.Match#masked()}). Empty when the line has no word
     * at a wildcard of its template.
     */
    public static String key(String template, String masked) {
        return key(template, LineTokens.tokens(masked));
    }

    /** As {@link #key(String, String)}, with the masked message's tokens ({@link LineTokens#tokens(String)}). */
    public static String key(String template, String[] line) {
        return key(template.split(" ", -1), line);
    }

    /** As {@link #key(String, String[])}, with the template's tokens ({@code template.split(" ", -1)}). */
    public static String key(String[] tmpl, String[] line) {
        if (line.length != tmpl.length) {
            return "";
        }
        StringBuilder sb = null; // taken at the first word (most lines have none)
        for (int i = 0; i < line.length && (sb == null || sb.length() < MAX_CHARS); i++) {
            if ((tmpl[i].equals(LineTokens.WILDCARD) && word(line, i)) || (TemplateMiner.fieldValue(tmpl[i], line[i])
                    && word(line, i))) {
                if (sb == null) {
                    sb = new StringBuilder();
                } else {
                    sb.append(' ');
                }
                sb.append(i).append('=').append(line[i]);
            }
        }
        if (sb == null) {
            return "";
        }
        return sb.length() > MAX_CHARS ? sb.substring(0, MAX_CHARS) : sb.toString();
    }

    /**
     * Per token of a template: whether a line's token may fill it as a field's value, false where
     * {@link TemplateMiner#fieldValue} is false for every line token (the token holds no {@code <*>} or is no
     * {@code key=value} token: a template token that a line's field fills is that field's form, whose key
     * {@link TemplateMiner#valueStart} reads as a field). Computed once per template for {@link #key(String[],
     * boolean[], String[])}.
     */
    public static boolean[] fields(String[] tmpl) {
        boolean[] f = new boolean[tmpl.length];
        for (int i = 0; i < tmpl.length; i++) {
            String t = tmpl[i];
            // a token that may be a field's form holds '=' or ':' before its <*>: valueStart's pre-check is known
            f[i] = TemplateMiner.mayBeFieldForm(t) && TemplateMiner.valueStartScanned(t) >= 0;
        }
        return f;
    }

    /** {@link #fields} by {@link TemplateMiner#valueStart} itself (the reference, for tests). */
    static boolean[] fieldsReference(String[] tmpl) {
        boolean[] f = new boolean[tmpl.length];
        for (int i = 0; i < tmpl.length; i++) {
            String t = tmpl[i];
            f[i] = TemplateMiner.mayBeFieldForm(t) && TemplateMiner.valueStart(t) >= 0;
        }
        return f;
    }

    /**
     * {@link #key(String[], String[])} (the reference) with the template's {@link #fields}: {@link
     * TemplateMiner#fieldValue} asked only where the template token may be a field's form (a stack trace's
     * template has dozens of {@code Class.method(<*>)} tokens, each of which made it read a line token).
     */
    public static String key(String[] tmpl, boolean[] fields, String[] line) {
        if (line.length != tmpl.length) {
            return "";
        }
        StringBuilder sb = null; // taken at the first word (most lines have none)
        for (int i = 0; i < line.length && (sb == null || sb.length() < MAX_CHARS); i++) {
            if ((tmpl[i].equals(LineTokens.WILDCARD) && word(line, i))
                    || (fields[i] && TemplateMiner.fieldValue(tmpl[i], line[i]) && word(line, i))) {
                if (sb == null) {
                    sb = new StringBuilder();
                } else {
                    sb.append(' ');
                }
                sb.append(i).append('=').append(line[i]);
            }
        }
        if (sb == null) {
            return "";
        }
        return sb.length() > MAX_CHARS ? sb.substring(0, MAX_CHARS) : sb.toString();
    }

    /** Whether token {@code i} of a line is a word of its message, not a value by the miner's rules. */
    static boolean word(String[] line, int i) {
        String t = line[i];
        if (t.contains(LineTokens.WILDCARD)) {
            return false;
        }
        boolean letter = false;
        for (int k = 0; k < t.length(); k++) {
            char c = t.charAt(k);
            if (c < 128) { // ASCII by compares (Character's lookup is a call chain C1 does not inline)
                if (c >= '0' && c <= '9') {
                    return false;
                }
                letter |= (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
                continue;
            }
            // By code point: a letter or digit past U+FFFF (a surrogate pair) is one, as TemplateMiner reads it.
            int cp = Character.isHighSurrogate(c) ? t.codePointAt(k) : c;
            if (Character.isDigit(cp)) {
                return false;
            }
            letter |= Character.isLetter(cp);
            if (cp > 0xFFFF) {
                k++; // a speed-up only: the low half, read alone, is neither letter nor digit (review 27b F3)
            }
        }
        if (!letter) {
            return false;
        }
        if (i > 0 && TemplateMiner.nameKey(line[i - 1])) {
            return false;
        }
        int e = Math.max(t.lastIndexOf('='), t.lastIndexOf(':'));
        return e <= 0 || !TemplateMiner.nameKey(t, 0, e);
    }
}
