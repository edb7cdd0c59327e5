package dev.keymem.models.retention;

import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.retention.RetentionEvent.Kind;
import dev.keymem.models.retention.RetentionEvent.Tier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Structured token retention with memory tiers, STR / CMP (docs/design/mechanisms.md section 5). It holds no
 * per-key data (that lives in a {@link RetentionState} and an {@link ArchiveStore}), so one instance
 * serves every key. It keeps scratch buffers (and so may its innovation cell): one instance per operator
 * instance (thread).
 *
 * <p><b>Per token</b> at position p (in stream order): the token (k, v, beta, g) joins T0; the block's
 * query sum adds q; the token reads (see {@link TierAttention}) with q over sinks, T0 (itself included),
 * T1, the recalled T3 entries and the T2 slots, and every other sink / T0 / T1 entry adds its softmax
 * weight (averaged over heads) to its attention mass. When p + 1 is a multiple of the block B, the block
 * closes at P = p + 1.
 *
 * <p><b>Block close at P</b>, in order:
 * <ol>
 *   <li>innovation of the block's tokens (positions [P - B, P), all still in T0 since B &lt;= w):
 *       e = mean over heads of ||v - M(k)|| / (||v|| + 1e-6), with M the innovation cell's state as of
 *       the previous close, read through {@link MemoryCell#read} with q = k / cellScale (for the matrix
 *       cells M(k) = S^T k); then the cell writes the block in one {@link MemoryCell#forward} call.
 *       The cell always sees exactly the aligned blocks, so its state never depends on chunking;</li>
 *   <li>window exit, oldest first, of the tokens with position &lt; P - w: sinks (position &lt; s) are
 *       pinned; every other token gets p = sigmoid(w . f + b) ({@link SignificanceWeights}) from its
 *       {@link Features} at P. When T1 has room for all the exiting tokens they are all admitted (no
 *       draw: with a budget at least the stream length nothing is ever evicted); otherwise a token is
 *       admitted when u(seed, position) &lt; p ({@link Draws}), else evicted;</li>
 *   <li>T1 re-ranking: T1 plus the admitted tokens, p re-evaluated at P for all, sorted by p descending
 *       (ties: older first); the first retainedCap stay, the rest are evicted (promotion T0 -&gt; T1 and
 *       demotion T1 -&gt; T2/T3 happen only here);</li>
 *   <li>eviction, in increasing position: the token is folded into T2 ({@link CompressedSlots}) when
 *       there are slots, and archived in T3 when archiveCap &gt; 0 with its archive score
 *       ({@link SignificanceWeights#archiveScore}: p without the age term, so that entries evicted at
 *       different ages compare fairly); when the archive is then over its cap the entry with the lowest
 *       score (ties: the older) is dropped, which may be the new entry itself;</li>
 *   <li>T3 recall (archiveTopK &gt; 0): the archive is scanned once and the archiveTopK entries with
 *       the largest mean-query logit sum_h scale qbar_h . k_h (qbar = the closed block's mean query;
 *       ties: older first) become the recalled entries the next block's reads see.</li>
 * </ol>
 * Every decision depends only on token positions and the tokens themselves, so outputs, events and
 * states are identical for every chunking of a stream and after a state copy (restore) mid-stream.
 *
 * <p><b>Forms.</b> {@link #forwardReference} reads token by token through {@link TierAttention} (double
 * arithmetic per tier, merged by log-sum-exp). {@link #forward} reads each segment of a block's queries
 * at once with dense products ({@link TierSegmentRead}); it makes the same decisions, and its reads and
 * masses agree with the reference's up to float rounding (RetentionFastFormTest).
 */
public final class TieredRetention {
    private final MemoryCell cell;
    private final RetentionSettings settings;
    private final int heads;
    private final int keyDim;
    private final int valueDim;
    private final TierAttention attention;
    private final TierSegmentRead segmentRead;

    /** With the plain-Java {@link ScalarBackend} for the fast read (its reads do not depend on chunking). */
    public TieredRetention(MemoryCell innovationCell, RetentionSettings settings) {
        this(innovationCell, settings, ScalarBackend.INSTANCE);
    }

    /**
     * @param backend the products of the fast read ({@link #forward}); with a blocked backend (Vector API,
     *                ND4J) a product's elements may round differently for different shapes, so the fast
     *                form's outputs and attention masses may then depend on chunking at float rounding
     */
    public TieredRetention(MemoryCell innovationCell, RetentionSettings settings, TensorBackend backend) {
        Objects.requireNonNull(backend, "backend");
        this.cell = Objects.requireNonNull(innovationCell, "innovationCell");
        this.settings = Objects.requireNonNull(settings, "settings");
        CellSpec spec = cell.spec();
        if (spec.normalize()) {
            throw new IllegalArgumentException("the innovation cell must not use the normaliser: its read would not be "
                    + "the prediction M(k)");
        }
        this.heads = spec.heads();
        this.keyDim = spec.keyDim();
        this.valueDim = spec.valueDim();
        this.attention = new TierAttention(heads, keyDim, valueDim, settings.scale());
        this.segmentRead = new TierSegmentRead(backend, heads, keyDim, valueDim, settings.scale());
    }

    public RetentionSettings settings() {
        return settings;
    }

    public MemoryCell cell() {
        return cell;
    }

    /** A fresh per-key state; {@code keySeed} seeds the key's draws (e.g. a hash of the key). */
    public RetentionState newState(long keySeed) {
        return new RetentionState(keySeed, 0L, cell.newState(), new double[heads * keyDim], List.of(), List.of(),
                List.of(), List.of(), new CompressedSlots(heads, settings.compressedSlots(), keyDim, valueDim),
                new long[0], new double[0]);
    }

    /**
     * Advances the key's memory over {@code chunk}, writes the reads [T,H,V] into {@code out} and
     * returns what happened to tokens at the block closes inside the chunk, in order.
     *
     * <p>Fast form: the chunk is cut at block closes into segments; a segment's tokens join T0 and its
     * queries are read together ({@link TierSegmentRead}: per head, one product of the segment's queries
     * against all sink, T0, T1, recalled and T2 columns, masked causally per row, one exact softmax per
     * row, one product with the values), then the block closes if the segment ends at a block boundary.
     * Within a block only T0 changes, so this reads exactly what {@link #forwardReference} reads.
     *
     * @param archive the key's T3 store (may be null when archiveCap is 0)
     */
    public List<RetentionEvent> forward(RetentionState st, ArchiveStore archive, TokenChunk chunk, float[] out) {
        check(st, archive, chunk, out);
        List<RetentionEvent> events = new ArrayList<>();
        int hk = heads * keyDim;
        int hv = heads * valueDim;
        boolean usesBeta = cell.spec().kind().usesBeta();
        boolean usesGate = cell.spec().kind().usesGate();
        int T = chunk.length();
        int t0 = 0;
        while (t0 < T) {
            long first = st.position();
            int c = (int) Math.min(T - t0, settings.block() - first % settings.block());
            double[] qs = st.blockQuerySum();
            for (int t = t0; t < t0 + c; t++) {
                float[] k = Arrays.copyOfRange(chunk.k(), t * hk, (t + 1) * hk);
                float[] v = Arrays.copyOfRange(chunk.v(), t * hv, (t + 1) * hv);
                float[] beta = usesBeta ? Arrays.copyOfRange(chunk.beta(), t * heads, (t + 1) * heads) : null;
                float[] g = usesGate ? Arrays.copyOfRange(chunk.g(), t * heads, (t + 1) * heads) : null;
                st.mutableWindow().add(new RetainedToken(first + t - t0, k, v, beta, g, Float.NaN, 0.0, Double.NaN));
                for (int x = 0; x < hk; x++) {
                    qs[x] += chunk.q()[t * hk + x];
                }
            }
            segmentRead.read(chunk.q(), t0, c, first, st.mutableSinks(), st.mutableWindow(), st.mutableRetained(),
                    st.mutableRecalled(), st.compressed(), out);
            for (int t = 0; t < c; t++) {
                st.advance();
            }
            if (st.position() % settings.block() == 0) {
                closeBlock(st, archive, events);
            }
            t0 += c;
        }
        return events;
    }

    /**
     * Reference (token by token) form of {@link #forward}, same contract: each token reads through
     * {@link TierAttention} (per tier partial softmaxes in double, merged by log-sum-exp) right after it
     * joins T0. The two forms make the same state changes, events and decisions; their reads and
     * attention masses differ by float rounding (the fast form's scores are float products), so a
     * decision that hinges on a probability within rounding of a draw or of a rival could differ.
     */
    public List<RetentionEvent> forwardReference(RetentionState st, ArchiveStore archive, TokenChunk chunk, float[] out) {
        check(st, archive, chunk, out);
        List<RetentionEvent> events = new ArrayList<>();
        int hk = heads * keyDim;
        int hv = heads * valueDim;
        boolean usesBeta = cell.spec().kind().usesBeta();
        boolean usesGate = cell.spec().kind().usesGate();
        for (int t = 0; t < chunk.length(); t++) {
            long p = st.position();
            float[] k = Arrays.copyOfRange(chunk.k(), t * hk, (t + 1) * hk);
            float[] v = Arrays.copyOfRange(chunk.v(), t * hv, (t + 1) * hv);
            float[] beta = usesBeta ? Arrays.copyOfRange(chunk.beta(), t * heads, (t + 1) * heads) : null;
            float[] g = usesGate ? Arrays.copyOfRange(chunk.g(), t * heads, (t + 1) * heads) : null;
            RetainedToken self = new RetainedToken(p, k, v, beta, g, Float.NaN, 0.0, Double.NaN);
            st.mutableWindow().add(self);
            double[] qs = st.blockQuerySum();
            for (int x = 0; x < hk; x++) {
                qs[x] += chunk.q()[t * hk + x];
            }
            List<List<RetainedToken>> tiers = List.of(st.mutableSinks(), st.mutableWindow(), st.mutableRetained(),
                    st.mutableRecalled());
            attention.read(chunk.q(), t * hk, tiers, 3, st.compressed(), out, t * hv);
            self.clearMass(); // mass counts later queries only
            st.advance();
            if (st.position() % settings.block() == 0) {
                closeBlock(st, archive, events);
            }
        }
        return events;
    }

    /**
     * Reads queries q [T,H,K] against the key's current memory without changing it (no mass is
     * accumulated, no token is added): for queries from outside the stream, e.g. a recall probe.
     */
    public void read(RetentionState st, float[] q, int tokens, float[] out) {
        checkRead(st, q, tokens, out);
        List<List<RetainedToken>> tiers = List.of(st.sinks(), st.window(), st.retained(), st.recalled());
        for (int t = 0; t < tokens; t++) {
            attention.read(q, t * heads * keyDim, tiers, 0, st.compressed(), out, t * heads * valueDim);
        }
    }

    /**
     * Like {@link #read(RetentionState, float[], int, float[])}, plus, per query, the {@code archiveTopK}
     * entries of the T3 archive with the largest logit sum_h scale q_h . k_h (ties: older first; entries
     * already recalled into the state are skipped, so nothing is counted twice): the softmax then runs
     * over sinks, T0, T1, the recalled entries, these archive entries and the T2 slots. Scans the archive
     * once per query: meant for queries from outside the stream (a question about the key's history).
     */
    public void read(RetentionState st, ArchiveStore archive, int archiveTopK, float[] q, int tokens, float[] out) {
        if (archiveTopK < 0) {
            throw new IllegalArgumentException("archiveTopK must be >= 0: " + archiveTopK);
        }
        if (archiveTopK == 0 || archive == null) {
            read(st, q, tokens, out);
            return;
        }
        checkRead(st, q, tokens, out);
        java.util.Set<Long> recalled = new java.util.HashSet<>();
        st.recalled().forEach(t -> recalled.add(t.position()));
        int hk = heads * keyDim;
        for (int t = 0; t < tokens; t++) {
            int off = t * hk;
            List<RetainedToken> entries = new ArrayList<>();
            List<double[]> scored = new ArrayList<>();
            archive.forEach(e -> {
                if (recalled.contains(e.position())) {
                    return;
                }
                double d = 0;
                for (int x = 0; x < hk; x++) {
                    d += (double) q[off + x] * e.k()[x];
                }
                scored.add(new double[] {d * settings.scale(), e.position(), entries.size()});
                entries.add(e);
            });
            scored.sort((x, y) -> x[0] != y[0] ? Double.compare(y[0], x[0]) : Double.compare(x[1], y[1]));
            List<RetainedToken> top = new ArrayList<>();
            for (int i = 0; i < Math.min(archiveTopK, scored.size()); i++) {
                top.add(entries.get((int) scored.get(i)[2]));
            }
            top.sort(Comparator.comparingLong(RetainedToken::position));
            attention.read(q, off, List.of(st.sinks(), st.window(), st.retained(), st.recalled(), top), 0,
                    st.compressed(), out, t * heads * valueDim);
        }
    }

    /** The features of a token evaluated at a block close at {@code blockEnd} with the block's query sum. */
    public Features features(RetainedToken t, long blockEnd, double[] blockQuerySum) {
        double rel = 0;
        for (int h = 0; h < heads; h++) {
            double d = 0;
            double qn = 0;
            double kn = 0;
            for (int x = 0; x < keyDim; x++) {
                double a = blockQuerySum[h * keyDim + x];
                double b = t.k()[h * keyDim + x];
                d += a * b;
                qn += a * a;
                kn += b * b;
            }
            rel += (qn == 0 || kn == 0) ? 0 : d / Math.sqrt(qn * kn);
        }
        return new Features(t.mass(), t.innovation(), blockEnd - t.position(), rel / heads, settings.maxReadSlots());
    }

    /** Tokens leaving the exact tiers at one block close, with where they came from and their features. */
    private static final class Evictions {
        final List<RetainedToken> tokens = new ArrayList<>();
        final List<Tier> from = new ArrayList<>();
        final List<Features> features = new ArrayList<>();

        void add(RetainedToken t, Tier tier, Features f) {
            tokens.add(t);
            from.add(tier);
            features.add(f);
        }
    }

    private void closeBlock(RetentionState st, ArchiveStore archive, List<RetentionEvent> events) {
        long end = st.position();
        List<RetainedToken> window = st.mutableWindow();
        innovate(st, window.subList(window.size() - settings.block(), window.size()));
        double[] qsum = st.blockQuerySum().clone();
        Arrays.fill(st.blockQuerySum(), 0.0);
        Evictions evictions = new Evictions();
        boolean pressure = underPressure(st, end);
        List<RetainedToken> admitted = exitWindow(st, end, qsum, pressure, evictions, events);
        rank(st, admitted, end, qsum, pressure, evictions, events);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < evictions.tokens.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> evictions.tokens.get(i).position()));
        for (int i : order) {
            evict(st, archive, evictions.tokens.get(i), evictions.from.get(i), evictions.features.get(i), end, events);
        }
        recall(st, archive, qsum);
    }

    /** Whether T1 lacks room for every non-sink token leaving the window at this close. */
    private boolean underPressure(RetentionState st, long end) {
        int exiting = 0;
        for (RetainedToken t : st.mutableWindow()) {
            if (t.position() >= end - settings.window()) {
                break;
            }
            if (t.position() >= settings.sinks()) {
                exiting++;
            }
        }
        return st.mutableRetained().size() + exiting > settings.retainedCap();
    }

    /** Window exit: sinks are pinned; other tokens are admitted (no pressure, or u &lt; p) or evicted. */
    private List<RetainedToken> exitWindow(RetentionState st, long end, double[] qsum, boolean pressure,
                                           Evictions evictions, List<RetentionEvent> events) {
        List<RetainedToken> window = st.mutableWindow();
        List<RetainedToken> admitted = new ArrayList<>();
        while (!window.isEmpty() && window.get(0).position() < end - settings.window()) {
            RetainedToken t = window.remove(0);
            if (t.position() < settings.sinks()) {
                st.mutableSinks().add(t);
                events.add(new RetentionEvent(t.position(), Kind.PINNED, Tier.WINDOW, Tier.SINK, end, null, Double.NaN,
                        Double.NaN, null));
                continue;
            }
            Features f = features(t, end, qsum);
            double p = settings.weights().probability(f);
            t.setProbability(p);
            double u = pressure ? Draws.uniform(st.seed(), t.position()) : Double.NaN;
            if (!pressure || u < p) {
                admitted.add(t);
            } else {
                evictions.add(t, Tier.WINDOW, f);
                events.add(new RetentionEvent(t.position(), Kind.EVICTED, Tier.WINDOW, evictionTarget(), end, null, p,
                        u, f));
            }
        }
        return admitted;
    }

    /** T1 re-ranking of T1 plus the admitted tokens at this close; the ones ranked out join the evictions. */
    private void rank(RetentionState st, List<RetainedToken> admitted, long end, double[] qsum, boolean pressure,
                      Evictions evictions, List<RetentionEvent> events) {
        List<RetainedToken> retained = st.mutableRetained();
        List<RetainedToken> all = new ArrayList<>(retained);
        all.addAll(admitted);
        java.util.Map<RetainedToken, Features> feats = new java.util.IdentityHashMap<>();
        for (RetainedToken t : all) {
            Features f = features(t, end, qsum);
            feats.put(t, f);
            t.setProbability(settings.weights().probability(f));
        }
        all.sort(Comparator.comparingDouble(RetainedToken::probability).reversed()
                .thenComparingLong(RetainedToken::position));
        List<RetainedToken> keep = new ArrayList<>(all.subList(0, Math.min(all.size(), settings.retainedCap())));
        keep.sort(Comparator.comparingLong(RetainedToken::position));
        java.util.Set<RetainedToken> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        kept.addAll(keep);
        java.util.Set<RetainedToken> wasRetained = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        wasRetained.addAll(retained);
        for (RetainedToken t : admitted) {
            if (kept.contains(t)) {
                double u = pressure ? Draws.uniform(st.seed(), t.position()) : Double.NaN;
                events.add(new RetentionEvent(t.position(), Kind.RETAINED, Tier.WINDOW, Tier.RETAINED, end, null,
                        t.probability(), u, feats.get(t)));
            }
        }
        List<RetainedToken> out = new ArrayList<>();
        for (RetainedToken t : all) {
            if (!kept.contains(t)) {
                out.add(t);
            }
        }
        out.sort(Comparator.comparingLong(RetainedToken::position));
        for (RetainedToken t : out) {
            Tier from = wasRetained.contains(t) ? Tier.RETAINED : Tier.WINDOW;
            double u = from == Tier.WINDOW && pressure ? Draws.uniform(st.seed(), t.position()) : Double.NaN;
            events.add(new RetentionEvent(t.position(), Kind.EVICTED, from, evictionTarget(), end, null,
                    t.probability(), u, feats.get(t)));
            evictions.add(t, from, feats.get(t));
        }
        retained.clear();
        retained.addAll(keep);
    }

    private Tier evictionTarget() {
        if (settings.compressedSlots() > 0) {
            return Tier.COMPRESSED;
        }
        return settings.archiveCap() > 0 ? Tier.ARCHIVE : Tier.DROPPED;
    }

    private void evict(RetentionState st, ArchiveStore archive, RetainedToken t, Tier from, Features f, long end,
                       List<RetentionEvent> events) {
        int[] slots = st.compressed().fold(t.k(), t.v());
        if (slots != null) {
            events.add(new RetentionEvent(t.position(), Kind.COMPRESSED, from, Tier.COMPRESSED, end, slots,
                    t.probability(), Double.NaN, null));
        }
        if (settings.archiveCap() > 0) {
            archive.put(t);
            double score = settings.weights().archiveScore(f);
            st.mutableArchived().add(new RetentionState.ArchivedRef(score, t.position()));
            events.add(new RetentionEvent(t.position(), Kind.ARCHIVED, from, Tier.ARCHIVE, end, null, t.probability(),
                    Double.NaN, null));
            while (st.mutableArchived().size() > settings.archiveCap()) {
                RetentionState.ArchivedRef gone = st.mutableArchived().pollFirst();
                archive.remove(gone.position());
                events.add(new RetentionEvent(gone.position(), Kind.ARCHIVE_DROPPED, Tier.ARCHIVE, Tier.DROPPED, end,
                        null, gone.score(), Double.NaN, null));
            }
        }
    }

    /** Innovation of the block's tokens against the cell as of the previous close, then the cell's write. */
    private void innovate(RetentionState st, List<RetainedToken> block) {
        int b = block.size();
        int hk = heads * keyDim;
        int hv = heads * valueDim;
        float inv = 1f / cell.spec().scale();
        float[] qk = new float[b * hk];
        float[] k = new float[b * hk];
        float[] v = new float[b * hv];
        boolean usesBeta = cell.spec().kind().usesBeta();
        boolean usesGate = cell.spec().kind().usesGate();
        float[] beta = usesBeta ? new float[b * heads] : null;
        float[] g = usesGate ? new float[b * heads] : null;
        for (int i = 0; i < b; i++) {
            RetainedToken t = block.get(i);
            System.arraycopy(t.k(), 0, k, i * hk, hk);
            System.arraycopy(t.v(), 0, v, i * hv, hv);
            for (int x = 0; x < hk; x++) {
                qk[i * hk + x] = t.k()[x] * inv;
            }
            if (usesBeta) {
                System.arraycopy(t.beta(), 0, beta, i * heads, heads);
            }
            if (usesGate) {
                System.arraycopy(t.g(), 0, g, i * heads, heads);
            }
        }
        float[] pred = new float[b * hv];
        cell.read(st.cell(), qk, b, pred);
        for (int i = 0; i < b; i++) {
            double e = 0;
            for (int h = 0; h < heads; h++) {
                double err = 0;
                double vn = 0;
                for (int x = 0; x < valueDim; x++) {
                    double vv = v[i * hv + h * valueDim + x];
                    double d = vv - pred[i * hv + h * valueDim + x];
                    err += d * d;
                    vn += vv * vv;
                }
                e += Math.sqrt(err) / (Math.sqrt(vn) + 1e-6);
            }
            block.get(i).setInnovation((float) (e / heads));
            block.get(i).dropWriteInputs();
        }
        cell.forward(st.cell(), new TokenChunk(b, heads, keyDim, valueDim, k, k, v, beta, g), pred);
    }

    private void recall(RetentionState st, ArchiveStore archive, double[] qsum) {
        if (settings.archiveTopK() == 0) {
            return;
        }
        List<RetainedToken> rec = st.mutableRecalled();
        rec.clear();
        int b = settings.block();
        List<double[]> scored = new ArrayList<>();
        List<RetainedToken> entries = new ArrayList<>();
        archive.forEach(t -> {
            double s = 0;
            for (int x = 0; x < heads * keyDim; x++) {
                s += qsum[x] / b * t.k()[x];
            }
            scored.add(new double[] {s * settings.scale(), t.position(), entries.size()});
            entries.add(t);
        });
        scored.sort((x, y) -> x[0] != y[0] ? Double.compare(y[0], x[0]) : Double.compare(x[1], y[1]));
        for (int i = 0; i < Math.min(settings.archiveTopK(), scored.size()); i++) {
            rec.add(entries.get((int) scored.get(i)[2]).copy());
        }
        rec.sort(Comparator.comparingLong(RetainedToken::position));
    }

    private void checkRead(RetentionState st, float[] q, int tokens, float[] out) {
        Objects.requireNonNull(st, "state");
        if (tokens < 0) {
            throw new IllegalArgumentException("negative query count " + tokens);
        }
        if (q == null || q.length < tokens * heads * keyDim) {
            throw new IllegalArgumentException("q must hold T*H*K = " + tokens * heads * keyDim + " floats, got "
                    + (q == null ? "null" : q.length));
        }
        if (out == null || out.length < tokens * heads * valueDim) {
            throw new IllegalArgumentException("out must hold T*H*V = " + tokens * heads * valueDim + " floats, got "
                    + (out == null ? "null" : out.length));
        }
    }

    private void check(RetentionState st, ArchiveStore archive, TokenChunk chunk, float[] out) {
        Objects.requireNonNull(st, "state");
        Objects.requireNonNull(chunk, "chunk");
        chunk.requireFits(cell.spec());
        if (st.cell().data().length != cell.stateSize()) {
            throw new IllegalArgumentException("innovation cell state has " + st.cell().data().length
                    + " floats, the cell needs " + cell.stateSize());
        }
        if (st.compressed().slots() != settings.compressedSlots() || st.compressed().heads() != heads) {
            throw new IllegalArgumentException("state has " + st.compressed().slots() + " compressed slots for "
                    + st.compressed().heads() + " heads, settings need " + settings.compressedSlots() + " for " + heads);
        }
        if (settings.archiveCap() > 0 && archive == null) {
            throw new IllegalArgumentException("archiveCap " + settings.archiveCap() + " needs an ArchiveStore");
        }
        if (out == null || out.length < chunk.length() * heads * valueDim) {
            throw new IllegalArgumentException("out must hold T*H*V = " + chunk.length() * heads * valueDim
                    + " floats, got " + (out == null ? "null" : out.length));
        }
    }
}
