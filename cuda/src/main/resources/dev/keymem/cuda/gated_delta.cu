// Chunked gated-delta (and delta / linear / gated-linear) kernels for CudaGatedDelta.
// Compiled at first use with NVRTC for the device's architecture; CHUNK (the in-chunk token count C)
// is given as -DCHUNK=<n>, with n <= 128. All matrices are row-major.
//
// A "slot" is one (key, head, chunk) triple. The host lays slots out step-major: all slots of chunk
// step 0 first (pairs sorted so that the active pairs of every step are a prefix), then step 1, ...
// slotTok[s] is the packed token index of the slot's first token, slotHead[s] its head.
#ifndef CHUNK
#define CHUNK 64
#endif

// Per slot: copies the head's tokens out of the packed [tokens, H, K|V] inputs into per-slot tiles and
// folds in the decays. G = in-chunk cumulative sum of g; B = beta (1 for the cells without beta).
// QKh [2C, K] per slot stacks Qt (rows 0..C-1) over Kh (rows C..2C-1).
//   Qt = scale q            Qg = exp(G_t) scale q      Kh = k
//   Kd = exp(G_C - G_t) k (only if writeKd: the plain state update needs it)   Vb = beta_t v
extern "C" __global__ void kd_prep(const float* __restrict__ q, const float* __restrict__ k,
        const float* __restrict__ v, const float* __restrict__ beta, const float* __restrict__ g,
        const int* __restrict__ slotTok, const int* __restrict__ slotHead,
        int H, int K, int V, float scale, int useBeta, int useGate, int writeKd,
        float* __restrict__ QKh, float* __restrict__ Qg, float* __restrict__ Kd, float* __restrict__ Vb, float* __restrict__ Gs, float* __restrict__ Bs,
        float* __restrict__ gamma) {
    __shared__ float G[CHUNK];
    __shared__ float B[CHUNK];
    __shared__ float EG[CHUNK];
    __shared__ float ED[CHUNK];
    const long s = blockIdx.x;
    const long tok0 = slotTok[s];
    const int h = slotHead[s];
    for (int t = threadIdx.x; t < CHUNK; t += blockDim.x) {
        long th = (tok0 + t) * H + h;
        G[t] = useGate ? g[th] : 0.0f;
        B[t] = useBeta ? beta[th] : 1.0f;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        float acc = 0.0f;
        for (int t = 0; t < CHUNK; t++) {
            acc += G[t];
            G[t] = acc;
        }
        gamma[s] = expf(acc);
    }
    __syncthreads();
    const float GC = G[CHUNK - 1];
    for (int t = threadIdx.x; t < CHUNK; t += blockDim.x) {
        EG[t] = expf(G[t]);
        ED[t] = expf(GC - G[t]);
        Gs[s * CHUNK + t] = G[t];
        Bs[s * CHUNK + t] = B[t];
    }
    __syncthreads();
    const long baseK = s * (long) CHUNK * K;
    for (int idx = threadIdx.x; idx < CHUNK * K; idx += blockDim.x) {
        int t = idx / K;
        int i = idx - t * K;
        long src = ((tok0 + t) * H + h) * (long) K + i;
        float qq = q[src] * scale;
        float kk = k[src];
        QKh[2 * baseK + idx] = qq;
        QKh[2 * baseK + CHUNK * K + idx] = kk;
        Qg[baseK + idx] = qq * EG[t];
        if (writeKd) {
            Kd[baseK + idx] = kk * ED[t];
        }
    }
    const long baseV = s * (long) CHUNK * V;
    for (int idx = threadIdx.x; idx < CHUNK * V; idx += blockDim.x) {
        int t = idx / V;
        int j = idx - t * V;
        long src = ((tok0 + t) * H + h) * (long) V + j;
        Vb[baseV + idx] = B[t] * v[src];
    }
}

