package dev.keymem.cuda;

/**
 * The few operations the chunked pipeline needs from a device: memory, staging buffers, transfers,
 * named kernel launches and strided-batched row-major SGEMM, all ordered on one stream, plus events
 * for phase timing. {@link CudaDevice} is the real one; {@link EmulatedDevice} runs the same calls in
 * plain Java so that the host-side orchestration (slot layout, grouping, resident cache) is tested
 * where no GPU is present. Device pointers are plain {@code long} addresses.
 */
interface Device extends AutoCloseable {

    /** A page-locked (for CUDA) host staging buffer. */
    interface HostBuffer {
        long bytes();

        void putFloats(long floatIndex, float[] src, int off, int len);

        void getFloats(long floatIndex, float[] dst, int off, int len);

        void putInts(long intIndex, int[] src, int off, int len);

        /** Writes longs (e.g. device pointers for {@link #gemmBatched}) at element index {@code longIndex}. */
        void putLongs(long longIndex, long[] src, int off, int len);

        void free();
    }

    String describe();

    /** Free device memory in bytes. */
    long freeMemory();

    long malloc(long bytes);

    void free(long ptr);

    HostBuffer pinned(long bytes);

    void upload(long dst, HostBuffer src, long srcByteOffset, long bytes);

    void download(HostBuffer dst, long dstByteOffset, long src, long bytes);

    /**
     * Launches {@code kernel} (a function of gated_delta.cu) on a 1-D grid; args are Long (device
     * pointers), Integer or Float, in the kernel's parameter order.
     */
    void launch(String kernel, int grid, int block, Object... args);

    /**
     * Row-major strided-batched SGEMM: C_b = alpha op(A_b) op(B_b) + beta C_b, op(A) m x k,
     * op(B) k x n, lda/ldb/ldc the row strides of the stored matrices. {@code tf32}: the device may
     * round the operands to TF32 on tensor cores (CUDA); the emulation ignores it.
     */
    void gemm(boolean tf32, boolean transA, boolean transB, int m, int n, int k, float alpha,
              long a, int lda, long strideA, long b, int ldb, long strideB,
              float beta, long c, int ldc, long strideC, int batch);

    /**
     * Row-major pointer-array batched SGEMM: C_i = alpha op(A_i) op(B_i) + beta C_i for i &lt; batch,
     * where A_i, B_i, C_i are the device addresses stored in the device arrays {@code aPtrs},
     * {@code bPtrs}, {@code cPtrs} (batch longs each, 8-byte aligned); shapes and row strides as in
     * {@link #gemm}. Lets one call multiply matrices that lie anywhere (e.g. cached states in pool
     * slots against query rows in a staging buffer).
     */
    void gemmBatched(boolean tf32, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     long aPtrs, int lda, long bPtrs, int ldb, float beta, long cPtrs, int ldc, int batch);

    /**
     * Makes later uploads, downloads, launches, products and event records go to stream {@code id}
     * (0: compute, the default; 1 and 2: copy streams).
     */
    void useStream(int id);

    /** Makes the current stream wait (on the device) for event {@code id}. */
    void waitEvent(int id);

    /** Blocks the host until event {@code id} has completed. */
    void syncEvent(int id);

    /** Records event {@code id} (0..63) on the current stream. */
    void record(int id);

    /** Milliseconds between two recorded events; call after {@link #sync()}. */
    float elapsedMs(int from, int to);

    /** Waits for everything queued on all streams; throws if a launch failed. */
    void sync();

    @Override
    void close();
}
