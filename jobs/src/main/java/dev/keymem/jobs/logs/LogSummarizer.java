package dev.keymem.jobs.logs;

import static dev.keymem.jobs.text.Vectors.normalized;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.jobs.kafka.OutputBounds;
import dev.keymem.jobs.logs.mining.FollowedIds;
import dev.keymem.jobs.logs.mining.LineTokens;
import dev.keymem.jobs.logs.mining.LineVariant;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import dev.keymem.jobs.text.TextFrontEnd;
import dev.keymem.models.novelty.NoveltyWrite;
import dev.keymem.operators.KeyedNoveltyMemory;
import dev.keymem.operators.NoveltyMemory;
import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.MemoryModelFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-source logic of the log summarization job, free of Flink (the keyed function keeps a source's
 * {@link SourceMemory}, its {@link SourceStores} and, through the operators' {@link KeyedNoveltyMemory}, its
 * memory in keyed state and calls this; {@link #newMemory} keeps all of it on the heap).
 *
 * <p><b>Templates.</b> Each line is assigned its template by the online {@link TemplateMiner} when it
 * arrives (never revised). <b>Memory.</b> One line = one item of the source's {@link NoveltyMemory} (the
 * operators' novelty memory, memory type NOVELTY): the embedding of the masked line (its template with the
 * kinds of its variables, so a change in the parameters' character shows). The memory gives the line's
 * innovation ||x - S^T x|| against the source's fading memory (about 1 for what it cannot predict, near 0 for
 * routine lines) and keeps the most innovative lines (template id as item id); with its STR/CMP retention
 * tier on (memory bmojo+retention with a budget) the retained tier's probabilities rank templates when
 * the budget is tight.
 *
 * <p><b>Summaries</b> report every template of their period once: its count, first and last offsets, the
 * parameters seen, its innovation and significance. A template's line is shown verbatim (the original text,
 * a JSON string of its own) the first time the source's summaries report the template ({@code flag: new}),
 * and again only when the memory flags it (the line's innovation is at least {@code reshowInnovation}: the
 * source's memory could not predict it) and either the template returned after at least {@code silenceLines}
 * silent lines ({@code returned}) or its parameters are of kinds not seen with it before ({@code changed}). Other periods give the id,
 * template and count. With a budget, flagged templates are listed first, then the most significant; the
 * rest are counted in {@code dropped}. The summary JSON is built in one place, {@link #record}.
 *
 * <p><b>Size.</b> A summarizer made with an output limit returns each summary as
 * {@link OutputBounds#bound OutputBounds.bound(summary, limit)} would cut it (the last templates dropped and
 * counted in {@code templates_cut}), the same text, but writes only the templates that stay (see
 * {@link #record(SourceMemory, int, String, boolean, List, List, Map, LogSummarySettings.Memory, int)}); the
 * summary's effect on the source (which lines count as shown) is that of the whole summary, as before.
 */
public final class LogSummarizer {
    /**
     * Writes the summary records (jackson-core's streaming generator: no {@code ObjectMapper}, whose class
     * initialization, mostly the JDK's date and locale set-up for its default date format, was a start-up
     * cost of every log run).
     */
    private static final JsonFactory JSON = new JsonFactory();
    /** Parameter lists kept per template and period, parameter shapes per template, tokens per list. */
    static final int MAX_PARAMS = 5;
    static final int MAX_SHAPES = 8;
    static final int MAX_PARAM_TOKENS = 8;
    static final int MAX_PARAM_CHARS = 200;
    /** Distinct parameter lists counted per template and period (the count stops there). */
    static final int MAX_DISTINCT = 1000;

    private final LogSummarySettings settings;
    private final TextFrontEnd frontEnd;
    private final TemplateMiner miner;
    private final MemoryModelFactory models;
    private transient MemoryModel.Novelty model;
    private final int d;
    /** The output limit of the summaries (UTF-8 bytes), {@link Integer#MAX_VALUE} for none. */
    private final int maxOutputBytes;
    /**
     * The settings a line reads, read once ({@link LogSummarySettings}' getters look the option up in its
     * configuration each time, a map look-up and a conversion per line).
     */
    private final boolean retention;
    private final int everyLines;
    private final float reshowInnovation;
    private final long silenceLines;
    /** {@code settings.budget()} and {@code settings.memory()}, read once (each summary read them). */
    private final int budget;
    private final LogSummarySettings.Memory memory;
    /**
     * Whether every line's variant key is computed, as before only the lines that may be shown had theirs (the
     * reference of that; tests).
     */
    boolean referenceVariantKeys;
    /**
     * Whether every summary walks the source's whole ledger (the reference of the summary over the templates
     * changed since the last one, {@link FollowedIds}; tests).
     */
    boolean walkLedger;
    /** Summaries that walked the ledger (tests). */
    long ledgerWalks;
    /**
     * The most ids a period follows ({@link FollowedIds}, the miner's removal record): past it the next summary walks
     * the ledger, which then costs about as much (the ledger holds about max-templates entries and every one
     * counted or removed this period); bounds those heap arrays by the source's own size, not its history.
     */
    final int maxFollowed;

    /** A summarizer whose summaries are not bounded (each as {@link #record} writes it). */
    public LogSummarizer(LogSummarySettings settings, TextFrontEnd frontEnd) {
        this(settings, frontEnd, Integer.MAX_VALUE);
    }

    /**
     * A summarizer whose summaries are bounded to {@code maxOutputBytes} as {@link OutputBounds#bound} bounds
     * them (the job's output limit: see the class comment).
     */
    public LogSummarizer(LogSummarySettings settings, TextFrontEnd frontEnd, int maxOutputBytes) {
        this.maxOutputBytes = maxOutputBytes;
        this.settings = settings;
        this.frontEnd = frontEnd;
        this.d = settings.dimension();
        if (frontEnd.dimension() != d) {
            throw new IllegalArgumentException("the text front end embeds into " + frontEnd.dimension()
                    + " dimensions, the settings say " + d);
        }
        this.miner = new TemplateMiner(settings.miner());
        this.retention = settings.retention();
        this.everyLines = settings.everyLines();
        this.reshowInnovation = settings.reshowInnovation();
        this.silenceLines = settings.silenceLines();
        this.budget = settings.budget();
        this.memory = settings.memory();
        this.maxFollowed = 2 * settings.miner().maxTemplates() + 64;
        this.models = MemoryModelFactory.fromOptions(KeyedNoveltyMemory.noveltyOptions(settings.options()));
    }

    /** The novelty memory's options of these settings (what the keyed function opens). */
    MemoryModelFactory models() {
        return models;
    }

    public LogSummarySettings settings() {
        return settings;
    }

    /**
     * A fresh source memory on the heap (its novelty memory too); {@code seed} seeds the retention draws
     * (the job uses the source's hash).
     */
    public SourceMemory newMemory(long seed) {
        if (model == null) {
            model = NoveltyMemory.model(models);
        }
        SourceMemory m = new SourceMemory();
        m.novelty = NoveltyMemory.inMemory(model, seed);
        return m;
    }

    /** Advances the source over one line; returns a summary (JSON) when everyLines is reached, else null. */
    public String accept(SourceMemory m, SourceStores stores, LogLine line) throws Exception {
        MinerState ms = stores.miner();
        if (m.position == 0 && m.summaries == 0 && m.periodIds == null && ms.lines() == 0 && ms.size() == 0
                && !walkLedger) {
            follow(m, ms, maxFollowed); // a new source: its ledger is empty, each of its templates is met from now on
            // and it is known empty: a WriteBack ledger marks itself complete (reads its empty store once), so a new
            // template's get answers from the heap, not with a store miss (the walk's all() did so before the
            // summary followed the changes, and never does for a source followed from its first line)
            stores.ledger().all();
        }
        TemplateMiner.Match match = miner.accept(ms, line.text, line.bare);
        stores.minerUpdated(ms);
        Masked facts = masked(match.masked());
        NoveltyWrite w = m.novelty.write(facts.x, match.id(), null);
        float innovation = w.innovation();
        long position = m.position;
        if (retention) { // only the retention tier's ranking needs a line's template later
            stores.pending().add(new SourceMemory.PendingLine(position, null, Integer.toString(match.id()),
                    line.offset, line.timestamp, innovation, null));
        }
        tally(stores.ledger(), match, facts, line, position, innovation, m.periodIds);
        m.position++;
        if (m.linesSinceLast == 0) {
            m.fromOffset = line.offset;
        }
        m.linesSinceLast++;
        m.lastOffset = line.offset;
        return m.linesSinceLast >= everyLines ? summarize(m, stores, line.source, false) : null;
    }

    /** Masked messages at most this long have their embedding remembered. */
    static final int EMBED_CACHE_CHARS = 512;
    /** Embeddings remembered (the most recently used masked messages). */
    static final int EMBED_CACHE_SIZE = 4096;

    private transient dev.keymem.jobs.logs.mining.RepeatMemo<Masked> embeddings;

    /**
     * What the summarizer derives from a masked message, a pure function of it: its normalized embedding
     * ({@code normalized(frontEnd.encode(masked).vector)}; no caller changes the array), its {@link #shape}, and
     * the variant key ({@link LineVariant#key(String[], String[])}) against the template it last met.
     */
    static final class Masked {
        final float[] x;
        final String shape;
        /** The template words {@link #key} was computed against (null: none yet). */
        private TemplateWords keyOf;
        private String key;
        /** {@code MaskedStart.of(masked)}, made when first asked for (a bare line's tally does not read it). */
        private MaskedStart start;

        /** {@link MaskedStart#of} of the masked message these are the facts of ({@code masked}). */
        MaskedStart start(String masked) {
            MaskedStart s = start;
            if (s == null) {
                s = start = MaskedStart.of(masked);
            }
            return s;
        }

        Masked(float[] x, String shape) {
            this.x = x;
            this.shape = shape;
        }

        /**
         * {@code LineVariant.key(tw.tokens, tokens)}, where {@code tokens} are the message's tokens
         * ({@link TemplateMiner.Match#tokens()}, a function of the message): remembered for the last template
         * (a source's lines of one message meet the same template until it widens).
         */
        String variantKey(TemplateWords tw, String[] tokens) {
            if (keyOf != tw) {
                key = tokens.length != tw.tokens.length ? "" // what key gives there, without the template's fields
                        : LineVariant.key(tw.tokens, tw.fields(), tokens); // LineVariant.key(tw.tokens, tokens)
                keyOf = tw;
            }
            return key;
        }
    }

    /**
     * The {@link Masked} facts of a masked message, remembered for the {@link #EMBED_CACHE_SIZE} most recently
     * used short messages seen more than once ({@link dev.keymem.jobs.logs.mining.RepeatMemo}: a message met once
     * is not kept; a source's lines repeat their masked messages; the front end is a pure function of the text).
     * The front end's masker runs on the miner's masked message again only where it may change it
     * ({@link TextFrontEnd#encodeMasked}, the same result as {@code encode} on the lines {@code LogSummarizerMaskTest}
     * checks; not on every conceivable message, see {@link dev.keymem.jobs.text.LineMasker#mayChangeMasked}).
     */
    private Masked masked(String masked) {
        if (masked.length() > EMBED_CACHE_CHARS) {
            return new Masked(normalized(frontEnd.vectorOfMasked(masked)), shape(masked));
        }
        if (embeddings == null) {
            embeddings = new dev.keymem.jobs.logs.mining.RepeatMemo<>(EMBED_CACHE_SIZE);
        }
        Masked x = embeddings.get(masked);
        if (x == null) {
            x = new Masked(normalized(frontEnd.vectorOfMasked(masked)), shape(masked));
            embeddings.offer(masked, x);
        }
        return x;
    }

    /** The last summary {@link #summarize} returned, and its UTF-8 bytes where they were counted (else -1). */
    private transient String lastSummary;
    private transient long lastSummaryBytes = -1;

    /**
     * The UTF-8 bytes of {@code summary} where it is the last summary this summarizer returned and its bytes were
     * counted as it was written ({@code OutputBounds.utf8Length(summary)}), else -1: for the output's bound, which
     * then need not measure it again ({@link dev.keymem.jobs.kafka.OutputBounds#bound(String, int, long)}).
     */
    public long utf8Bytes(String summary) {
        return summary != null && summary == lastSummary ? lastSummaryBytes : -1;
    }

    /** Templates whose words are remembered (the most recently used). */
    static final int TEMPLATE_CACHE_SIZE = 4096;

    private transient dev.keymem.jobs.logs.mining.RepeatMemo<TemplateWords> templateWords;

    /**
     * The words of {@code template}, remembered for the {@link #TEMPLATE_CACHE_SIZE} most recently used templates met
     * more than once ({@link dev.keymem.jobs.logs.mining.RepeatMemo}'s doorkeeper: a template met once is not kept;
     * sources whose lines widen their template on nearly every line, such as stack traces and long JSON records, met
     * thousands of templates once each, and the 4,096 kept, each with its hundreds of words, were copied into the old
     * generation); {@code tokens}: the template's words ({@link TemplateMiner.Match#templateTokens()}), or null
     * (split here). The words are a pure function of the template: what is remembered changes no result.
     */
    private TemplateWords templateWords(String template, String[] tokens) {
        if (templateWords == null) {
            templateWords = new dev.keymem.jobs.logs.mining.RepeatMemo<>(TEMPLATE_CACHE_SIZE);
        }
        TemplateWords w = templateWords.get(template);
        if (w == null) {
            w = tokens != null ? new TemplateWords(template, tokens) : new TemplateWords(template);
            templateWords.offer(template, w);
        }
        return w;
    }

    /**
     * A template's words, computed once per template: its tokens ({@code split(" ", -1)}, what
     * {@link LineVariant#key(String[], String[])} compares) and the multiset of its constant tokens (those of
     * {@code split(" ")} without a wildcard, what {@link #params(String[], String)} consumes), as distinct
     * tokens with their counts: slot {@code i} is the {@code i}-th distinct constant in the order of the words,
     * {@code counts[i]} its occurrences, found by {@link #slot}. The constants go straight into the open-addressed
     * table {@link #slot} reads ({@link #slots()}, the map the table was once built from, and {@link #fields()}, which
     * only a line that may be shown reads, are made when first asked for): a source whose lines widen their template
     * on nearly every line (stack traces, long JSON records: 4,715 templates in 5,000 lines of stack-multi-5k) builds
     * one of these a line. {@link #slotsReference} is the map built as it was (the reference).
     */
    static final class TemplateWords {
        final String[] tokens;
        final int[] counts;
        /** Where the constants end in {@link #tokens}: {@code split(" ")}'s length (trailing empty words dropped). */
        private final int end;
        /** {@link LineVariant#fields} of the tokens (null until {@link #fields()} is first called). */
        private boolean[] fields;
        /** The constants' slots as a map (null until {@link #slots()} is first called). */
        private Map<String, Integer> slots;

        TemplateWords(String template) {
            this(template.split(" ", -1), template.indexOf(' ') >= 0);
        }

        /**
         * The words of {@code template} whose words ({@code split(" ", -1)}) are {@code words} where there is one
         * ({@link TemplateMiner.Match#templateTokens()}: none is empty or holds a space, and the text is them joined
         * by single spaces); the array is kept (read only). No words: the text is split ({@code ""} is one word).
         */
        TemplateWords(String template, String[] words) {
            this(words.length == 0 ? template.split(" ", -1) : words, template.indexOf(' ') >= 0);
        }

        private TemplateWords(String[] tokens, boolean spaced) {
            this.tokens = tokens;
            // template.split(" ") is tokens less its trailing empty strings (all of tokens where the template holds
            // no space): its Strings are not made a second time (a stack trace's template has hundreds of words,
            // and the remembered templates' words were a large part of what the log job's collections copied)
            int end = tokens.length;
            if (spaced) {
                while (end > 0 && tokens[end - 1].isEmpty()) {
                    end--;
                }
            }
            this.end = end;
            // the table sized for every word a constant (at least half empty whatever the distinct count)
            int size = Integer.highestOneBit(Math.max(1, end) * 2) * 2;
            String[] table = new String[size];
            int[] tableSlots = new int[size];
            int mask = size - 1;
            int[] counted = new int[Math.min(end, 16)];
            int distinct = 0;
            long lens = 0;
            for (int k = 0; k < end; k++) {
                String t = tokens[k];
                if (hasWildcard(t)) {
                    continue;
                }
                int i = spread(t.hashCode()) & mask;
                String at;
                while ((at = table[i]) != null && !at.equals(t)) {
                    i = (i + 1) & mask;
                }
                if (at == null) {
                    if (distinct == counted.length) {
                        counted = Arrays.copyOf(counted, Math.max(16, 2 * distinct));
                    }
                    table[i] = t;
                    tableSlots[i] = distinct;
                    lens |= 1L << (t.length() & 63);
                    counted[distinct++] = 1;
                } else {
                    counted[tableSlots[i]]++;
                }
            }
            counts = distinct == counted.length ? counted : Arrays.copyOf(counted, distinct);
            keys = table;
            keySlots = tableSlots;
            keyLengths = lens;
        }

        /** {@code t.contains(LineTokens.WILDCARD)} ({@code "<*>"}) by its first char. */
        static boolean hasWildcard(String t) {
            int n = t.length() - 2;
            for (int i = t.indexOf('<'); i >= 0 && i < n; i = t.indexOf('<', i + 1)) {
                if (t.charAt(i + 1) == '*' && t.charAt(i + 2) == '>') {
                    return true;
                }
            }
            return false;
        }

        /** {@link LineVariant#fields} of {@link #tokens}: where a line's {@code key=value} token may fill the template. */
        boolean[] fields() {
            boolean[] f = fields;
            if (f == null) {
                f = fields = LineVariant.fields(tokens);
            }
            return f;
        }

        /** The distinct constants and their slots, read off the table ({@code slot(c, 0, c.length())} of each). */
        Map<String, Integer> slots() {
            Map<String, Integer> m = slots;
            if (m == null) {
                m = new HashMap<>();
                for (int i = 0; i < keys.length; i++) {
                    if (keys[i] != null) {
                        m.put(keys[i], keySlots[i]);
                    }
                }
                slots = m;
            }
            return m;
        }

        /**
         * The constants' slots and counts as they were built (the reference): each word of {@code split(" ")} without
         * {@code "<*>"} put into a map at its first occurrence with the next slot; {@code countsOut[0]} receives the
         * counts.
         */
        Map<String, Integer> slotsReference(int[][] countsOut) {
            Map<String, Integer> m = new HashMap<>();
            int[] counted = new int[Math.min(end, 16)];
            int distinct = 0;
            for (int k = 0; k < end; k++) {
                String t = tokens[k];
                if (!t.contains(LineTokens.WILDCARD)) {
                    Integer slot = m.get(t);
                    if (slot == null) {
                        if (distinct == counted.length) {
                            counted = Arrays.copyOf(counted, 2 * distinct);
                        }
                        m.put(t, distinct);
                        counted[distinct++] = 1;
                    } else {
                        counted[slot]++;
                    }
                }
            }
            countsOut[0] = Arrays.copyOf(counted, distinct);
            return m;
        }

        /** {@link #slots} by hash (open addressing, linear probing; a power of two long, at least half empty). */
        private final String[] keys;
        /** The slot of each of {@link #keys}. */
        private final int[] keySlots;
        /** Bit {@code length & 63} set for the length of each constant: a word of no such length is none of them. */
        private final long keyLengths;

        private static int spread(int h) {
            return h ^ (h >>> 16);
        }

        /**
         * {@code slots.get(line.substring(from, to))} (-1 where absent) without making the substring: its hash
         * ({@link String#hashCode}'s, over the range) finds it in {@link #keys}, then its chars are compared.
         */
        int slot(String line, int from, int to) {
            int len = to - from;
            if ((keyLengths & (1L << (len & 63))) == 0) {
                return -1;
            }
            int h = 0;
            for (int i = from; i < to; i++) {
                h = 31 * h + line.charAt(i);
            }
            int mask = keys.length - 1;
            for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
                String k = keys[i];
                if (k == null) {
                    return -1;
                }
                if (k.length() == len && line.regionMatches(from, k, 0, len)) {
                    return keySlots[i];
                }
            }
        }
    }

    /** The tally's parameter scratch ({@link ParamsScratch}), made on the first line. */
    private transient ParamsScratch paramsScratch;

    /** Counts the line in its template's entry and decides whether it is the line to show verbatim. */
    private void tally(TemplateLedger ledger, TemplateMiner.Match match, Masked facts, LogLine line, long position,
                       float innovation, FollowedIds periodIds) throws Exception {
        TemplateEntry t = ledger.get(match.id());
        if (t == null) {
            t = new TemplateEntry(match.id(), match.template());
        }
        t.template = match.template();
        // templateWords(match.template(), match.templateTokens()), kept on the entry for the template's next line
        // (a source's lines meet the same template text until it widens: its next line skips the map)
        TemplateWords tw = t.words;
        if (tw == null || t.wordsOf != match.template()) {
            tw = templateWords(match.template(), match.templateTokens());
            t.words = tw;
            t.wordsOf = match.template();
        }
        String mined = match.message() != null ? match.message() : line.text; // a JSON line: its message field
        // a bare message has no header to cut off: all its words are the message's
        // params(line.bare ? words(mined) : messageWords(mined, match.masked()), tw)
        if (paramsScratch == null) {
            paramsScratch = new ParamsScratch();
        }
        String params = paramsScratch.params(mined, match.masked(), line.bare, tw, facts);
        String shape = facts.shape; // shape(match.masked())
        // contains(t.shapes, shape) ? -1 : count(t.shapes): one pass over the list (a line whose shape is new, each
        // line of some inputs, read it twice: whether it holds the shape, then how many it holds)
        // (read off the list's index where it has one: see PackedIndex, made once the list holds two elements)
        PackedIndex shapeIndex = t.shapeIndex;
        int shapes = shapeIndex != null ? shapeIndex.countUnlessHeld(t.shapes, shape) : countUnlessHeld(t.shapes, shape);
        boolean newShape = shapes >= 0;
        // LineVariant.key(tw.tokens, match.tokens()); the variant is "~" + key (none when empty). Only a line that
        // may be shown reads it (t.text null, and a flag or the "variant" test to come): it is computed there, not
        // for every line (referenceVariantKeys: for every line, as before; the same decisions, t.shapes unchanged
        // in between)
        String key = referenceVariantKeys ? facts.variantKey(tw, match.tokens()) : null;
        if (t.text == null) {
            String flag = null;
            if (!t.shown) {
                flag = "new";
            } else if (innovation >= reshowInnovation) {
                if (t.lastPosition >= 0 && position - t.lastPosition >= silenceLines) {
                    flag = "returned";
                } else if (newShape && !t.shapes.isEmpty()) {
                    flag = "changed";
                } else {
                    if (key == null) {
                        key = facts.variantKey(tw, match.tokens());
                    }
                    if (newVariant(t.shapes, key)) {
                        flag = "variant";
                    }
                }
            }
            if (flag != null) {
                if (key == null) {
                    key = facts.variantKey(tw, match.tokens());
                }
                if (newVariant(t.shapes, key) && count(t.shapes) < MAX_SHAPES) {
                    t.shapes = shapeIndex != null ? shapeIndex.add(t.shapes, "~" + key) : add(t.shapes, "~" + key);
                    shapes++; // count(t.shapes) where the shape is new
                }
                t.flag = flag;
                t.text = line.text;
                t.textOffset = line.offset;
                t.textTimestamp = line.timestamp;
            }
        }
        if (newShape && shapes < MAX_SHAPES) { // count(t.shapes) < MAX_SHAPES
            if (shapeIndex == null && shapes >= 1) {
                shapeIndex = t.shapeIndex = new PackedIndex(); // two elements or more: indexed from the next line on
            }
            // add(t.shapes, shape); a shape is <KIND>s alone (no SEP)
            t.shapes = shapeIndex != null ? shapeIndex.add(t.shapes, shape, false) : add(t.shapes, shape);
        }
        if (t.count == 0) {
            t.firstOffset = line.offset;
            if (periodIds != null) {
                periodIds.add(t.id);
            }
        }
        t.count++;
        t.lastOffset = line.offset;
        tallyParams(t, params);
        t.innovation = Math.max(t.innovation, innovation);
        t.total++;
        t.lastPosition = position;
        ledger.put(t);
    }

    /**
     * Counts a line's parameters ({@link #params}: no {@link TemplateEntry#SEP} in them) in its entry: another
     * distinct list where the entry's kept lists do not hold it, kept where fewer than {@link #MAX_PARAMS} are (as
     * {@link #tallyParamsReference}).
     */
    static void tallyParams(TemplateEntry t, String params) {
        // countUnlessHeld(t.params, params), that is contains(t.params, params) ? -1 : count(t.params), read off the
        // list's element hashes where the entry has them (most lines' parameters are new: the packed list was read
        // whole for each); a list of no element or one is scanned, as cheap as hashing the parameters
        PackedIndex paramIndex = t.paramIndex;
        int held = paramIndex != null ? paramIndex.countUnlessHeld(t.params, params) : countUnlessHeld(t.params, params);
        if (held >= 0) {
            if (t.paramsDistinct < MAX_DISTINCT) {
                t.paramsDistinct++;
            }
            if (held < MAX_PARAMS) {
                if (paramIndex == null && held >= 1) {
                    paramIndex = t.paramIndex = new PackedIndex(); // two elements or more: indexed from the next line on
                }
                // add(t.params, params); the parameters' SEPs were replaced
                t.params = paramIndex != null ? paramIndex.add(t.params, params, false) : add(t.params, params);
            }
        }
    }

    /** {@link #tallyParams} with the packed list scanned for each line (the reference, the form before session 22). */
    static void tallyParamsReference(TemplateEntry t, String params) {
        int held = countUnlessHeld(t.params, params);
        if (held >= 0) {
            if (t.paramsDistinct < MAX_DISTINCT) {
                t.paramsDistinct++;
            }
            if (held < MAX_PARAMS) {
                t.params = add(t.params, params);
            }
        }
    }

    /**
     * The summary of the lines since the last one, or null when there were none. {@code last} marks the
     * end-of-input summary.
     */
    public String summarize(SourceMemory m, SourceStores stores, String source, boolean last) throws Exception {
        if (m.linesSinceLast == 0) {
            return null;
        }
        TemplateLedger ledger = stores.ledger();
        MinerState ms = stores.miner();
        Map<Integer, Double> significance = significance(m, stores.pending());
        FollowedIds periodIds = m.periodIds;
        // the templates removed since the last summary, where this source's objects followed it since (else null);
        // a period that counted more than maxFollowed templates has dropped its ids
        int[] removed = walkLedger || periodIds == null || !periodIds.holds(m.summaries) ? null
                : ms.removedSince(m.summaries);
        int[] live = null;
        List<TemplateEntry> period;
        if (removed != null) {
            // every entry held at the last summary was of a held template (that summary removed the others) and every
            // entry made since is of a template the miner held then: the entries of removed templates are those of
            // `removed`, and the entries counted this period are those of periodIds (each id once: added at count 0)
            int n = periodIds.size();
            period = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                TemplateEntry t = ledger.get(periodIds.get(i));
                // defensive: every id here went in at count 0 -> 1 and nothing resets a count before the summary,
                // so t is never null nor at count 0 (mutant "t != null" alone survives as an equivalent form)
                if (t != null && t.count > 0) {
                    period.add(t);
                }
            }
            for (int id : removed) {
                TemplateEntry t = ledger.get(id);
                // an entry counted this period is in `period` and the end loop removes it after reporting; dropping
                // the count test would remove it here too, the same result (an equivalent mutant), not needed
                if (t != null && t.count == 0) {
                    ledger.remove(id); // merged away or evicted, and nothing left to report
                }
            }
            Arrays.sort(removed);
        } else {
            // the reference: a walk over the whole ledger (after a restore, or where a change was not followed)
            ledgerWalks++;
            live = liveIds(ms);
            period = new ArrayList<>();
            for (TemplateEntry t : ledger.all()) {
                if (t.count > 0) {
                    period.add(t);
                } else if (Arrays.binarySearch(live, t.id) < 0) {
                    ledger.remove(t.id); // merged away or evicted, and nothing left to report
                }
            }
        }
        period.sort(BY_FIRST_OFFSET);
        List<TemplateEntry> listed = period;
        if (budget > 0 && period.size() > budget) {
            List<TemplateEntry> ranked = new ArrayList<>(period);
            ranked.sort(Comparator.comparing((TemplateEntry t) -> t.flag == null)
                    .thenComparing(t -> -significance(t, significance)).thenComparingInt(t -> t.id));
            List<TemplateEntry> kept = new ArrayList<>(ranked.subList(0, budget));
            kept.sort(BY_FIRST_OFFSET);
            listed = kept;
        }
        long[] bytes = {-1};
        String json = record(m, ms.size(), source, last, period, listed, significance, memory,
                maxOutputBytes, bytes);
        lastSummary = json;
        lastSummaryBytes = bytes[0];
        for (TemplateEntry t : listed) {
            if (t.text != null) {
                t.shown = true;
            }
        }
        for (TemplateEntry t : period) {
            t.endPeriod();
            if (live != null ? Arrays.binarySearch(live, t.id) < 0 : Arrays.binarySearch(removed, t.id) >= 0) {
                ledger.remove(t.id);
            } else {
                ledger.put(t);
            }
        }
        stores.pending().removeBelow(m.position);
        m.reportedUpTo = m.position;
        m.linesSinceLast = 0;
        m.fromOffset = -1;
        m.summaries++;
        if (!walkLedger) {
            follow(m, ms, maxFollowed);
        }
        return json;
    }

    /**
     * Starts following the source's changes for its next summary: the templates counted ({@link FollowedIds}) and
     * those the miner removes ({@link MinerState#recordRemovals}), both tagged with the summaries so far. Objects
     * that did not see every line since (a restored, copied or re-read memory or miner state) have no record or an
     * older tag, and that summary walks the ledger. Both hold at most {@code max} ids (past it they are dropped,
     * and that summary walks) and shrink back after a period that used under a quarter of a long array.
     */
    private static void follow(SourceMemory m, MinerState ms, int max) {
        FollowedIds p = m.periodIds;
        if (p == null) {
            p = m.periodIds = new FollowedIds();
        }
        p.restart(m.summaries, max);
        ms.recordRemovals(m.summaries, max);
    }

    /** A summary's order of its templates: by first offset, then id (made once, not per summary). */
    private static final Comparator<TemplateEntry> BY_FIRST_OFFSET =
            Comparator.comparingLong((TemplateEntry t) -> t.firstOffset).thenComparingInt(t -> t.id);

    /**
     * The ids of the miner's templates, sorted: {@code binarySearch(liveIds(ms), id) < 0} is
     * {@code ms.cluster(id) == null} (one pass over the templates per summary, not one per ledger entry).
     */
    static int[] liveIds(MinerState ms) {
        List<MinerState.Cluster> clusters = ms.clusters();
        int[] ids = new int[clusters.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = clusters.get(i).id();
        }
        Arrays.sort(ids);
        return ids;
    }

    /**
     * The summary record: the one place its JSON is built (fields in the order of {@link #recordTree}, each written
     * as the tree's node of the same Java type writes it, so the text is the tree's {@code toString()}).
     */
    static String record(SourceMemory m, int templatesKnown, String source, boolean last, List<TemplateEntry> period,
                         List<TemplateEntry> listed, Map<Integer, Double> significance,
                         LogSummarySettings.Memory memory) {
        Counts c = new Counts(period, listed);
        return write(m, templatesKnown, source, last, listed, listed.size(), significance, memory, c,
                256 + 256 * listed.size());
    }

    /**
     * {@code OutputBounds.bound(record(...), maxBytes)} (its reference form), written without the templates that
     * the bound drops: the summary's exact UTF-8 size and the size of each template's entry are measured first
     * (what {@link OutputBounds#keptEntries} decides on), then the header, the kept templates, the fields after
     * them and {@code templates_cut} are written. A summary that cannot be within the limit by dropping
     * templates, or that holds an unpaired surrogate (which the bound measures after a parse), is written whole
     * and bounded by {@link OutputBounds#bound}.
     */
    static String record(SourceMemory m, int templatesKnown, String source, boolean last, List<TemplateEntry> period,
                         List<TemplateEntry> listed, Map<Integer, Double> significance,
                         LogSummarySettings.Memory memory, int maxBytes) {
        return record(m, templatesKnown, source, last, period, listed, significance, memory, maxBytes, null);
    }

    /**
     * {@link #record(SourceMemory, int, String, boolean, List, List, Map, LogSummarySettings.Memory, int)}, and the
     * summary's UTF-8 bytes in {@code bytes[0]} where they were counted as it was written (else it is left as it
     * was; {@code bytes} may be null).
     */
    static String record(SourceMemory m, int templatesKnown, String source, boolean last, List<TemplateEntry> period,
                         List<TemplateEntry> listed, Map<Integer, Double> significance,
                         LogSummarySettings.Memory memory, int maxBytes, long[] bytes) {
        Counts c = new Counts(period, listed);
        String bounded = SummaryJson.bounded(m, templatesKnown, source, last, listed, significance, memory, c, maxBytes,
                bytes);
        if (bounded != null) {
            return bounded; // the one-pass form; what follows is its reference and decides where it cannot
        }
        int n = listed.size();
        long[] cut = cut(m, templatesKnown, source, last, listed, significance, memory, c, maxBytes);
        int kept = (int) cut[0];
        if (kept < 0) {
            return OutputBounds.bound(record(m, templatesKnown, source, last, period, listed, significance, memory),
                    maxBytes);
        }
        return write(m, templatesKnown, source, last, listed, kept, significance, memory, c,
                cut[1] > 0 ? (int) Math.min(maxBytes, cut[1]) : 256 + 256 * n);
    }

    /**
     * How many of the listed templates {@code OutputBounds.bound(record(...), maxBytes)} keeps ({@link
     * OutputBounds#keptEntries} on the measured sizes), or -1 where it does more than dropping templates or the
     * summary holds an unpaired surrogate.
     */
    static int keptTemplates(SourceMemory m, int templatesKnown, String source, boolean last,
                             List<TemplateEntry> listed, Map<Integer, Double> significance,
                             LogSummarySettings.Memory memory, Counts c, int maxBytes) {
        return (int) cut(m, templatesKnown, source, last, listed, significance, memory, c, maxBytes)[0];
    }

    /**
     * {@link #keptTemplates} and the UTF-8 bytes of the summary with that many templates, 0 where they were not
     * measured (the summary is within the limit by an upper bound of its size).
     */
    private static long[] cut(SourceMemory m, int templatesKnown, String source, boolean last,
                              List<TemplateEntry> listed, Map<Integer, Double> significance,
                              LogSummarySettings.Memory memory, Counts c, int maxBytes) {
        int n = listed.size();
        if (upperBytes(source, listed, memory) <= maxBytes) { // within the limit however it is escaped
            return new long[] {n, 0};
        }
        Sizer z = new Sizer();
        long head = HEAD_NAMES + z.string(source) + digits(m.summaries) + digits(m.fromOffset)
                + digits(m.lastOffset) + digits(m.linesSinceLast) + digits(m.position) + (last ? 4 : 5)
                + z.string(memory.configName()) + digits(templatesKnown);
        long tail = TAIL_NAMES + digits(c.verbatim) + digits(c.dropped) + digits(c.droppedLines);
        long[] ends = new long[n];
        long end = 1; // '['
        for (int i = 0; i < n && !z.unpaired; i++) {
            end += (i > 0 ? 1 : 0) + z.entry(listed.get(i), significance);
            ends[i] = end;
        }
        if (z.unpaired) {
            return new long[] {-1, 0};
        }
        long total = head + (n == 0 ? 2 : end + 1) + tail;
        int kept = OutputBounds.keptEntries(total, TEMPLATES_NAME, ends, n, maxBytes);
        // "templates_cut" included: at most the limit, or the whole summary
        long bytes = kept == n ? total : kept < 0 ? 0 : Math.min(maxBytes, head + (kept == 0 ? 2 : ends[kept - 1] + 1)
                + tail + 1 + TEMPLATES_NAME + 4 + digits(n - kept));
        return new long[] {kept, bytes};
    }

    /** The counts over the period: templates not listed ({@code dropped}) and their lines, listed ones shown. */
    static final class Counts {
        long dropped;
        long droppedLines;
        int verbatim;

        Counts(List<TemplateEntry> period, List<TemplateEntry> listed) {
            // listed is period or a part of it: entries are compared as the list's contains compares them
            // (TemplateEntry keeps Object's equals), by identity
            Set<TemplateEntry> in = null;
            if (listed != period) {
                in = Collections.newSetFromMap(new IdentityHashMap<>(listed.size() * 2));
                in.addAll(listed);
            }
            for (TemplateEntry t : period) {
                if (in != null && !in.contains(t)) {
                    dropped++;
                    droppedLines += t.count;
                }
            }
            for (TemplateEntry t : listed) {
                if (t.text != null) {
                    verbatim++;
                }
            }
        }
    }

    /**
     * The summary with the first {@code kept} of {@code listed} (and {@code "templates_cut"}, after the other
     * fields, when that is fewer than all), written into a buffer of {@code capacity} chars to start with.
     */
    private static String write(SourceMemory m, int templatesKnown, String source, boolean last,
                                List<TemplateEntry> listed, int kept, Map<Integer, Double> significance,
                                LogSummarySettings.Memory memory, Counts c, int capacity) {
        return SummaryJson.write(m, templatesKnown, source, last, listed, kept, significance, memory, c, capacity);
    }

    /** {@link #write} with Jackson's generator: the reference of {@link SummaryJson#write} (tests). */
    static String writeReference(SourceMemory m, int templatesKnown, String source, boolean last,
                                 List<TemplateEntry> listed, int kept, Map<Integer, Double> significance,
                                 LogSummarySettings.Memory memory, Counts c, int capacity) {
        StringWriter w = new StringWriter(capacity);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("source", source);
            g.writeNumberField("summary", m.summaries);
            g.writeNumberField("from_offset", m.fromOffset);
            g.writeNumberField("to_offset", m.lastOffset);
            g.writeNumberField("lines_since_last", m.linesSinceLast);
            g.writeNumberField("lines_total", m.position);
            g.writeBooleanField("final", last);
            g.writeStringField("memory", memory.configName());
            g.writeNumberField("templates_known", templatesKnown);
            g.writeArrayFieldStart("templates");
            for (int i = 0; i < kept; i++) {
                TemplateEntry t = listed.get(i);
                g.writeStartObject();
                g.writeNumberField("id", t.id);
                g.writeStringField("template", t.template);
                g.writeNumberField("count", t.count);
                g.writeNumberField("first_offset", t.firstOffset);
                g.writeNumberField("last_offset", t.lastOffset);
                g.writeArrayFieldStart("params");
                for (String p : split(t.params)) {
                    g.writeString(p);
                }
                g.writeEndArray();
                g.writeNumberField("params_distinct", t.paramsDistinct);
                g.writeNumberField("innovation", round(t.innovation));
                g.writeNumberField("significance", round(significance(t, significance)));
                if (t.text != null) {
                    g.writeStringField("flag", t.flag);
                    g.writeStringField("text", t.text);
                    g.writeNumberField("offset", t.textOffset);
                    if (t.textTimestamp >= 0) {
                        g.writeStringField("timestamp", Instant.ofEpochMilli(t.textTimestamp).toString());
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("verbatim", c.verbatim);
            g.writeNumberField("dropped", c.dropped);
            g.writeNumberField("dropped_lines", c.droppedLines);
            if (kept < listed.size()) {
                g.writeNumberField("templates_cut", listed.size() - kept);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    // The UTF-8 bytes of the names and punctuation that write writes around the values.
    /** The summary's: its braces, names, colons and commas and the list's name, without the list. */
    private static final int HEAD_NAMES = ("{\"source\":,\"summary\":,\"from_offset\":,\"to_offset\":,"
            + "\"lines_since_last\":,\"lines_total\":,\"final\":,\"memory\":,\"templates_known\":,\"templates\":")
            .length();
    private static final int TAIL_NAMES = ",\"verbatim\":,\"dropped\":,\"dropped_lines\":}".length();
    /** {@code "templates":}, what {@link OutputBounds#keptEntries} calls the name's bytes. */
    private static final int TEMPLATES_NAME = "\"templates\":".length();
    /** A template entry's, with the brackets of its empty params list; then those of its shown line. */
    private static final int ENTRY_NAMES = ("{\"id\":,\"template\":,\"count\":,\"first_offset\":,\"last_offset\":,"
            + "\"params\":[],\"params_distinct\":,\"innovation\":,\"significance\":}").length();
    private static final int TEXT_NAMES = ",\"flag\":,\"text\":,\"offset\":".length();
    private static final int TIMESTAMP_NAME = ",\"timestamp\":".length();
    /** The most bytes a number or literal can take (a long's 20, a double's 24). */
    private static final int MAX_NUMBER = 24;

    /**
     * At least the UTF-8 bytes of the summary: every char of a string 6 bytes (what {@code \\u00XX} takes; no char
     * takes more), every number {@link #MAX_NUMBER}; from the strings' lengths alone.
     */
    private static long upperBytes(String source, List<TemplateEntry> listed, LogSummarySettings.Memory memory) {
        long b = HEAD_NAMES + TAIL_NAMES + 2 + upper(source) + upper(memory.configName()) + 10L * MAX_NUMBER;
        for (TemplateEntry t : listed) {
            b += upperEntryBytes(t);
        }
        return b;
    }

    /** At least the UTF-8 bytes of {@code t}'s entry with the comma before it, as {@link #upperBytes} counts it. */
    static long upperEntryBytes(TemplateEntry t) {
        long b = 1 + ENTRY_NAMES + upper(t.template) + 7L * MAX_NUMBER;
        if (!t.params.isEmpty()) {
            b += 6L * t.params.length() + 6L * MAX_PARAMS; // commas and quotes in place of the separators
        }
        if (t.text != null) {
            b += TEXT_NAMES + TIMESTAMP_NAME + upper(t.flag) + upper(t.text) + MAX_NUMBER + 64;
        }
        return b;
    }

    private static long upper(String s) {
        return s == null ? 4 : 6L * s.length() + 2;
    }

    /** The bytes of a decimal long as Jackson writes it ({@code Long.toString(v).length()}). */
    static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int d = v < 0 ? 2 : 1;
        for (long x = Math.abs(v); x >= 10; x /= 10) {
            d++;
        }
        return d;
    }

    /**
     * Measures what {@link #write} writes, in UTF-8 bytes, without writing it: a hand-written counterpart of
     * Jackson's string escaping (jackson-core measures nothing without writing it; {@link #write} is its
     * reference, compared in {@code LogSummarizerBoundTest}). Jackson escapes {@code "} and {@code \\} with a
     * backslash, the controls {@code \\b \\t \\n \\f \\r} so, other controls below U+0020 as {@code \\u00XX},
     * and writes every other char as it is.
     */
    static final class Sizer {
        /** Extra bytes of an ASCII char in a JSON string: 1 for {@code " \\} and the short escapes, 5 for {@code \\u00XX}. */
        private static final byte[] ASCII_EXTRA = new byte[128];

        static {
            for (int c = 0; c < 0x20; c++) {
                ASCII_EXTRA[c] = 5;
            }
            for (char c : new char[] {'\b', '\t', '\n', '\f', '\r', '"', '\\'}) {
                ASCII_EXTRA[c] = 1;
            }
        }

        private char[] buf = new char[256];
        /** Whether a string measured so far held an unpaired surrogate (which the sizes do not cover). */
        boolean unpaired;

        /** The UTF-8 bytes of {@code s} as a JSON string (quotes included; {@code null} for null). */
        long string(String s) {
            return s == null ? 4 : string(s, 0, s.length());
        }

        /** The UTF-8 bytes of {@code s.substring(from, to)} as a JSON string. */
        long string(String s, int from, int to) {
            int n = to - from;
            if (n > buf.length) {
                buf = new char[Math.max(n, buf.length * 2)];
            }
            char[] cs = buf;
            s.getChars(from, to, cs, 0);
            long bytes = n + 2;
            for (int i = 0; i < n; i++) {
                char c = cs[i];
                if (c < 0x80) {
                    bytes += ASCII_EXTRA[c];
                } else if (c < 0x800) {
                    bytes += 1;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(cs[i + 1])) {
                    bytes += 2; // 4 bytes for the 2 chars
                    i++;
                } else {
                    unpaired = true;
                }
            }
            return bytes;
        }

        /** The UTF-8 bytes of a template's entry in the list (without the comma before it). */
        long entry(TemplateEntry t, Map<Integer, Double> significance) {
            long b = ENTRY_NAMES + digits(t.id) + string(t.template) + digits(t.count) + digits(t.firstOffset)
                    + digits(t.lastOffset) + digits(t.paramsDistinct)
                    + Double.toString(round(t.innovation)).length()
                    + Double.toString(round(significance(t, significance))).length();
            if (!t.params.isEmpty()) {
                // the packed list: each element '+' and its text, separated by SEP; written as strings and commas
                int from = 0;
                int n = t.params.length();
                while (true) {
                    int to = t.params.indexOf(TemplateEntry.SEP, from);
                    if (to < 0) {
                        to = n;
                    }
                    b += string(t.params, from + 1, to) + (from > 0 ? 1 : 0);
                    if (to == n) {
                        break;
                    }
                    from = to + 1;
                }
            }
            if (t.text != null) {
                b += TEXT_NAMES + string(t.flag) + string(t.text) + digits(t.textOffset);
                if (t.textTimestamp >= 0) {
                    b += TIMESTAMP_NAME + string(Instant.ofEpochMilli(t.textTimestamp).toString());
                }
            }
            return b;
        }
    }

    /** The summary record as a tree, whose {@code toString()} is the reference of {@link #record}. */
    static ObjectNode recordTree(SourceMemory m, int templatesKnown, String source, boolean last,
                                 List<TemplateEntry> period, List<TemplateEntry> listed,
                                 Map<Integer, Double> significance, LogSummarySettings.Memory memory) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("source", source);
        s.put("summary", m.summaries);
        s.put("from_offset", m.fromOffset);
        s.put("to_offset", m.lastOffset);
        s.put("lines_since_last", m.linesSinceLast);
        s.put("lines_total", m.position);
        s.put("final", last);
        s.put("memory", memory.configName());
        s.put("templates_known", templatesKnown);
        long dropped = 0;
        long droppedLines = 0;
        int verbatim = 0;
        for (TemplateEntry t : period) {
            if (!listed.contains(t)) {
                dropped++;
                droppedLines += t.count;
            }
        }
        ArrayNode arr = s.putArray("templates");
        for (TemplateEntry t : listed) {
            ObjectNode o = arr.addObject();
            o.put("id", t.id);
            o.put("template", t.template);
            o.put("count", t.count);
            o.put("first_offset", t.firstOffset);
            o.put("last_offset", t.lastOffset);
            ArrayNode ps = o.putArray("params");
            for (String p : split(t.params)) {
                ps.add(p);
            }
            o.put("params_distinct", t.paramsDistinct);
            o.put("innovation", round(t.innovation));
            o.put("significance", round(significance(t, significance)));
            if (t.text != null) {
                o.put("flag", t.flag);
                o.put("text", t.text);
                o.put("offset", t.textOffset);
                if (t.textTimestamp >= 0) {
                    o.put("timestamp", Instant.ofEpochMilli(t.textTimestamp).toString());
                }
                verbatim++;
            }
        }
        s.put("verbatim", verbatim);
        s.put("dropped", dropped);
        s.put("dropped_lines", droppedLines);
        return s;
    }

    static double significance(TemplateEntry t, Map<Integer, Double> retained) {
        return Math.max(t.innovation, retained.getOrDefault(t.id, 0.0));
    }

    /** Per template: the largest STR/CMP retention probability of its lines that T1 holds. */
    private Map<Integer, Double> significance(SourceMemory m, PendingLines pending) throws Exception {
        Map<Integer, Double> out = new HashMap<>();
        if (!retention) {
            return out;
        }
        Map<Long, Double> held = m.novelty.retained();
        if (held.isEmpty()) {
            return out;
        }
        for (SourceMemory.PendingLine p : pending.all()) {
            Double prob = held.get(p.position);
            Integer id = templateId(p.template);
            if (prob != null && id != null) {
                out.merge(id, prob, Math::max);
            }
        }
        return out;
    }

    /** A pending line's template id, or null (lines kept by release 0.1.0 hold a masked line there). */
    private static Integer templateId(String s) {
        if (s == null || s.isEmpty() || s.length() > 10) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return null;
            }
        }
        long v = Long.parseLong(s);
        return v <= Integer.MAX_VALUE ? (int) v : null;
    }

    /**
     * {@code s.strip().split("\\s+")} without a regular expression: the tokens of {@code s} between runs of
     * the ASCII whitespace {@code \\s} stands for ({@code [ \\t\\n\\x0B\\f\\r]}), one empty token for a blank
     * {@code s} (strip removes every {@code \\s} character at the ends, so no other empty token arises).
     */
    static String[] words(String s) {
        char[] cs = s.toCharArray();
        int from = 0;
        int to = cs.length;
        while (from < to && Character.isWhitespace(cs[from])) { // strip()
            from++;
        }
        while (to > from && Character.isWhitespace(cs[to - 1])) {
            to--;
        }
        if (from == to) {
            return new String[] {""};
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        int start = -1;
        for (int i = from; i < to; i++) {
            if (asciiSpace(cs[i])) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            out.add(s.substring(start, to));
        }
        return out.toArray(new String[0]);
    }

    /**
     * The message part of a line whose masked message is {@code masked} (the header a logger put in front of
     * it cut off): found by the message's first constant token, and as many tokens before it as the
     * masked message has; the whole line when that token is not found.
     */
    static String messagePart(String line, String masked) {
        String[] lt = words(line);
        int start = messageStart(lt, words(masked));
        return start < 0 ? line : String.join(" ", java.util.Arrays.copyOfRange(lt, start, lt.length));
    }

    /**
     * Index of the first of {@code lineWords} that belongs to the message: the first constant token of
     * {@code maskedWords}, found in the line, less the tokens before it in the masked message (a {@code <Q>} among
     * the first 64 of them two line words where the line writes it as two, {@code 717 ms}: a word without a digit
     * after one with a digit); -1 if not found.
     */
    private static int messageStart(String[] lineWords, String[] maskedWords) {
        for (int k = 0; k < maskedWords.length; k++) {
            if (maskedWords[k].indexOf('<') < 0) {
                for (int j = k; j < lineWords.length; j++) {
                    if (lineWords[j].equals(maskedWords[k])) {
                        // back off one line word per masked word, two for a quantity written as two words
                        // ("717 ms", masked as one <Q>: its unit word holds no digit, the number before it does)
                        int s = j;
                        for (int m = k - 1; m >= 0 && s > 0; m--) {
                            s--;
                            if (s > 0 && m < 64 && maskedWords[m].contains("<Q>") && !hasDigit(lineWords[s])
                                    && hasDigit(lineWords[s - 1])) {
                                s--;
                            }
                        }
                        return s;
                    }
                }
                return -1;
            }
        }
        return -1;
    }

    private static boolean hasDigit(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (w.charAt(i) >= '0' && w.charAt(i) <= '9') {
                return true;
            }
        }
        return false;
    }

    /** {@link #hasDigit(String)} of {@code line}'s chars {@code [from, to)}. */
    private static boolean hasDigit(String line, int from, int to) {
        for (int i = from; i < to; i++) {
            if (line.charAt(i) >= '0' && line.charAt(i) <= '9') {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code words(messagePart(line, masked))} without joining and splitting again: the words of the message
     * part (joined by single spaces, words hold no whitespace, so its words are the same words).
     */
    static String[] messageWords(String line, String masked) {
        LineWords w = new LineWords(line);
        if (!w.has(0)) {
            return new String[] {""}; // words of a blank line
        }
        int first = Math.max(0, w.messageStart(masked));
        List<String> out = new ArrayList<>();
        for (int k = first; w.has(k); k++) {
            out.add(w.word(k));
        }
        return out.toArray(String[]::new);
    }

    /** {@link #messageWords} as {@code words(line)} from {@code messageStart(words(line), words(masked))} on (the reference). */
    static String[] messageWordsReference(String line, String masked) {
        String[] lt = words(line);
        int start = messageStart(lt, words(masked));
        return start <= 0 ? lt : java.util.Arrays.copyOfRange(lt, start, lt.length);
    }

    /**
     * The word where the message starts when the masked message's first constant word is the line's word {@code j}
     * and {@code k} variable words come before it: {@code j - k}, backed off one more word for each of those
     * {@code k} (bit set in {@code quantities}) that is a quantity written as two words ({@code 717 ms}: a word
     * without a digit after one with), as the reference does. {@code bounds}: each word's start and end in
     * {@code line}.
     */
    private static int backOff(String line, int[] bounds, int j, int k, long quantities) {
        if (quantities == 0) {
            return j - k;
        }
        int s = j;
        for (int m = k - 1; m >= 0 && s > 0; m--) {
            s--;
            if (s > 0 && m < 64 && (quantities & (1L << m)) != 0
                    && !hasDigit(line, bounds[2 * s], bounds[2 * s + 1])
                    && hasDigit(line, bounds[2 * s - 2], bounds[2 * s - 1])) {
                s--;
            }
        }
        return s;
    }

    /**
     * {@code \\s}: the ASCII whitespace {@link #words} splits at ({@code ' '} and {@code \\t \\n \\x0B \\f \\r},
     * the range 9-13): one test for the chars above a space, which most are (the six-way test of
     * {@link #asciiSpaceReference} is read per char of every line's words and masked form; compared on every char in
     * LogSummarizerWordsTest).
     */
    static boolean asciiSpace(char c) {
        return c <= ' ' && (c == ' ' || c >= '\t' && c <= '\r');
    }

    /** {@link #asciiSpace} as the six chars it is (the reference). */
    static boolean asciiSpaceReference(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /**
     * The parameters of a line: its whitespace tokens that are not constant tokens of its template (each
     * constant consumed once), at most {@link #MAX_PARAM_TOKENS}, joined by spaces.
     */
    static String params(String line, String template) {
        return params(words(line), template);
    }

    /** As {@link #params(String, String)}, over the line's words ({@link #words}). */
    static String params(String[] lineWords, String template) {
        Map<String, Integer> constants = new HashMap<>();
        for (String t : template.split(" ")) {
            if (!t.contains(LineTokens.WILDCARD)) {
                constants.merge(t, 1, Integer::sum);
            }
        }
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (String t : lineWords) {
            Integer c = constants.get(t);
            if (c != null && c > 0) {
                constants.put(t, c - 1);
                continue;
            }
            if (n++ == MAX_PARAM_TOKENS || sb.length() + t.length() > MAX_PARAM_CHARS) {
                sb.append(sb.length() == 0 ? "" : " ").append("...");
                break;
            }
            sb.append(sb.length() == 0 ? "" : " ").append(t);
        }
        return sb.toString().replace(TemplateEntry.SEP, ' ');
    }

    /**
     * {@link #params(String[], String)} over the template's words computed once ({@link TemplateWords}): each
     * line word equal to a constant of the template with occurrences left consumes one, as the reference's
     * count map does.
     */
    static String params(String[] lineWords, TemplateWords template) {
        Params p = new Params(template);
        for (String t : lineWords) {
            if (!p.take(t)) {
                break;
            }
        }
        return p.text();
    }

    /**
     * {@code params(bare ? words(line) : messageWords(line, masked), template)} (the reference), with the line's
     * words found as the parameters are taken from them: a String only for each word read, and none after the
     * last parameter kept (the words of a stack trace, some 90, were all split off the line, and its parameters
     * stop after {@link #MAX_PARAM_TOKENS}).
     */
    static String params(String line, String masked, boolean bare, TemplateWords template) {
        return new ParamsScratch().params(line, masked, bare, template);
    }

    /**
     * {@link #params(String, String, boolean, TemplateWords)} with its word bounds, counts and text buffer kept
     * between lines (one per summarizer, reset per line: the log job runs its files under C1, which allocates every
     * object a line makes, three arrays and four objects a line here). Not thread safe.
     */
    static final class ParamsScratch {
        private final LineWords w = new LineWords();
        private final Params p = new Params();

        /** {@link LogSummarizer#params(String, String, boolean, TemplateWords)}. */
        String params(String line, String masked, boolean bare, TemplateWords template) {
            return params(line, masked, bare, template, null);
        }

        /**
         * {@link #params(String, String, boolean, TemplateWords)}, where {@code facts} (or null) are the {@link Masked}
         * facts of {@code masked}: its {@link MaskedStart} is read from them (made once per masked message).
         */
        String params(String line, String masked, boolean bare, TemplateWords template, Masked facts) {
            LineWords w = this.w;
            w.reset(line);
            if (w.from == w.to) {
                // a blank line's one word, as words and messageWords give it
                return LogSummarizer.params(new String[] {""}, template);
            }
            int first = bare ? 0 : Math.max(0, facts == null ? w.messageStart(masked)
                    : w.messageStart(masked, facts.start(masked)));
            Params p = this.p;
            p.reset(template);
            for (int k = first; w.has(k); k++) {
                if (!p.take(line, w.start(k), w.end(k))) {
                    break;
                }
            }
            return p.text(w.odd); // the words read hold no SEP unless odd
        }
    }

    /**
     * A line's parameters taken word by word: a word equal to a constant of the template with occurrences left
     * consumes one; the others are kept, up to {@link #MAX_PARAM_TOKENS} words and {@link #MAX_PARAM_CHARS}
     * chars, then {@code ...}.
     */
    private static final class Params {
        private TemplateWords template;
        /** The occurrences left of each constant: the first {@code template.counts.length} ints. */
        private int[] left;
        private final StringBuilder sb = new StringBuilder();
        private int n;

        Params(TemplateWords template) {
            reset(template);
        }

        /** Params of no template yet ({@link #reset} first). */
        Params() {
            left = new int[16];
        }

        /** Starts the parameters of a line of {@code template}, as a new {@code Params(template)} does. */
        void reset(TemplateWords template) {
            this.template = template;
            int[] counts = template.counts;
            if (left == null || left.length < counts.length) {
                left = new int[Math.max(16, counts.length)];
            }
            System.arraycopy(counts, 0, left, 0, counts.length);
            sb.setLength(0);
            n = 0;
        }

        /** Takes the next word; false once the bound is reached ({@code ...} appended): take no more. */
        boolean take(String t) {
            int slot = template.slot(t, 0, t.length()); // template.slots().get(t)
            if (slot >= 0 && left[slot] > 0) {
                left[slot]--;
                return true;
            }
            return keep(t, 0, t.length());
        }

        /**
         * {@link #take(String)} of the word {@code line.substring(from, to)}, found among the template's constants by
         * its chars ({@link TemplateWords#slot}) and copied from the line where kept: no String made for it.
         */
        boolean take(String line, int from, int to) {
            int slot = template.slot(line, from, to);
            if (slot >= 0 && left[slot] > 0) {
                left[slot]--;
                return true;
            }
            return keep(line, from, to);
        }

        private boolean keep(String s, int from, int to) {
            if (n++ == MAX_PARAM_TOKENS || sb.length() + (to - from) > MAX_PARAM_CHARS) {
                sb.append(sb.length() == 0 ? "" : " ").append("...");
                return false;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(s, from, to);
            return true;
        }

        String text() {
            return text(true);
        }

        /**
         * {@link #text()}, where {@code mayHoldSep} false says that no word taken holds {@link TemplateEntry#SEP}
         * (then there is none to replace, and the text is not scanned for one).
         */
        String text(boolean mayHoldSep) {
            if (sb.length() == 0) {
                return "";
            }
            String s = sb.toString();
            return mayHoldSep ? s.replace(TemplateEntry.SEP, ' ') : s;
        }
    }

    /**
     * The words of a line as {@link #words} splits them ({@code strip()}, then runs of ASCII whitespace), found
     * one by one as they are asked for: their bounds kept, a String made only for a word read.
     */
    static final class LineWords {
        String line;
        /** The stripped line's bounds. */
        int from;
        int to;
        /** Bounds (start, end pairs) of the words found so far, and how many. */
        private int[] bounds = new int[32];
        private int n;
        /** Where the search for the next word starts. */
        private int pos;
        /**
         * The stripped line's chars as {@link String#getBytes(int, int, byte[], int)} copies them (each char's low
         * byte, at its own index): what {@link #has} scans for whitespace. A byte is the char where the char is below
         * U+0100, which all ASCII whitespace is; a char from U+0100 on whose low byte looks like whitespace
         * ({@code U+0120}) is told apart by reading the char itself, so the words are those of the chars. Under C1
         * (the log job's file runs) a byte read is a fraction of a {@code charAt}, which checks the string's coder
         * and index per char.
         */
        private byte[] bytes = new byte[256];
        /**
         * Whether a word found so far holds a byte below {@code '!'} or from 0x80 on ({@link #bytes}): false where
         * every char of the words found is a char of U+0021-U+007F or one of a higher char whose low byte is one of
         * those; so false says that no word found holds {@link TemplateEntry#SEP} (U+001F, its own low byte).
         */
        boolean odd;

        LineWords(String line) {
            reset(line);
        }

        /** The words of no line yet ({@link #reset} first). */
        LineWords() {
        }

        /** Starts over on {@code line}, as a new {@code LineWords(line)} (the bounds' array kept). */
        @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low bytes are what it reads
        void reset(String line) {
            this.line = line;
            n = 0;
            if (bounds.length > 1024) {
                bounds = new int[32]; // not kept at the size of a line of thousands of words
            }
            int f = 0;
            int t = line.length();
            while (f < t && Character.isWhitespace(line.charAt(f))) { // strip(), as words does
                f++;
            }
            while (t > f && Character.isWhitespace(line.charAt(t - 1))) {
                t--;
            }
            from = f;
            to = t;
            pos = f;
            odd = false;
            if (bytes.length < t || bytes.length > 65536 && t <= 4096) {
                bytes = new byte[Math.max(256, t)]; // grown to a long line, not kept at its size
            }
            if (f < t) {
                line.getBytes(f, t, bytes, f); // the deprecated copy of the low bytes: an array copy for Latin-1
            }
        }

        /** Whether the line has a word {@code k} (0-based), finding the words up to it. */
        boolean has(int k) {
            String s = line;
            byte[] b = bytes;
            while (n <= k && pos < to) {
                int i = pos;
                // asciiSpace(s.charAt(i)), read off the byte first (see bytes): a byte of 9-13 or 32, then the char
                for (; i < to; i++) {
                    int c = b[i];
                    if (!(c <= ' ' && c >= '\t' && (c == ' ' || c <= '\r') && asciiSpace(s.charAt(i)))) {
                        break;
                    }
                }
                int start = i;
                for (; i < to; i++) {
                    int c = b[i]; // signed: a byte from 0x80 on is below ' ' too
                    if (c <= ' ') {
                        if (c >= '\t' && (c == ' ' || c <= '\r') && asciiSpace(s.charAt(i))) {
                            break;
                        }
                        odd = true;
                    }
                }
                pos = i;
                if (i > start) {
                    if (2 * n + 2 > bounds.length) {
                        bounds = Arrays.copyOf(bounds, 2 * bounds.length);
                    }
                    bounds[2 * n] = start;
                    bounds[2 * n + 1] = i;
                    n++;
                }
            }
            return n > k;
        }

        /** Word {@code k}, found ({@link #has}). */
        String word(int k) {
            return line.substring(bounds[2 * k], bounds[2 * k + 1]);
        }

        /** Where word {@code k} (found: {@link #has}) starts in the line. */
        int start(int k) {
            return bounds[2 * k];
        }

        /** Where word {@code k} (found: {@link #has}) ends in the line. */
        int end(int k) {
            return bounds[2 * k + 1];
        }

        /**
         * {@link #messageStart(String[], String[])} of the line's words and {@code words(masked)}: the first word of
         * {@code masked} without a {@code <} found among the line's words (from its own index on), less the words
         * before it in {@code masked}; -1 if not found.
         */
        int messageStart(String masked) {
            return messageStart(masked, MaskedStart.of(masked));
        }

        /**
         * {@link #messageStart(String)}, where {@code start} is {@code MaskedStart.of(masked)} (made once per masked
         * message: {@link Masked#start}).
         */
        int messageStart(String masked, MaskedStart start) {
            int from = start.from;
            if (from < 0) {
                return -1;
            }
            int len = start.to - from;
            int k = start.before;
            for (int j = k; has(j); j++) {
                int ws = bounds[2 * j];
                if (bounds[2 * j + 1] - ws == len && line.regionMatches(ws, masked, from, len)) {
                    return backOff(line, bounds, j, k, start.quantities);
                }
            }
            return -1;
        }
    }

    /**
     * What {@link LineWords#messageStart} reads of a masked message, a function of it alone: its first word without
     * a {@code <} ({@code [from, to)} of the message; from -1 where there is none), the words before it
     * ({@code before}) and which of the first 64 of those hold a {@code <Q>} (bit k of {@code quantities}).
     */
    static final class MaskedStart {
        final int from;
        final int to;
        final int before;
        final long quantities;

        private MaskedStart(int from, int to, int before, long quantities) {
            this.from = from;
            this.to = to;
            this.before = before;
            this.quantities = quantities;
        }

        /** Of the masked message {@code masked} ({@code strip()}ped, split at ASCII whitespace). */
        static MaskedStart of(String masked) {
            int tf = 0;
            int tn = masked.length();
            while (tf < tn && Character.isWhitespace(masked.charAt(tf))) { // strip()
                tf++;
            }
            while (tn > tf && Character.isWhitespace(masked.charAt(tn - 1))) {
                tn--;
            }
            int k = 0;
            int i = tf;
            // per masked word before the first constant one: whether it holds a <Q> (bit k; the first 64)
            long quantities = 0;
            while (i < tn) {
                while (i < tn && asciiSpace(masked.charAt(i))) {
                    i++;
                }
                int start = i;
                boolean constant = true;
                boolean quantity = false; // holds <Q>: quantity(masked, start, i), taken in the same pass
                while (i < tn) {
                    char c = masked.charAt(i);
                    if (asciiSpace(c)) {
                        break;
                    }
                    if (c == '<') {
                        constant = false;
                        quantity |= i + 3 <= tn && masked.charAt(i + 1) == 'Q' && masked.charAt(i + 2) == '>';
                    }
                    i++;
                }
                if (i > start) {
                    if (constant) {
                        return new MaskedStart(start, i, k, quantities);
                    }
                    if (k < 64 && quantity) {
                        quantities |= 1L << k;
                    }
                    k++;
                }
            }
            return NONE;
        }

        /** A message without a constant word. */
        private static final MaskedStart NONE = new MaskedStart(-1, -1, 0, 0);
    }

    private static final java.util.regex.Pattern KIND = java.util.regex.Pattern.compile("<[A-Z]+>");

    /**
     * The character of a line's parameters: the kinds of the variables its masked form holds, in order
     * ({@code <IP><NUM>}); a host name where an address used to be, or a hex value where a number was,
     * changes it.
     */
    static String shape(String masked) {
        int i = masked.indexOf('<');
        if (i < 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        int n = masked.length();
        while (i >= 0 && sb.length() < 200) {
            int k = i + 1;
            while (k < n && masked.charAt(k) >= 'A' && masked.charAt(k) <= 'Z') {
                k++;
            }
            if (k > i + 1 && k < n && masked.charAt(k) == '>') {
                sb.append(masked, i, k + 1);
                i = masked.indexOf('<', k + 1);
            } else {
                i = masked.indexOf('<', i + 1);
            }
        }
        return sb.toString();
    }

    /** {@link #shape} with the regex {@link #KIND} (the reference). */
    static String shapeReference(String masked) {
        StringBuilder sb = new StringBuilder();
        java.util.regex.Matcher m = KIND.matcher(masked);
        while (m.find() && sb.length() < 200) {
            sb.append(m.group());
        }
        return sb.toString();
    }

    /** The elements of a packed list: each stored as '+' and its text, separated by {@link TemplateEntry#SEP}. */
    private static List<String> split(String packed) {
        List<String> out = new ArrayList<>();
        if (packed.isEmpty()) {
            return out;
        }
        for (String x : packed.split(String.valueOf(TemplateEntry.SEP), -1)) {
            out.add(x.substring(1));
        }
        return out;
    }

    /** Whether a packed list holds {@code v}: {@code split(packed).contains(v)} without splitting. */
    static boolean contains(String packed, String v) {
        return contains(packed, "", v);
    }

    /** Whether a packed list holds the variant {@code "~" + key}: {@code contains(packed, "~" + key)} without the concatenation. */
    /** Whether a line of variant key {@code key} is of a new variant: a key, not among the template's {@code shapes}. */
    private static boolean newVariant(String shapes, String key) {
        return !key.isEmpty() && !containsVariant(shapes, key);
    }

    static boolean containsVariant(String packed, String key) {
        return contains(packed, "~", key);
    }

    /** Whether a packed list holds {@code prefix + v}, without splitting the list or concatenating. */
    private static boolean contains(String packed, String prefix, String v) {
        int n = packed.length();
        if (n == 0) {
            return false;
        }
        int p = prefix.length();
        int len = p + v.length();
        for (int start = 0; ; ) {
            int end = packed.indexOf(TemplateEntry.SEP, start);
            if (end < 0) {
                end = n;
            }
            if (end - start == len + 1 && packed.startsWith(prefix, start + 1) && packed.startsWith(v, start + 1 + p)) {
                return true;
            }
            if (end == n) {
                return false;
            }
            start = end + 1;
        }
    }

    /** {@code split(packed).contains(v)} (the reference). */
    static boolean containsReference(String packed, String v) {
        return split(packed).contains(v);
    }

    /** The elements of a packed list: {@code split(packed).size()} without splitting. */
    static int count(String packed) {
        if (packed.isEmpty()) {
            return 0;
        }
        int c = 1;
        for (int i = packed.indexOf(TemplateEntry.SEP); i >= 0; i = packed.indexOf(TemplateEntry.SEP, i + 1)) {
            c++;
        }
        return c;
    }

    /**
     * {@code contains(packed, v) ? -1 : count(packed)} in one pass over the packed list: -1 when it holds
     * {@code v}, else its number of elements.
     */
    static int countUnlessHeld(String packed, String v) {
        int n = packed.length();
        if (n == 0) {
            return 0;
        }
        int len = v.length();
        int c = 0;
        for (int start = 0; ; ) {
            int end = packed.indexOf(TemplateEntry.SEP, start);
            if (end < 0) {
                end = n;
            }
            c++;
            if (end - start == len + 1 && packed.startsWith(v, start + 1)) {
                return -1;
            }
            if (end == n) {
                return c;
            }
            start = end + 1;
        }
    }

    /** {@code split(packed).size()} (the reference). */
    static int countReference(String packed) {
        return split(packed).size();
    }

    /** {@code (packed.isEmpty() ? "" : packed + SEP) + "+" + v} in one concatenation (the packed list grown by v). */
    static String add(String packed, String v) {
        return packed.isEmpty() ? "+" + v : packed + TemplateEntry.SEP + "+" + v;
    }

    /**
     * A packed list's elements ({@link TemplateEntry#params}, {@link TemplateEntry#shapes}: each {@code '+'} and its
     * text, separated by {@link TemplateEntry#SEP}) as the hash ({@link String#hashCode}) and bounds of each element's
     * text, made for one packed string (compared by identity: given another string, even an equal one, it is made
     * again from that string; so a restored or re-read entry, or a list changed elsewhere, is read afresh).
     * {@link #countUnlessHeld} answers as {@link LogSummarizer#countUnlessHeld(String, String)} does, comparing the
     * text only of elements whose hash is {@code v}'s: a line of new parameters, most lines of some inputs, read the
     * whole packed list (up to {@link #MAX_PARAMS} lists of up to {@link #MAX_PARAM_CHARS} chars) and now reads only
     * its parameters, to hash them. {@link #add} grows the list and its index together. Kept on the heap beside a
     * ledger entry (transient, not state). Not thread safe.
     */
    static final class PackedIndex {
        /** The packed list indexed (null: none yet). */
        private String of;
        private int n;
        /**
         * Per element {@code i}: its text's hash at {@code 3i}, where it starts (after its {@code '+'}) and ends in
         * {@link #of} at {@code 3i + 1} and {@code 3i + 2}; made at the first element (an entry of no parameters
         * has none).
         */
        private int[] cells;

        /** {@link LogSummarizer#countUnlessHeld(String, String)}: -1 when {@code packed} holds {@code v}, else its elements. */
        int countUnlessHeld(String packed, String v) {
            if (packed.isEmpty()) {
                return 0; // (the index, of another list, is left as it is)
            }
            if (packed != of) {
                index(packed);
            }
            int h = v.hashCode();
            int len = v.length();
            int[] c = cells;
            for (int i = 0, end = 3 * n; i < end; i += 3) {
                if (c[i] == h && c[i + 2] - c[i + 1] == len && packed.startsWith(v, c[i + 1])) {
                    return -1;
                }
            }
            return n;
        }

        /**
         * {@link LogSummarizer#add}{@code (packed, v)}, the index following it where it was of {@code packed} (and
         * {@code v} holds no {@link TemplateEntry#SEP}, which would make it several elements: else made again).
         */
        String add(String packed, String v) {
            return add(packed, v, true);
        }

        /** {@link #add(String, String)}, where {@code mayHoldSep} false says that {@code v} holds no SEP (not scanned). */
        String add(String packed, String v, boolean mayHoldSep) {
            String grown = LogSummarizer.add(packed, v);
            if (packed == of && !(mayHoldSep && v.indexOf(TemplateEntry.SEP) >= 0)) {
                int end = grown.length();
                append(v.hashCode(), end - v.length(), end);
                of = grown;
            }
            return grown;
        }

        private void index(String packed) {
            of = packed;
            n = 0;
            int len = packed.length();
            if (len == 0) {
                return;
            }
            for (int start = 0; ; ) {
                int end = packed.indexOf(TemplateEntry.SEP, start);
                if (end < 0) {
                    end = len;
                }
                int h = 0;
                for (int i = start + 1; i < end; i++) {
                    h = 31 * h + packed.charAt(i); // String.hashCode of the element's text
                }
                append(h, start + 1, end);
                if (end == len) {
                    return;
                }
                start = end + 1;
            }
        }

        private void append(int h, int start, int end) {
            int i = 3 * n;
            if (cells == null) {
                cells = new int[3 * MAX_SHAPES];
            } else if (i == cells.length) {
                cells = Arrays.copyOf(cells, 2 * i);
            }
            cells[i] = h;
            cells[i + 1] = start;
            cells[i + 2] = end;
            n++;
        }
    }

    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : 0;
    }
}
