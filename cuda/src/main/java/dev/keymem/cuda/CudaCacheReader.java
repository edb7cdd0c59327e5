package dev.keymem.cuda;

import dev.keymem.models.caching.CacheRead;
import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Memory Caching reads ({@link CacheReader}) of the matrix cells with a linear read (linear,
 * gated_linear, delta, gated_delta, no normaliser) on a CUDA GPU: {@code out[t,h,:] = (scale q[t,h,:]) S_h}
 * for every read, {@code S_h} the cached state's head h ({@code [K,V]} row-major), exactly what
 * {@link dev.keymem.models.cells.MatrixCell#read} computes, in float32.
 *
 * <p><b>One device step per call.</b> A call's reads are packed into one pinned staging buffer: the
 * cached states the device does not hold yet, all query rows (reads that pass the same q array, as a
 * key's reads of its caches for one piece do, share one copy), and the pointer arrays of the products.
 * It goes up in one transfer; the new states are copied into their pool slots (the {@code kd_scatter}
 * kernel, one launch per pool block); the reads run as cuBLAS pointer-array batched SGEMMs, one call per
 * distinct row count, each over all (read, head) pairs with that row count ({@code [rows,K] x [K,V]},
 * alpha = scale; queries and outputs are read and written in place in their {@code [rows,H,K]} and
 * {@code [rows,H,V]} layouts by row strides H*K and H*V); all outputs come back in one transfer. Everything
 * is queued on one stream and the host waits once, at the end. A call whose states or staging would not
 * fit ({@link Options}) is cut into passes of consecutive reads, each such a step.
 *
 * <p><b>Resident caches.</b> A cache is frozen: its content never changes under
 * {@link CacheRead#contentKey()}. So the states stay in device pool slots after the call, in an LRU of
 * {@link Options#capacityBytes()}; a later read of the same content key is a hit and skips
 * {@link dev.keymem.models.caching.CacheStore#load} and the upload. The least recently used caches not
 * needed by the current pass are evicted when slots run out (nothing is written back: caches are
 * read-only). {@link #forget(Object)} drops an owner's caches (the caller restarts that key, whose ids
 * start again from 0). Reads with a null owner are never kept: they use a slot for the one pass only.
 * Owners are compared with {@code equals}, so two owners never share entries even with equal ids and
 * positions.
 *
 * <p>Not thread-safe: one caller at a time (one per operator instance).
 */
public final class CudaCacheReader implements CacheReader, AutoCloseable {

    /**
     * @param capacityBytes device bytes for resident caches (0: a quarter of the free device memory, at
     *                      most 4 GiB); must hold at least one cache
     * @param stagingBytes  the most bytes one pass stages (states to upload, queries, outputs, pointer
     *                      arrays; 0: 256 MiB); a call that needs more runs in several passes. A single read
     *                      always runs, whatever its size
     * @param tf32          let cuBLAS round the products' operands to TF32 on tensor cores (default off:
     *                      FP32)
     */
    public record Options(long capacityBytes, long stagingBytes, boolean tf32) {
        public Options {
            if (capacityBytes < 0 || stagingBytes < 0) {
                throw new IllegalArgumentException("capacityBytes and stagingBytes must be >= 0 (0: default): "
                        + capacityBytes + ", " + stagingBytes);
            }
        }

        public static Options defaults() {
            return new Options(0, 0, false);
        }

        public Options withCapacityBytes(long bytes) {
            return new Options(bytes, stagingBytes, tf32);
        }

        public Options withStagingBytes(long bytes) {
            return new Options(capacityBytes, bytes, tf32);
        }

        public Options withTf32(boolean on) {
            return new Options(capacityBytes, stagingBytes, on);
        }
    }

    /**
     * Counters since the reader opened (or {@link #resetStats()}): calls, passes (device steps), reads,
     * hits (reads served by a resident cache, no load) and misses (caches loaded and uploaded), evictions,
     * bytes moved each way, caches resident now and their bytes, and device time of the three phases in
     * milliseconds (events on the stream).
     */
    public record Stats(long calls, long passes, long reads, long hits, long misses, long evictions,
                        long uploadedBytes, long downloadedBytes, int residentCaches, long residentBytes,
                        double uploadMs, double computeMs, double downloadMs) {
    }

    private static final long DEFAULT_STAGING = 256L << 20;
    private static final long MAX_DEFAULT_CAPACITY = 4L << 30;
    private static final long BLOCK_BYTES = 256L << 20;
    private static final int SCATTER_THREADS = 256;
    /**
     * The most products one cublasSgemmBatched call gets. cuBLAS documents no upper bound on batchCount,
     * but batched kernels index the batch by a grid dimension whose y/z limit is 65535, so larger batches
     * are cut defensively (a pass can hold hundreds of thousands of (read, head) pairs).
     */
    static final int MAX_BATCH = 65535;

    private final CellSpec spec;
    private final Options options;
    private final Device dev;
    private final int heads;
    private final int kDim;
    private final int vDim;
    private final int stateLen;
    /** Floats per pool slot: the state rounded up to a multiple of 4 (kd_scatter copies float4s). */
    private final int slotStride;
    private final int capacitySlots;
    private final int slotsPerBlock;
    private final long stagingLimit;

    private final long[] blocks;
    private final TreeSet<Integer> freeSlots = new TreeSet<>();
    private int nextSlot;
    private final LinkedHashMap<CacheRead.ContentKey, Entry> resident = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Object, Set<CacheRead.ContentKey>> byOwner = new HashMap<>();
    private long passStamp;

    private long inDev;
    private long inCap;
    private Device.HostBuffer hIn;
    private long outDev;
    private long outCap;
    private Device.HostBuffer hOut;

    private long calls, passes, reads, hits, misses, evictions, uploaded, downloaded;
    private double upMs, computeMs, downMs;
    private boolean closed;

    private static final class Entry {
        final int slot;
        long stamp;

        Entry(int slot, long stamp) {
            this.slot = slot;
            this.stamp = stamp;
        }
    }

    /** Why no CUDA device can be used here, or null when one can. */
    public static String unavailableReason() {
        return CudaDevice.unavailableReason();
    }

    /** Opens device 0; throws IllegalStateException naming what is missing, IllegalArgumentException for a spec it cannot read. */
    public static CudaCacheReader open(CellSpec spec, Options options) {
        return open(spec, options, 0);
    }

    /** As {@link #open(CellSpec, Options)} with pool blocks of {@code slotsPerBlock} caches (0: 256 MiB blocks; tests). */
    static CudaCacheReader open(CellSpec spec, Options options, int slotsPerBlock) {
        checkSpec(spec);
        Objects.requireNonNull(options, "options");
        CudaDevice d = new CudaDevice(0, 64);
        try {
            return new CudaCacheReader(spec, options, d, slotsPerBlock);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** The same reader on the plain-Java emulated device with {@code memory} bytes (tests). */
    static CudaCacheReader emulated(CellSpec spec, Options options, long memory, int slotsPerBlock) {
        checkSpec(spec);
        return new CudaCacheReader(spec, options, new EmulatedDevice(64, memory), slotsPerBlock);
    }

    static void checkSpec(CellSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.kind() == CellKind.DEEP || spec.normalize()) {
            throw new IllegalArgumentException("CudaCacheReader reads the matrix cells with a linear read (linear, "
                    + "gated_linear, delta, gated_delta, no normaliser), not " + spec.kind().configName()
                    + (spec.normalize() ? " with the normaliser" : "") + " (H=" + spec.heads() + " K=" + spec.keyDim()
                    + " V=" + spec.valueDim() + ")");
        }
    }

    private CudaCacheReader(CellSpec spec, Options options, Device dev, int slotsPerBlockOverride) {
        this.spec = spec;
        this.options = options;
        this.dev = dev;
        this.heads = spec.heads();
        this.kDim = spec.keyDim();
        this.vDim = spec.valueDim();
        this.stateLen = Math.multiplyExact(Math.multiplyExact(heads, kDim), vDim);
        this.slotStride = (stateLen + 3) / 4 * 4;
        long slotBytes = 4L * slotStride;
        bind();
        long capacity = options.capacityBytes() > 0 ? options.capacityBytes()
                : Math.max(slotBytes, Math.min(MAX_DEFAULT_CAPACITY, dev.freeMemory() / 4));
        if (capacity < slotBytes) {
            throw new IllegalArgumentException("capacityBytes " + capacity + " holds no cache: one cache of H=" + heads
                    + " K=" + kDim + " V=" + vDim + " takes " + slotBytes + " bytes");
        }
        this.capacitySlots = (int) Math.min(Integer.MAX_VALUE / 2, capacity / slotBytes);
        this.slotsPerBlock = slotsPerBlockOverride > 0 ? slotsPerBlockOverride
                : (int) Math.max(1, Math.min(capacitySlots, BLOCK_BYTES / slotBytes));
        this.blocks = new long[(capacitySlots + slotsPerBlock - 1) / slotsPerBlock];
        this.stagingLimit = options.stagingBytes() > 0 ? options.stagingBytes() : DEFAULT_STAGING;
    }

    private void bind() {
        if (dev instanceof CudaDevice c) {
            c.bind();
        }
    }

    @Override
    public String name() {
        return "cuda-mc:" + spec.kind().configName() + " on " + dev.describe();
    }

    public CellSpec spec() {
        return spec;
    }

    public Options options() {
        return options;
    }

    /** Caches the device pool can hold. */
    public int capacityCaches() {
        return capacitySlots;
    }

    /** Whether the cache with this content key is resident now. */
    public boolean isResident(CacheRead.ContentKey key) {
        return resident.containsKey(key);
    }

    public Stats stats() {
        return new Stats(calls, passes, reads, hits, misses, evictions, uploaded, downloaded, resident.size(),
                (long) resident.size() * stateLen * 4, upMs, computeMs, downMs);
    }

    public void resetStats() {
        calls = passes = reads = hits = misses = evictions = uploaded = downloaded = 0;
        upMs = computeMs = downMs = 0;
    }

    @Override
    public void forget(Object owner) {
        if (owner == null) {
            return;
        }
        Set<CacheRead.ContentKey> keys = byOwner.remove(owner);
        if (keys == null) {
            return;
        }
        for (CacheRead.ContentKey k : keys) {
            Entry e = resident.remove(k);
            if (e != null) {
                freeSlots.add(e.slot);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Reads

    @Override
    public void read(List<CacheRead> list) {
        Objects.requireNonNull(list, "reads");
        if (closed) {
            throw new IllegalStateException("CudaCacheReader is closed");
        }
        int hk = heads * kDim;
        int hv = heads * vDim;
        for (int i = 0; i < list.size(); i++) {
            CacheRead r = Objects.requireNonNull(list.get(i), "read " + i);
            long needQ = (long) r.rows() * hk;
            long needOut = (long) r.rows() * hv;
            if (needQ > Integer.MAX_VALUE || needOut > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("read " + i + ": " + r.rows() + " rows are too many");
            }
            if (r.q().length < needQ) {
                throw new IllegalArgumentException("read " + i + " (cache " + r.cache().id() + "): q has " + r.q().length
                        + " floats, needs at least " + needQ + " (rows*H*K = " + r.rows() + "*" + heads + "*" + kDim + ")");
            }
            if (r.out().length < needOut) {
                throw new IllegalArgumentException("read " + i + " (cache " + r.cache().id() + "): out has " + r.out().length
                        + " floats, needs at least " + needOut + " (rows*H*V = " + r.rows() + "*" + heads + "*" + vDim + ")");
            }
        }
        calls++;
        if (list.isEmpty()) {
            return;
        }
        bind();
        int i = 0;
        while (i < list.size()) {
            Pass p = new Pass(++passStamp);
            try {
                while (i < list.size() && p.tryAdd(list.get(i))) {
                    i++;
                }
                p.run();
            } catch (RuntimeException | Error e) {
                p.abandon();
                quiesce(e);
                throw e;
            } finally {
                p.releaseTemporary();
            }
        }
    }

    /**
     * After a failed pass: waits for what it may have queued (an upload still reading the staging buffer
     * the next call refills, or that a grown buffer frees), so no copy outlives the pass; a further error
     * (the device itself failed) is attached to the first.
     */
    private void quiesce(Throwable failure) {
        try {
            dev.sync();
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }

    /** Bytes a pass reserves for alignment padding of its regions. */
    private static final long ALIGN_SLACK = 64;

    private static long align16(long bytes) {
        return (bytes + 15) & ~15L;
    }

    /** A group of consecutive reads run as one device step. */
    private final class Pass {
        final long stamp;
        final List<CacheRead> items = new ArrayList<>();
        final List<Integer> slots = new ArrayList<>();
        /** Per read, its query region; reads passing the same q array (and row count) share one region. */
        final List<Integer> regionOf = new ArrayList<>();
        final List<CacheRead> regions = new ArrayList<>();
        final java.util.IdentityHashMap<float[], Integer> regionByQ = new java.util.IdentityHashMap<>();
        /** Slots to fill in this pass and the states to fill them with. */
        final TreeMap<Integer, float[]> fills = new TreeMap<>();
        /** Entries this pass inserted (dropped again if the pass fails). */
        final List<CacheRead.ContentKey> inserted = new ArrayList<>();
        final List<Integer> temporary = new ArrayList<>();
        long bytes = ALIGN_SLACK;

        Pass(long stamp) {
            this.stamp = stamp;
        }

        /** Adds the read, or returns false (only when the pass already has reads) if it does not fit. */
        boolean tryAdd(CacheRead r) {
            Integer shared = regionByQ.get(r.q());
            boolean newRegion = shared == null || regions.get(shared).rows() != r.rows();
            long cost = 4L * r.rows() * heads * vDim + (newRegion ? 4L * r.rows() * heads * kDim : 0) + 24L * heads + 16;
            CacheRead.ContentKey key = r.owner() == null ? null : r.contentKey();
            Entry e = key == null ? null : resident.get(key);
            if (e != null) {
                if (!items.isEmpty() && bytes + cost > stagingLimit) {
                    return false;
                }
                e.stamp = stamp;
                add(r, e.slot, cost);
                hits++;
                return true;
            }
            cost += 4L * slotStride + 4;
            if (!items.isEmpty() && bytes + cost > stagingLimit) {
                return false;
            }
            int slot = takeSlot();
            if (slot < 0) {
                if (items.isEmpty()) {
                    throw new IllegalStateException("no free cache slot although the pass is empty (capacity "
                            + capacitySlots + ")");
                }
                return false;
            }
            float[] data;
            try {
                data = load(r);
            } catch (RuntimeException | Error ex) { // an Error too, or the slot would be lost for good
                freeSlots.add(slot);
                throw ex;
            }
            fills.put(slot, data);
            if (key == null) {
                temporary.add(slot);
            } else {
                resident.put(key, new Entry(slot, stamp));
                byOwner.computeIfAbsent(key.owner(), o -> new HashSet<>()).add(key);
                inserted.add(key);
            }
            misses++;
            add(r, slot, cost);
            return true;
        }

        private void add(CacheRead r, int slot, long cost) {
            Integer shared = regionByQ.get(r.q());
            if (shared == null || regions.get(shared).rows() != r.rows()) {
                shared = regions.size();
                regions.add(r);
                regionByQ.putIfAbsent(r.q(), shared);
            }
            regionOf.add(shared);
            items.add(r);
            slots.add(slot);
            bytes += cost;
            reads++;
        }

        /** A free slot, a new one, or the slot of the least recently used cache this pass does not use; -1 if none. */
        private int takeSlot() {
            Integer f = freeSlots.pollFirst();
            if (f != null) {
                return f;
            }
            if (nextSlot < capacitySlots) {
                return nextSlot++;
            }
            for (Iterator<Map.Entry<CacheRead.ContentKey, Entry>> it = resident.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<CacheRead.ContentKey, Entry> me = it.next();
                if (me.getValue().stamp != stamp) {
                    it.remove();
                    Set<CacheRead.ContentKey> owned = byOwner.get(me.getKey().owner());
                    if (owned != null) {
                        owned.remove(me.getKey());
                        if (owned.isEmpty()) {
                            byOwner.remove(me.getKey().owner());
                        }
                    }
                    evictions++;
                    return me.getValue().slot;
                }
            }
            return -1;
        }

        private float[] load(CacheRead r) {
            CellState s = r.store().load(r.cache().id());
            if (s == null) {
                throw new IllegalStateException("the cache store returned no state for cache " + r.cache().id()
                        + " of owner " + r.owner());
            }
            if (s.data().length != stateLen) {
                throw new IllegalArgumentException("cache " + r.cache().id() + " of owner " + r.owner() + " has "
                        + s.data().length + " floats, expected " + stateLen + " (H*K*V for " + spec.kind().configName()
                        + " H=" + heads + " K=" + kDim + " V=" + vDim + ")");
            }
            return s.data();
        }

        /** Packs, uploads, places the new states, runs the products, downloads and unpacks. */
        void run() {
            int n = items.size();
            int hk = heads * kDim;
            int hv = heads * vDim;
            int nFill = fills.size();
            // layout of the upload: new states | their slot indices | queries | pointer arrays
            long offIdx = 4L * slotStride * nFill;
            long offQ = offIdx + align16(4L * nFill);
            long[] regionOff = new long[regions.size()];
            long qFloats = 0;
            for (int g = 0; g < regions.size(); g++) {
                regionOff[g] = qFloats;
                qFloats += (long) regions.get(g).rows() * hk;
            }
            long[] qOff = new long[n];
            long[] oOff = new long[n];
            long oFloats = 0;
            TreeMap<Integer, List<Integer>> byRows = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                CacheRead r = items.get(i);
                qOff[i] = regionOff[regionOf.get(i)];
                oOff[i] = oFloats;
                oFloats += (long) r.rows() * hv;
                byRows.computeIfAbsent(r.rows(), x -> new ArrayList<>()).add(i);
            }
            long offPtr = offQ + align16(4 * qFloats);
            long inBytes = offPtr + 8L * 3 * n * heads;
            long outBytes = 4 * oFloats;
            ensure(inBytes, outBytes);

            int[] idx = new int[nFill];
            int f = 0;
            for (Map.Entry<Integer, float[]> e : fills.entrySet()) {
                hIn.putFloats((long) f * slotStride, e.getValue(), 0, stateLen);
                idx[f++] = e.getKey() % slotsPerBlock;
            }
            hIn.putInts(offIdx / 4, idx, 0, nFill);
            for (int g = 0; g < regions.size(); g++) {
                CacheRead r = regions.get(g);
                hIn.putFloats(offQ / 4 + regionOff[g], r.q(), 0, r.rows() * hk);
            }
            long qDev = inDev + offQ;
            long ptrIndex = offPtr / 8;
            List<long[]> launches = new ArrayList<>();
            for (Map.Entry<Integer, List<Integer>> g : byRows.entrySet()) {
                List<Integer> members = g.getValue();
                int count = members.size() * heads;
                long[] a = new long[count];
                long[] b = new long[count];
                long[] c = new long[count];
                int x = 0;
                for (int i : members) {
                    long slotAddr = slotAddress(slots.get(i));
                    for (int h = 0; h < heads; h++) {
                        a[x] = qDev + 4 * (qOff[i] + (long) h * kDim);
                        b[x] = slotAddr + 4L * h * kDim * vDim;
                        c[x] = outDev + 4 * (oOff[i] + (long) h * vDim);
                        x++;
                    }
                }
                hIn.putLongs(ptrIndex, a, 0, count);
                hIn.putLongs(ptrIndex + count, b, 0, count);
                hIn.putLongs(ptrIndex + 2L * count, c, 0, count);
                for (int s = 0; s < count; s += MAX_BATCH) { // at most MAX_BATCH products per cuBLAS call
                    launches.add(new long[] {g.getKey(), inDev + 8 * (ptrIndex + s), inDev + 8 * (ptrIndex + count + s),
                        inDev + 8 * (ptrIndex + 2L * count + s), Math.min(MAX_BATCH, count - s)});
                }
                ptrIndex += 3L * count;
            }

            dev.useStream(0);
            dev.record(0);
            dev.upload(inDev, hIn, 0, inBytes);
            dev.record(1);
            // the new states into their pool slots, one launch per pool block
            int from = 0;
            List<Integer> fillSlots = new ArrayList<>(fills.keySet());
            while (from < nFill) {
                int block = fillSlots.get(from) / slotsPerBlock;
                int to = from;
                while (to < nFill && fillSlots.get(to) / slotsPerBlock == block) {
                    to++;
                }
                dev.launch("kd_scatter", to - from, SCATTER_THREADS, blocks[block], inDev + 4L * slotStride * from,
                        inDev + offIdx + 4L * from, slotStride);
                from = to;
            }
            for (long[] l : launches) {
                dev.gemmBatched(options.tf32(), false, false, (int) l[0], vDim, kDim, spec.scale(),
                        l[1], hk, l[2], vDim, 0f, l[3], hv, (int) l[4]);
            }
            dev.record(2);
            dev.download(hOut, 0, outDev, outBytes);
            dev.record(3);
            dev.sync();
            for (int i = 0; i < n; i++) {
                CacheRead r = items.get(i);
                hOut.getFloats(oOff[i], r.out(), 0, r.rows() * hv);
            }
            passes++;
            uploaded += inBytes;
            downloaded += outBytes;
            upMs += dev.elapsedMs(0, 1);
            computeMs += dev.elapsedMs(1, 2);
            downMs += dev.elapsedMs(2, 3);
        }

        /** The pass failed: the caches it inserted may not be on the device; drop them. */
        void abandon() {
            for (CacheRead.ContentKey k : inserted) {
                Entry e = resident.remove(k);
                if (e != null) {
                    freeSlots.add(e.slot);
                }
                Set<CacheRead.ContentKey> owned = byOwner.get(k.owner());
                if (owned != null) {
                    owned.remove(k);
                    if (owned.isEmpty()) {
                        byOwner.remove(k.owner());
                    }
                }
            }
            inserted.clear();
        }

        void releaseTemporary() {
            freeSlots.addAll(temporary);
            temporary.clear();
        }
    }

    /** The device address of a pool slot, allocating its block on first use. */
    private long slotAddress(int slot) {
        int b = slot / slotsPerBlock;
        if (blocks[b] == 0) {
            int inBlock = Math.min(slotsPerBlock, capacitySlots - b * slotsPerBlock);
            blocks[b] = dev.malloc(4L * slotStride * inBlock);
        }
        return blocks[b] + 4L * slotStride * (slot % slotsPerBlock);
    }

    /** Grows the staging buffers (device and pinned host) to at least the given sizes. */
    private void ensure(long inBytes, long outBytes) {
        if (inBytes > inCap) {
            long cap = Math.max(inBytes, inCap + inCap / 2);
            freeIn();
            inDev = dev.malloc(cap);
            hIn = dev.pinned(cap);
            inCap = cap;
        }
        if (outBytes > outCap) {
            long cap = Math.max(outBytes, outCap + outCap / 2);
            freeOut();
            outDev = dev.malloc(cap);
            hOut = dev.pinned(cap);
            outCap = cap;
        }
    }

    private void freeIn() {
        if (inDev != 0) {
            dev.free(inDev);
            inDev = 0;
        }
        if (hIn != null) {
            hIn.free();
            hIn = null;
        }
        inCap = 0;
    }

    private void freeOut() {
        if (outDev != 0) {
            dev.free(outDev);
            outDev = 0;
        }
        if (hOut != null) {
            hOut.free();
            hOut = null;
        }
        outCap = 0;
    }

    /** Frees the device pool, the staging buffers and the device. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            bind();
            dev.sync();
            for (int b = 0; b < blocks.length; b++) {
                if (blocks[b] != 0) {
                    dev.free(blocks[b]);
                    blocks[b] = 0;
                }
            }
            freeIn();
            freeOut();
        } finally {
            resident.clear();
            byOwner.clear();
            dev.close();
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
