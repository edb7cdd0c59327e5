package dev.keymem.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * A CUDA device through the JavaCPP CUDA 13 presets: the runtime API for memory, transfers, streams
 * and events; NVRTC to compile gated_delta.cu for the device's architecture at first use; the driver
 * API (cuModuleLoadData, cuLaunchKernel) to launch its kernels; cuBLAS for the batched products.
 * Everything is queued on one stream. Not thread-safe: one caller at a time.
 */
final class CudaDevice implements Device {

    private static final String SOURCE = "gated_delta.cu";
    private static final String[] KERNELS = {"kd_prep", "kd_tri", "kd_scale", "kd_state", "kd_out", "kd_gather", "kd_scatter"};
    private static volatile String unavailable;
    private static volatile boolean probed;

    private final int device;
    private final CUctx_st context = new CUctx_st();
    private final CUstream_st[] streams = {new CUstream_st(), new CUstream_st(), new CUstream_st()};
    private CUstream_st stream;
    private final cublasContext blas = new cublasContext();
    private final cublasContext blasTf32 = new cublasContext();
    private final CUmod_st module = new CUmod_st();
    private final Map<String, CUfunc_st> functions = new HashMap<>();
    private final CUevent_st[] events = new CUevent_st[64];
    private final FloatPointer alphaCell = new FloatPointer(1);
    private final FloatPointer betaCell = new FloatPointer(1);
    private final String description;

    /**
     * Why no CUDA device can be used here (natives not loadable, no driver, no device), or null when
     * one can. Probes once.
     */
    static synchronized String unavailableReason() {
        if (!probed) {
            unavailable = probe();
            probed = true;
        }
        return unavailable;
    }

    private static String probe() {
        try {
            org.bytedeco.javacpp.Loader.load(cudart.class);
        } catch (Throwable t) {
            return "CUDA natives could not be loaded through JavaCPP (they need the NVIDIA driver's libcuda.so.1 and CUDA 13 libcudart.so.13 on the library path): " + t;
        }
        try {
            org.bytedeco.javacpp.Loader.load(cublas.class);
        } catch (Throwable t) {
            return "cuBLAS natives (libcublas.so.13 via JavaCPP) could not be loaded: " + t;
        }
        try {
            org.bytedeco.javacpp.Loader.load(nvrtc.class);
        } catch (Throwable t) {
            return "NVRTC natives (libnvrtc.so.13 via JavaCPP) could not be loaded: " + t;
        }
        int[] count = new int[1];
        int rc;
        try {
            rc = cudart.cudaGetDeviceCount(count);
        } catch (Throwable t) {
            return "cudaGetDeviceCount failed: " + t;
        }
        if (rc != 0) {
            return "no usable CUDA driver/device: cudaGetDeviceCount returned " + rc + " ("
                    + cudart.cudaGetErrorString(rc).getString() + ")";
        }
        if (count[0] == 0) {
            return "the CUDA driver reports no device";
        }
        return null;
    }

