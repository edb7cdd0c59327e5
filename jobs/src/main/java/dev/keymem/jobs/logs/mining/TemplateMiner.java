package dev.keymem.jobs.logs.mining;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An online, Drain-style log template miner (He et al., "Drain: An Online Log Parsing Approach with
 * Fixed Depth Tree", ICWS 2017), written for keyed state: one {@link MinerState} per source, each line
 * assigned its template id when it arrives (never revised).
 *
 * <p>Per line:
 * <ol>
 *   <li>{@link LineTokens}: variables masked, whitespace tokens, all-variable tokens become
 *       {@code <*>}, runs of {@code <*>} collapse into one (separated by punctuation whose brackets balance).</li>
 *   <li>Fixed-depth parse tree: the token count, then the first {@code depth} tokens (a variable token
 *       goes down the {@code <*>} branch) lead to a leaf of clusters. The best cluster of the leaf by
 *       similarity is taken when its similarity reaches the threshold. Otherwise every cluster of the
 *       same token count is tried at {@code fallbackSimilarity} (the prefix is a hint, not a partition:
 *       lines whose first token is a host or user name still find their template), where a plain word
 *       meeting a learned {@code <*>} is a different message.</li>
 *   <li>Similarity (token-type aware): over the positions where at least one of them is a constant,
 *       the share where both hold the same constant or the template's {@code <*>} meets a value (or its
 *       field {@code key=<*>} a value of that key). Two different plain words ({@code startup} /
 *       {@code shutdown}) are different messages, and the similarity is 0, unless the position is a
 *       field's value ({@code user root}, {@code for admin}, {@code hive: SYSTEM,}) or both are context tags,
 *       words in brackets that start the message ({@code (alice) CMD ...}, {@link #contextTag}; such a first
 *       token also goes down the {@code <*>} branch). A key=value token
 *       ({@code fieldForm}: {@code status=ok}, {@code "level":"info",}) is a field: the same key with
 *       another value differs in a value, not in the message, except a flag's state ({@code isOverlap:true}
 *       / {@code isOverlap:false}), a text of several words and the value of {@code msg=}, {@code message=},
 *       {@code event=} ({@code messageValues}); another key is another token.</li>
 *   <li>A match turns the template's differing positions into {@code <*>} (a learned one, unless the two
 *       tokens differ in digits only: numbered instances are values; in a field whose key both hold, the
 *       field's form {@code key=<*>}, so that logfmt lines whose values are words keep one template per
 *       event type, not one per combination of values); when the widened template
 *       now covers another cluster of the same length (every position equal or {@code <*>}), the two
 *       merge into the older id, and the line gets that id. No match: a new cluster, with a new id.</li>
 *   <li>At most {@code maxTemplates} clusters per source: the one matched least recently is evicted
 *       (its id is not reused).</li>
 * </ol>
 * Deterministic: the same lines give the same ids, whether or not the state was serialized in between.
 *
 * <p>The leaf and the fallback are found through a {@code TemplateIndex} over the state's clusters (counting the
 * line's hits per cluster), so a line's cost does not grow with the clusters that share nothing with it; the
 * plain scan, {@code matchScan}, is the reference form (same choices, bit for bit). The index compares a line with
 * a candidate through the {@link TokenFacts} of both (each token's word, field and key facts computed once: the
 * line's for all its candidates, a template's for all its lines); the comparisons over the strings are the reference.
 *
 * <p>A masked line's message (header cut) and tokens, and the tokens' words and field forms the index looks up,
 * are remembered for the most recently seen short masked lines ({@code message}: a source's lines repeat their
 * masked forms); {@code messageOf}, computed every line, is the reference (same matches, same states). A remembered
 * message also keeps its last match with the version of the index bucket it was found in: until a cluster of that
 * bucket is added, removed, widened or merged (or the state's index is rebuilt), its lines take that cluster without
 * being compared (the reference compares every line).
 */
public final class TemplateMiner implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String WILD = LineTokens.WILDCARD;
    /**
     * A wildcard the template learned by merging lines that differ there (shown as {@code <*>}), as
     * opposed to one where its lines held a masked value.
     */
    static final String LEARNED = "<+>";

    static boolean wild(String t) {
        // t.equals(WILD) || t.equals(LEARNED) (TokenFactsTest), by its length and chars: it runs at every position of
        // every candidate template
        return t.length() == 3 && t.charAt(0) == '<' && t.charAt(2) == '>' && (t.charAt(1) == '*' || t.charAt(1) == '+');
    }

    private final MinerSettings settings;
    private final LineTokens lineTokens = new LineTokens();
    /** Match by the plain scan ({@link #matchScan}, the reference form) instead of the {@link TemplateIndex}. */
    private final boolean scan;
    /** Evict by the scan ({@link #oldestScan}, the reference form) instead of the {@link EvictionOrder}. */
    private final boolean scanEviction;

    public TemplateMiner(MinerSettings settings) {
        this(settings, false);
    }

    /** With {@code scan}: the reference form, every cluster of the line's token count compared (tests). */
    TemplateMiner(MinerSettings settings, boolean scan) {
        this(settings, scan, true);
    }

    /** With {@code remember} false: every line's message and tokens computed anew ({@link #messageOf}; tests). */
    TemplateMiner(MinerSettings settings, boolean scan, boolean remember) {
        this(settings, scan, remember, TemplateIndex.ONE_BY_ONE);
    }

    /** With {@code scanEviction}: the victim found by {@link #oldestScan} (the reference form; tests). */
    TemplateMiner(MinerSettings settings, boolean scan, boolean remember, boolean scanEviction) {
        this(settings, scan, remember, TemplateIndex.ONE_BY_ONE, scanEviction);
    }

    /**
     * With {@code oneByOne}: the members up to which an index bucket compares its clusters one by one
     * ({@link TemplateIndex#ONE_BY_ONE}, more for long lines: {@link TemplateIndex#TOKENS_PER_MEMBER}; 0: always by
     * its groups; tests).
     */
    TemplateMiner(MinerSettings settings, boolean scan, boolean remember, int oneByOne) {
        this(settings, scan, remember, oneByOne, scan);
    }

    private TemplateMiner(MinerSettings settings, boolean scan, boolean remember, int oneByOne,
                          boolean scanEviction) {
        this.settings = settings;
        this.scan = scan;
        this.remember = remember;
        this.oneByOne = oneByOne;
        this.scanEviction = scanEviction;
    }

    /** The index's {@link TemplateIndex#ONE_BY_ONE}. */
    private final int oneByOne;

    public TemplateMiner() {
        this(MinerSettings.defaults());
    }

    public MinerSettings settings() {
        return settings;
    }

    /** The tokenizer in use. */
    public LineTokens lineTokens() {
        return lineTokens;
    }

    /**
     * What a line was matched to: the template's id and text, whether the line created it, and the line's
     * masked message (its variables as typed placeholders, without the header when headers are stripped) and
     * that message's tokens ({@link LineTokens#tokens(String)} of {@code masked}; read only); {@code message}: the
     * text mined when it is not the line itself (the message field of a JSON line, or its fields as
     * {@code key=value} tokens, {@link JsonLogFields#mined}), else null; {@code templateTokens}: the template's
     * tokens, the words its text joins with single spaces (read only; no token is empty or holds a space, so
     * {@code template.split(" ", -1)} gives the same words unless there is none), or null where not given.
     */
    public record Match(int id, String template, boolean created, String masked, String[] tokens, String message,
                        String[] templateTokens) {
        /** A match of the line itself whose tokens are computed from {@code masked}. */
        public Match(int id, String template, boolean created, String masked) {
            this(id, template, created, masked, LineTokens.tokens(masked), null, null);
        }
    }

    /**
     * Assigns {@code line} its template in {@code state} (advancing it). With headers stripped, a line that is a
     * JSON log record (an application's JSON line inside another record's text) is mined by its message field
     * ({@link JsonLogFields#message}): its other fields (time, level, logger, trace ids, nested objects) are its
     * header; a JSON object without one by its fields as {@code key=value} tokens ({@link JsonLogFields#mined}). A
     * web server's access log line is mined by its fields, headers stripped or not: the request method, the rest
     * values ({@link AccessLogLine}); a line of another layout with a request line and fields after it, by its text
     * up to the request, the method, and the fields one value ({@link AccessLogLine#requestFields}). A Go
     * traceback's function or file line (the line, or a JSON line's message) is mined as a frame: the function, or
     * the file, with its values masked ({@link GoTraceback}).
     */
    public Match accept(MinerState state, String line) {
        return accept(state, line, false);
    }

    /**
     * {@link #accept(MinerState, String)} of a line that is, with {@code bare}, a bare message: the message field
     * of a structured record (pino's {@code msg}, journald's {@code MESSAGE}, ...; {@code LogLine#bare}), whose
     * header lives in the record's other fields, so that no header is cut off it even with headers stripped (it
     * is mined as {@code withHeaders(false)} mines it; a JSON line is still mined by its message field).
     */
    public Match accept(MinerState state, String line, boolean bare) {
        String mined = settings.headers() ? JsonLogFields.mined(line) : null;
        // a Go traceback's function or file line: masked as a frame (GoTraceback), not read as values alone
        String frame = GoTraceback.masked(mined != null ? mined : line);
        if (frame != null) {
            return assign(state, message(frame, false), mined);
        }
        // an access log line is masked by its fields (AccessLogLine), without its client, user and time fields,
        // bare or not, headers stripped or not (a whole access line is its own message)
        // (both shapes hold a double quote: a line without one, most lines, is scanned for neither)
        int quote = mined == null ? line.indexOf('"') : -1;
        String access = mined == null ? AccessLogLine.masked(line, quote) : null;
        // a line of another layout with a request line and fields after it: those fields one value
        String request = mined == null && access == null ? AccessLogLine.requestFields(line, quote) : null;
        // a JSON line's mined text and a bare message have no header to cut; any other line's masked form loses its
        // header (headers on)
        // an indented field line of a record dump: its key (MessageValues); other words that are values by their
        // shape (a reason phrase, a request target, a systemd unit's description, a relative path) as values
        String field = mined == null && access == null && request == null
                ? MessageValues.fieldLine(line, settings.headers()) : null;
        Message message = access != null ? message(access, false)
                : field != null ? message(lineTokens.mask(field), false)
                : message(lineTokens.mask(MessageValues.values(mined != null ? mined : request != null ? request
                        : line)), settings.headers() && mined == null && !bare);
        return assign(state, message, mined);
    }

    /**
     * The rest of {@link #accept(MinerState, String, boolean)} once the line's {@code message} is known (masked, header
     * cut): its template found or made in {@code state} (advancing it); {@code mined} as {@link Match#message}.
     */
    Match assign(MinerState state, Message message, String mined) {
        String masked = message.masked;
        String[] tokens = message.tokens;
        long pos = state.lines++;
        // a remembered message's words and field forms serve each of its lines (the reference computes them anew)
        TokenFacts facts = remember ? message.facts() : new TokenFacts(tokens);
        // the line's prefix key: the leaf it is matched in, and a new cluster's (computed once for both)
        String prefix = scan ? null : remember ? message.prefix(this) : prefixKey(tokens);
        MinerState.Cluster c = match(state, tokens, remember ? message : null, facts, prefix);
        boolean created = false;
        if (c == null) {
            c = new MinerState.Cluster(state.nextId++, tokens, 0, pos, pos);
            c.facts(facts); // the line's tokens are the template's: the facts found comparing the line serve it
            if (remember) {
                // and their text, made once per remembered message (each source's first line of a message made it)
                c.template(message.templateText(), tokens);
            }
            state.clusters.add(c);
            if (state.eviction != null) {
                state.eviction.add(c);
            }
            if (state.index != null) {
                state.index.add(c, prefix != null ? prefix : prefixKey(c.tokens)); // c.tokens are the line's
            }
            created = true;
        } else if (remember && (c.tokens == tokens || c.tokens == message.covered)) {
            unchangedWidens++; // widen's pass would change no token (see Message#covered)
        } else {
            String[] before = c.tokens;
            c = widen(state, c, facts);
            if (remember && c.tokens == before) { // unchanged (a change replaces the array)
                message.covered = before;
            }
        }
        c.count++;
        c.lastSeen = pos;
        if (state.eviction != null) {
            state.eviction.touched(c); // (widen's survivor too: its place is set here, before any eviction)
        }
        if (state.clusters.size() > settings.maxTemplates()) {
            evictOldest(state, c);
        }
        return new Match(c.id, c.template(), created, masked, tokens, mined, c.templateTokens());
    }

    /**
     * A masked line's message (without the header when headers are stripped) and that message's tokens
     * ({@link LineTokens#tokens(String)}; the array is read only: a cluster that takes it as its tokens replaces
     * it, never changes it, when it widens).
     */
    static final class Message {
        final String masked;
        final String[] tokens;

        /** Per token, {@link #word} (false for {@code <*>}); null until {@link #words()} made it. */
        private boolean[] words;
        /** Per token that is no word and not {@code <*>}, {@link #fieldForm} (else null). */
        private String[] forms;
        /** The tokens' facts ({@link TokenFacts}), each computed on first use; null until {@link #facts()} made it. */
        private TokenFacts facts;
        /** The tokens' {@link #prefixKey}; null until {@link #prefix} made it. */
        private String prefix;
        /**
         * The cluster this message was last matched to ({@link #match}, remembered messages only), in the index bucket
         * whose {@link TemplateIndex.Bucket#version} was then {@code matchedIn} (0: none): while the bucket keeps that
         * version (no cluster of the message's token count added, removed, widened or merged since, in that state), the
         * same lines' match is the same cluster. The reference ({@code remember} off) compares every line. Replaced
         * (or cleared) at each match that cannot take it, so a message keeps no cluster beyond its next match elsewhere.
         */
        private long matchedIn;
        private MinerState.Cluster matched;
        /**
         * A cluster's tokens array that {@link #widen} last left unchanged for these tokens (null: none): widening
         * is a function of the two token arrays' contents alone (the cluster's facts are its tokens', the line's
         * these tokens'), and a cluster's array is never changed once it holds it (widening replaces it with a
         * changed copy, a merge hands the survivor that copy), so a cluster holding this very array again would
         * be left unchanged again. Kept for one array only (the last); the reference ({@code remember} off)
         * compares every line's tokens.
         */
        private String[] covered;

        /** {@link #matched} (tests). */
        MinerState.Cluster matchedCluster() {
            return matched;
        }

        Message(String masked, String[] tokens) {
            this.masked = masked;
            this.tokens = tokens;
        }

        /** {@code MinerState.Cluster.templateText(tokens)}; null until {@link #templateText} made it. */
        private String text;

        /** The text of a template whose tokens are these ({@code MinerState.Cluster.templateText(tokens)}), made once. */
        String templateText() {
            String t = text;
            if (t == null) {
                t = text = MinerState.Cluster.templateText(tokens);
            }
            return t;
        }

        /**
         * {@code word(tokens[i], i)} for each token that is not {@code <*>} (false for those), made once, from the
         * tokens' {@link #facts()} (which the comparisons with the candidates then read).
         */
        boolean[] words() {
            if (words == null) {
                TokenFacts facts = facts();
                boolean[] w = new boolean[tokens.length];
                String[] f = new String[tokens.length];
                for (int i = 0; i < tokens.length; i++) {
                    String t = tokens[i];
                    if (!t.equals(WILD)) {
                        long x = facts.basic(i);
                        w[i] = TokenFacts.has(x, TokenFacts.WORD_HERE);
                        f[i] = w[i] ? null : fieldForm(t, TokenFacts.valueStart(x, t));
                    }
                }
                forms = f;
                words = w;
            }
            return words;
        }

        /** {@code fieldForm(tokens[i])} for each token that is neither {@code <*>} nor a word (else null), made once. */
        String[] forms() {
            words();
            return forms;
        }

        /** The tokens' {@link TokenFacts}, made once (each token's facts on first use). */
        TokenFacts facts() {
            if (facts == null) {
                facts = new TokenFacts(tokens);
            }
            return facts;
        }

        /** {@code miner.prefixKey(tokens)}, made once (a message is remembered by one miner: its depth). */
        String prefix(TemplateMiner miner) {
            if (prefix == null) {
                prefix = miner.prefixKey(tokens);
            }
            return prefix;
        }
    }

    /** Masked lines at most this long have their {@link Message} remembered. */
    static final int MESSAGE_CACHE_CHARS = 512;
    /** Messages remembered (those of the most recently seen masked lines). */
    static final int MESSAGE_CACHE_SIZE = 4096;

    /** Whether {@link #message} remembers messages (false: the reference, {@link #messageOf} every line). */
    private final boolean remember;
    /** The remembered messages of masked lines whose header is cut (index 1) and of those kept whole (index 0). */
    private transient RepeatMemo<Message>[] messages;

    /**
     * {@link #messageOf}{@code (maskedLine, cutHeader)}, remembered for the {@link #MESSAGE_CACHE_SIZE} most
     * recently seen masked lines (of each kind: header cut or not) of at most {@link #MESSAGE_CACHE_CHARS} chars
     * that were seen more than once ({@link RepeatMemo}: a masked line met once is not kept, so lines that never
     * repeat leave no garbage for the old generation): a source's lines repeat their masked forms (the values are
     * masked), and the message and its tokens are a pure function of the masked line and the kind. The same
     * {@link Message} (its String, whose hash is then known, and its token array) serves every later repeat; the
     * memory per line does not grow with the source's history.
     */
    @SuppressWarnings("unchecked")
    Message message(String maskedLine, boolean cutHeader) {
        if (!remember || maskedLine.length() > MESSAGE_CACHE_CHARS) {
            return messageOf(maskedLine, cutHeader);
        }
        if (messages == null) {
            messages = new RepeatMemo[2];
        }
        int k = cutHeader ? 1 : 0;
        RepeatMemo<Message> memo = messages[k];
        if (memo == null) {
            memo = new RepeatMemo<>(MESSAGE_CACHE_SIZE);
            messages[k] = memo;
        }
        Message m = memo.get(maskedLine);
        if (m == null) {
            m = messageOf(maskedLine, cutHeader);
            memo.offer(maskedLine, m);
        }
        return m;
    }

    /** Lines whose remembered message's match was taken as it was ({@link #match}; tests). */
    transient long reusedMatches;
    /**
     * Matched lines whose cluster was left as it was without {@link #widen}'s pass over the tokens: the cluster's
     * tokens are the line's own array, or the array a pass last left unchanged for the line's message (tests).
     */
    transient long unchangedWidens;

    /** How many messages are remembered, of both kinds (tests). */
    int remembered() {
        int n = 0;
        for (int k = 0; messages != null && k < 2; k++) {
            n += messages[k] == null ? 0 : messages[k].size();
        }
        return n;
    }

    /**
     * The message of a masked line (the reference of {@link #message}): with {@code cutHeader}, without the header
     * ({@link LineTokens#message}, a leading {@code a|b|c} first token read as separate tokens), and its tokens.
     */
    Message messageOf(String maskedLine, boolean cutHeader) {
        char[] cs = lineTokens.charsOf(maskedLine);
        return cs != null ? messageOfChars(maskedLine, cs, cutHeader) : messageOfText(maskedLine, cutHeader);
    }

    /**
     * {@link #messageOfText} of a masked line whose characters {@code cs} the masker left ({@link LineTokens#charsOf}):
     * the header's words and the tokens read from them (the line is not inflated to chars again), the tokens from
     * where the message starts in the line ({@link LineTokens#message} gives a suffix of its line). A line whose first
     * word holds a {@code |} goes the reference's way.
     */
    static Message messageOfChars(String maskedLine, char[] cs, boolean cutHeader) {
        String masked = maskedLine;
        int from = 0;
        if (cutHeader) {
            for (int k = 0; k < cs.length && cs[k] != ' '; k++) {
                if (cs[k] == '|') {
                    return messageOfText(maskedLine, true);
                }
            }
            masked = LineTokens.message(maskedLine, cs);
            from = maskedLine.length() - masked.length();
        }
        return new Message(masked, LineTokens.tokens(maskedLine, cs, from));
    }

    /** {@link #messageOf} from the masked line's String alone (the reference of {@link #messageOfChars}). */
    static Message messageOfText(String maskedLine, boolean cutHeader) {
        String masked = maskedLine;
        if (cutHeader) {
            int sp = masked.indexOf(' ');
            String first = sp < 0 ? masked : masked.substring(0, sp);
            masked = LineTokens.message(first.indexOf('|') < 0 ? masked
                    : first.replace('|', ' ') + (sp < 0 ? "" : masked.substring(sp)));
        }
        return new Message(masked, LineTokens.tokens(masked));
    }

    /**
     * The best cluster for {@code tokens}, or null: {@link #matchScan}'s choice, found through the state's
     * {@link TemplateIndex} (built from the clusters on first use) at a cost that does not grow with the
     * clusters that share nothing with the line.
     */
    MinerState.Cluster match(MinerState state, String[] tokens) {
        return match(state, tokens, null, new TokenFacts(tokens), scan ? null : prefixKey(tokens));
    }

    /**
     * {@link #match(MinerState, String[])}, with the tokens' words and field forms from {@code message} (null: computed)
     * and their {@code facts}; {@code prefix}: {@link #prefixKey} of the tokens (null in the scan's form).
     */
    private MinerState.Cluster match(MinerState state, String[] tokens, Message message, TokenFacts facts,
                                     String prefix) {
        if (scan || tokens.length == 0) {
            return matchScan(state, tokens);
        }
        TemplateIndex.Bucket b = index(state).bucket(tokens.length);
        if (b != null && message != null && message.matchedIn == b.version) {
            reusedMatches++;
            return message.matched; // matched in this bucket, unchanged since: the same choice
        }
        MinerState.Cluster best = b == null ? null : bestIn(b, tokens, message, facts, prefix);
        if (message != null) { // this match, or none: no cluster kept that may have left its state since
            message.matchedIn = best == null ? 0 : b.version;
            message.matched = best;
        }
        return best;
    }

    /** {@link #match}'s choice in the line's bucket {@code b}, compared with its clusters. */
    private MinerState.Cluster bestIn(TemplateIndex.Bucket b, String[] tokens, Message message, TokenFacts facts,
                                      String prefix) {
        // the fallback passes over the clusters of the line's own prefix: none reached the leaf's threshold (or each
        // differs in a word of the message), and the fallback's similarity is no higher (it only adds kills), so none
        // reaches a fallback threshold at least the leaf's
        String other = settings.fallbackSimilarity() >= settings.similarity() ? prefix : null;
        if (!b.grouped) {
            MinerState.Cluster best = b.bestOneByOne(facts, prefix, settings.similarity(), false);
            return best != null ? best : b.bestOneByOne(facts, null, settings.fallbackSimilarity(), true, other);
        }
        if (message != null) {
            b.count(tokens, message.words(), message.forms());
        } else {
            b.count(tokens);
        }
        MinerState.Cluster best = b.best(facts, prefix, settings.similarity(), false);
        return best != null ? best : b.best(facts, null, settings.fallbackSimilarity(), true, other);
    }

    /**
     * The reference form of {@link #match}: the best cluster of the line's prefix leaf (same token count, same
     * {@link #prefixKey}) by {@link #similarity} when it reaches {@code similarity}; else the best of every
     * cluster of the same token count (words of the line meeting a learned {@code <*>} are a different
     * message) when it reaches {@code fallbackSimilarity}; the lowest id among equals; or null.
     */
    MinerState.Cluster matchScan(MinerState state, String[] tokens) {
        MinerState.Cluster best = null;
        double bestSim = -1;
        String prefix = prefixKey(tokens);
        for (MinerState.Cluster c : state.clusters) {
            if (c.tokens.length == tokens.length && prefixKey(c.tokens).equals(prefix)) {
                double s = similarity(c.tokens, tokens);
                if (s > bestSim || (s == bestSim && c.id < best.id)) {
                    best = c;
                    bestSim = s;
                }
            }
        }
        if (bestSim >= settings.similarity()) {
            return best;
        }
        best = null;
        bestSim = -1;
        for (MinerState.Cluster c : state.clusters) {
            if (c.tokens.length == tokens.length) {
                double s = similarity(c.tokens, tokens, true);
                if (s > bestSim || (s == bestSim && c.id < best.id)) {
                    best = c;
                    bestSim = s;
                }
            }
        }
        return bestSim >= settings.fallbackSimilarity() ? best : null;
    }

    /**
     * Similarity of a template and a line of the same length, aware of token types: over the positions
     * where at least one is a constant, the share where both hold the same constant or the template's
     * {@code <*>} meets a value (not a plain word); 0 when the two differ in a word of the message (see
     * {@link #distinctWords}) that is not a field's value (see {@link #field}); 1 when no position counts.
     */
    static double similarity(String[] template, String[] line) {
        return similarity(template, line, false);
    }

    /**
     * As {@link #similarity(String[], String[])}; with {@code wordsAreMessage} a plain word of the line where
     * the template learned a {@code <*>} by merging ({@link #LEARNED}) is a different message too (used across prefixes: a template
     * widened by values does not take in lines whose words differ there).
     */
    static double similarity(String[] template, String[] line, boolean wordsAreMessage) {
        int counted = 0;
        int same = 0;
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            String l = line[i];
            boolean tw = wild(t);
            boolean lw = l.equals(WILD);
            if (tw && lw) {
                continue;
            }
            counted++;
            if (tw) {
                if (!word(l, i)) {
                    same++; // a value where the template learned a variable
                } else if (wordsAreMessage && t.equals(LEARNED) && !field(template, i)) {
                    return 0;
                }
            } else if (t.equals(l) || (!lw && fieldValue(t, l))) {
                same++;
            } else if (!lw && distinctWords(t, l, i) && !field(template, i)) {
                return 0;
            }
        }
        if (counted == 0) {
            return 1.0;
        }
        return same == 0 ? 0 : (double) same / counted; // nothing in common is no match, even for <*> alone
    }

    /**
     * {@link #similarity(String[], String[], boolean)} (the reference) where it is at least {@code threshold}
     * (&gt; 0), else a value below {@code threshold}: 0 as soon as the positions left cannot lift it there. A
     * position that counts and is not the same lowers the most the line can reach, {@code (same + left) /
     * (counted + left)} (a position both hold a wildcard at, or the same, does not raise it; division rounds
     * monotonically), so a template and a line of another message part early; a word of the message that differs
     * ends it as in the reference.
     */
    static double similarity(String[] template, String[] line, boolean wordsAreMessage, double threshold) {
        int n = template.length;
        int counted = 0;
        int same = 0;
        for (int i = 0; i < n; i++) {
            String t = template[i];
            String l = line[i];
            boolean tw = wild(t);
            boolean lw = l.equals(WILD);
            if (tw && lw) {
                continue;
            }
            counted++;
            if (tw) {
                if (!word(l, i)) {
                    same++; // a value where the template learned a variable
                    continue;
                }
                if (wordsAreMessage && t.equals(LEARNED) && !field(template, i)) {
                    return 0;
                }
            } else if (t.equals(l) || (!lw && fieldValue(t, l))) {
                same++;
                continue;
            } else if (!lw && distinctWords(t, l, i) && !field(template, i)) {
                return 0;
            }
            int left = n - 1 - i;
            if ((double) (same + left) / (counted + left) < threshold) {
                return 0;
            }
        }
        if (counted == 0) {
            return 1.0;
        }
        return same == 0 ? 0 : (double) same / counted;
    }

    /**
     * {@link #similarity(String[], String[], boolean, double)} (the reference) of the template and the line whose
     * facts these are: the same value, with every per-token scan ({@link #word}, {@link #valueStart}, {@link #field},
     * the key of a {@code key:word} token) read from the {@link TokenFacts}, each token's computed once in its array's
     * life (the line's once for all the candidates it is compared with, the template's once for all its lines).
     */
    static double similarity(TokenFacts template, TokenFacts line, boolean wordsAreMessage, double threshold) {
        String[] tt = template.tokens;
        String[] lt = line.tokens;
        byte[] tws = template.wild;
        byte[] lws = line.wild;
        int n = tt.length;
        int counted = 0;
        int same = 0;
        for (int i = 0; i < n; i++) {
            byte tk = tws[i];
            boolean tw = tk != TokenFacts.PLAIN; // wild(t)
            boolean lw = lws[i] == TokenFacts.WILD; // l.equals(WILD)
            if (tw && lw) {
                continue;
            }
            String t = tt[i];
            String l = lt[i];
            counted++;
            if (tw) {
                if (!TokenFacts.has(line.basic(i), TokenFacts.WORD_HERE)) {
                    same++; // a value where the template learned a variable
                    continue;
                }
                if (wordsAreMessage && tk == TokenFacts.LEARNED && !TokenFacts.has(template.at(i), TokenFacts.FIELD)) {
                    return 0;
                }
            } else if (t.equals(l)) {
                same++;
                continue;
            } else if (!lw) {
                // the line's facts only where the template's token may be a field's form (a stack frame's is not)
                long bt = template.basic(i);
                if (TokenFacts.has(bt, TokenFacts.MAY_BE_FIELD_FORM) && fieldValue(t, bt, l, line.basic(i))) {
                    same++;
                    continue;
                }
                long ft = template.at(i);
                if (!TokenFacts.has(ft, TokenFacts.FIELD) && distinctWords(t, ft, l, line.at(i), i)) {
                    return 0;
                }
            }
            int left = n - 1 - i;
            if ((double) (same + left) / (counted + left) < threshold) {
                return 0;
            }
        }
        if (counted == 0) {
            return 1.0;
        }
        return same == 0 ? 0 : (double) same / counted;
    }

    /** Words after which a plain word is a name (a value), not a part of the message. */
    static final Set<String> NAME_KEYS = Set.of("user", "users", "username", "for", "host", "hostname",
            "account", "login", "owner");

    /** {@link #NAME_KEYS} as a list (what {@link #nameKey} compares with). */
    private static final String[] NAME_KEY_LIST = NAME_KEYS.toArray(new String[0]);

    /** Whether {@code t} is a name key: {@code NAME_KEYS.contains(key(t))} ({@link #nameKey(String, int, int)}). */
    static boolean nameKey(String t) {
        return nameKey(t, 0, t.length());
    }

    /**
     * Whether {@code t.substring(from, to)} is a name key, {@code NAME_KEYS.contains(key(t.substring(from, to)))}
     * (the reference), without building the key: the same trim, then the chars compared with each name key of
     * that length, ASCII letters lower-cased. A non-ASCII char never matches: the name keys are ASCII without a
     * {@code k}, and {@code toLowerCase(Locale.ROOT)} maps a non-ASCII char to ASCII only for U+212A (to
     * {@code k}) and U+0130 (to {@code i} and U+0307, which is not ASCII).
     */
    static boolean nameKey(String t, int from, int to) {
        int i = from;
        int n = to;
        while (i < n && !letterOrDigit(t, i)) {
            i++;
        }
        while (n > i && !letterOrDigit(t, n - 1)) {
            n--;
        }
        int len = n - i;
        for (String k : NAME_KEY_LIST) {
            if (k.length() != len) {
                continue;
            }
            int j = 0;
            while (j < len) {
                char c = t.charAt(i + j);
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != k.charAt(j)) {
                    break;
                }
                j++;
            }
            if (j == len) {
                return true;
            }
        }
        return false;
    }

    /** A token lower-cased, without surrounding punctuation. */
    static String key(String t) {
        int i = 0;
        int n = t.length();
        while (i < n && !letterOrDigit(t, i)) {
            i++;
        }
        while (n > i && !letterOrDigit(t, n - 1)) {
            n--;
        }
        return t.substring(i, n).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Whether position {@code i} holds a field's value by the look of its neighbours: it follows a name
     * key ({@code user root}, {@code for admin}), or it is a {@code key: value,} item of a list.
     */
    static boolean field(String[] template, int i) {
        if (i == 0) {
            return false;
        }
        String prev = template[i - 1];
        if (nameKey(prev)) { // NAME_KEYS.contains(key(prev))
            return true;
        }
        return prev.endsWith(":") && template[i].endsWith(",");
    }

    /**
     * Whether two different constant tokens are different words of the message (the line cannot be the
     * template's): both plain words; two values of one field ({@link #valueStart}) that are words of the message
     * ({@link #messageValues}: {@code isOverlap:false} / {@code isOverlap:true}); or, for tokens that are no
     * field, {@code key:word} with the same key before the last {@code :} or {@code =} (not a name key) and
     * plain-word values ({@code CCFile::captureLog} / {@code CCFile::copyFile}).
     */
    static boolean distinctWords(String a, String b, int i) {
        return distinctWords(a, b) && !(i == 0 && contextTag(a) && contextTag(b));
    }

    /**
     * {@link #distinctWords(String, String, int)} (the reference) of {@code a} and {@code b}, different tokens at
     * position {@code i}, with {@code fa} and {@code fb} their {@link TokenFacts}: the per-token scans read from the
     * facts, the tests of the pair ({@link #sameButDigits}, the shared key) made last, where the facts leave them open.
     */
    static boolean distinctWords(String a, long fa, String b, long fb, int i) {
        if (i == 0 && TokenFacts.has(fa & fb, TokenFacts.CONTEXT_TAG)) {
            return false;
        }
        if (!TokenFacts.has(fa & fb, TokenFacts.WORD)) {
            int va = TokenFacts.valueStart(fa, a);
            int vb = TokenFacts.valueStart(fb, b);
            if (va >= 0 || vb >= 0) {
                if (va != vb || !a.regionMatches(0, b, 0, va) || !messageValues(a, b, va)) {
                    return false;
                }
            } else {
                if (TokenFacts.has(fa, TokenFacts.NAME_KEY) || !TokenFacts.has(fa & fb, TokenFacts.WORD_AFTER_KEY)) {
                    return false;
                }
                int ka = TokenFacts.keyEnd(fa, a);
                if (ka != TokenFacts.keyEnd(fb, b) || !a.regionMatches(0, b, 0, ka)) {
                    return false;
                }
            }
        }
        return !sameButDigits(a, b);
    }

    /** {@link #distinctWords(String, String, int)} at any position but the first. */
    static boolean distinctWords(String a, String b) {
        if (sameButDigits(a, b)) {
            return false; // numbered instances (gige4 / gige7, node-D0 / node-D7) are values
        }
        if (word(a) && word(b)) {
            return true;
        }
        int va = valueStart(a);
        int vb = valueStart(b);
        if (va >= 0 || vb >= 0) {
            return va == vb && a.regionMatches(0, b, 0, va) && messageValues(a, b, va);
        }
        int ka = keyEnd(a);
        int kb = keyEnd(b);
        if (ka < 0 || ka != kb || !a.regionMatches(0, b, 0, ka)) {
            return false;
        }
        return !nameKey(a, 0, ka) && word(a.substring(ka + 1)) && word(b.substring(kb + 1));
    }

    /** Keys whose value is the message itself (logfmt's {@code msg=}), not a value of it. */
    static final Set<String> MESSAGE_KEYS = Set.of("msg", "message", "event");

    /**
     * Whether two values of one field ({@code a} and {@code b}, different, their values from {@code v}) are
     * different words of the message, not values of a field: both a flag's state ({@code isOverlap:false} /
     * {@code isOverlap:true}: loghub's ground truth keeps them apart), both a text of several words
     * ({@code reason="connection reset"}), or the value of a {@link #MESSAGE_KEYS message key}. Never with a
     * placeholder in either value.
     */
    static boolean messageValues(String a, String b, int v) {
        if (a.indexOf('<', v) >= 0 || b.indexOf('<', v) >= 0) {
            return false;
        }
        return (flag(a, v) && flag(b, v)) || (text(a, v) && text(b, v)) || MESSAGE_KEYS.contains(key(a.substring(0, v)));
    }

    /** Whether the value of key=value token {@code t}, from {@code from}, holds several words (a quoted text). */
    private static boolean text(String t, int from) {
        for (int i = from; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == ' ' || c == '\u00a0') {
                return true;
            }
        }
        return false;
    }

    /** Whether the value of key=value token {@code t}, from {@code from}, is {@code true} or {@code false} (any case). */
    private static boolean flag(String t, int from) {
        int n = valueEnd(t) - from;
        return (n == 4 && t.regionMatches(true, from, "true", 0, 4)) || (n == 5 && t.regionMatches(true, from, "false", 0, 5));
    }

    /** ASCII letters and digits: 1 a letter, 2 a digit, 0 neither ({@link #letterOrDigit}, {@link #letter}). */
    private static final byte[] ASCII_ALNUM = new byte[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            ASCII_ALNUM[c] = 1;
            ASCII_ALNUM[c - 'a' + 'A'] = 1;
        }
        for (char c = '0'; c <= '9'; c++) {
            ASCII_ALNUM[c] = 2;
        }
    }

    /**
     * {@link Character#isLetterOrDigit(char)}, with ASCII read from a table: the token scans below run for every
     * differing position of every candidate template, and under C1 (file runs) the JDK's per-char property lookup
     * is a call chain that is not inlined, where this method is small enough to be; the same answer for every
     * char ({@code TemplateMinerTest}).
     */
    static boolean letterOrDigit(char c) {
        return c < 128 ? ASCII_ALNUM[c] != 0 : Character.isLetterOrDigit(c);
    }

    /** {@link Character#isLetter(char)}, with ASCII read from a table (see {@link #letterOrDigit}). */
    static boolean letter(char c) {
        return c < 128 ? ASCII_ALNUM[c] == 1 : Character.isLetter(c);
    }

    /**
     * {@link #letterOrDigit(char)} of {@code t.charAt(i)} by code point: either half of a surrogate pair answers for
     * the pair ({@code 𠀀}, U+20000, is a letter as {@code 条} is; review26a F1).
     */
    static boolean letterOrDigit(String t, int i) {
        char c = t.charAt(i);
        return c < '\uD800' ? letterOrDigit(c) : Character.isLetterOrDigit(codePointOf(t, i));
    }

    /** {@link #letter(char)} of {@code t.charAt(i)} by code point (see {@link #letterOrDigit(String, int)}). */
    static boolean letter(String t, int i) {
        char c = t.charAt(i);
        return c < '\uD800' ? letter(c) : Character.isLetter(codePointOf(t, i));
    }

    /** The code point {@code t.charAt(i)} is part of: its surrogate pair's where it is a half of one, else itself. */
    private static int codePointOf(String t, int i) {
        char c = t.charAt(i);
        if (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(t.charAt(i - 1))) {
            return Character.toCodePoint(t.charAt(i - 1), c);
        }
        return t.codePointAt(i);
    }

    /**
     * Where the value of a key=value token starts, or -1 when {@code t} is no such token. A key: a letter, then
     * letters, digits, {@code _ . -}, with quotes and opening brackets around it allowed; then {@code =} or
     * {@code :}, not doubled ({@code ::} is a method reference: {@code CCFile::copyFile}) nor a scheme's
     * {@code ://}; then one value, not
     * empty, after any opening brackets: quoted ({@code msg="order failed"}, {@code "level":"info",}; the value starts after the quote, and only
     * closing punctuation may follow the closing quote), or unquoted without quotes, commas or semicolons in it
     * ({@code invoice=customer}, {@code isOverlap:false,}). Not fields: {@code type=a,old=b} and compact JSON
     * tokens holding several pairs, a quote opened and not closed ({@code msg="a} of a longer text).
     */
    static int valueStart(String t) {
        if (t.indexOf('=') < 0 && t.indexOf(':') < 0) {
            return -1; // no '=' or ':' (most tokens): what the scan below finds too, without a char class per char
        }
        return valueStartScanned(t);
    }

    /**
     * {@link #valueStart} without its pre-check for a {@code =} or {@code :}: for a token known to hold one (a
     * {@link #mayBeFieldForm} token, whose {@code <*>} follows one), where that check only repeats a scan.
     */
    static int valueStartScanned(String t) {
        int n = t.length();
        int i = 0;
        while (i < n && "{[(,\"'".indexOf(t.charAt(i)) >= 0) {
            i++;
        }
        if (i == n || !letter(t, i)) {
            return -1;
        }
        i++;
        while (i < n) {
            char c = t.charAt(i);
            if (!letterOrDigit(t, i) && c != '_' && c != '.' && c != '-') {
                break;
            }
            i++;
        }
        if (i < n && (t.charAt(i) == '"' || t.charAt(i) == '\'')) {
            i++;
        }
        if (i >= n - 1 || (t.charAt(i) != '=' && t.charAt(i) != ':') || t.charAt(i + 1) == t.charAt(i)) {
            return -1;
        }
        if (t.charAt(i) == ':' && t.charAt(i + 1) == '/') {
            return -1; // a scheme (http://...)
        }
        int s = i + 1;
        while (s < n - 1 && "([{".indexOf(t.charAt(s)) >= 0) {
            s++;
        }
        int end = valueEnd(t);
        char q = t.charAt(s);
        if (q == '"' || q == '\'') {
            int close = t.indexOf(q, s + 1);
            if (close < 0) {
                return -1;
            }
            for (int k = close + 1; k < n; k++) {
                if (CLOSERS.indexOf(t.charAt(k)) < 0) {
                    return -1;
                }
            }
            return Math.min(end, close) > s + 1 ? s + 1 : -1;
        }
        for (int k = s; k < end; k++) {
            char c = t.charAt(k);
            if (c == '"' || c == ',' || c == ';') {
                return -1;
            }
        }
        return end > s ? s : -1;
    }

    /** Punctuation that may close a field's value ({@code ",} of {@code "level":"info",}). */
    private static final String CLOSERS = "\"'.,;:)]}";

    /** Where the closing punctuation of a token starts ({@link #CLOSERS}). */
    private static int valueEnd(String t) {
        int n = t.length();
        while (n > 0 && CLOSERS.indexOf(t.charAt(n - 1)) >= 0) {
            n--;
        }
        return n;
    }

    /**
     * The field form of a key=value token: its value replaced by {@code <*>}, the key and the punctuation
     * around the value kept ({@code invoice=customer} -> {@code invoice=<*>}, {@code "level":"info",} ->
     * {@code "level":"<*>",}); null when {@code t} is no key=value token ({@link #valueStart}).
     */
    static String fieldForm(String t) {
        return fieldForm(t, valueStart(t));
    }

    /** {@link #fieldForm(String)} of {@code t} whose value starts at {@code s} ({@link #valueStart}). */
    private static String fieldForm(String t, int s) {
        if (s < 0) {
            return null;
        }
        int e = valueEnd(t);
        return e == s + WILD.length() && t.startsWith(WILD, s) ? t : t.substring(0, s) + WILD + t.substring(e);
    }

    /**
     * Whether template token {@code t} is a field whose value the template learned as {@code <*>}, and line
     * token {@code l} a value of that field ({@code invoice=<*>} and {@code invoice=session}).
     */
    static boolean fieldValue(String t, String l) {
        if (!mayBeFieldForm(t)) {
            return false;
        }
        int s = valueStart(l);
        if (s < 0) {
            return false;
        }
        return fieldValue(t, l, s);
    }

    /**
     * {@link #fieldValue(String, String)} (the reference) of {@code t} and {@code l} with {@code ft} and {@code fl}
     * their {@link TokenFacts}.
     */
    static boolean fieldValue(String t, long ft, String l, long fl) {
        if (!TokenFacts.has(ft, TokenFacts.MAY_BE_FIELD_FORM)) {
            return false;
        }
        int s = TokenFacts.valueStart(fl, l);
        return s >= 0 && fieldValue(t, l, s);
    }

    /** {@link #fieldValue(String, String)} where {@code t} may be a field's form and {@code l}'s value starts at {@code s}. */
    private static boolean fieldValue(String t, String l, int s) {
        int e = valueEnd(l);
        if (e == s + WILD.length() && l.startsWith(WILD, s)) {
            return l.equals(t); // l is its own field form
        }
        // t equals fieldForm(l), l[0, s) + WILD + l[e, ...), compared in place (no string built per position)
        int tail = l.length() - e;
        return t.length() == s + WILD.length() + tail && t.regionMatches(0, l, 0, s) && t.startsWith(WILD, s)
                && t.regionMatches(s + WILD.length(), l, e, tail);
    }

    /**
     * False where {@code t} is no field's form, {@code fieldForm(l)} of no token {@code l} and no {@code l} of
     * {@link #fieldValue}: its first {@code <*>} is where the value starts ({@link #valueStart}: the key, its
     * {@code =} or {@code :}, opening brackets, a quote, none of them a {@code <}), so the chars before it are a quote
     * or none, opening brackets or none, then {@code =} or {@code :}. A test of a few chars (a stack frame's
     * {@code Class.method(<*>)} fails at once), where {@link #valueStart} of the line's token reads its key.
     */
    static boolean mayBeFieldForm(String t) {
        int w = t.indexOf(WILD);
        if (w < 0) {
            return false;
        }
        int j = w - 1;
        if (j >= 0 && (t.charAt(j) == '"' || t.charAt(j) == '\'')) {
            j--;
        }
        while (j >= 0 && (t.charAt(j) == '(' || t.charAt(j) == '[' || t.charAt(j) == '{')) {
            j--;
        }
        return j > 0 && (t.charAt(j) == '=' || t.charAt(j) == ':');
    }

    /** Whether the two tokens are equal once their digits are removed. */
    static boolean sameButDigits(String a, String b) {
        int i = 0;
        int j = 0;
        while (true) {
            while (i < a.length() && Character.isDigit(a.charAt(i))) {
                i++;
            }
            while (j < b.length() && Character.isDigit(b.charAt(j))) {
                j++;
            }
            if (i == a.length() || j == b.length()) {
                return i == a.length() && j == b.length();
            }
            if (a.charAt(i++) != b.charAt(j++)) {
                return false;
            }
        }
    }

    /** Index of the last '=' or ':' of a key=value token (the key being a word), else -1. */
    static int keyEnd(String t) {
        int e = Math.max(t.lastIndexOf('='), t.lastIndexOf(':'));
        return e > 0 && e < t.length() - 1 ? e : -1;
    }

    /**
     * Whether a token is a plain word: once the punctuation around it is removed, letters, digits,
     * {@code -} and {@code _}, starting with a letter ({@code startup}, {@code Paused}, {@code SOCKS5});
     * not a value such as a dotted name, a path, {@code key=value} or a masked field.
     */
    static boolean word(String t) {
        return word(t, 0, t.length());
    }

    /** {@link #word(String)} of {@code t.substring(from, to)}, without the substring. */
    static boolean word(String t, int from, int to) {
        int i = from;
        int n = to;
        while (i < n && !letterOrDigit(t, i)) {
            i++;
        }
        while (n > i && !letterOrDigit(t, n - 1)) {
            n--;
        }
        if (i == n || !letter(t, i)) {
            return false;
        }
        for (int k = i; k < n; k++) {
            char c = t.charAt(k);
            if (!letterOrDigit(t, k) && c != '-' && c != '_') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #word} of the token at position {@code i} of a message: false for a {@link #contextTag} at
     * position 0.
     */
    static boolean word(String t, int i) {
        return word(t) && !(i == 0 && contextTag(t));
    }

    /**
     * Whether token {@code t} is a word in brackets or parentheses ({@code (alice)}, {@code [worker]:}): the
     * punctuation before the word opens with the bracket that the punctuation after it closes. At the start of a
     * message such a token is a context tag the program put in front of its message (cron's {@code (user) CMD
     * (...)}, a thread or a worker), one value of many, as the header stripper reads a bracketed field in a
     * header ({@link LineTokens#message}). Elsewhere in a message a bracketed word stays a word: loghub's ground
     * truth keeps {@code (reserved)} / {@code (usable)}, {@code (Alarm)} / {@code (Network)} apart.
     */
    static boolean contextTag(String t) {
        int n = t.length();
        char open = n == 0 ? ' ' : t.charAt(0);
        if ((open != '(' && open != '[') || !word(t)) {
            return false;
        }
        int end = n;
        while (end > 0 && !letterOrDigit(t, end - 1)) {
            end--;
        }
        return t.indexOf(open == '(' ? ')' : ']', end) >= 0;
    }

    /**
     * Widens {@code c} to cover the line's tokens ({@code line.tokens}); merges a cluster it now covers; returns the
     * survivor.
     */
    private MinerState.Cluster widen(MinerState state, MinerState.Cluster c, TokenFacts line) {
        String[] tokens = line.tokens;
        TokenFacts facts = c.facts();
        boolean changed = false;
        for (int i = 0; i < tokens.length; i++) {
            String t = c.tokens[i];
            String l = tokens[i];
            if (!wild(t) && !t.equals(l) && !fieldValue(t, facts.basic(i), l, line.basic(i))) {
                if (!changed) {
                    c.tokens = c.tokens.clone();
                    changed = true;
                }
                // Numbered instances (broadcast_8 / broadcast_9) differ in a value, not a word: a plain <*>,
                // so that broadcast_0 arriving under another prefix still finds the template.
                String f;
                c.tokens[i] = l.equals(WILD) || sameButDigits(t, l) ? WILD
                        : (f = fieldForm(t)) != null && f.equals(fieldForm(l)) ? f : LEARNED;
            }
        }
        if (!changed) {
            return c;
        }
        MinerState.Cluster survivor = c;
        List<MinerState.Cluster> covered;
        TemplateIndex index = state.index;
        if (index != null && c.slot >= 0) {
            covered = index.bucket(c.tokens.length).covered(c, c.tokens);
            index.remove(c);
            for (MinerState.Cluster o : covered) {
                index.remove(o);
            }
        } else {
            index = null;
            state.index = null; // rebuilt on use
            covered = new ArrayList<>();
            for (MinerState.Cluster o : state.clusters) {
                if (o != c && o.tokens.length == c.tokens.length && covers(c.tokens, o.tokens)) {
                    covered.add(o);
                }
            }
        }
        for (MinerState.Cluster o : covered) {
            MinerState.Cluster older = o.id < survivor.id ? o : survivor;
            MinerState.Cluster younger = older == o ? survivor : o;
            older.tokens = c.tokens;
            older.count += younger.count;
            older.firstSeen = Math.min(older.firstSeen, younger.firstSeen);
            older.lastSeen = Math.max(older.lastSeen, younger.lastSeen);
            state.clusters.remove(younger);
            if (state.eviction != null) {
                state.eviction.remove(younger);
            }
            survivor = older;
        }
        if (index != null) {
            index.add(survivor, prefixKey(survivor.tokens));
        }
        return survivor;
    }

    /** Whether every position of {@code other} equals {@code template}'s or the template has {@code <*>}. */
    static boolean covers(String[] template, String[] other) {
        for (int i = 0; i < template.length; i++) {
            if (!wild(template[i]) && !template[i].equals(other[i]) && !fieldValue(template[i], other[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Evicts the cluster matched least recently other than {@code keep} (the first in list order among equal
     * {@code lastSeen}): found through the state's {@link EvictionOrder}, or by {@link #oldestScan} in the
     * reference form and on a state object's first eviction. The order is built on the second eviction of the
     * same object: a state read from RocksDB for each line (a source outside the hot-state cache) evicts at most
     * once per object, where building the order (a sort) would cost more than the scan.
     */
    private void evictOldest(MinerState state, MinerState.Cluster keep) {
        MinerState.Cluster oldest;
        if (scanEviction) {
            oldest = oldestScan(state, keep);
            state.clusters.remove(oldest);
            if (state.eviction != null) {
                state.eviction.remove(oldest);
            }
        } else if (state.eviction == null && !state.evictedOnce) {
            state.evictedOnce = true;
            oldest = oldestScan(state, keep);
            state.clusters.remove(state.indexOf(oldest));
        } else {
            if (state.eviction == null) {
                state.eviction = EvictionOrder.of(state.clusters);
            }
            oldest = state.eviction.oldest(keep);
            state.eviction.remove(oldest);
            state.clusters.remove(state.indexOf(oldest));
        }
        state.evicted++;
        if (state.index != null && oldest.slot >= 0) {
            state.index.remove(oldest);
        } else {
            state.index = null;
        }
    }

    /** The cluster with the smallest {@code lastSeen} other than {@code keep}, the first in list order among ties. */
    static MinerState.Cluster oldestScan(MinerState state, MinerState.Cluster keep) {
        MinerState.Cluster oldest = null;
        for (MinerState.Cluster c : state.clusters) {
            if (c != keep && (oldest == null || c.lastSeen < oldest.lastSeen)) {
                oldest = c;
            }
        }
        return oldest;
    }

    /** The state's index over its clusters, built from them on first use (after a restore or a copy). */
    private TemplateIndex index(MinerState state) {
        if (state.index == null) {
            TemplateIndex t = new TemplateIndex(oneByOne);
            for (MinerState.Cluster c : state.clusters) {
                t.add(c, prefixKey(c.tokens));
            }
            state.index = t;
        }
        return state.index;
    }

    /**
     * The path below the length level: the first {@code depth} tokens ({@code <*>} for a variable one, and for a
     * {@link #contextTag} first).
     */
    String prefixKey(String[] tokens) {
        int d = Math.min(settings.depth(), tokens.length);
        if (d == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d; i++) {
            String t = tokens[i];
            sb.append(wild(t) || (i == 0 && contextTag(t)) ? WILD : t).append('\u0000');
        }
        return sb.toString();
    }
}
