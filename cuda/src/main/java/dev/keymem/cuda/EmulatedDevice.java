package dev.keymem.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * A plain-Java stand-in for {@link CudaDevice}: the same memory model (addresses, staging buffers,
 * copies) and the same kernels and products, computed serially on the CPU in float32. It lets the
 * host-side pipeline (slot layout, grouping by memory budget, variable lengths, the resident cache
 * and its write-back) be tested on machines without a GPU. It is a test double, not a fast path.
 *
 * <p><b>Asynchrony as on CUDA.</b> Copies, launches, products and event records are queued on the current
 * stream and run only when the host must see them: at {@link #sync()}, at {@link #syncEvent(int)} (the
 * recording stream up to that record), and at {@link #free(long)} and a staging buffer's free (cudaFree
 * and cudaFreeHost wait for the device). A stream that {@link #waitEvent waits} for an event first runs
 * the recording stream up to that record. So an upload reads its staging buffer as it is when the host
 * next waits, not when it was queued, and a download's staging buffer changes only then: a host that
 * refills a staging buffer before an earlier upload from it completed, or reads a download before
 * waiting for it, gets wrong numbers here as it could on a GPU. Arguments that CUDA checks when the call
 * is made (cuBLAS leading dimensions, pointer-array alignment, unknown kernels) are checked at once;
 * the float4 kernels (kd_gather, kd_scatter) insist on rows of a multiple of 4 floats at 16-byte
 * aligned addresses, as the CUDA kernels need.
 */
final class EmulatedDevice implements Device {

    private static final long SHIFT = 40;
    private final Map<Long, ByteBuffer> memory = new HashMap<>();
    private final Map<Long, Long> sizes = new HashMap<>();
    private final long[] events = new long[64];
    private final int chunk;
    private final long capacity;
    private long next = 1;
    private long used;

    /** Per stream, the operations queued and not yet run; a {@link Wait} entry runs another stream first. */
    @SuppressWarnings("unchecked")
    private final java.util.ArrayDeque<Object>[] queues = new java.util.ArrayDeque[] {
        new java.util.ArrayDeque<>(), new java.util.ArrayDeque<>(), new java.util.ArrayDeque<>()};
    private final long[] issued = new long[3];
    private final long[] done = new long[3];
    private final int[] eventStream = new int[64];
    private final long[] eventSeq = new long[64];
    private int stream;

    /** Queued on a stream by waitEvent: run stream {@code stream} up to its operation number {@code seq} first. */
    private record Wait(int stream, long seq) {
    }

    private void enqueue(Runnable op) {
        queues[stream].add(op);
        issued[stream]++;
    }

    /** Runs stream s's queued operations up to number {@code upTo} (and what they wait for). */
    private void drain(int s, long upTo) {
        while (done[s] < upTo) {
            Object op = queues[s].poll();
            done[s]++;
            if (op instanceof Wait w) {
                drain(w.stream(), w.seq());
            } else {
                ((Runnable) op).run();
            }
        }
    }

    /**
     * Runs everything queued. The order is the unkind one for the usual roles (2: downloads, which
     * consume the compute stream; 0: compute, which consumes uploads; 1: uploads), so that a missing
     * {@link #waitEvent} shows up as stale data instead of being hidden by a lucky order.
     */
    private void drainAll() {
        for (int s : new int[] {2, 0, 1}) {
            drain(s, issued[s]);
        }
    }

    /** @param capacity the device memory it pretends to have, in bytes */
    EmulatedDevice(int chunk, long capacity) {
        this.chunk = chunk;
        this.capacity = capacity;
    }

    @Override
    public String describe() {
        return "emulated device (plain Java, CHUNK=" + chunk + ")";
    }

    @Override
    public long freeMemory() {
        return capacity - used;
    }

    @Override
    public long malloc(long bytes) {
        if (bytes > Integer.MAX_VALUE || used + bytes > capacity) {
            throw new IllegalStateException("emulated device out of memory: " + bytes + " bytes asked, " + (capacity - used) + " free");
        }
        long id = next++;
        memory.put(id, ByteBuffer.allocate((int) Math.max(bytes, 16)).order(ByteOrder.LITTLE_ENDIAN));
        sizes.put(id, bytes);
        used += bytes;
        return id << SHIFT;
    }

    @Override
    public void free(long ptr) {
        drainAll(); // cudaFree waits for the device
        ByteBuffer b = memory.remove(ptr >>> SHIFT);
        if (b == null) {
            throw new IllegalArgumentException("free of an unknown pointer " + Long.toHexString(ptr));
        }
        used -= sizes.remove(ptr >>> SHIFT);
    }

    private ByteBuffer buf(long ptr) {
        ByteBuffer b = memory.get(ptr >>> SHIFT);
        if (b == null) {
            throw new IllegalArgumentException("unknown device pointer " + Long.toHexString(ptr));
        }
        return b;
    }

    private float f(long ptr, long index) {
        return buf(ptr).getFloat((int) ((ptr & ((1L << SHIFT) - 1)) + index * 4));
    }

    private void setF(long ptr, long index, float v) {
        buf(ptr).putFloat((int) ((ptr & ((1L << SHIFT) - 1)) + index * 4), v);
    }

    private int i(long ptr, long index) {
        return buf(ptr).getInt((int) ((ptr & ((1L << SHIFT) - 1)) + index * 4));
    }

    private long l(long ptr, long index) {
        return buf(ptr).getLong((int) ((ptr & ((1L << SHIFT) - 1)) + index * 8));
    }

    private final class Host implements HostBuffer {
        final ByteBuffer b;

        Host(long bytes) {
            b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public long bytes() {
            return b.capacity();
        }

        @Override
        public void putFloats(long floatIndex, float[] src, int off, int len) {
            for (int k = 0; k < len; k++) {
                b.putFloat((int) ((floatIndex + k) * 4), src[off + k]);
            }
        }

        @Override
        public void getFloats(long floatIndex, float[] dst, int off, int len) {
            for (int k = 0; k < len; k++) {
                dst[off + k] = b.getFloat((int) ((floatIndex + k) * 4));
            }
        }

        @Override
        public void putInts(long intIndex, int[] src, int off, int len) {
            for (int k = 0; k < len; k++) {
                b.putInt((int) ((intIndex + k) * 4), src[off + k]);
            }
        }

        @Override
        public void putLongs(long longIndex, long[] src, int off, int len) {
            for (int k = 0; k < len; k++) {
                b.putLong((int) ((longIndex + k) * 8), src[off + k]);
            }
        }

        @Override
        public void free() {
            drainAll(); // cudaFreeHost waits for the device
        }
    }

    @Override
    public HostBuffer pinned(long bytes) {
        return new Host(bytes);
    }

    @Override
    public void upload(long dst, HostBuffer src, long srcByteOffset, long bytes) {
        ByteBuffer from = ((Host) src).b;
        ByteBuffer to = buf(dst);
        int o = (int) (dst & ((1L << SHIFT) - 1));
        checkRange("upload", to, o, bytes, from, srcByteOffset);
        enqueue(() -> to.put(o, from, (int) srcByteOffset, (int) bytes));
    }

    private static void checkRange(String what, ByteBuffer device, long devOff, long bytes, ByteBuffer host, long hostOff) {
        if (bytes < 0 || devOff + bytes > device.capacity() || hostOff < 0 || hostOff + bytes > host.capacity()) {
            throw new IllegalArgumentException(what + " of " + bytes + " bytes out of range: device allocation of "
                    + device.capacity() + " at " + devOff + ", staging buffer of " + host.capacity() + " at " + hostOff);
        }
    }

    @Override
    public void download(HostBuffer dst, long dstByteOffset, long src, long bytes) {
        if (bytes == 0) {
            return; // as CudaDevice: nothing queued, any pointer
        }
        ByteBuffer to = ((Host) dst).b;
        ByteBuffer from = buf(src);
        int o = (int) (src & ((1L << SHIFT) - 1));
        checkRange("download", from, o, bytes, to, dstByteOffset);
        enqueue(() -> to.put((int) dstByteOffset, from, o, (int) bytes));
    }

    @Override
    public void launch(String kernel, int grid, int block, Object... a) {
        switch (kernel) {
            case "kd_prep", "kd_tri", "kd_scale", "kd_state", "kd_out", "kd_gather", "kd_scatter" -> { }
            default -> throw new IllegalArgumentException("no kernel " + kernel);
        }
        if (grid == 0) {
            return; // as CudaDevice
        }
        if (kernel.equals("kd_gather") || kernel.equals("kd_scatter")) {
            int len = (Integer) a[kernel.equals("kd_gather") ? 4 : 3];
            if (len % 4 != 0) {
                throw new IllegalArgumentException(kernel + " copies float4s: row length " + len + " is not a multiple of 4");
            }
            aligned16(kernel + " dst", (Long) a[0]);
            aligned16(kernel + " src", (Long) a[1]);
        }
        Object[] args = a.clone();
        enqueue(() -> run(kernel, grid, args));
    }

    private static void aligned16(String what, long ptr) {
        if ((ptr & 15) != 0) {
            throw new IllegalArgumentException(what + " must be 16-byte aligned (float4 accesses): " + Long.toHexString(ptr));
        }
    }

    private void run(String kernel, int grid, Object[] a) {
        switch (kernel) {
            case "kd_prep" -> prep(grid, a);
            case "kd_tri" -> tri(grid, a);
            case "kd_scale" -> {
                long s = (Long) a[0];
                long gamma = (Long) a[1];
                int len = (Integer) a[2];
                for (int p = 0; p < grid; p++) {
                    float gm = f(gamma, p);
                    for (int e = 0; e < len; e++) {
                        setF(s, (long) p * len + e, f(s, (long) p * len + e) * gm);
                    }
                }
            }
            case "kd_state" -> {
                long sp = (Long) a[0], khp = (Long) a[1], up = (Long) a[2], gsp = (Long) a[3], gamma = (Long) a[4];
                int kd = (Integer) a[5], vd = (Integer) a[6];
                int tiles = ((kd + 63) / 64) * ((vd + 63) / 64);
                for (int p = 0; p < grid / tiles; p++) {
                    float gm = f(gamma, p);
                    for (int r = 0; r < kd; r++) {
                        for (int j = 0; j < vd; j++) {
                            float acc = 0;
                            for (int c = 0; c < chunk; c++) {
                                float ed = (float) Math.exp(f(gsp, (long) p * chunk + chunk - 1) - f(gsp, (long) p * chunk + c));
                                acc += f(khp, ((long) p * 2 * chunk + c) * kd + r) * ed * f(up, ((long) p * chunk + c) * vd + j);
                            }
                            long si = ((long) p * kd + r) * vd + j;
                            setF(sp, si, gm * f(sp, si) + acc);
                        }
                    }
                }
            }
            case "kd_out" -> {
                long o = (Long) a[0];
                long slotTok = (Long) a[1];
                long slotHead = (Long) a[2];
                int heads = (Integer) a[3];
                int vdim = (Integer) a[4];
                long out = (Long) a[5];
                for (int s = 0; s < grid; s++) {
                    long tok0 = i(slotTok, s);
                    int h = i(slotHead, s);
                    for (int t = 0; t < chunk; t++) {
                        for (int j = 0; j < vdim; j++) {
                            setF(out, ((tok0 + t) * heads + h) * vdim + j, f(o, ((long) s * chunk + t) * vdim + j));
                        }
                    }
                }
            }
            case "kd_gather" -> {
                long dst = (Long) a[0];
                long src = (Long) a[1];
                long alt = (Long) a[2];
                long idx = (Long) a[3];
                int len = (Integer) a[4];
                for (int r = 0; r < grid; r++) {
                    int x = i(idx, r);
                    if (x < 0) {
                        aligned16("kd_gather alt", alt);
                    }
                    for (int e = 0; e < len; e++) {
                        float v = x >= 0 ? f(src, (long) x * len + e) : f(alt, (long) (-x - 1) * len + e);
                        setF(dst, (long) r * len + e, v);
                    }
                }
            }
            case "kd_scatter" -> {
                long dst = (Long) a[0];
                long src = (Long) a[1];
                long idx = (Long) a[2];
                int len = (Integer) a[3];
                for (int r = 0; r < grid; r++) {
                    int x = i(idx, r);
                    for (int e = 0; e < len; e++) {
                        setF(dst, (long) x * len + e, f(src, (long) r * len + e));
                    }
                }
            }
            default -> throw new IllegalArgumentException("no kernel " + kernel);
        }
    }

    private void prep(int grid, Object[] a) {
        long q = (Long) a[0], k = (Long) a[1], v = (Long) a[2], beta = (Long) a[3], g = (Long) a[4];
        long slotTok = (Long) a[5], slotHead = (Long) a[6];
        int heads = (Integer) a[7], kd = (Integer) a[8], vd = (Integer) a[9];
        float scale = (Float) a[10];
        boolean useBeta = (Integer) a[11] != 0, useGate = (Integer) a[12] != 0, writeKd = (Integer) a[13] != 0;
        long qkh = (Long) a[14], qg = (Long) a[15], kdec = (Long) a[16],
                vb = (Long) a[17], gs = (Long) a[18], bs = (Long) a[19], gamma = (Long) a[20];
        int c = chunk;
        float[] cg = new float[c];
        float[] b = new float[c];
        for (int s = 0; s < grid; s++) {
            long tok0 = i(slotTok, s);
            int h = i(slotHead, s);
            float acc = 0;
            for (int t = 0; t < c; t++) {
                long th = (tok0 + t) * heads + h;
                acc += useGate ? f(g, th) : 0f;
                cg[t] = acc;
                b[t] = useBeta ? f(beta, th) : 1f;
                setF(gs, (long) s * c + t, cg[t]);
                setF(bs, (long) s * c + t, b[t]);
            }
            setF(gamma, s, (float) Math.exp(acc));
            for (int t = 0; t < c; t++) {
                float eg = (float) Math.exp(cg[t]);
                float ed = (float) Math.exp(cg[c - 1] - cg[t]);
                for (int x = 0; x < kd; x++) {
                    long src = ((tok0 + t) * heads + h) * kd + x;
                    long dst = ((long) s * c + t) * kd + x;
                    float qq = f(q, src) * scale;
                    float kk = f(k, src);
                    setF(qkh, ((long) s * 2 * c + t) * kd + x, qq);
                    setF(qkh, ((long) s * 2 * c + c + t) * kd + x, kk);
                    setF(qg, dst, qq * eg);
                    if (writeKd) {
                        setF(kdec, dst, kk * ed);
                    }
                }
                for (int j = 0; j < vd; j++) {
                    setF(vb, ((long) s * c + t) * vd + j, b[t] * f(v, ((tok0 + t) * heads + h) * vd + j));
                }
            }
        }
    }

    private void tri(int grid, Object[] a) {
        long pk = (Long) a[0], tw = (Long) a[1], gs = (Long) a[2], bs = (Long) a[3];
        boolean delta = (Integer) a[4] != 0;
        int c = chunk;
        float[][] am = new float[c][c];
        float[][] tm = new float[c][c];
        for (int s = 0; s < grid; s++) {
            long base = (long) s * 2 * c * c;
            long qk = pk;
            long kk = pk + 4L * c * c;
            for (int t = 0; t < c; t++) {
                for (int j = 0; j < c; j++) {
                    float p = j <= t ? f(qk, base + t * c + j) * (float) Math.exp(f(gs, (long) s * c + t) - f(gs, (long) s * c + j)) : 0f;
                    setF(qk, base + t * c + j, p);
                }
            }
            if (!delta) {
                continue;
            }
            for (int t = 0; t < c; t++) {
                for (int j = 0; j < c; j++) {
                    am[t][j] = j < t ? f(bs, (long) s * c + t) * (float) Math.exp(f(gs, (long) s * c + t) - f(gs, (long) s * c + j))
                            * f(kk, base + t * c + j) : 0f;
                }
            }
            for (int j = 0; j < c; j++) {
                for (int t = 0; t < c; t++) {
                    float acc = t == j ? 1f : 0f;
                    for (int x = j; x < t; x++) {
                        acc -= am[t][x] * tm[x][j];
                    }
                    tm[t][j] = acc;
                }
            }
            for (int t = 0; t < c; t++) {
                for (int j = 0; j < c; j++) {
                    setF(kk, base + t * c + j, tm[t][j]);
                    float wj = f(bs, (long) s * c + j) * (float) Math.exp(f(gs, (long) s * c + j));
                    setF(tw, (long) s * c * c + t * c + j, tm[t][j] * wj);
                }
            }
        }
    }

    @Override
    public void gemm(boolean tf32, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     long a, int lda, long strideA, long b, int ldb, long strideB,
                     float beta, long c, int ldc, long strideC, int batch) {
        checkGemm("gemm", transA, transB, m, n, k, lda, ldb, ldc, batch);
        if (batch == 0) {
            return;
        }
        enqueue(() -> gemmNow(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch));
    }

    /**
     * The argument checks cuBLAS makes when called (CUBLAS_STATUS_INVALID_VALUE), in row-major terms: each
     * stored matrix's row stride must cover its row (A: k, or m transposed; B: n, or k transposed; C: n).
     */
    private static void checkGemm(String what, boolean transA, boolean transB, int m, int n, int k,
                                  int lda, int ldb, int ldc, int batch) {
        if (m < 0 || n < 0 || k < 0 || batch < 0) {
            throw new IllegalArgumentException(what + ": negative size m=" + m + " n=" + n + " k=" + k + " batch=" + batch);
        }
        if (lda < Math.max(1, transA ? m : k) || ldb < Math.max(1, transB ? k : n) || ldc < Math.max(1, n)) {
            throw new IllegalArgumentException(what + ": leading dimension too small (cuBLAS rejects it): m=" + m + " n=" + n
                    + " k=" + k + " transA=" + transA + " transB=" + transB + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc);
        }
    }

    private void gemmNow(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         long a, int lda, long strideA, long b, int ldb, long strideB,
                         float beta, long c, int ldc, long strideC, int batch) {
        for (int bt = 0; bt < batch; bt++) {
            long ao = bt * strideA, bo = bt * strideB, co = bt * strideC;
            for (int r = 0; r < m; r++) {
                for (int col = 0; col < n; col++) {
                    float acc = 0;
                    for (int x = 0; x < k; x++) {
                        float av = transA ? f(a, ao + (long) x * lda + r) : f(a, ao + (long) r * lda + x);
                        float bv = transB ? f(b, bo + (long) col * ldb + x) : f(b, bo + (long) x * ldb + col);
                        acc += av * bv;
                    }
                    long ci = co + (long) r * ldc + col;
                    float old = beta == 0f ? 0f : beta * f(c, ci);
                    setF(c, ci, alpha * acc + old);
                }
            }
        }
    }

    @Override
    public void gemmBatched(boolean tf32, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            long aPtrs, int lda, long bPtrs, int ldb, float beta, long cPtrs, int ldc, int batch) {
        checkGemm("gemmBatched", transA, transB, m, n, k, lda, ldb, ldc, batch);
        if (((aPtrs | bPtrs | cPtrs) & 7) != 0) {
            throw new IllegalArgumentException("pointer arrays must be 8-byte aligned");
        }
        if (batch == 0) {
            return;
        }
        // the arrays are device memory: read them (with buf's check) when the product runs, as the GPU does
        enqueue(() -> {
            for (int bt = 0; bt < batch; bt++) {
                long a = l(aPtrs, bt);
                long b = l(bPtrs, bt);
                long c = l(cPtrs, bt);
                if (((a | b | c) & 3) != 0) {
                    throw new IllegalArgumentException("gemmBatched matrix " + bt + " is not float-aligned");
                }
                gemmNow(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
            }
        });
    }

    @Override
    public void useStream(int id) {
        if (id < 0 || id > 2) {
            throw new IllegalArgumentException("stream " + id);
        }
        stream = id;
    }

    @Override
    public void waitEvent(int id) {
        if (eventSeq[id] == 0) {
            return; // never recorded: CUDA treats it as complete
        }
        queues[stream].add(new Wait(eventStream[id], eventSeq[id]));
        issued[stream]++;
    }

    @Override
    public void syncEvent(int id) {
        if (eventSeq[id] != 0) {
            drain(eventStream[id], eventSeq[id]);
        }
    }

    @Override
    public void record(int id) {
        enqueue(() -> events[id] = System.nanoTime());
        eventStream[id] = stream;
        eventSeq[id] = issued[stream];
    }

    @Override
    public float elapsedMs(int from, int to) {
        for (int e : new int[] {from, to}) {
            if (eventSeq[e] == 0 || done[eventStream[e]] < eventSeq[e]) {
                throw new IllegalStateException("event " + e + " has not completed (cudaErrorNotReady): wait for it first");
            }
        }
        return (events[to] - events[from]) / 1e6f;
    }

    @Override
    public void sync() {
        drainAll();
    }

    @Override
    public void close() {
        drainAll();
        memory.clear();
        sizes.clear();
        used = 0;
    }
}