// Per slot, CHUNK threads (thread j owns column j). PK holds, per slot, [2C, C]: rows 0..C-1 are
// Qt Kh^T, rows C..2C-1 are Kh Kh^T (one stacked product). In place:
//   the top becomes P[t][i] = (Qt Kh^T)[t][i] exp(G_t - G_i) for i <= t, else 0;
//   if delta, with A[t][i] = beta_t exp(G_t - G_i) (Kh Kh^T)[t][i] for i < t (strictly lower), the
//   bottom becomes T = (I + A)^-1 and TW [C, C] becomes T diag(beta exp(G)), so that U' = T (beta V)
//   and W = TW Kh.
// The forward substitution keeps thread j's column of T in registers (the loops unroll fully, so
// every index is a compile-time constant): T[t][j] = [t == j] - sum_{i < t} A[t][i] T[i][j], which
// is exactly 0 above the diagonal without a branch because T[i][j] = 0 for i < j.
extern "C" __global__ void __launch_bounds__(CHUNK) kd_tri(float* __restrict__ PK, float* __restrict__ TW,
        const float* __restrict__ Gs, const float* __restrict__ Bs, int delta) {
    __shared__ __align__(16) float A[CHUNK][CHUNK];
    __shared__ float G[CHUNK];
    __shared__ float B[CHUNK];
    const long s = blockIdx.x;
    const int j = threadIdx.x;
    float* P = PK + s * 2L * CHUNK * CHUNK;
    float* KK = P + CHUNK * CHUNK;
    G[j] = Gs[s * CHUNK + j];
    B[j] = Bs[s * CHUNK + j];
    __syncthreads();
    const float gj = G[j];
#pragma unroll 8
    for (int t = 0; t < CHUNK; t++) {
        float p = 0.0f;
        if (j <= t) {
            p = P[t * CHUNK + j] * expf(G[t] - gj);
        }
        P[t * CHUNK + j] = p;
    }
    if (!delta) {
        return;
    }
#pragma unroll 8
    for (int t = 0; t < CHUNK; t++) {
        float a = 0.0f;
        if (j < t) {
            a = B[t] * expf(G[t] - gj) * KK[t * CHUNK + j];
        }
        A[t][j] = a;
    }
    __syncthreads();
    float tc[CHUNK];
#pragma unroll
    for (int t = 0; t < CHUNK; t++) {
        float r0 = (t == j) ? 1.0f : 0.0f;
        float r1 = 0.0f;
#pragma unroll
        for (int i = 0; i < t; i += 4) {
            const float4 a = *reinterpret_cast<const float4*>(&A[t][i]);
            r0 -= a.x * tc[i];
            if (i + 1 < t) {
                r1 -= a.y * tc[i + 1];
            }
            if (i + 2 < t) {
                r0 -= a.z * tc[i + 2];
            }
            if (i + 3 < t) {
                r1 -= a.w * tc[i + 3];
            }
        }
        tc[t] = r0 + r1;
    }
    const float wj = B[j] * expf(gj);
    float* tw = TW + s * (long) CHUNK * CHUNK;
#pragma unroll
    for (int t = 0; t < CHUNK; t++) {
        KK[t * CHUNK + j] = tc[t];
        tw[t * CHUNK + j] = tc[t] * wj;
    }
}

// S[p] *= gamma[p] for the first n pairs; S is [n][len], len divisible by 4.
extern "C" __global__ void kd_scale(float* __restrict__ S, const float* __restrict__ gamma, int len) {
    const long p = blockIdx.x;
    const float gm = gamma[p];
    float4* s4 = reinterpret_cast<float4*>(S + p * (long) len);
    for (int i = threadIdx.x; i < len / 4; i += blockDim.x) {
        float4 x = s4[i];
        x.x *= gm;
        x.y *= gm;
        x.z *= gm;
        x.w *= gm;
        s4[i] = x;
    }
}

// The state update of one chunk step, fused: S[p] = gamma[p] S[p] + Kd[p]^T U[p] for the first
// (gridDim.x / tiles) pairs, with Kd[c][k] = Kh[c][k] exp(G_C - G_c) formed on the fly (Kh rows with
// stride 2 C K per pair, the bottom half of QKh), U [CHUNK, V] per pair, S [K, V] per pair.
// One block of 256 threads per 64 x 64 tile of S; each thread owns a 4 x 4 block of the tile.
extern "C" __global__ void __launch_bounds__(256) kd_state(float* __restrict__ S, const float* __restrict__ Kh,
        const float* __restrict__ U, const float* __restrict__ Gs, const float* __restrict__ gamma, int K, int V) {
    __shared__ __align__(16) float As[CHUNK][64];
    __shared__ __align__(16) float Bs[CHUNK][64];
    __shared__ float ED[CHUNK];
    const int tilesK = (K + 63) / 64;
    const int tilesV = (V + 63) / 64;
    const long p = blockIdx.x / (tilesK * tilesV);
    const int tile = (int) (blockIdx.x - p * (tilesK * tilesV));
    const int k0 = (tile / tilesV) * 64;
    const int v0 = (tile % tilesV) * 64;
    const float* kh = Kh + p * 2L * CHUNK * K;
    const float* u = U + p * (long) CHUNK * V;
    const float* g = Gs + p * (long) CHUNK;
    for (int c = threadIdx.x; c < CHUNK; c += 256) {
        ED[c] = expf(g[CHUNK - 1] - g[c]);
    }
    __syncthreads();
    for (int e = threadIdx.x; e < CHUNK * 64; e += 256) {
        int c = e >> 6;
        int x = e & 63;
        As[c][x] = (k0 + x < K) ? kh[c * K + k0 + x] * ED[c] : 0.0f;
        Bs[c][x] = (v0 + x < V) ? u[c * V + v0 + x] : 0.0f;
    }
    __syncthreads();
    const int tx = threadIdx.x & 15;
    const int ty = threadIdx.x >> 4;
    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++) {
#pragma unroll
        for (int jj = 0; jj < 4; jj++) {
            acc[i][jj] = 0.0f;
        }
    }
