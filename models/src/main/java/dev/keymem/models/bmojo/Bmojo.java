package dev.keymem.models.bmojo;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.bmojo.BmojoSettings.Admission;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * B'MOJO, fading + eidetic memory (docs/design/mechanisms.md section 3), over any {@link MemoryCell}. Holds no
 * per-key data (that is a {@link BmojoState} plus an {@link EideticArchive}), so one instance serves
 * every key; as thread-safe as its cell (one instance per operator instance).
 *
 * <p><b>One step</b>, for the token at position p (per head; all heads alike, each with its own window,
 * fading tokens, eidetic store and retrieved set):
 * <ol>
 *   <li>innovation e_p = ||v_p - S^T k_p|| against the fading memory just before p's write (see
 *       {@code Innovation}; computed only when the eidetic memory is on);</li>
 *   <li>the cell (the fading memory) advances over p and reads o_p = its output for q_p;</li>
 *   <li>(k_p, v_p, o_p, e_p) go into the ring;</li>
 *   <li>eidetic memory (capacity &gt; 0 only): the token at x = p - w has just left the window and is
 *       offered for admission: THRESHOLD admits it when e_x &gt; threshold; TOP_M keeps the topM most
 *       innovative tokens of its block [nB, (n+1)B) as candidates (ties: the older) and admits them, in
 *       position order, when the block's last token leaves the window. An admitted entry (k_x, v_x, x,
 *       e_x) joins the store; when the store then holds more than capacity entries, the one with the
 *       lowest innovation (ties: the oldest, which may be the new entry itself) is evicted to the
 *       archive. With archiveCap &gt; 0, an eviction into a head whose archive is full drops the
 *       archive's lowest-innovation entry (ties: the older; possibly the evicted entry itself) for good,
 *       see {@link BmojoSettings}. Because admission happens when a token leaves the window and blocks are aligned by
 *       position, admission never depends on how the stream is cut into chunks;</li>
 *   <li>retrieval (retrieveK &gt; 0): when p is a multiple of R, the retrieved set is replaced by the
 *       archive's retrieveK entries nearest to q_p (dot product); it serves positions [p, p+R);</li>
 *   <li>the read: one softmax attention of scale q_p over the union of
 *       [eidetic entries (k, v); retrieved entries (k, v); fading tokens: positions [p-2w+1, p-w], key
 *       k_x, value o_x (the cell's read output at x, which summarises the whole stream up to x);
 *       window tokens: positions [p-w+1, p], key k_x, value v_x] (positions before 0 are absent).</li>
 * </ol>
 * An entry is never both eidetic and retrieved (retrieval only sees evicted entries and eviction is
 * final), and eidetic entries always lie before the window.
 *
 * <p><b>Forms.</b> {@link #forwardReference} runs the steps token by token with plain loops and reads
 * each of the four parts as its own partial softmax (max, sum, weighted sum), merged exactly by
 * log-sum-exp. {@link #forward} advances the cell with its own (chunked) form, computes the innovations
 * of the matrix cells with dense products per chunk of C = spec.chunkSize() tokens, runs the (cheap,
 * scalar) admission bookkeeping, then reads per head and per block of C queries with batched products:
 * scores against the band of window/fading keys and against every eidetic/retrieved entry that was
 * visible at some step of the call, masked per query by position and by visibility interval, one
 * softmax per row. Innovations of the fast form agree with the reference up to float rounding, so a
 * token whose innovation lies within rounding of the threshold (or of a rival in TOP_M) may be decided
 * differently by the two forms or by different cuts of the fast form; the reference form's admissions
 * do not depend on the cut at all. For a cell that is not a matrix cell (deep memory) with the eidetic
 * memory on, the fast form advances the cell token by token (the prediction needs every state).
 */
public final class Bmojo {
    private final MemoryCell cell;
    private final BmojoSettings settings;
    private final TensorBackend backend;
    private final CellSpec spec;
    private final int heads;
    private final int keyDim;
    private final int valueDim;
    private final int window;
    private final Innovation innovation;
    private final Innovation.Scratch scratch = new Innovation.Scratch();

    public Bmojo(MemoryCell cell, BmojoSettings settings) {
        this(cell, settings, Backends.java());
    }

    public Bmojo(MemoryCell cell, BmojoSettings settings, TensorBackend backend) {
        this.cell = Objects.requireNonNull(cell, "cell");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.spec = cell.spec();
        this.heads = spec.heads();
        this.keyDim = spec.keyDim();
        this.valueDim = spec.valueDim();
        this.window = settings.window();
        this.innovation = new Innovation(cell);
    }

    public MemoryCell cell() {
        return cell;
    }

    public BmojoSettings settings() {
        return settings;
    }

    /** A fresh per-key state at position 0. */
    public BmojoState newState() {
        int slots = 2 * window;
        int cap = settings.capacity();
        int m = candidateSlots();
        int r = retrievedSlots();
        return new BmojoState(cell.newState(), window, new float[slots * heads * keyDim],
                new float[slots * heads * valueDim], new float[slots * heads * valueDim], new float[slots * heads],
                new EntryBuffer(heads, cap, keyDim, valueDim), new EntryBuffer(heads, m, keyDim, valueDim),
                new EntryBuffer(heads, r, keyDim, valueDim), 0L, 0L);
    }

    // ------------------------------------------------------------------------------------------------
    // reference form

    /**
     * Reference (token by token) form: advances the key's memory over {@code chunk} and writes the reads
     * {@code [T,H,V]} into {@code out}.
     */
    public BmojoReport forwardReference(BmojoState st, EideticArchive archive, TokenChunk chunk, float[] out) {
        check(st, archive, chunk, out);
        int T = chunk.length();
        int hk = heads * keyDim;
        int hv = heads * valueDim;
        float[] e = new float[T * heads];
        float[] o = new float[hv];
        List<BmojoEvent> events = new ArrayList<>();
        long p0 = st.position();
        Tokens src = new Tokens(st, chunk, e, p0);
        for (int t = 0; t < T; t++) {
            long p = p0 + t;
            TokenChunk tok = chunk.slice(t, t + 1);
            if (settings.eidetic()) {
                innovation.token(st.cell(), chunk, t, e);
            }
            cell.forward(st.cell(), tok, o);
            int slot = st.slot(p);
            System.arraycopy(chunk.k(), t * hk, st.ringKeys(), slot * hk, hk);
            System.arraycopy(chunk.v(), t * hv, st.ringValues(), slot * hv, hv);
            System.arraycopy(o, 0, st.ringOutputs(), slot * hv, hv);
            System.arraycopy(e, t * heads, st.ringInnovations(), slot * heads, heads);
            step(st, archive, p, src, chunk.q(), t, events, null);
            for (int h = 0; h < heads; h++) {
                readReference(st, p, chunk.q(), (t * heads + h) * keyDim, h, out, (t * heads + h) * valueDim);
            }
        }
        return new BmojoReport(events, e);
    }

    /** One query's read as four partial softmaxes merged by log-sum-exp. */
    private void readReference(BmojoState st, long p, float[] q, int qOff, int h, float[] out, int oOff) {
        Partial eid = new Partial(valueDim);
        EntryBuffer eb = st.eidetic();
        for (int i = 0; i < eb.size(h); i++) {
            eid.add(score(q, qOff, eb.keys(), eb.keyOffset(h, i)), eb.values(), eb.valueOffset(h, i));
        }
        Partial ret = new Partial(valueDim);
        EntryBuffer rb = st.retrieved();
        for (int i = 0; i < rb.size(h); i++) {
            ret.add(score(q, qOff, rb.keys(), rb.keyOffset(h, i)), rb.values(), rb.valueOffset(h, i));
        }
        Partial fad = new Partial(valueDim);
        Partial win = new Partial(valueDim);
        int hk = heads * keyDim;
        int hv = heads * valueDim;
        for (long x = Math.max(0, p - 2L * window + 1); x <= p; x++) {
            int slot = st.slot(x);
            double s = score(q, qOff, st.ringKeys(), slot * hk + h * keyDim);
            if (x <= p - window) {
                fad.add(s, st.ringOutputs(), slot * hv + h * valueDim);
            } else {
                win.add(s, st.ringValues(), slot * hv + h * valueDim);
            }
        }
        Partial.merge(new Partial[] {eid, ret, fad, win}, out, oOff);
    }

    private double score(float[] q, int qOff, float[] k, int kOff) {
        double d = 0;
        for (int i = 0; i < keyDim; i++) {
            d += (double) q[qOff + i] * k[kOff + i];
        }
        return d * spec.scale();
    }

    /** A partial softmax: running max, sum of exp(s - max) and the weighted sum of values, in double. */
    static final class Partial {
        double max = Double.NEGATIVE_INFINITY;
        double sum;
        final double[] acc;

        Partial(int dim) {
            acc = new double[dim];
        }

        void add(double s, float[] v, int vOff) {
            if (s > max) {
                double f = Math.exp(max - s); // 0 when max is -inf
                sum *= f;
                for (int j = 0; j < acc.length; j++) {
                    acc[j] *= f;
                }
                max = s;
            }
            double w = Math.exp(s - max);
            sum += w;
            for (int j = 0; j < acc.length; j++) {
                acc[j] += w * v[vOff + j];
            }
        }

        /** out = (sum_i acc_i exp(m_i - M)) / (sum_i sum_i exp(m_i - M)), M the largest max: one softmax over the union. */
        static void merge(Partial[] parts, float[] out, int oOff) {
            double m = Double.NEGATIVE_INFINITY;
            for (Partial p : parts) {
                m = Math.max(m, p.max);
            }
            double total = 0;
            int dim = parts[0].acc.length;
            double[] o = new double[dim];
            for (Partial p : parts) {
                if (p.max == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                double f = Math.exp(p.max - m);
                total += f * p.sum;
                for (int j = 0; j < dim; j++) {
                    o[j] += f * p.acc[j];
                }
            }
            for (int j = 0; j < dim; j++) {
                out[oOff + j] = (float) (o[j] / total);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // bookkeeping shared by both forms: admissions, evictions, retrieval (scalar, cheap)

    /** Where the k, v and innovation of a recent position are: this call's arrays, else the ring. */
    private final class Tokens {
        final BmojoState st;
        final TokenChunk chunk;
        final float[] innovations;
        final long p0;

        Tokens(BmojoState st, TokenChunk chunk, float[] innovations, long p0) {
            this.st = st;
            this.chunk = chunk;
            this.innovations = innovations;
            this.p0 = p0;
        }

        boolean inCall(long x) {
            return x >= p0;
        }

        float[] keys(long x) {
            return inCall(x) ? chunk.k() : st.ringKeys();
        }

        int keyOffset(long x, int h) {
            long row = inCall(x) ? x - p0 : st.slot(x);
            return (int) (row * heads + h) * keyDim;
        }

        float[] values(long x) {
            return inCall(x) ? chunk.v() : st.ringValues();
        }

        int valueOffset(long x, int h) {
            long row = inCall(x) ? x - p0 : st.slot(x);
            return (int) (row * heads + h) * valueDim;
        }

        float innovation(long x, int h) {
            return inCall(x) ? innovations[(int) (x - p0) * heads + h] : st.ringInnovations()[st.slot(x) * heads + h];
        }
    }

    /** Callbacks of the fast form, which tracks when each entry is visible. */
    interface Visibility {
        void admitted(int h, long step, EntryBuffer store, int index);

        void evicted(int h, long step, long position);

        void retrieved(int h, long step, EntryBuffer retrieved);
    }

    /** Steps 4 and 5 of the class comment for position p (token t of the call). */
    private void step(BmojoState st, EideticArchive archive, long p, Tokens src, float[] q, int t,
                      List<BmojoEvent> events, Visibility vis) {
        if (!settings.eidetic()) {
            return;
        }
        long x = p - window;
        if (x >= 0) {
            for (int h = 0; h < heads; h++) {
                offer(st, archive, p, src, x, h, events, vis);
            }
        }
        if (settings.retrieveK() > 0 && p % settings.retrieveEvery() == 0) {
            EntryBuffer rb = st.retrieved();
            for (int h = 0; h < heads; h++) {
                rb.clear(h);
                for (EideticEntry en : archive.nearest(h, q, (t * heads + h) * keyDim, settings.retrieveK())) {
                    rb.add(h, en.position(), en.innovation(), en.key(), 0, en.value(), 0);
                }
                if (vis != null) {
                    vis.retrieved(h, p, rb);
                }
            }
        }
    }

    private void offer(BmojoState st, EideticArchive archive, long p, Tokens src, long x, int h,
                       List<BmojoEvent> events, Visibility vis) {
        float e = src.innovation(x, h);
        if (settings.admission() == Admission.THRESHOLD) {
            if (e > settings.threshold()) {
                admit(st, archive, p, h, x, e, src.keys(x), src.keyOffset(x, h), src.values(x), src.valueOffset(x, h),
                        events, vis);
            }
            return;
        }
        EntryBuffer cb = st.candidates();
        int n = cb.size(h);
        if (n < cb.capacity()) {
            cb.add(h, x, e, src.keys(x), src.keyOffset(x, h), src.values(x), src.valueOffset(x, h));
        } else {
            int worst = 0; // lowest innovation, ties: the newest (the older wins a tie)
            for (int i = 1; i < n; i++) {
                float ei = cb.innovation(h, i);
                float ew = cb.innovation(h, worst);
                if (ei < ew || (ei == ew && cb.position(h, i) > cb.position(h, worst))) {
                    worst = i;
                }
            }
            if (e > cb.innovation(h, worst)) {
                cb.set(h, worst, x, e, src.keys(x), src.keyOffset(x, h), src.values(x), src.valueOffset(x, h));
            }
        }
        if ((x + 1) % settings.blockLength() == 0) {
            while (cb.size(h) > 0) {
                int first = 0;
                for (int i = 1; i < cb.size(h); i++) {
                    if (cb.position(h, i) < cb.position(h, first)) {
                        first = i;
                    }
                }
                admit(st, archive, p, h, cb.position(h, first), cb.innovation(h, first), cb.keys(),
                        cb.keyOffset(h, first), cb.values(), cb.valueOffset(h, first), events, vis);
                cb.removeAt(h, first);
            }
        }
    }

    private void admit(BmojoState st, EideticArchive archive, long p, int h, long x, float e, float[] k, int kOff,
                       float[] v, int vOff, List<BmojoEvent> events, Visibility vis) {
        EntryBuffer store = st.eidetic();
        events.add(new BmojoEvent(BmojoEvent.Type.ADMITTED, p, h, x, e));
        st.countAdmitted();
        int n = store.size(h);
        if (n < store.capacity()) {
            store.add(h, x, e, k, kOff, v, vOff);
            if (vis != null) {
                vis.admitted(h, p, store, n);
            }
            return;
        }
        int lowest = 0; // lowest innovation, ties: the oldest
        for (int i = 1; i < n; i++) {
            float ei = store.innovation(h, i);
            float el = store.innovation(h, lowest);
            if (ei < el || (ei == el && store.position(h, i) < store.position(h, lowest))) {
                lowest = i;
            }
        }
        st.countEvicted();
        if (e < store.innovation(h, lowest)) { // the new entry itself is the lowest: straight to the archive
            events.add(new BmojoEvent(BmojoEvent.Type.EVICTED, p, h, x, e));
            toArchive(st, archive, p, new EideticEntry(h, x, e,
                    java.util.Arrays.copyOfRange(k, kOff, kOff + keyDim),
                    java.util.Arrays.copyOfRange(v, vOff, vOff + valueDim)), events);
            return;
        }
        EideticEntry gone = store.get(h, lowest);
        events.add(new BmojoEvent(BmojoEvent.Type.EVICTED, p, h, gone.position(), gone.innovation()));
        toArchive(st, archive, p, gone, events);
        store.removeAt(h, lowest);
        if (vis != null) {
            vis.evicted(h, p, gone.position());
        }
        store.add(h, x, e, k, kOff, v, vOff);
        if (vis != null) {
            vis.admitted(h, p, store, n - 1);
        }
    }

    /**
     * Puts an evicted entry into the archive, enforcing {@link BmojoSettings#archiveCap()} per head: while
     * the head's archive plus the new entry hold more than archiveCap entries, the one that
     * {@link EideticArchive#dropsBefore} all the others (the archive's {@link EideticArchive#lowest} or the
     * new entry itself) is dropped and reported (one drop per eviction, more only when the cap was lowered
     * since the archive filled). The head's size is asked only once the key has evicted more than
     * archiveCap entries in all (before that no head can be full), so an archive that counts by scanning
     * is not scanned while it is small. Shared by both forms: they drop the same entries at the same steps.
     */
    private void toArchive(BmojoState st, EideticArchive archive, long p, EideticEntry entry,
                           List<BmojoEvent> events) {
        int cap = settings.archiveCap();
        int h = entry.head();
        if (cap > 0 && st.evicted() > cap) { // st.evicted() already counts this eviction
            long n = archive.size(h);
            boolean keep = true;
            while (n + (keep ? 1 : 0) > cap) {
                EideticEntry low = n > 0 ? archive.lowest(h) : null;
                if (n > 0 && low == null) {
                    throw new IllegalStateException("archive reports " + n + " entries for head " + h
                            + " but no lowest one");
                }
                if (keep && (low == null || EideticArchive.dropsBefore(entry, low))) {
                    events.add(new BmojoEvent(BmojoEvent.Type.DROPPED, p, h, entry.position(), entry.innovation()));
                    keep = false;
                } else {
                    archive.remove(h, low.position());
                    n--;
                    events.add(new BmojoEvent(BmojoEvent.Type.DROPPED, p, h, low.position(), low.innovation()));
                }
            }
            if (!keep) {
                return;
            }
        }
        archive.put(entry);
    }

    // ------------------------------------------------------------------------------------------------
    // fast form

    /** Fast (chunked) form; same contract and results as {@link #forwardReference}. */
    public BmojoReport forward(BmojoState st, EideticArchive archive, TokenChunk chunk, float[] out) {
        check(st, archive, chunk, out);
        int T = chunk.length();
        float[] e = new float[T * heads];
        List<BmojoEvent> events = new ArrayList<>();
        if (T == 0) {
            return new BmojoReport(events, e);
        }
        long p0 = st.position();
        float[] o = new float[T * heads * valueDim];
        advanceCell(st.cell(), chunk, o, e);

        // bookkeeping, recording when each eidetic / retrieved entry is visible
        VisibleSet[] vis = new VisibleSet[heads];
        for (int h = 0; h < heads; h++) {
            vis[h] = new VisibleSet(keyDim, valueDim);
            vis[h].open(st.eidetic(), h, p0, true);
            vis[h].open(st.retrieved(), h, p0, false);
        }
        if (settings.eidetic()) {
            Tokens src = new Tokens(st, chunk, e, p0);
            Visibility cb = new Visibility() {
                @Override
                public void admitted(int h, long step, EntryBuffer store, int index) {
                    vis[h].openOne(store, h, index, step, true);
                }

                @Override
                public void evicted(int h, long step, long position) {
                    vis[h].closeEidetic(position, step);
                }

                @Override
                public void retrieved(int h, long step, EntryBuffer rb) {
                    vis[h].closeRetrieved(step);
                    vis[h].open(rb, h, step, false);
                }
            };
            for (int t = 0; t < T; t++) {
                step(st, archive, p0 + t, src, chunk.q(), t, events, cb);
            }
        }

        for (int h = 0; h < heads; h++) {
            readFast(st, chunk, o, p0, h, vis[h], out);
        }

        // the ring keeps the last 2w positions
        int hk = heads * keyDim;
        int hv = heads * valueDim;
        for (int t = Math.max(0, T - 2 * window); t < T; t++) {
            int slot = st.slot(p0 + t);
            System.arraycopy(chunk.k(), t * hk, st.ringKeys(), slot * hk, hk);
            System.arraycopy(chunk.v(), t * hv, st.ringValues(), slot * hv, hv);
            System.arraycopy(o, t * hv, st.ringOutputs(), slot * hv, hv);
            System.arraycopy(e, t * heads, st.ringInnovations(), slot * heads, heads);
        }
        return new BmojoReport(events, e);
    }

    /** Advances the cell over the call, writing its outputs into o and (eidetic on) the innovations into e. */
    private void advanceCell(CellState cs, TokenChunk chunk, float[] o, float[] e) {
        int T = chunk.length();
        if (!settings.eidetic()) {
            cell.forward(cs, chunk, o);
            return;
        }
        int hv = heads * valueDim;
        if (!innovation.matrix()) {
            float[] o1 = new float[hv];
            for (int t = 0; t < T; t++) {
                innovation.token(cs, chunk, t, e);
                cell.forward(cs, chunk.slice(t, t + 1), o1);
                System.arraycopy(o1, 0, o, t * hv, hv);
            }
            return;
        }
        int c = spec.chunkSize();
        float[] oc = T <= c ? o : new float[c * hv];
        for (int t0 = 0; t0 < T; t0 += c) {
            int len = Math.min(c, T - t0);
            innovation.chunk(cs.data(), chunk, t0, len, backend, scratch, e);
            if (len == T) {
                cell.forward(cs, chunk, o);
            } else {
                cell.forward(cs, chunk.slice(t0, t0 + len), oc);
                System.arraycopy(oc, 0, o, t0 * hv, len * hv);
            }
        }
    }

    /** Head h's reads for the whole call: per block of C queries, banded window/fading scores plus the visible entries. */
    private void readFast(BmojoState st, TokenChunk chunk, float[] o, long p0, int h, VisibleSet vis, float[] out) {
        int T = chunk.length();
        int K = keyDim;
        int V = valueDim;
        int hk = heads * K;
        int hv = heads * V;
        long lo = Math.max(0, p0 - 2L * window + 1);
        int prev = (int) (p0 - lo);
        int rows = prev + T;
        // the keys, values and cell outputs of positions [lo, p0 + T), head h, contiguous
        float[] ek = new float[rows * K];
        float[] ev = new float[rows * V];
        float[] eo = new float[rows * V];
        for (int r = 0; r < prev; r++) {
            int slot = st.slot(lo + r);
            System.arraycopy(st.ringKeys(), slot * hk + h * K, ek, r * K, K);
            System.arraycopy(st.ringValues(), slot * hv + h * V, ev, r * V, V);
            System.arraycopy(st.ringOutputs(), slot * hv + h * V, eo, r * V, V);
        }
        for (int t = 0; t < T; t++) {
            System.arraycopy(chunk.k(), t * hk + h * K, ek, (prev + t) * K, K);
            System.arraycopy(chunk.v(), t * hv + h * V, ev, (prev + t) * V, V);
            System.arraycopy(o, t * hv + h * V, eo, (prev + t) * V, V);
        }
        int n = vis.size;
        int qb = Math.min(spec.chunkSize(), T);
        int maxBand = qb + 2 * window - 1;
        float[] sb = new float[qb * maxBand];
        float[] pw = new float[qb * maxBand];
        float[] pf = new float[qb * maxBand];
        float[] sv = new float[qb * Math.max(1, n)];
        double[] mx = new double[qb];
        double[] sum = new double[qb];
        float scale = spec.scale();
        for (int t0 = 0; t0 < T; t0 += qb) {
            int c = Math.min(qb, T - t0);
            long first = p0 + t0;
            long bandLo = Math.max(lo, first - 2L * window + 1);
            int b0 = (int) (bandLo - lo);
            int bl = (int) (first + c - bandLo);
            int qOff = (t0 * heads + h) * K;
            backend.gemm(false, true, c, bl, K, scale, chunk.q(), qOff, hk, ek, b0 * K, K, 0f, sb, 0, bl);
            if (n > 0) {
                backend.gemm(false, true, c, n, K, scale, chunk.q(), qOff, hk, vis.keys, 0, K, 0f, sv, 0, n);
            }
            for (int t = 0; t < c; t++) {
                long p = first + t;
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < bl; j++) {
                    long x = bandLo + j;
                    if (x <= p && x > p - 2L * window) {
                        m = Math.max(m, sb[t * bl + j]);
                    }
                }
                for (int j = 0; j < n; j++) {
                    if (vis.from[j] <= p && p < vis.to[j]) {
                        m = Math.max(m, sv[t * n + j]);
                    }
                }
                double s = 0;
                for (int j = 0; j < bl; j++) {
                    long x = bandLo + j;
                    float w = 0f;
                    float f = 0f;
                    if (x <= p && x > p - 2L * window) {
                        float ex = (float) Math.exp(sb[t * bl + j] - m);
                        s += ex;
                        if (x > p - window) {
                            w = ex;
                        } else {
                            f = ex;
                        }
                    }
                    pw[t * bl + j] = w;
                    pf[t * bl + j] = f;
                }
                for (int j = 0; j < n; j++) {
                    float ex = 0f;
                    if (vis.from[j] <= p && p < vis.to[j]) {
                        ex = (float) Math.exp(sv[t * n + j] - m);
                        s += ex;
                    }
                    sv[t * n + j] = ex;
                }
                mx[t] = m;
                sum[t] = s;
            }
            int outOff = (t0 * heads + h) * V;
            // window columns exist only from first - w + 1 on, fading ones only up to first + c - 1 - w
            int w0 = (int) (Math.max(bandLo, first - window + 1) - bandLo);
            int fl = (int) Math.max(0, first + c - window - bandLo);
            backend.gemm(false, false, c, V, bl - w0, 1f, pw, w0, bl, ev, (b0 + w0) * V, V, 0f, out, outOff, hv);
            if (fl > 0) {
                backend.gemm(false, false, c, V, fl, 1f, pf, 0, bl, eo, b0 * V, V, 1f, out, outOff, hv);
            }
            if (n > 0) {
                backend.gemm(false, false, c, V, n, 1f, sv, 0, n, vis.values, 0, V, 1f, out, outOff, hv);
            }
            for (int t = 0; t < c; t++) {
                float inv = (float) (1.0 / sum[t]);
                int r = outOff + t * hv;
                for (int j = 0; j < V; j++) {
                    out[r + j] *= inv;
                }
            }
        }
    }

    /** The eidetic and retrieved entries of one head that some step of a call can see, with their visible steps [from, to). */
    private static final class VisibleSet {
        final int keyDim;
        final int valueDim;
        float[] keys = new float[0];
        float[] values = new float[0];
        long[] from = new long[0];
        long[] to = new long[0];
        long[] position = new long[0];
        boolean[] eidetic = new boolean[0];
        int size;

        VisibleSet(int keyDim, int valueDim) {
            this.keyDim = keyDim;
            this.valueDim = valueDim;
        }

        void open(EntryBuffer b, int h, long step, boolean isEidetic) {
            for (int i = 0; i < b.size(h); i++) {
                openOne(b, h, i, step, isEidetic);
            }
        }

        void openOne(EntryBuffer b, int h, int i, long step, boolean isEidetic) {
            if (size == from.length) {
                int cap = Math.max(8, size * 2);
                keys = java.util.Arrays.copyOf(keys, cap * keyDim);
                values = java.util.Arrays.copyOf(values, cap * valueDim);
                from = java.util.Arrays.copyOf(from, cap);
                to = java.util.Arrays.copyOf(to, cap);
                position = java.util.Arrays.copyOf(position, cap);
                eidetic = java.util.Arrays.copyOf(eidetic, cap);
            }
            System.arraycopy(b.keys(), b.keyOffset(h, i), keys, size * keyDim, keyDim);
            System.arraycopy(b.values(), b.valueOffset(h, i), values, size * valueDim, valueDim);
            from[size] = step;
            to[size] = Long.MAX_VALUE;
            position[size] = b.position(h, i);
            eidetic[size] = isEidetic;
            size++;
        }

        void closeEidetic(long pos, long step) {
            for (int j = 0; j < size; j++) {
                if (eidetic[j] && position[j] == pos && to[j] == Long.MAX_VALUE) {
                    to[j] = step;
                    return;
                }
            }
            throw new IllegalStateException("evicted entry at position " + pos + " was not visible");
        }

        void closeRetrieved(long step) {
            for (int j = 0; j < size; j++) {
                if (!eidetic[j] && to[j] == Long.MAX_VALUE) {
                    to[j] = step;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------

    private void checkBuffer(String name, EntryBuffer have, int capacity) {
        if (have.heads() != heads || have.capacity() != capacity || have.keyDim() != keyDim
                || have.valueDim() != valueDim) {
            throw new IllegalArgumentException("state's " + name + " has H=" + have.heads() + " capacity="
                    + have.capacity() + " K=" + have.keyDim() + " V=" + have.valueDim() + ", the settings and cell need H="
                    + heads + " capacity=" + capacity + " K=" + keyDim + " V=" + valueDim);
        }
    }

    private int candidateSlots() {
        return settings.eidetic() && settings.admission() == Admission.TOP_M ? settings.topM() : 0;
    }

    private int retrievedSlots() {
        return settings.eidetic() ? settings.retrieveK() : 0;
    }

    private void check(BmojoState st, EideticArchive archive, TokenChunk chunk, float[] out) {
        if (st == null) {
            throw new IllegalArgumentException("B'MOJO state is missing");
        }
        if (archive == null) {
            throw new IllegalArgumentException("eidetic archive is missing");
        }
        if (chunk == null) {
            throw new IllegalArgumentException("chunk is missing");
        }
        chunk.requireFits(spec);
        if (st.window() != window) {
            throw new IllegalArgumentException("state has window " + st.window() + ", settings say " + window);
        }
        if (st.cell().data().length != cell.stateSize()) {
            throw new IllegalArgumentException("state's cell has " + st.cell().data().length + " floats, expected "
                    + cell.stateSize());
        }
        int slots = 2 * window;
        if (st.ringKeys().length != slots * heads * keyDim || st.ringValues().length != slots * heads * valueDim
                || st.ringOutputs().length != slots * heads * valueDim || st.ringInnovations().length != slots * heads) {
            throw new IllegalArgumentException("state's ring does not match 2w=" + slots + " H=" + heads + " K="
                    + keyDim + " V=" + valueDim);
        }
        checkBuffer("eidetic store", st.eidetic(), settings.capacity());
        checkBuffer("top-m candidates", st.candidates(), candidateSlots());
        checkBuffer("retrieved set", st.retrieved(), retrievedSlots());
        long need = (long) chunk.length() * heads * valueDim;
        if (out == null || out.length < need) {
            throw new IllegalArgumentException("output buffer has " + (out == null ? "no" : out.length)
                    + " floats, needs at least " + need + " (T*H*V)");
        }
    }
}
