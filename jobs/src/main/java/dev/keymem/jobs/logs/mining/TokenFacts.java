package dev.keymem.jobs.logs.mining;

/**
 * The facts about the tokens of one token array (a line's message or a template) that {@link TemplateMiner}'s
 * comparison of a template with a line reads at a position where the two differ: whether the token is a plain
 * {@link TemplateMiner#word}, a {@link TemplateMiner#contextTag}, may be a field's form
 * ({@link TemplateMiner#mayBeFieldForm}), where its value starts ({@link TemplateMiner#valueStart}), where its key
 * ends ({@code keyEnd}) and what the key and the rest are, whether its position is a field's value
 * ({@link TemplateMiner#field}). Each token's facts are computed on first use and kept (one {@code long} per token),
 * in two parts: {@link #basic} (word, context tag, field form, value start: what a position where the template holds
 * a wildcard, or the line a field's value, and the index's count read) and, where two tokens must be told apart as
 * words of the message, the rest ({@link #at}); so comparing a line with N candidate templates scans each of the line's tokens once, not once per candidate, and
 * a template's tokens once in its life, not once per line ({@link TemplateMiner#similarity(TokenFacts, TokenFacts,
 * boolean, double)}; the comparisons over the strings, {@link TemplateMiner#similarity(String[], String[], boolean,
 * double)}, {@link TemplateMiner#distinctWords(String, String, int)}, {@link TemplateMiner#fieldValue(String,
 * String)}, are the reference: {@code TokenFactsTest} compares both on loghub_2k lines and generated stack traces).
 *
 * <p>The tokens array is read only (a cluster that widens replaces its array, and its facts with it). Not thread
 * safe (a miner's state is one key's).
 */
final class TokenFacts {
    /** Set in every computed fact (0: not computed yet): {@link #basic} facts computed. */
    private static final long DONE = 1;
    /** The facts of the key ({@link #NAME_KEY}, {@link #WORD_AFTER_KEY}, {@link #keyEnd}) and {@link #FIELD} computed. */
    private static final long KEYS_DONE = 1 << 8;
    /** {@link TemplateMiner#word}{@code (t)}. */
    static final long WORD = 1 << 1;
    /** {@link TemplateMiner#word}{@code (t, i)}: a word, and not a context tag at position 0. */
    static final long WORD_HERE = 1 << 2;
    /** {@link TemplateMiner#contextTag}{@code (t)}. */
    static final long CONTEXT_TAG = 1 << 3;
    /** {@link TemplateMiner#mayBeFieldForm}{@code (t)}. */
    static final long MAY_BE_FIELD_FORM = 1 << 4;
    /** {@code keyEnd(t) >= 0 && nameKey(t, 0, keyEnd(t))}. */
    static final long NAME_KEY = 1 << 5;
    /** {@code keyEnd(t) >= 0 && word(t.substring(keyEnd(t) + 1))}. */
    static final long WORD_AFTER_KEY = 1 << 6;
    /** {@link TemplateMiner#field}{@code (tokens, i)} (of the array: it reads the token before). */
    static final long FIELD = 1 << 7;

    /** Bits of a position ({@link #valueStart}, {@link #keyEnd}) plus one; all ones: too far, computed again. */
    private static final int POS_BITS = 24;
    private static final long POS_MASK = (1L << POS_BITS) - 1;
    private static final int VALUE_SHIFT = 9;
    private static final int KEY_SHIFT = VALUE_SHIFT + POS_BITS;

    final String[] tokens;
    /** Per token: its facts (0 until computed). */
    private final long[] facts;
    /**
     * Per token: {@link #PLAIN}, {@link #WILD} ({@code <*>}) or {@link #LEARNED} ({@code <+>}), made with the facts
     * ({@link TemplateMiner#wild} and the tests for {@code <*>} and {@code <+>} read once per token, not once per
     * comparison of a line with a candidate).
     */
    final byte[] wild;
    static final byte PLAIN = 0;
    static final byte WILD = 1;
    static final byte LEARNED = 2;

    TokenFacts(String[] tokens) {
        this.tokens = tokens;
        this.facts = new long[tokens.length];
        byte[] w = new byte[tokens.length];
        for (int i = 0; i < w.length; i++) {
            String t = tokens[i];
            w[i] = !TemplateMiner.wild(t) ? PLAIN : t.charAt(1) == '*' ? WILD : LEARNED;
        }
        this.wild = w;
    }

    /** The facts of token {@code i}, all of them (flags and positions; read by {@link #has}, {@link #valueStart}, {@link #keyEnd}). */
    long at(int i) {
        long f = facts[i];
        if ((f & KEYS_DONE) == 0) {
            f = (f != 0 ? f : basic(tokens[i], i)) | keys(tokens[i]) | (TemplateMiner.field(tokens, i) ? FIELD : 0);
            facts[i] = f;
        }
        return f;
    }

    /**
     * The basic facts of token {@code i} at least: {@link #WORD}, {@link #WORD_HERE}, {@link #CONTEXT_TAG},
     * {@link #MAY_BE_FIELD_FORM}, {@link #valueStart} (not the key's facts nor {@link #FIELD}).
     */
    long basic(int i) {
        long f = facts[i];
        if (f == 0) {
            f = basic(tokens[i], i);
            facts[i] = f;
        }
        return f;
    }

    /** The facts of token {@code t} at position {@code i} of its array, all but {@link #FIELD}. */
    static long of(String t, int i) {
        return basic(t, i) | keys(t);
    }

    /** The {@link #basic} facts of token {@code t} at position {@code i}. */
    private static long basic(String t, int i) {
        long f = DONE;
        boolean word = TemplateMiner.word(t);
        if (word) {
            f |= WORD;
            boolean tag = TemplateMiner.contextTag(t);
            if (tag) {
                f |= CONTEXT_TAG;
            }
            if (!(i == 0 && tag)) {
                f |= WORD_HERE;
            }
        }
        if (TemplateMiner.mayBeFieldForm(t)) {
            f |= MAY_BE_FIELD_FORM;
        }
        return f | pos(TemplateMiner.valueStart(t)) << VALUE_SHIFT;
    }

    /** The key's facts of token {@code t}: {@link #NAME_KEY}, {@link #WORD_AFTER_KEY}, {@link #keyEnd}. */
    private static long keys(String t) {
        long f = KEYS_DONE;
        int k = TemplateMiner.keyEnd(t);
        if (k >= 0) {
            if (TemplateMiner.nameKey(t, 0, k)) {
                f |= NAME_KEY;
            }
            if (TemplateMiner.word(t, k + 1, t.length())) {
                f |= WORD_AFTER_KEY;
            }
        }
        return f | pos(k) << KEY_SHIFT;
    }

    /** {@code p + 1} (-1 as 0), or all ones where that does not fit. */
    private static long pos(int p) {
        return p + 1 < POS_MASK ? p + 1 : POS_MASK;
    }

    static boolean has(long facts, long flag) {
        return (facts & flag) != 0;
    }

    /** {@link TemplateMiner#valueStart}{@code (t)}, {@code facts} those of {@code t}. */
    static int valueStart(long facts, String t) {
        long p = facts >>> VALUE_SHIFT & POS_MASK;
        return p == POS_MASK ? TemplateMiner.valueStart(t) : (int) p - 1;
    }

    /** {@code keyEnd(t)}, {@code facts} those of {@code t}. */
    static int keyEnd(long facts, String t) {
        long p = facts >>> KEY_SHIFT & POS_MASK;
        return p == POS_MASK ? TemplateMiner.keyEnd(t) : (int) p - 1;
    }
}
