package dev.keymem.models.caching;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.caching.CachingSettings.CarryOver;
import dev.keymem.models.caching.CachingSettings.Eviction;
import dev.keymem.models.caching.CachingSettings.GateSource;
import dev.keymem.models.caching.CachingSettings.ReadVariant;
import dev.keymem.models.caching.CachingSettings.Segmentation;
import dev.keymem.models.caching.CachingSettings.TtlMode;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Memory Caching (docs/design/mechanisms.md section 2) over any {@link MemoryCell}. It holds no per-key data (that
 * lives in a {@link CachingState} and a {@link CacheStore}), so one instance serves every key; it is as
 * thread-safe as its cell (the matrix cells keep scratch buffers: one instance per operator instance).
 * Gate queries passed with a RESIDUAL read are ignored.
 *
 * <p><b>Segments.</b> A segment closes after the token at position p (0-based) when p + 1 is a multiple
 * of the segment length L; the cut depends only on positions, never on chunk arrival. At a close the
 * cache C_s is the online state and its summary keeps the exact key sum and count of the segment (mean
 * key = sum / count). Then, in order: the online state restarts from the cell's fresh state (independent
 * mode only), logarithmic merges, TTL expiry, the cap (see {@link CachingSettings}). Merges are defined
 * in {@code CacheBook.merge}: the merged cache keeps the newer id, exact summed summaries, and in
 * checkpoint mode the newer checkpoint (exactly the checkpoint of the merged segment); in independent
 * mode exp(G_B) C_A + C_B, which is exactly the state of the merged segment run from zero for the linear
 * and gated linear cells, the only cells for which independent mode may merge.
 *
 * <p><b>Reads</b> for token t (the online state S_t includes token t; the online output is the cell's own
 * output): RESIDUAL o = S_t(q) + sum_i C_i(q). Gated reads use logits r_i = &lt;u_t, mu_i&gt; (raw dot
 * product, no scale) over the caches and the online summary (the causal running mean of the current
 * segment's keys including token t): GRM o = gamma_on S_t(q) + sum_i gamma_i C_i(q); SOUP mixes the state
 * arrays with the same gates (per head: each head's blocks of the state; for the normaliser the key sums
 * are mixed like every other entry; for deep memory every tensor of the state, weights, momenta and
 * mini-batch snapshots alike, though the read uses only the weights) and reads once; SSC keeps the top-k caches per (token, gate) (ties: the older cache), softmax over those and the
 * online state, and reads only the kept caches.
 *
 * <p>With linear memory in checkpoint mode the Residual read of token t in segment s is the read of one
 * state, M_t = S_t + sum_{i&lt;s} C_i = sum_{j&lt;=t} (1 + s - seg(j)) k_j v_j^T (older tokens weigh more);
 * in independent mode the caches partition the stream and Residual is exactly the plain linear cell.
 *
 * <p><b>Forms.</b> {@link #forwardReference} advances the cell one token at a time and reads every needed
 * cache per token. {@link #forward} splits the chunk at segment boundaries, advances the cell with its own
 * (chunked) form per piece, routes each piece with one [T,K] x [K,N] product per head against all
 * summaries, and reads each needed cache once per piece for all its tokens (and loads each cache at most
 * once per call). Soup with a read that is not linear in the state (deep memory, normaliser) needs S_t
 * itself, so that case advances the online state token by token inside the piece; for linear reads Soup
 * equals GRM and takes its path.
 */
public final class MemoryCaching {
    private final MemoryCell cell;
    private final CachingSettings settings;
    private final TensorBackend backend;
    private final CellSpec spec;
    private final StateLayout layout;
    private final CacheBook book;
    private final int heads;
    private final int keyDim;
    private final int valueDim;
    private final int groups;
    private final boolean linearRead;
    private final BatchAdvancer localAdvancer;
    private final CacheReader localReader;

    public MemoryCaching(MemoryCell cell, CachingSettings settings) {
        this(cell, settings, Backends.java());
    }

    public MemoryCaching(MemoryCell cell, CachingSettings settings, TensorBackend backend) {
        this.cell = Objects.requireNonNull(cell, "cell");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.spec = cell.spec();
        this.layout = new StateLayout(cell);
        this.heads = spec.heads();
        this.keyDim = spec.keyDim();
        this.valueDim = spec.valueDim();
        this.groups = settings.gatesPerHead() ? heads : 1;
        this.linearRead = layout.matrix && !spec.normalize();
        boolean merges = settings.segmentation() == Segmentation.LOGARITHMIC
                || (settings.maxCaches() > 0 && settings.eviction() == Eviction.MERGE_OLDEST);
        if (settings.carryOver() == CarryOver.INDEPENDENT && merges
                && !(layout.matrix && (spec.kind() == CellKind.LINEAR || spec.kind() == CellKind.GATED_LINEAR))) {
            throw new IllegalArgumentException("carry-over INDEPENDENT with "
                    + (settings.segmentation() == Segmentation.LOGARITHMIC ? "LOGARITHMIC segmentation"
                    : "MERGE_OLDEST eviction")
                    + " merges independent caches, which is exact only for the linear and gated_linear cells, not "
                    + spec.kind().configName() + "; use CHECKPOINT carry-over or DROP_LEAST_ROUTED eviction");
        }
        if (settings.read() == ReadVariant.SOUP && settings.gatesPerHead() && !layout.perHeadKnown()) {
            throw new IllegalArgumentException("SOUP with per-head gates needs a state laid out per head (the "
                    + "matrix or deep cells); this " + spec.kind().configName() + " cell has H=" + heads
                    + " and an unknown layout of " + cell.stateSize() + " floats: use gatesPerHead=false");
        }
        this.book = new CacheBook(cell, settings, layout);
        this.localAdvancer = BatchAdvancer.of(cell);
        this.localReader = CacheReader.of(cell);
    }

    public MemoryCell cell() {
        return cell;
    }

    public CachingSettings settings() {
        return settings;
    }

    /** A fresh per-key state at position 0 with no caches. */
    public CachingState newState() {
        return new CachingState(cell.newState(), 0L, new double[heads * keyDim], new double[heads], 0L, List.of());
    }

    /** Position after which the segment containing {@code position} closes (exclusive end). */
    public long segmentEnd(long position) {
        long l = settings.segmentLength();
        return (position / l + 1) * l;
    }

    /** Fast form with parameter-free gates and no timestamps. */
    public void forward(CachingState st, CacheStore store, TokenChunk chunk, float[] out) {
        forward(st, store, chunk, null, null, out);
    }

    /**
     * Fast (chunked) form: advances the key's memory over {@code chunk} and writes the reads
     * {@code [T,H,V]} into {@code out}.
     *
     * @param gateQueries u [T,H,K] for LEARNED gates (null for PARAM_FREE, which uses q)
     * @param timestamps  the caller's timestamp per token [T] (needed for TIMESTAMP TTL; else may be null);
     *                    a cache is stamped with its last token's timestamp
     */
    public void forward(CachingState st, CacheStore store, TokenChunk chunk, float[] gateQueries,
                        long[] timestamps, float[] out) {
        forward(localAdvancer, localReader, List.of(new Item(null, st, store, chunk, gateQueries, timestamps, out)));
    }

    /**
     * One key's part of a batch for {@link #forward(BatchAdvancer, CacheReader, List)}: the same
     * arguments as {@link #forward(CachingState, CacheStore, TokenChunk, float[], long[], float[])} plus
     * the key ({@code owner}) that names the key's caches to the {@link CacheReader} (null: unnamed).
     */
    public record Item(Object owner, CachingState state, CacheStore store, TokenChunk chunk, float[] gateQueries,
                       long[] timestamps, float[] out) {
    }

    /**
     * The fast form for many keys at once: every key's reads and final state are exactly those of
     * {@link #forward(CachingState, CacheStore, TokenChunk, float[], long[], float[])} on that key alone
     * when {@code online} and {@code reader} compute what the cell computes (bit for bit with the CPU
     * forms {@link BatchAdvancer#of} and {@link CacheReader#of} of this cell).
     *
     * <p>Each key's chunk is cut at its segment boundaries into pieces. Round r takes the r-th piece of
     * every key that has one: it routes each piece (CPU), advances all their online states in one
     * {@code online.advance} call, reads the caches every piece needs in one {@code reader.read} call,
     * combines the reads per key, and closes the segments that end there. A {@link java.io.Flushable}
     * advancer (which may keep states elsewhere) is flushed before any host state is used: after the
     * advance of a round in which a segment closes (the close freezes the online state into a cache and,
     * in independent mode, resets it), and before the token-by-token Soup of a non-linear read. Keys must
     * be distinct objects with distinct states. Soup with a non-linear read runs on the CPU, key by key.
     */
    public void forward(BatchAdvancer online, CacheReader reader, List<Item> items) {
        Objects.requireNonNull(online, "online");
        Objects.requireNonNull(reader, "reader");
        List<Run> runs = new ArrayList<>(items.size());
        boolean memoize = items.size() == 1;
        for (Item it : items) {
            float[] u = check(it.state(), it.chunk(), it.gateQueries(), it.timestamps(), it.out());
            runs.add(new Run(it, u, memoize ? new MemoStore(it.store()) : it.store()));
        }
        Flushable resident = online instanceof Flushable f ? f : null;
        int hv = heads * valueDim;
        List<Run> active = new ArrayList<>(runs.size());
        while (true) {
            active.clear();
            boolean closes = false;
            boolean tokenwise = false;
            for (Run r : runs) {
                if (r.at < r.item.chunk().length()) {
                    r.cut(this);
                    active.add(r);
                    closes |= r.closes;
                    tokenwise |= r.tokenwise;
                }
            }
            if (active.isEmpty()) {
                return;
            }
            if (tokenwise && resident != null) {
                flush(resident);
            }
            List<Run> batched = new ArrayList<>(active.size());
            for (Run r : active) {
                if (r.tokenwise) {
                    soupTokenwise(r.item.state(), r.store, r.piece, r.gates, r.item.state().mutableCaches(),
                            r.item.out(), r.at * hv);
                    addKeys(r.item.state(), r.piece);
                    r.gates.accumulate(r.item.state().mutableCaches());
                } else {
                    batched.add(r);
                }
            }
            if (!batched.isEmpty()) {
                advanceOnline(online, batched);
                if (closes && resident != null) {
                    flush(resident);
                }
                List<CacheRead> reads = new ArrayList<>();
                for (Run r : batched) {
                    addKeys(r.item.state(), r.piece);
                    r.requestReads(this, reads);
                }
                reader.read(reads);
                for (Run r : batched) {
                    r.combine(this);
                }
            }
            for (Run r : active) {
                CachingState st = r.item.state();
                if (r.closes) {
                    long[] ts = r.item.timestamps();
                    book.close(st, r.store, ts == null ? 0L : ts[r.end - 1]);
                }
                r.at = r.end;
            }
        }
    }

    private static void flush(Flushable resident) {
        try {
            resident.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("flushing the online advancer failed", e);
        }
    }

    private void advanceOnline(BatchAdvancer online, List<Run> batched) {
        int n = batched.size();
        CellState[] states = new CellState[n];
        TokenChunk[] pieces = new TokenChunk[n];
        float[][] outs = new float[n][];
        int hv = heads * valueDim;
        for (int x = 0; x < n; x++) {
            Run r = batched.get(x);
            states[x] = r.item.state().online();
            pieces[x] = r.piece;
            outs[x] = r.onl = new float[r.piece.length() * hv];
        }
        online.advance(states, pieces, outs);
    }

    /** One key's progress through its chunk in a batched forward. */
    private static final class Run {
        final Item item;
        final float[] u;
        final CacheStore store;
        int at;
        int end;
        boolean closes;
        boolean tokenwise;
        TokenChunk piece;
        Gates gates;
        float[] onl;
        /** Per cache of this piece: the rows that read it (null: all) and the read's output. */
        int[][] rows;
        float[][] readOut;

        Run(Item item, float[] u, CacheStore store) {
            this.item = item;
            this.u = u;
            this.store = store;
        }

        /** Takes the next piece (tokens up to the segment end) and routes it. */
        void cut(MemoryCaching mc) {
            CachingState st = item.state();
            TokenChunk chunk = item.chunk();
            int T = chunk.length();
            long pos = st.position();
            long segEnd = mc.segmentEnd(pos);
            end = (int) Math.min(T, at + (segEnd - pos));
            closes = pos + (end - at) == segEnd;
            piece = (at == 0 && end == T) ? chunk : chunk.slice(at, end);
            List<CacheSummary> cs = st.mutableCaches();
            ReadVariant read = mc.settings.read();
            gates = read.gated() ? mc.route(st, piece, u, at, cs) : null;
            tokenwise = read == ReadVariant.SOUP && !mc.linearRead && !cs.isEmpty();
            onl = null;
        }

        /** Adds this piece's cache reads to {@code reads}. */
        void requestReads(MemoryCaching mc, List<CacheRead> reads) {
            List<CacheSummary> cs = item.state().mutableCaches();
            int nc = cs.size();
            int n = piece.length();
            int hk = mc.heads * mc.keyDim;
            int hv = mc.heads * mc.valueDim;
            rows = new int[nc][];
            readOut = new float[nc][];
            for (int i = 0; i < nc; i++) {
                float[] q = piece.q();
                int m = n;
                if (gates != null) {
                    int[] need = new int[n];
                    m = 0;
                    for (int t = 0; t < n; t++) {
                        if (gates.tokenNeeds(t, i)) {
                            need[m++] = t;
                        }
                    }
                    if (m == 0) {
                        continue;
                    }
                    if (m < n) {
                        rows[i] = Arrays.copyOf(need, m);
                        q = new float[m * hk];
                        for (int r = 0; r < m; r++) {
                            System.arraycopy(piece.q(), need[r] * hk, q, r * hk, hk);
                        }
                    }
                }
                readOut[i] = new float[m * hv];
                reads.add(new CacheRead(item.owner(), cs.get(i), store, q, m, readOut[i]));
            }
        }

        /** Writes the piece's reads: the online output and the cache reads, weighted by the gates. */
        void combine(MemoryCaching mc) {
            float[] out = item.out();
            int n = piece.length();
            int hv = mc.heads * mc.valueDim;
            int outOff = at * hv;
            int nc = readOut.length;
            if (gates == null) {
                System.arraycopy(onl, 0, out, outOff, n * hv);
                for (int i = 0; i < nc; i++) {
                    float[] tmp = readOut[i];
                    for (int x = 0; x < n * hv; x++) {
                        out[outOff + x] += tmp[x];
                    }
                }
            } else {
                for (int t = 0; t < n; t++) {
                    mc.weighted(onl, t * hv, gates, t, nc, out, outOff + t * hv);
                }
                for (int i = 0; i < nc; i++) {
                    if (readOut[i] == null) {
                        continue;
                    }
                    int m = rows[i] == null ? n : rows[i].length;
                    for (int r = 0; r < m; r++) {
                        int t = rows[i] == null ? r : rows[i][r];
                        mc.addWeighted(readOut[i], r * hv, gates, t, i, out, outOff + t * hv);
                    }
                }
                gates.accumulate(item.state().mutableCaches());
            }
            onl = null;
            readOut = null;
            rows = null;
        }
    }

    /** Reference form with parameter-free gates and no timestamps. */
    public void forwardReference(CachingState st, CacheStore store, TokenChunk chunk, float[] out) {
        forwardReference(st, store, chunk, null, null, out);
    }

    /** Reference (token by token) form; same contract as {@link #forward}. */
    public void forwardReference(CachingState st, CacheStore store, TokenChunk chunk, float[] gateQueries,
                                 long[] timestamps, float[] out) {
        float[] u = check(st, chunk, gateQueries, timestamps, out);
        int hk = heads * keyDim;
        int hv = heads * valueDim;
        float[] o1 = new float[hv];
        float[] r1 = new float[hv];
        for (int t = 0; t < chunk.length(); t++) {
            TokenChunk tok = chunk.slice(t, t + 1);
            long end = segmentEnd(st.position());
            cell.forward(st.online(), tok, o1);
            addKeys(st, tok);
            List<CacheSummary> cs = st.mutableCaches();
            int n = cs.size();
            float[] q = tok.q();
            int oo = t * hv;
            if (settings.read() == ReadVariant.RESIDUAL) {
                System.arraycopy(o1, 0, out, oo, hv);
                for (CacheSummary c : cs) {
                    cell.read(store.load(c.id()), q, 1, r1);
                    for (int x = 0; x < hv; x++) {
                        out[oo + x] += r1[x];
                    }
                }
            } else {
                double[] logits = new double[groups * (n + 1)];
                double cnt = st.segmentCount();
                for (int h = 0; h < heads; h++) {
                    int g = settings.gatesPerHead() ? h : 0;
                    int ub = t * hk + h * keyDim;
                    for (int i = 0; i < n; i++) {
                        CacheSummary c = cs.get(i);
                        double d = 0;
                        for (int x = 0; x < keyDim; x++) {
                            d += u[ub + x] * c.mean(h * keyDim + x);
                        }
                        logits[g * (n + 1) + i] += d;
                    }
                    double d = 0;
                    for (int x = 0; x < keyDim; x++) {
                        d += u[ub + x] * (st.segmentKeySum()[h * keyDim + x] / cnt);
                    }
                    logits[g * (n + 1) + n] += d;
                }
                Gates gt = Gates.fromLogits(logits, 1, groups, n,
                        settings.read() == ReadVariant.SSC ? settings.topK() : n);
                if (settings.read() == ReadVariant.SOUP) {
                    List<CellState> states = new ArrayList<>();
                    for (CacheSummary c : cs) {
                        states.add(store.load(c.id()));
                    }
                    cell.read(mix(st.online(), states, gt, 0), q, 1, r1);
                    System.arraycopy(r1, 0, out, oo, hv);
                } else {
                    weighted(o1, 0, gt, 0, n, out, oo);
                    for (int i = 0; i < n; i++) {
                        if (!gt.tokenNeeds(0, i)) {
                            continue;
                        }
                        cell.read(store.load(cs.get(i).id()), q, 1, r1);
                        addWeighted(r1, 0, gt, 0, i, out, oo);
                    }
                }
                gt.accumulate(cs);
            }
            if (st.position() == end) {
                book.close(st, store, timestamps == null ? 0L : timestamps[t]);
            }
        }
    }

    /**
     * Removes the caches whose timestamp is at least ttl before {@code now} (TIMESTAMP TTL only): for
     * callers that expire on a clock (e.g. a Flink timer) rather than at segment closes.
     */
    public void expire(CachingState st, CacheStore store, long now) {
        if (settings.ttlMode() != TtlMode.TIMESTAMP) {
            throw new IllegalStateException("expire(now) needs ttlMode TIMESTAMP, not " + settings.ttlMode());
        }
        book.expireWhere(st.mutableCaches(), store, c -> now - c.timestamp() >= settings.ttl());
    }

    private float[] check(CachingState st, TokenChunk chunk, float[] gateQueries, long[] timestamps, float[] out) {
        Objects.requireNonNull(st, "state");
        Objects.requireNonNull(chunk, "chunk");
        chunk.requireFits(spec);
        if (st.online().data().length != cell.stateSize()) {
            throw new IllegalArgumentException("online state has " + st.online().data().length
                    + " floats, the cell needs " + cell.stateSize());
        }
        if (out == null || out.length < chunk.length() * heads * valueDim) {
            throw new IllegalArgumentException("out must hold T*H*V = " + chunk.length() * heads * valueDim
                    + " floats, got " + (out == null ? "null" : out.length));
        }
        if (timestamps != null && timestamps.length != chunk.length()) {
            throw new IllegalArgumentException(
                    "timestamps has " + timestamps.length + " values, expected one per token: " + chunk.length());
        }
        if (timestamps == null && settings.ttlMode() == TtlMode.TIMESTAMP) {
            throw new IllegalArgumentException("ttlMode TIMESTAMP needs a timestamp per token");
        }
        if (settings.gates() == GateSource.LEARNED && settings.read().gated()) {
            if (gateQueries == null || gateQueries.length != chunk.length() * heads * keyDim) {
                throw new IllegalArgumentException("LEARNED gates need gate queries u [T,H,K] = "
                        + chunk.length() * heads * keyDim + " floats, got "
                        + (gateQueries == null ? "null" : gateQueries.length));
            }
            return gateQueries;
        }
        if (gateQueries != null && settings.read().gated()) {
            throw new IllegalArgumentException("gate queries given but gates are PARAM_FREE (u = q)");
        }
        return chunk.q();
    }

    /** Adds the tokens' keys and decays to the current segment's running sums, token by token. */
    private void addKeys(CachingState st, TokenChunk piece) {
        double[] sum = st.segmentKeySum();
        double[] dec = st.segmentLogDecay();
        float[] k = piece.k();
        float[] g = piece.g();
        int hk = heads * keyDim;
        for (int t = 0; t < piece.length(); t++) {
            for (int x = 0; x < hk; x++) {
                sum[x] += k[t * hk + x];
            }
            if (g != null) {
                for (int h = 0; h < heads; h++) {
                    dec[h] += g[t * heads + h];
                }
            }
        }
    }

    /** Gate weights for a piece: one [n,K] x [K,N] product per head against the cache means. */
    private Gates route(CachingState st, TokenChunk piece, float[] u, int u0, List<CacheSummary> cs) {
        int n = piece.length();
        int nc = cs.size();
        int hk = heads * keyDim;
        double[] logits = new double[n * groups * (nc + 1)];
        if (nc > 0) {
            float[] mu = new float[nc * keyDim];
            float[] prod = new float[n * nc];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < nc; i++) {
                    CacheSummary c = cs.get(i);
                    for (int x = 0; x < keyDim; x++) {
                        mu[i * keyDim + x] = (float) c.mean(h * keyDim + x);
                    }
                }
                backend.gemm(false, true, n, nc, keyDim, 1f, u, u0 * hk + h * keyDim, hk, mu, 0, keyDim,
                        0f, prod, 0, nc);
                int g = settings.gatesPerHead() ? h : 0;
                for (int t = 0; t < n; t++) {
                    int b = (t * groups + g) * (nc + 1);
                    for (int i = 0; i < nc; i++) {
                        logits[b + i] += prod[t * nc + i];
                    }
                }
            }
        }
        double[] run = st.segmentKeySum().clone();
        long cnt0 = st.segmentCount();
        float[] k = piece.k();
        for (int t = 0; t < n; t++) {
            for (int x = 0; x < hk; x++) {
                run[x] += k[t * hk + x];
            }
            double cnt = cnt0 + t + 1;
            for (int h = 0; h < heads; h++) {
                int g = settings.gatesPerHead() ? h : 0;
                int ub = (u0 + t) * hk + h * keyDim;
                double d = 0;
                for (int x = 0; x < keyDim; x++) {
                    d += u[ub + x] * (run[h * keyDim + x] / cnt);
                }
                logits[(t * groups + g) * (nc + 1) + nc] += d;
            }
        }
        return Gates.fromLogits(logits, n, groups, nc, settings.read() == ReadVariant.SSC ? settings.topK() : nc);
    }

    /** Soup with a non-linear read: S_t is needed per token, so the online state advances token by token. */
    private void soupTokenwise(CachingState st, CacheStore store, TokenChunk piece, Gates gt, List<CacheSummary> cs,
                               float[] out, int outOff) {
        List<CellState> states = new ArrayList<>();
        for (CacheSummary c : cs) {
            states.add(store.load(c.id()));
        }
        int hv = heads * valueDim;
        int hk = heads * keyDim;
        float[] o1 = new float[hv];
        float[] q1 = new float[hk];
        for (int t = 0; t < piece.length(); t++) {
            cell.forward(st.online(), piece.slice(t, t + 1), o1);
            System.arraycopy(piece.q(), t * hk, q1, 0, hk);
            cell.read(mix(st.online(), states, gt, t), q1, 1, o1);
            System.arraycopy(o1, 0, out, outOff + t * hv, hv);
        }
    }

    /** The Soup state for token t: per gate group, gamma_on S_t + sum_i gamma_i C_i over the group's ranges. */
    private CellState mix(CellState online, List<CellState> caches, Gates gt, int t) {
        float[] m = new float[layout.size];
        int nc = caches.size();
        for (int g = 0; g < groups; g++) {
            for (int[] r : layout.ranges(g, settings.gatesPerHead())) {
                float w = (float) gt.online(t, g);
                float[] s = online.data();
                for (int x = r[0]; x < r[0] + r[1]; x++) {
                    m[x] = w * s[x];
                }
                for (int i = 0; i < nc; i++) {
                    if (!gt.selected(t, g, i)) {
                        continue;
                    }
                    float wi = (float) gt.gamma(t, g, i);
                    float[] c = caches.get(i).data();
                    for (int x = r[0]; x < r[0] + r[1]; x++) {
                        m[x] += wi * c[x];
                    }
                }
            }
        }
        return new CellState(m, online.position());
    }

    /** out[h,:] = gamma_on(t, g(h)) * onl[h,:] for one token. */
    private void weighted(float[] onl, int onlOff, Gates gt, int t, int nc, float[] out, int outOff) {
        for (int h = 0; h < heads; h++) {
            float w = (float) gt.online(t, settings.gatesPerHead() ? h : 0);
            for (int x = 0; x < valueDim; x++) {
                out[outOff + h * valueDim + x] = w * onl[onlOff + h * valueDim + x];
            }
        }
    }

    /** out[h,:] += gamma_i(t, g(h)) * r[h,:] for one token, on the heads whose gate selected cache i. */
    private void addWeighted(float[] r, int rOff, Gates gt, int t, int i, float[] out, int outOff) {
        for (int h = 0; h < heads; h++) {
            int g = settings.gatesPerHead() ? h : 0;
            if (!gt.selected(t, g, i)) {
                continue;
            }
            float w = (float) gt.gamma(t, g, i);
            for (int x = 0; x < valueDim; x++) {
                out[outOff + h * valueDim + x] += w * r[rOff + h * valueDim + x];
            }
        }
    }

    /** Loads each cache at most once per call; stores and removes go straight through. */
    private static final class MemoStore implements CacheStore {
        private final CacheStore delegate;
        private final Map<Long, CellState> loaded = new HashMap<>();

        MemoStore(CacheStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CellState load(long cacheId) {
            return loaded.computeIfAbsent(cacheId, delegate::load);
        }

        @Override
        public void store(long cacheId, CellState state) {
            delegate.store(cacheId, state);
            loaded.put(cacheId, state);
        }

        @Override
        public void remove(long cacheId) {
            delegate.remove(cacheId);
            loaded.remove(cacheId);
        }
    }
}
