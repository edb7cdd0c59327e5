package dev.keymem.cuda;

import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.TokenChunk;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Advances many keys' matrix memories (gated delta, delta, gated linear, linear) in one device step
 * with the chunked algorithm of docs/design/mechanisms.md, on a CUDA GPU.
 *
 * <p>Per key and head the stream is cut into chunks of C tokens (C = {@link Options#chunk()}, keys'
 * lengths padded with no-op tokens: k = v = beta = g = 0). With G the in-chunk cumulative sum of g and
 * S0 the state at the chunk start:
 * A[t][i] = beta_t exp(G_t - G_i) k_t.k_i (i &lt; t), T = (I + A)^-1, W = (T diag(beta exp(G))) K,
 * U = T (beta V) - W S0, O = diag(exp(G)) Q~ S0 + tril(Q~ K^T exp(G_t - G_i)) U,
 * S_C = exp(G_C) S0 + (K exp(G_C - G_i))^T U, Q~ = scale q. (Linear cells: U = V, no W.) Everything that
 * does not depend on S is computed for all chunks of all keys at once; the S-dependent products run
 * chunk step by chunk step, each one cuBLAS strided-batched SGEMM across all active (key, head)
 * pairs. Keys are sorted by chunk count so that each step's active pairs are a prefix.
 *
 * <p>Two ways to call it: {@link #advance} (the {@link BatchAdvancer} seam: states travel host to
 * device and back in one pinned transfer each way per group) and {@link #advanceResident}, where
 * keys' states stay on the device between calls in an LRU cache of {@link Options#cacheCapacity()}
 * keys; {@link #flush()} writes dirty states back into their host {@link CellState} arrays (call it
 * before checkpoint barriers), and eviction writes back too. Batches larger than the workspace
 * budget are split into groups of keys run one after another.
 *
 * <p>Not thread-safe: one caller at a time. The normaliser and the deep cell are not supported.
 */
public final class CudaGatedDelta implements BatchAdvancer, AutoCloseable {

    /**
     * @param chunk          the in-chunk token count C of the algorithm (1..64)
     * @param precision      which products may use TF32 tensor cores (see {@link Precision})
     * @param cacheCapacity  keys whose states the resident cache holds (0: a quarter of free memory)
     * @param workspaceBytes device memory for one group's inputs and intermediates (0: half of free memory)
     */
    public record Options(int chunk, Precision precision, int cacheCapacity, long workspaceBytes) {
        public Options {
            if (chunk < 1 || chunk > 64) {
                throw new IllegalArgumentException("chunk must be in 1..64: " + chunk);
            }
            java.util.Objects.requireNonNull(precision, "precision");
            if (cacheCapacity < 0 || workspaceBytes < 0) {
                throw new IllegalArgumentException("cacheCapacity and workspaceBytes must be >= 0");
            }
        }

        public static Options defaults() {
            return new Options(64, Precision.FP32, 0, 0);
        }

        /** TF32 for every product (true) or FP32 for all (false). */
        public Options withTf32(boolean on) {
            return withPrecision(on ? Precision.TF32 : Precision.FP32);
        }

        public Options withPrecision(Precision p) {
            return new Options(chunk, p, cacheCapacity, workspaceBytes);
        }

        public Options withCacheCapacity(int keys) {
            return new Options(chunk, precision, keys, workspaceBytes);
        }

        public Options withWorkspaceBytes(long bytes) {
            return new Options(chunk, precision, cacheCapacity, bytes);
        }

        public Options withChunk(int c) {
            return new Options(c, precision, cacheCapacity, workspaceBytes);
        }
    }

    /**
     * Which cuBLAS products may round their operands to TF32 on tensor cores. FP32: none (errors
     * ~1e-6 relative to float64). TF32_LOCAL: the chunk-local products (K K^T, Q K^T, T (beta e^G K),
     * T (beta V)), not those with the state. TF32: all (errors up to ~1e-3 measured on an H100).
     */
    public enum Precision { FP32, TF32_LOCAL, TF32 }

    /**
     * Where the last call's time went, in milliseconds, summed over its groups. Device phases are
     * measured with events on their streams; in the pipelined {@link #advance} they overlap across
     * groups, and deviceTotal is the elapsed device time from the first upload to the last download
     * (in the resident path, with one stream, it is the sum). Host phases use the wall clock.
     * compute includes the resident cache's gather/scatter of states.
     */
    public record PhaseTimes(double inputUpload, double stateUpload, double compute, double outputDownload,
                             double stateDownload, double deviceTotal, double hostPack, double hostUnpack, double wall,
                             int groups, long tokens) {
    }

    private static final int EV = 6;

    private final CellSpec spec;
    private final Options options;
    private final Device dev;
    private final int heads;
    private final int kDim;
    private final int vDim;
    private final int chunk;
    private final int stateLen;
    private final boolean delta;
    private final boolean gated;
    private final long budget;
    private final Workspace ws;
    private final Workspace ws2;
    private PhaseTimes last;

    // resident cache
    private final int cacheCapacity;
    private long pool;
    private final LinkedHashMap<Long, Entry> resident = new LinkedHashMap<>(16, 0.75f, true);
    // smallest free slot first, so that keys loaded together get consecutive slots (in-place steps)
    private final java.util.TreeSet<Integer> freeSlots = new java.util.TreeSet<>();
    private int nextSlot;
    /** Groups stepped on the pool in place (no gather/scatter), for tests. */
    long inPlaceGroups;

    private static final class Entry {
        final int slot;
        CellState state;
        boolean dirty;

        Entry(int slot, CellState state) {
            this.slot = slot;
            this.state = state;
        }
    }

    /** Why the CUDA path cannot run here, or null when a device is usable. */
    public static String unavailableReason() {
        return CudaDevice.unavailableReason();
    }

    /** Opens the CUDA path on device 0; throws IllegalStateException naming what is missing. */
    public static CudaGatedDelta open(CellSpec spec, Options options) {
        checkSpec(spec);
        CudaDevice d = new CudaDevice(0, options.chunk());
        return new CudaGatedDelta(spec, options, d);
    }

    /** The same pipeline on the plain-Java emulated device with {@code memory} bytes (tests). */
    static CudaGatedDelta emulated(CellSpec spec, Options options, long memory) {
        checkSpec(spec);
        return new CudaGatedDelta(spec, options, new EmulatedDevice(options.chunk(), memory));
    }

    private static void checkSpec(CellSpec spec) {
        if (spec.kind() == CellKind.DEEP) {
            throw new IllegalArgumentException("the CUDA path advances the matrix cells only, not " + spec.kind().configName());
        }
        if (spec.normalize()) {
            throw new UnsupportedOperationException("the CUDA path does not support the linear-attention normaliser");
        }
        if (((long) spec.keyDim() * spec.valueDim()) % 4 != 0) {
            throw new IllegalArgumentException("the CUDA path needs K*V divisible by 4: K=" + spec.keyDim() + " V=" + spec.valueDim());
        }
    }

    private CudaGatedDelta(CellSpec spec, Options options, Device dev) {
        this.spec = spec;
        this.options = options;
        this.dev = dev;
        this.heads = spec.heads();
        this.kDim = spec.keyDim();
        this.vDim = spec.valueDim();
        this.chunk = options.chunk();
        this.stateLen = heads * kDim * vDim;
        this.delta = spec.kind().usesBeta();
        this.gated = spec.kind().usesGate();
        bind();
        long free = dev.freeMemory();
        long stateBytes = 4L * stateLen;
        this.cacheCapacity = options.cacheCapacity() > 0 ? options.cacheCapacity()
                : (int) Math.max(1, Math.min(1 << 20, free / 4 / stateBytes));
        this.budget = options.workspaceBytes() > 0 ? options.workspaceBytes() : free / 2;
        this.ws = new Workspace();
        this.ws2 = new Workspace();
    }

    private void bind() {
        if (dev instanceof CudaDevice c) {
            c.bind();
        }
    }

    @Override
    public String name() {
        return "cuda:" + spec.kind().configName() + " on " + dev.describe();
    }

    public CellSpec spec() {
        return spec;
    }

    public Options options() {
        return options;
    }

    /** Device, driver and runtime, as the device reports them. */
    public String deviceDescription() {
        return dev.describe();
    }

    /** Phase times of the last advance call, or null before the first. */
    public PhaseTimes lastTimes() {
        return last;
    }

    public int cacheCapacity() {
        return cacheCapacity;
    }

    /** Keys whose states are resident on the device now. */
    public int residentCount() {
        return resident.size();
    }

    /** Whether the key's state is resident on the device now (not yet evicted or invalidated). */
    public boolean isResident(long keyId) {
        return resident.containsKey(keyId);
    }

    // ------------------------------------------------------------------------------------------
    // Sizing and groups

    /** Device bytes one padded token needs (raw inputs, outputs, all per-slot intermediates). */
    private long bytesPerToken() {
        long perHead = (2L * kDim + vDim + 2) + vDim + (5L * kDim + 3L * vDim + 3L * chunk + 2) + 2;
        return 4L * heads * perHead + 8;
    }

    private long bytesPerKey() {
        return 8L * stateLen + 4;
    }

    private record Group(int[] keys, int tokens, int[] tokOff, int[] chunks) {
        int slots(int heads, int chunk) {
            return tokens / chunk * heads;
        }
    }

    /** Keys with tokens, sorted by chunk count (descending), cut into groups that fit the budget. */
    private List<Group> plan(TokenChunk[] chunks, int maxKeysPerGroup) {
        return plan(chunks, maxKeysPerGroup, budget, Long.MAX_VALUE);
    }

    private List<Group> plan(TokenChunk[] chunks, int maxKeysPerGroup, long groupBudget, long maxTokens) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < chunks.length; i++) {
            if (chunks[i].length() > 0) {
                order.add(i);
            }
        }
        order.sort((a, b) -> Integer.compare(chunks[b].length(), chunks[a].length()));
        List<Group> groups = new ArrayList<>();
        int start = 0;
        while (start < order.size()) {
            long tokens = 0;
            int end = start;
            while (end < order.size()) {
                long pad = padded(chunks[order.get(end)].length());
                long need = (tokens + pad) * bytesPerToken() + (long) (end - start + 1) * bytesPerKey();
                if (end > start && (need > groupBudget || tokens + pad > maxTokens || end - start >= maxKeysPerGroup || tokens + pad > Integer.MAX_VALUE / 4 / heads / Math.max(kDim, vDim))) {
                    break;
                }
                tokens += pad;
                end++;
            }
            int n = end - start;
            int[] keys = new int[n];
            int[] off = new int[n];
            int[] nc = new int[n];
            int t = 0;
            for (int r = 0; r < n; r++) {
                keys[r] = order.get(start + r);
                off[r] = t;
                nc[r] = padded(chunks[keys[r]].length()) / chunk;
                t += nc[r] * chunk;
            }
            groups.add(new Group(keys, t, off, nc));
            start = end;
        }
        return groups;
    }

    private int padded(int length) {
        return (length + chunk - 1) / chunk * chunk;
    }

    // ------------------------------------------------------------------------------------------
    // Device workspace, grown on demand

    private final class Workspace {
        long tokensCap = -1;
        long keysCap = -1;
        long in, out, meta, qkh, qg, kd, w, vb, u, o, pk, tw, gs, bs, gamma, s, miss;
        Device.HostBuffer hIn, hOut, hMeta, hState;

        void ensure(long tokens, long keys) {
            if (tokens > tokensCap) {
                freeTokens();
                tokensCap = Math.max(tokens, chunk);
                long slots = tokensCap / chunk * heads;
                long tc = tokensCap * heads;
                in = dev.malloc(4 * tc * (2L * kDim + vDim + 2));
                out = dev.malloc(4 * tc * vDim);
                meta = dev.malloc(4 * (2 * slots));
                qkh = dev.malloc(8 * tc * kDim);
                qg = dev.malloc(4 * tc * kDim);
                kd = dev.malloc(4 * tc * kDim);
                w = dev.malloc(4 * tc * kDim);
                vb = dev.malloc(4 * tc * vDim);
                u = dev.malloc(4 * tc * vDim);
                o = dev.malloc(4 * tc * vDim);
                pk = dev.malloc(8 * slots * chunk * chunk);
                tw = dev.malloc(4 * slots * chunk * chunk);
                gs = dev.malloc(4 * tc);
                bs = dev.malloc(4 * tc);
                gamma = dev.malloc(4 * slots);
                hIn = dev.pinned(4 * tc * (2L * kDim + vDim + 2));
                hOut = dev.pinned(4 * tc * vDim);
                hMeta = dev.pinned(4 * (2 * slots));
            }
            if (keys > keysCap) {
                freeKeys();
                keysCap = Math.max(keys, 1);
                s = dev.malloc(4 * keysCap * stateLen);
                miss = dev.malloc(4 * keysCap * stateLen + 8 * keysCap);
                hState = dev.pinned(4 * keysCap * stateLen + 8 * keysCap);
            }
        }

        void freeTokens() {
            if (tokensCap < 0) {
                return;
            }
            for (long p : new long[] {in, out, meta, qkh, qg, kd, w, vb, u, o, pk, tw, gs, bs, gamma}) {
                dev.free(p);
            }
            hIn.free();
            hOut.free();
            hMeta.free();
            tokensCap = -1;
        }

        void freeKeys() {
            if (keysCap < 0) {
                return;
            }
            dev.free(s);
            dev.free(miss);
            hState.free();
            keysCap = -1;
        }
    }

    // ------------------------------------------------------------------------------------------
    // The plain batch seam

    /**
     * The plain seam, pipelined: the batch is cut into groups (at least four when it is large), each
     * with its own workspace of two, and three streams overlap group i+1's upload (inputs and states,
     * one pinned transfer each), group i's compute and group i-1's download (outputs and states).
     */
    @Override
    public void advance(CellState[] states, TokenChunk[] chunks, float[][] outs) {
        validate(null, states, chunks, outs);
        bind();
        long wall0 = System.nanoTime();
        Times tm = new Times();
        long total = 0;
        for (TokenChunk c : chunks) {
            total += padded(c.length());
        }
        long perGroup = Math.max(PIPELINE_MIN_TOKENS, (total + PIPELINE_PARTS - 1) / PIPELINE_PARTS);
        List<Group> groups = plan(chunks, Integer.MAX_VALUE, budget / 2, perGroup);
        Workspace[] w = {ws, ws2};
        Group[] pending = new Group[2];
        dev.useStream(H2D);
        dev.record(EV_BEGIN);
        dev.useStream(COMPUTE);
        for (int gi = 0; gi < groups.size(); gi++) {
            int k = gi & 1;
            Group g = groups.get(gi);
            if (pending[k] != null) {
                finishPlain(w[k], k, pending[k], states, chunks, outs, tm);
                pending[k] = null;
            }
            w[k].ensure(g.tokens(), g.keys().length);
            int n = g.keys().length;
            long t0 = System.nanoTime();
            if (!skipInputTransfers) {
                packInputs(w[k], g, chunks);
            } else {
                packMeta(w[k], g);
            }
            Workspace wk = w[k];
            forKeys(n, r -> wk.hState.putFloats((long) r * stateLen, states[g.keys()[r]].data(), 0, stateLen));
            tm.pack += System.nanoTime() - t0;
            int e = ev(k, 0);
            dev.useStream(H2D);
            dev.record(e);
            if (!skipInputTransfers) {
                uploadInputs(w[k], g);
            } else {
                dev.upload(w[k].meta, w[k].hMeta, 0, 8L * g.slots(heads, chunk));
            }
            dev.record(e + 1);
            dev.upload(w[k].s, w[k].hState, 0, 4L * n * stateLen);
            dev.record(e + 2);
            dev.useStream(COMPUTE);
            dev.waitEvent(e + 2);
            dev.record(e + 3);
            compute(w[k], g, w[k].s);
            dev.record(e + 4);
            dev.useStream(D2H);
            dev.waitEvent(e + 4);
            if (!skipInputTransfers) {
                dev.download(w[k].hOut, 0, w[k].out, 4L * g.tokens() * heads * vDim);
            }
            dev.record(e + 5);
            dev.download(w[k].hState, 0, w[k].s, 4L * n * stateLen);
            dev.record(e + 6);
            dev.useStream(COMPUTE);
            pending[k] = g;
        }
        dev.useStream(D2H);
        dev.record(EV_END);
        dev.useStream(COMPUTE);
        int first = groups.size() & 1; // the older of the two pending groups
        for (int i = 0; i < 2; i++) {
            int k = (first + i) & 1;
            if (pending[k] != null) {
                finishPlain(w[k], k, pending[k], states, chunks, outs, tm);
            }
        }
        dev.sync();
        tm.device = groups.isEmpty() ? 0 : dev.elapsedMs(EV_BEGIN, EV_END);
        for (int i = 0; i < states.length; i++) {
            states[i].advance(chunks[i].length());
        }
        last = tm.finish(System.nanoTime() - wall0);
    }

    private static final int COMPUTE = 0;
    private static final int H2D = 1;
    private static final int D2H = 2;
    private static final int EV_BEGIN = 30;
    private static final int EV_END = 31;
    private static final int PIPELINE_PARTS = 4;
    private static final long PIPELINE_MIN_TOKENS = 1 << 14;

    private static int ev(int k, int i) {
        return 8 + 8 * k + i;
    }

    /** Waits for group g's download, then copies its outputs and states into the Java arrays. */
    private void finishPlain(Workspace w, int k, Group g, CellState[] states, TokenChunk[] chunks, float[][] outs, Times tm) {
        int e = ev(k, 0);
        dev.syncEvent(e + 6);
        tm.inUp += dev.elapsedMs(e, e + 1);
        tm.stUp += dev.elapsedMs(e + 1, e + 2);
        tm.comp += dev.elapsedMs(e + 3, e + 4);
        tm.outDown += dev.elapsedMs(e + 4, e + 5);
        tm.stateDown += dev.elapsedMs(e + 5, e + 6);
        long t1 = System.nanoTime();
        if (!skipInputTransfers) {
            unpackOutputs(w, g, chunks, outs);
        }
        forKeys(g.keys().length, r -> w.hState.getFloats((long) r * stateLen, states[g.keys()[r]].data(), 0, stateLen));
        tm.unpack += System.nanoTime() - t1;
        tm.groups++;
        tm.tokens += g.tokens();
    }

    private boolean skipInputTransfers;

    /**
     * For benchmarks only: the plain {@link #advance} skips packing and uploading inputs and
     * downloading outputs, computing on whatever inputs the device buffers hold ("inputs already on
     * the device"); outputs are then NOT written. States still travel both ways.
     */
    void setBenchmarkSkipInputTransfers(boolean on) {
        skipInputTransfers = on;
    }

    // ------------------------------------------------------------------------------------------
    // The resident cache

    /**
     * Advances keys whose states may be resident on the device. For a key not resident, its state is
     * read from {@code states[i]} (one pinned transfer for all such keys of a group); afterwards every
     * key of the batch is resident and dirty, and {@code states[i]} is the array {@link #flush()} or
     * eviction writes it back to. A resident key's host array is stale until then; its position is
     * advanced at once. Key ids must be distinct within a call.
     */
    public void advanceResident(long[] keyIds, CellState[] states, TokenChunk[] chunks, float[][] outs) {
        validate(keyIds, states, chunks, outs);
        bind();
        ensurePool();
        long wall0 = System.nanoTime();
        Times tm = new Times();
        for (Group g : plan(chunks, cacheCapacity, budget / 2, Long.MAX_VALUE)) {
            ws.ensure(g.tokens(), g.keys().length);
            int n = g.keys().length;
            Set<Long> inGroup = new HashSet<>();
            int misses = 0;
            for (int key : g.keys()) {
                inGroup.add(keyIds[key]);
                if (!resident.containsKey(keyIds[key])) {
                    misses++;
                }
            }
            // Make room: evict least recently used keys not in this group, writing them back.
            int needed = misses - (freeSlots.size() + (cacheCapacity - nextSlot));
            if (needed > 0) {
                tm.stateDown += evict(needed, inGroup, tm);
            }
            long t0 = System.nanoTime();
            packInputs(ws, g, chunks);
            int[] idx = new int[n];
            int m = 0;
            for (int r = 0; r < n; r++) {
                int key = g.keys()[r];
                Entry e = resident.get(keyIds[key]);
                if (e != null) {
                    idx[r] = e.slot;
                    e.state = states[key];
                } else {
                    ws.hState.putFloats((long) m * stateLen, states[key].data(), 0, stateLen);
                    idx[r] = -(m + 1);
                    m++;
                }
            }
            // After the gather, the misses get slots (the scatter writes them).
            int[] slots = new int[n];
            for (int r = 0; r < n; r++) {
                int key = g.keys()[r];
                Entry e = resident.get(keyIds[key]);
                if (e == null) {
                    e = new Entry(takeSlot(), states[key]);
                    resident.put(keyIds[key], e);
                }
                e.dirty = true;
                slots[r] = e.slot;
            }
            long idxOff = 4L * ws.keysCap * stateLen;
            ws.hState.putInts(ws.keysCap * stateLen, idx, 0, n);
            ws.hState.putInts(ws.keysCap * stateLen + n, slots, 0, n);
            tm.pack += System.nanoTime() - t0;
            dev.record(0);
            uploadInputs(ws, g);
            dev.record(1);
            dev.upload(ws.miss, ws.hState, 0, 4L * m * stateLen);
            // The gather/scatter indices travel in the miss buffer's tail, after the states.
            long dIdx = ws.miss + idxOff;
            dev.upload(dIdx, ws.hState, idxOff, 4L * n);
            dev.record(2);
            // Steady state: the group's keys sit in consecutive pool slots in batch order and none was
            // just loaded; then the step runs on the pool itself, with no gather and no scatter.
            boolean inPlace = m == 0;
            for (int r = 1; r < n && inPlace; r++) {
                inPlace = slots[r] == slots[0] + r;
            }
            if (inPlace) {
                inPlaceGroups++;
                compute(ws, g, pool + 4L * slots[0] * stateLen);
            } else {
                op("resident gather", () -> dev.launch("kd_gather", n, 256, ws.s, pool, ws.miss, dIdx, stateLen));
                compute(ws, g, ws.s);
                dev.upload(dIdx, ws.hState, idxOff + 4L * n, 4L * n);
                op("resident scatter", () -> dev.launch("kd_scatter", n, 256, pool, ws.s, dIdx, stateLen));
            }
            dev.record(3);
            dev.download(ws.hOut, 0, ws.out, 4L * g.tokens() * heads * vDim);
            dev.record(4);
            dev.record(5);
            dev.sync();
            tm.addEvents();
            long t1 = System.nanoTime();
            unpackOutputs(ws, g, chunks, outs);
            tm.unpack += System.nanoTime() - t1;
            tm.groups++;
            tm.tokens += g.tokens();
        }
        for (int i = 0; i < states.length; i++) {
            states[i].advance(chunks[i].length());
        }
        last = tm.finish(System.nanoTime() - wall0);
    }

    private void ensurePool() {
        if (pool == 0) {
            pool = dev.malloc(4L * cacheCapacity * stateLen);
        }
    }

    private int takeSlot() {
        if (!freeSlots.isEmpty()) {
            return freeSlots.pollFirst();
        }
        if (nextSlot >= cacheCapacity) {
            throw new IllegalStateException("resident cache full (" + cacheCapacity + " keys)");
        }
        return nextSlot++;
    }

    /** Evicts {@code count} least recently used keys outside {@code keep}; returns device ms spent. */
    private double evict(int count, Set<Long> keep, Times tm) {
        List<Long> victims = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Entry>> it = resident.entrySet().iterator(); it.hasNext() && victims.size() < count; ) {
            Map.Entry<Long, Entry> e = it.next();
            if (!keep.contains(e.getKey())) {
                victims.add(e.getKey());
            }
        }
        if (victims.size() < count) {
            throw new IllegalStateException("resident cache of " + cacheCapacity + " keys cannot hold this group");
        }
        double ms = writeBack(victims);
        for (Long v : victims) {
            Entry e = resident.remove(v);
            freeSlots.add(e.slot);
        }
        return ms;
    }

    /** Copies the given resident keys' states (dirty ones) back to their host arrays. */
    private double writeBack(List<Long> keys) {
        List<Entry> dirty = new ArrayList<>();
        for (Long k : keys) {
            Entry e = resident.get(k);
            if (e.dirty) {
                dirty.add(e);
            }
        }
        double ms = 0;
        int batch = (int) Math.max(1, Math.min(Math.max(ws.keysCap, 1), Math.max(1, budget / bytesPerKey())));
        for (int from = 0; from < dirty.size(); from += batch) {
            int n = Math.min(batch, dirty.size() - from);
            ws.ensure(0, n);
            int[] idx = new int[n];
            for (int r = 0; r < n; r++) {
                idx[r] = dirty.get(from + r).slot;
            }
            long idxOff = 4L * ws.keysCap * stateLen;
            ws.hState.putInts(ws.keysCap * stateLen, idx, 0, n);
            dev.record(0);
            dev.upload(ws.miss + idxOff, ws.hState, idxOff, 4L * n);
            dev.launch("kd_gather", n, 256, ws.s, pool, ws.miss, ws.miss + idxOff, stateLen);
            dev.download(ws.hState, 0, ws.s, 4L * n * stateLen);
            dev.record(1);
            dev.sync();
            ms += dev.elapsedMs(0, 1);
            for (int r = 0; r < n; r++) {
                Entry e = dirty.get(from + r);
                ws.hState.getFloats((long) r * stateLen, e.state.data(), 0, stateLen);
                e.dirty = false;
            }
        }
        return ms;
    }

    /**
     * Writes every dirty resident state back into its host {@link CellState} array (one gather and one
     * pinned transfer per batch of keys); the keys stay resident. Returns how many were written.
     */
    public int flush() {
        bind();
        List<Long> keys = new ArrayList<>();
        for (Map.Entry<Long, Entry> e : resident.entrySet()) {
            if (e.getValue().dirty) {
                keys.add(e.getKey());
            }
        }
        writeBack(keys);
        return keys.size();
    }

    /** Writes one key back (if dirty) and drops it from the cache; false if it was not resident. */
    public boolean evict(long keyId) {
        bind();
        if (!resident.containsKey(keyId)) {
            return false;
        }
        writeBack(List.of(keyId));
        freeSlots.add(resident.remove(keyId).slot);
        return true;
    }

    /** Drops a key from the cache without writing it back (its host state was replaced, e.g. on restore). */
    public boolean invalidate(long keyId) {
        Entry e = resident.remove(keyId);
        if (e == null) {
            return false;
        }
        freeSlots.add(e.slot);
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // Packing and the device step

    private Map<String, Double> profile;
    private boolean fusedState = true;
    // kd_state forms Kd = Kh exp(G_C - G_t) itself; the Kd tile is written only for the plain update

    /**
     * Chooses the state update of each chunk step: the fused kernel kd_state (S = exp(G_C) S + Kd^T U
     * in one pass over S, FP32 on CUDA cores; the default) or the plain form (a scaling pass, then a
     * cuBLAS product, which follows the precision setting). Both are tested against float64.
     */
    public void setFusedStateUpdate(boolean on) {
        fusedState = on;
    }

    /**
     * Turns per-operation timing on (a stream sync before and after every kernel and product, so the
     * step runs slower while profiling) or off; {@link #profile()} returns the milliseconds summed per
     * operation since it was turned on.
     */
    public void setProfiling(boolean on) {
        profile = on ? new LinkedHashMap<>() : null;
    }

    public Map<String, Double> profile() {
        return profile == null ? Map.of() : new LinkedHashMap<>(profile);
    }

    private void op(String name, Runnable r) {
        if (profile == null) {
            r.run();
            return;
        }
        dev.sync();
        long t0 = System.nanoTime();
        r.run();
        dev.sync();
        profile.merge(name, (System.nanoTime() - t0) / 1e6, Double::sum);
    }

    private void packInputs(Workspace w, Group g, TokenChunk[] chunks) {
        long tc = (long) g.tokens() * heads;
        long qOff = 0;
        long kOff = tc * kDim;
        long vOff = 2 * tc * kDim;
        long bOff = vOff + tc * vDim;
        long gOff = bOff + tc;
        forKeys(g.keys().length, r -> {
            TokenChunk c = chunks[g.keys()[r]];
            long t0 = g.tokOff()[r];
            int len = c.length();
            int pad = g.chunks()[r] * chunk - len;
            putPadded(w, qOff + t0 * heads * kDim, c.q(), len * heads * kDim, pad * heads * kDim);
            putPadded(w, kOff + t0 * heads * kDim, c.k(), len * heads * kDim, pad * heads * kDim);
            putPadded(w, vOff + t0 * heads * vDim, c.v(), len * heads * vDim, pad * heads * vDim);
            if (delta) {
                putPadded(w, bOff + t0 * heads, c.beta(), len * heads, pad * heads);
            }
            if (gated) {
                putPadded(w, gOff + t0 * heads, c.g(), len * heads, pad * heads);
            }
        });
        packMeta(w, g);
    }

    /** The per-slot token offsets and heads of a group (step-major), into the pinned meta buffer. */
    private void packMeta(Workspace w, Group g) {
        int slots = g.slots(heads, chunk);
        int[] slotTok = new int[slots];
        int[] slotHead = new int[slots];
        int s = 0;
        int steps = g.chunks()[0];
        for (int c = 0; c < steps; c++) {
            for (int r = 0; r < g.keys().length && g.chunks()[r] > c; r++) {
                for (int h = 0; h < heads; h++) {
                    slotTok[s] = g.tokOff()[r] + c * chunk;
                    slotHead[s] = h;
                    s++;
                }
            }
        }
        if (s != slots) {
            throw new AssertionError("slot count " + s + " != " + slots);
        }
        w.hMeta.putInts(0, slotTok, 0, slots);
        w.hMeta.putInts(slots, slotHead, 0, slots);
    }

    private static final float[] ZEROS = new float[1 << 16];

    private void putPadded(Workspace w, long at, float[] src, int len, int pad) {
        w.hIn.putFloats(at, src, 0, len);
        for (int done = 0; done < pad; done += ZEROS.length) {
            w.hIn.putFloats(at + len + done, ZEROS, 0, Math.min(ZEROS.length, pad - done));
        }
    }

    private void uploadInputs(Workspace w, Group g) {
        long tc = (long) g.tokens() * heads;
        // layout q, k, v, beta, g: send up to the last region the cell reads, in one copy
        long floats = tc * (2L * kDim + vDim + (gated ? 2 : delta ? 1 : 0));
        dev.upload(w.in, w.hIn, 0, 4 * floats);
        dev.upload(w.meta, w.hMeta, 0, 8L * g.slots(heads, chunk));
    }

    /** The device step of one group; the group's states are at {@code sp}, [keys][H][K][V] in group order. */
    private void compute(Workspace w, Group g, long sp) {
        long tc = (long) g.tokens() * heads;
        int slots = g.slots(heads, chunk);
        long q = w.in;
        long k = q + 4 * tc * kDim;
        long v = k + 4 * tc * kDim;
        long beta = v + 4 * tc * vDim;
        long gg = beta + 4 * tc;
        long slotTok = w.meta;
        long slotHead = w.meta + 4L * slots;
        int c = chunk;
        long ck = (long) c * kDim;
        long cv = (long) c * vDim;
        long cc = (long) c * c;
        long kv = (long) kDim * vDim;
        boolean lt = options.precision() != Precision.FP32;
        boolean st = options.precision() == Precision.TF32;
        op("prep", () -> dev.launch("kd_prep", slots, 128, q, k, v, beta, gg, slotTok, slotHead, heads, kDim, vDim, spec.scale(),
                delta ? 1 : 0, gated ? 1 : 0, fusedState ? 0 : 1, w.qkh, w.qg, w.kd, w.vb, w.gs, w.bs, w.gamma));
        long kh = w.qkh + 4 * ck;
        // [Qt; Kh] Kh^T in one product: P's raw scores over K K^T, per slot [2C, C]
        op("gemm [Q;K] K^T", () -> dev.gemm(lt, false, true, delta ? 2 * c : c, c, kDim, 1f, w.qkh, kDim, 2 * ck, kh, kDim, 2 * ck,
                0f, w.pk, c, 2 * cc, slots));
        op("tri (mask, forward substitution)", () -> dev.launch("kd_tri", slots, c, w.pk, w.tw, w.gs, w.bs, delta ? 1 : 0));
        long u = delta ? w.u : w.vb;
        if (delta) {
            op("gemm W, U'", () -> {
                dev.gemm(lt, false, false, c, kDim, c, 1f, w.tw, c, cc, kh, kDim, 2 * ck, 0f, w.w, kDim, ck, slots);
                dev.gemm(lt, false, false, c, vDim, c, 1f, w.pk + 4 * cc, c, 2 * cc, w.vb, vDim, cv, 0f, w.u, vDim, cv, slots);
            });
        }
        long base = 0;
        for (int step = 0; step < g.chunks()[0]; step++) {
            int active = 0;
            while (active < g.keys().length && g.chunks()[active] > step) {
                active++;
            }
            int pairs = active * heads;
            long uc = u + 4 * base * cv;
            long oc = w.o + 4 * base * cv;
            long b = base;
            if (delta) {
                op("step gemm U -= W S", () -> dev.gemm(st, false, false, c, vDim, kDim, -1f, w.w + 4 * b * ck, kDim, ck, sp, vDim, kv, 1f, uc, vDim, cv, pairs));
            }
            op("step gemm O = Qg S", () -> dev.gemm(st, false, false, c, vDim, kDim, 1f, w.qg + 4 * b * ck, kDim, ck, sp, vDim, kv, 0f, oc, vDim, cv, pairs));
            op("step gemm O += P U", () -> dev.gemm(st, false, false, c, vDim, c, 1f, w.pk + 4 * b * 2 * cc, c, 2 * cc, uc, vDim, cv, 1f, oc, vDim, cv, pairs));
            if (fusedState) {
                int tiles = ((kDim + 63) / 64) * ((vDim + 63) / 64);
                op("step fused S = exp(G_C) S + Kd^T U", () -> dev.launch("kd_state", pairs * tiles, 256, sp, kh + 4 * b * 2 * ck, uc,
                        w.gs + 4 * b * c, w.gamma + 4 * b, kDim, vDim));
            } else {
                if (gated) {
                    op("step scale S *= exp(G_C)", () -> dev.launch("kd_scale", pairs, 256, sp, w.gamma + 4 * b, (int) kv));
                }
                op("step gemm S += Kd^T U", () -> dev.gemm(st, true, false, kDim, vDim, c, 1f, w.kd + 4 * b * ck, kDim, ck, uc, vDim, cv,
                        1f, sp, vDim, kv, pairs));
            }
            base += pairs;
        }
        op("out layout", () -> dev.launch("kd_out", slots, 256, w.o, slotTok, slotHead, heads, vDim, w.out));
    }

    private void unpackOutputs(Workspace w, Group g, TokenChunk[] chunks, float[][] outs) {
        forKeys(g.keys().length, r -> {
            int key = g.keys()[r];
            int len = chunks[key].length() * heads * vDim;
            w.hOut.getFloats((long) g.tokOff()[r] * heads * vDim, outs[key], 0, len);
        });
    }

    /** Runs body(r) for r in [0, n), on the common pool when there are enough keys to be worth it. */
    private static void forKeys(int n, java.util.function.IntConsumer body) {
        if (n >= 16) {
            java.util.stream.IntStream.range(0, n).parallel().forEach(body);
        } else {
            for (int r = 0; r < n; r++) {
                body.accept(r);
            }
        }
    }

    private void validate(long[] keyIds, CellState[] states, TokenChunk[] chunks, float[][] outs) {
        if (states.length != chunks.length || outs.length != chunks.length || (keyIds != null && keyIds.length != chunks.length)) {
            throw new IllegalArgumentException("states (" + states.length + "), chunks (" + chunks.length + "), outs ("
                    + outs.length + ")" + (keyIds == null ? "" : " and keyIds (" + keyIds.length + ")") + " must have the same length");
        }
        Set<Long> seen = keyIds == null ? null : new HashSet<>();
        for (int i = 0; i < chunks.length; i++) {
            if (chunks[i] == null || states[i] == null || outs[i] == null) {
                throw new IllegalArgumentException("key " + i + ": state, chunk and out must not be null");
            }
            try {
                chunks[i].requireFits(spec);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key " + i + ": " + e.getMessage(), e);
            }
            if (states[i].data().length != stateLen) {
                throw new IllegalArgumentException("key " + i + ": state has " + states[i].data().length
                        + " floats, expected H*K*V = " + stateLen);
            }
            if (outs[i].length < chunks[i].length() * heads * vDim) {
                throw new IllegalArgumentException("key " + i + ": out has " + outs[i].length + " floats, needs "
                        + chunks[i].length() * heads * vDim);
            }
            if (seen != null && !seen.add(keyIds[i])) {
                throw new IllegalArgumentException("key id " + keyIds[i] + " appears twice in one batch (index " + i + ")");
            }
        }
    }

    private final class Times {
        double inUp, stUp, comp, outDown, stateDown, device = -1;
        long pack, unpack;
        int groups;
        long tokens;

        void addEvents() {
            inUp += dev.elapsedMs(0, 1);
            stUp += dev.elapsedMs(1, 2);
            comp += dev.elapsedMs(2, 3);
            outDown += dev.elapsedMs(3, 4);
            stateDown += dev.elapsedMs(4, 5);
        }

        PhaseTimes finish(long wallNanos) {
            return new PhaseTimes(inUp, stUp, comp, outDown, stateDown, device < 0 ? inUp + stUp + comp + outDown + stateDown : device,
                    pack / 1e6, unpack / 1e6, wallNanos / 1e6, groups, tokens);
        }
    }

    @Override
    public void close() {
        bind();
        ws.freeTokens();
        ws.freeKeys();
        ws2.freeTokens();
        ws2.freeKeys();
        if (pool != 0) {
            dev.free(pool);
            pool = 0;
        }
        dev.close();
    }

    @Override
    public String toString() {
        return name();
    }
}