#pragma unroll 8
    for (int c = 0; c < CHUNK; c++) {
        const float4 a = *reinterpret_cast<const float4*>(&As[c][ty * 4]);
        const float4 b = *reinterpret_cast<const float4*>(&Bs[c][tx * 4]);
        const float av[4] = {a.x, a.y, a.z, a.w};
        const float bv[4] = {b.x, b.y, b.z, b.w};
#pragma unroll
        for (int i = 0; i < 4; i++) {
#pragma unroll
            for (int jj = 0; jj < 4; jj++) {
                acc[i][jj] += av[i] * bv[jj];
            }
        }
    }
    const float gm = gamma[p];
    float* sp = S + p * (long) K * V;
    const int col = v0 + tx * 4;
#pragma unroll
    for (int i = 0; i < 4; i++) {
        const int row = k0 + ty * 4 + i;
        if (row >= K) {
            continue;
        }
        float* dst = sp + (long) row * V + col;
        if ((V & 3) == 0 && col + 3 < V) {
            float4 x = *reinterpret_cast<float4*>(dst);
            x.x = gm * x.x + acc[i][0];
            x.y = gm * x.y + acc[i][1];
            x.z = gm * x.z + acc[i][2];
            x.w = gm * x.w + acc[i][3];
            *reinterpret_cast<float4*>(dst) = x;
        } else {
#pragma unroll
            for (int jj = 0; jj < 4; jj++) {
                if (col + jj < V) {
                    dst[jj] = gm * dst[jj] + acc[i][jj];
                }
            }
        }
    }
}

// Per slot: writes the slot's [CHUNK, V] outputs into the packed [tokens, H, V] output.
extern "C" __global__ void kd_out(const float* __restrict__ O, const int* __restrict__ slotTok,
        const int* __restrict__ slotHead, int H, int V, float* __restrict__ out) {
    const long s = blockIdx.x;
    const long tok0 = slotTok[s];
    const int h = slotHead[s];
    const long base = s * (long) CHUNK * V;
    for (int idx = threadIdx.x; idx < CHUNK * V; idx += blockDim.x) {
        int t = idx / V;
        int j = idx - t * V;
        out[((tok0 + t) * H + h) * (long) V + j] = O[base + idx];
    }
}

// dst[r] = src[idx[r]] for whole rows of len floats (len divisible by 4); idx < 0 reads row
// (-idx - 1) of alt instead. Used to gather resident states (pool) and freshly uploaded ones (alt)
// into the batch-ordered work array, and, with alt unused, to gather rows for a write-back.
extern "C" __global__ void kd_gather(float* __restrict__ dst, const float* __restrict__ src,
        const float* __restrict__ alt, const int* __restrict__ idx, int len) {
    const long r = blockIdx.x;
    const int i = idx[r];
    const float4* from = reinterpret_cast<const float4*>(i >= 0 ? src + (long) i * len : alt + (long) (-i - 1) * len);
    float4* to = reinterpret_cast<float4*>(dst + r * (long) len);
    for (int e = threadIdx.x; e < len / 4; e += blockDim.x) {
        to[e] = from[e];
    }
}

// dst[idx[r]] = src[r] for whole rows of len floats (len divisible by 4).
extern "C" __global__ void kd_scatter(float* __restrict__ dst, const float* __restrict__ src,
        const int* __restrict__ idx, int len) {
    const long r = blockIdx.x;
    const float4* from = reinterpret_cast<const float4*>(src + r * (long) len);
    float4* to = reinterpret_cast<float4*>(dst + (long) idx[r] * len);
    for (int e = threadIdx.x; e < len / 4; e += blockDim.x) {
        to[e] = from[e];
    }
}
