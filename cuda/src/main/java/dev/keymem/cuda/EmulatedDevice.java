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

    private static final class Host implements HostBuffer {
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
        for (long k = 0; k < bytes; k++) {
            to.put((int) (o + k), from.get((int) (srcByteOffset + k)));
        }
    }

    @Override
    public void download(HostBuffer dst, long dstByteOffset, long src, long bytes) {
        ByteBuffer to = ((Host) dst).b;
        ByteBuffer from = buf(src);
        int o = (int) (src & ((1L << SHIFT) - 1));
        for (long k = 0; k < bytes; k++) {
            to.put((int) (dstByteOffset + k), from.get((int) (o + k)));
        }
    }

    @Override
    public void launch(String kernel, int grid, int block, Object... a) {
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
        for (int bt = 0; bt < batch; bt++) {
            if (((aPtrs | bPtrs | cPtrs) & 7) != 0) {
                throw new IllegalArgumentException("pointer arrays must be 8-byte aligned");
            }
            gemm(tf32, transA, transB, m, n, k, alpha, l(aPtrs, bt), lda, 0, l(bPtrs, bt), ldb, 0,
                    beta, l(cPtrs, bt), ldc, 0, 1);
        }
    }

    @Override
    public void useStream(int id) {
        if (id < 0 || id > 2) {
            throw new IllegalArgumentException("stream " + id);
        }
    }

    @Override
    public void waitEvent(int id) {
    }

    @Override
    public void syncEvent(int id) {
    }

    @Override
    public void record(int id) {
        events[id] = System.nanoTime();
    }

    @Override
    public float elapsedMs(int from, int to) {
        return (events[to] - events[from]) / 1e6f;
    }

    @Override
    public void sync() {
    }

    @Override
    public void close() {
        memory.clear();
        sizes.clear();
        used = 0;
    }
}