    CudaDevice(int device, int chunk) {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        this.device = device;
        check(cudart.cudaSetDevice(device), "cudaSetDevice");
        check(cudart.cudaFree(null), "cudaFree(null) (runtime init)");
        checkDrv(cudart.cuInit(0), "cuInit");
        int[] dev = new int[1];
        checkDrv(cudart.cuDeviceGet(dev, device), "cuDeviceGet");
        checkDrv(cudart.cuDevicePrimaryCtxRetain(context, dev[0]), "cuDevicePrimaryCtxRetain");
        checkDrv(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        for (CUstream_st st : streams) {
            check(cudart.cudaStreamCreate(st), "cudaStreamCreate");
        }
        stream = streams[0];
        check(cublas.cublasCreate_v2(blas), "cublasCreate");
        check(cublas.cublasSetStream_v2(blas, stream), "cublasSetStream");
        check(cublas.cublasSetMathMode(blas, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
        check(cublas.cublasCreate_v2(blasTf32), "cublasCreate");
        check(cublas.cublasSetStream_v2(blasTf32, stream), "cublasSetStream");
        check(cublas.cublasSetMathMode(blasTf32, CUBLAS_TF32_TENSOR_OP_MATH), "cublasSetMathMode TF32");
        for (int i = 0; i < events.length; i++) {
            events[i] = new CUevent_st();
            check(cudart.cudaEventCreate(events[i]), "cudaEventCreate");
        }
        int[] major = new int[1];
        int[] minor = new int[1];
        check(cudart.cudaDeviceGetAttribute(major, cudart.cudaDevAttrComputeCapabilityMajor, device), "attr major");
        check(cudart.cudaDeviceGetAttribute(minor, cudart.cudaDevAttrComputeCapabilityMinor, device), "attr minor");
        byte[] image = compile(major[0] * 10 + minor[0], chunk);
        BytePointer img = new BytePointer(image.length + 1);
        img.put(image, 0, image.length).put(image.length, (byte) 0);
        checkDrv(cudart.cuModuleLoadData(module, img), "cuModuleLoadData");
        for (String k : KERNELS) {
            CUfunc_st f = new CUfunc_st();
            checkDrv(cudart.cuModuleGetFunction(f, module, k), "cuModuleGetFunction " + k);
            functions.put(k, f);
        }
        int[] drv = new int[1];
        int[] rtv = new int[1];
        cudart.cudaDriverGetVersion(drv);
        cudart.cudaRuntimeGetVersion(rtv);
        org.bytedeco.cuda.cudart.cudaDeviceProp prop = new org.bytedeco.cuda.cudart.cudaDeviceProp();
        check(cudart.cudaGetDeviceProperties(prop, device), "cudaGetDeviceProperties");
        description = prop.name().getString() + " (sm_" + major[0] + minor[0] + ", " + prop.multiProcessorCount()
                + " SMs, driver API " + version(drv[0]) + ", runtime " + version(rtv[0]) + ")";
    }

    private static String version(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }

    /** Reads the kernel source from the classpath; visible for the NVRTC check. */
    static String source() {
        try (InputStream in = CudaDevice.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("kernel source resource dev/keymem/cuda/" + SOURCE + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel source " + SOURCE, e);
        }
    }

    /**
     * Why NVRTC cannot be used here (its natives, libnvrtc.so.13 through JavaCPP, do not load), or null
     * when it can; needs no GPU. For the compile check of the kernel sources.
     */
    static String nvrtcUnavailableReason() {
        try {
            org.bytedeco.javacpp.Loader.load(nvrtc.class);
            return null;
        } catch (Throwable t) {
            return "NVRTC natives (libnvrtc.so.13 via JavaCPP) could not be loaded: " + t;
        }
    }

    /** Compiles the kernel sources with NVRTC as the device would (no GPU needed); throws with NVRTC's log on errors. */
    static byte[] compileCheck(String archOption, int chunk, boolean cubin) {
        return nvrtcCompile(source(), archOption, chunk, cubin);
    }

    /** NVRTC: a CUBIN for sm_{arch}, or PTX for compute_90 if NVRTC does not know this arch. */
    private static byte[] compile(int arch, int chunk) {
        try {
            return nvrtcCompile(source(), "--gpu-architecture=sm_" + arch, chunk, true);
        } catch (IllegalStateException e) {
            return nvrtcCompile(source(), "--gpu-architecture=compute_90", chunk, false);
        }
    }

    private static byte[] nvrtcCompile(String src, String archOption, int chunk, boolean cubin) {
        _nvrtcProgram prog = new _nvrtcProgram();
        int rc = nvrtc.nvrtcCreateProgram(prog, new BytePointer(src), new BytePointer(SOURCE), 0,
                (PointerPointer) null, (PointerPointer) null);
        if (rc != 0) {
            throw new IllegalStateException("nvrtcCreateProgram: " + nvrtc.nvrtcGetErrorString(rc).getString());
        }
        try {
            PointerPointer<BytePointer> opts = new PointerPointer<>(archOption, "-DCHUNK=" + chunk);
            rc = nvrtc.nvrtcCompileProgram(prog, 2, opts);
            if (rc != 0) {
                SizeTPointer logSize = new SizeTPointer(1);
                nvrtc.nvrtcGetProgramLogSize(prog, logSize);
                BytePointer log = new BytePointer(logSize.get() + 1);
                nvrtc.nvrtcGetProgramLog(prog, log);
                throw new IllegalStateException("NVRTC failed to compile " + SOURCE + " (" + archOption + "): "
                        + nvrtc.nvrtcGetErrorString(rc).getString() + "\n" + log.getString());
            }
            SizeTPointer size = new SizeTPointer(1);
            BytePointer out;
            if (cubin) {
                check(nvrtc.nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize");
                out = new BytePointer(size.get());
                check(nvrtc.nvrtcGetCUBIN(prog, out), "nvrtcGetCUBIN");
            } else {
                check(nvrtc.nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize");
                out = new BytePointer(size.get());
                check(nvrtc.nvrtcGetPTX(prog, out), "nvrtcGetPTX");
            }
            byte[] bytes = new byte[(int) size.get()];
            out.get(bytes);
            return bytes;
        } finally {
            nvrtc.nvrtcDestroyProgram(prog);
        }
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException("CUDA call " + what + " failed with " + rc + " ("
                    + cudart.cudaGetErrorString(rc).getString() + ")");
        }
    }

    private static void checkDrv(int rc, String what) {
        if (rc != 0) {
            PointerPointer<BytePointer> msg = new PointerPointer<>(1);
            cudart.cuGetErrorString(rc, msg);
            Pointer p = msg.get(0);
            throw new IllegalStateException("CUDA driver call " + what + " failed with " + rc + " ("
                    + (p == null || p.isNull() ? "?" : new BytePointer(p).getString()) + ")");
        }
    }

    /** Makes this device's context current on the calling thread (cheap; done on every entry). */
    void bind() {
        check(cudart.cudaSetDevice(device), "cudaSetDevice");
        checkDrv(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** A pointer object at a raw address (device or pinned host). */
    private static final class Raw extends FloatPointer {
        Raw(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public long freeMemory() {
        SizeTPointer free = new SizeTPointer(1);
        SizeTPointer total = new SizeTPointer(1);
        check(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return free.get();
    }

    @Override
    public long malloc(long bytes) {
        Pointer p = new Pointer();
        check(cudart.cudaMalloc(p, Math.max(bytes, 16)), "cudaMalloc(" + bytes + " bytes)");
        return p.address();
    }

    @Override
    public void free(long ptr) {
        if (ptr != 0) {
            check(cudart.cudaFree(new Raw(ptr)), "cudaFree");
        }
    }

    private static final class Pinned implements HostBuffer {
        private final long bytes;
        private final Pointer base;

        Pinned(long bytes) {
            this.bytes = bytes;
            this.base = new Pointer();
            check(cudart.cudaMallocHost(base, Math.max(bytes, 16)), "cudaMallocHost(" + bytes + " bytes)");
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public void putFloats(long floatIndex, float[] src, int off, int len) {
            bounds(floatIndex, len);
            new FloatPointer(base).position(floatIndex).put(src, off, len); // a view per call: thread-safe
        }

        @Override
        public void getFloats(long floatIndex, float[] dst, int off, int len) {
            bounds(floatIndex, len);
            new FloatPointer(base).position(floatIndex).get(dst, off, len);
        }

        @Override
        public void putInts(long intIndex, int[] src, int off, int len) {
            bounds(intIndex, len);
            new IntPointer(base).position(intIndex).put(src, off, len);
        }

        @Override
        public void putLongs(long longIndex, long[] src, int off, int len) {
            if (longIndex < 0 || (longIndex + len) * 8 > bytes) {
                throw new IndexOutOfBoundsException("pinned buffer of " + bytes + " bytes, long access [" + longIndex + ", +" + len + ")");
            }
            new LongPointer(base).position(longIndex).put(src, off, len);
        }

        private void bounds(long index, int len) {
            if (index < 0 || (index + len) * 4 > bytes) {
                throw new IndexOutOfBoundsException("pinned buffer of " + bytes + " bytes, access [" + index + ", +" + len + ")");
            }
        }

        long address() {
            return base.address();
        }

        @Override
        public void free() {
            check(cudart.cudaFreeHost(base), "cudaFreeHost");
        }
    }

    @Override
    public HostBuffer pinned(long bytes) {
        return new Pinned(bytes);
    }

    @Override
    public void upload(long dst, HostBuffer src, long srcByteOffset, long bytes) {
        if (bytes == 0) {
            return;
        }
        check(cudart.cudaMemcpyAsync(new Raw(dst), new Raw(((Pinned) src).address() + srcByteOffset), bytes,
                cudart.cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync H2D");
    }

    @Override
    public void download(HostBuffer dst, long dstByteOffset, long src, long bytes) {
        if (bytes == 0) {
            return;
        }
        check(cudart.cudaMemcpyAsync(new Raw(((Pinned) dst).address() + dstByteOffset), new Raw(src), bytes,
                cudart.cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync D2H");
    }

    @Override
    public void launch(String kernel, int grid, int block, Object... args) {
        if (grid == 0) {
            return;
        }
        CUfunc_st f = functions.get(kernel);
        if (f == null) {
            throw new IllegalArgumentException("no kernel " + kernel);
        }
        Pointer[] cells = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Long l) {
                cells[i] = new LongPointer(1).put(l);
            } else if (a instanceof Integer n) {
                cells[i] = new IntPointer(1).put(n);
            } else if (a instanceof Float x) {
                cells[i] = new FloatPointer(1).put(x);
            } else {
                throw new IllegalArgumentException("kernel argument " + i + " of " + kernel + " has unsupported type " + a);
            }
        }
        PointerPointer<Pointer> params = new PointerPointer<>(cells);
        try {
            checkDrv(cudart.cuLaunchKernel(f, grid, 1, 1, block, 1, 1, 0, stream, params, (PointerPointer) null),
                    "cuLaunchKernel " + kernel + " grid=" + grid + " block=" + block);
        } finally {
            params.close();
            for (Pointer c : cells) {
                c.close();
            }
        }
    }

    @Override
    public void gemm(boolean tf32, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     long a, int lda, long strideA, long b, int ldb, long strideB,
                     float beta, long c, int ldc, long strideC, int batch) {
        if (batch == 0) {
            return;
        }
        alphaCell.put(0, alpha);
        betaCell.put(0, beta);
        // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T.
        check(cublas.cublasSgemmStridedBatched(tf32 ? blasTf32 : blas, transB ? CUBLAS_OP_T : CUBLAS_OP_N, transA ? CUBLAS_OP_T : CUBLAS_OP_N,
                n, m, k, alphaCell, new Raw(b), ldb, strideB, new Raw(a), lda, strideA, betaCell, new Raw(c), ldc, strideC, batch),
                "cublasSgemmStridedBatched m=" + m + " n=" + n + " k=" + k + " batch=" + batch);
    }

    /** A pointer-array argument at a raw device address. */
    private static final class RawArray extends PointerPointer<Pointer> {
        RawArray(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }

    @Override
    public void gemmBatched(boolean tf32, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            long aPtrs, int lda, long bPtrs, int ldb, float beta, long cPtrs, int ldc, int batch) {
        if (batch == 0) {
            return;
        }
        alphaCell.put(0, alpha);
        betaCell.put(0, beta);
        // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, as in gemm.
        check(cublas.cublasSgemmBatched(tf32 ? blasTf32 : blas, transB ? CUBLAS_OP_T : CUBLAS_OP_N, transA ? CUBLAS_OP_T : CUBLAS_OP_N,
                n, m, k, alphaCell, new RawArray(bPtrs), ldb, new RawArray(aPtrs), lda, betaCell, new RawArray(cPtrs), ldc, batch),
                "cublasSgemmBatched m=" + m + " n=" + n + " k=" + k + " batch=" + batch);
    }

    @Override
    public void useStream(int id) {
        if (streams[id] != stream) {
            stream = streams[id];
            check(cublas.cublasSetStream_v2(blas, stream), "cublasSetStream");
            check(cublas.cublasSetStream_v2(blasTf32, stream), "cublasSetStream");
        }
    }

    @Override
    public void waitEvent(int id) {
        check(cudart.cudaStreamWaitEvent(stream, events[id], 0), "cudaStreamWaitEvent");
    }

    @Override
    public void syncEvent(int id) {
        check(cudart.cudaEventSynchronize(events[id]), "cudaEventSynchronize (an earlier launch or copy failed)");
    }

    @Override
    public void record(int id) {
        check(cudart.cudaEventRecord(events[id], stream), "cudaEventRecord");
    }

    @Override
    public float elapsedMs(int from, int to) {
        float[] ms = new float[1];
        check(cudart.cudaEventElapsedTime(ms, events[from], events[to]), "cudaEventElapsedTime");
        return ms[0];
    }

    @Override
    public void sync() {
        for (CUstream_st st : streams) {
            check(cudart.cudaStreamSynchronize(st), "cudaStreamSynchronize (an earlier launch or copy failed)");
        }
        check(cudart.cudaGetLastError(), "cudaGetLastError");
    }

    @Override
    public void close() {
        bind();
        sync();
        cublas.cublasDestroy_v2(blas);
        cublas.cublasDestroy_v2(blasTf32);
        for (CUevent_st e : events) {
            cudart.cudaEventDestroy(e);
        }
        cudart.cuModuleUnload(module);
        for (CUstream_st st : streams) {
            cudart.cudaStreamDestroy(st);
        }
        cudart.cuDevicePrimaryCtxRelease(device);
    }
}
