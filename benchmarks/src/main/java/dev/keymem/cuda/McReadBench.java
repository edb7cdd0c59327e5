package dev.keymem.cuda;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.caching.CacheRead;
import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.caching.CacheSummary;
import dev.keymem.models.caching.InMemoryCacheStore;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.testing.Float64Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Memory Caching reads benchmark of {@link GpuBench} ({@code --mc-reads}): one
 * {@link CudaCacheReader#read} call holding every read of {@code keys} keys, each reading its
 * {@code caches} cached states with {@code rows} query rows (the shape of one batched-operator round
 * with a residual or GRM read: every piece reads every cache, a key's reads share its q array).
 *
 * <p>Cold: every cache misses (the reader was told to {@link CudaCacheReader#forget} every key), so the
 * call uploads all states; hot: every cache is resident, only the queries go up. Times are the median
 * of the repetitions: wall = the whole read() call from Java arrays (packing and unpacking included);
 * up / compute / down = device time of the phases (events), summed over the call's passes. reads/s =
 * keys x caches / wall; tokens/s = keys x rows / wall (a token = one query row of one key, reading all
 * its key's caches). CPU = {@link CacheReader#of} on the chunked CPU cell, one thread, where the call
 * is small enough (at most 4e10 flops); "max err" = the GPU outputs against the CPU reads of the first
 * 64 reads (max |diff| / max |ref|).
 */
final class McReadBench {

    private McReadBench() {
    }

    private record Times(double wall, double up, double compute, double down, long passes) {
    }

    static void run(StringBuilder report, int[] keys, int[] caches, int[] rows, int[] dims, int heads,
                    long stagingBytes, boolean tf32) {
        report.append("## Memory Caching reads (CudaCacheReader), H=").append(heads).append(", ")
                .append(tf32 ? "TF32" : "FP32").append(" products, staging ")
                .append(stagingBytes == 0 ? "default (256 MiB)" : (stagingBytes >> 20) + " MiB").append("\n\n");
        report.append("| K=V | keys | caches/key | rows | reads | cache MB | cold wall ms | cold up/compute/down ms | cold passes "
                        + "| hot wall ms | hot up/compute/down ms | hot passes | hot reads/s | hot tokens/s | cold tokens/s | CPU ms | max err |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        boolean described = false;
        for (int d : dims) {
            CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, heads, d, d, 64);
            long stateBytes = 4L * heads * d * d;
            for (int c : caches) {
                for (int n : keys) {
                    long need = stateBytes * n * c;
                    if (need > (40L << 30)) {
                        report.append(String.format(Locale.ROOT, "| %d | %d | %d | - | - | %d | skipped: over 40 GB of caches |%n",
                                d, n, c, need >> 20));
                        continue;
                    }
                    CudaCacheReader.Options o = new CudaCacheReader.Options(need + stateBytes, stagingBytes, tf32);
                    try (CudaCacheReader reader = CudaCacheReader.open(spec, o)) {
                        if (!described) {
                            report.insert(0, "Device: " + reader.name() + "\n\n");
                            described = true;
                        }
                        for (int t : rows) {
                            String row = row(reader, spec, n, c, t);
                            report.append(row).append('\n');
                            System.out.println(row);
                        }
                    }
                }
            }
        }
        report.append('\n');
    }

    private static String row(CudaCacheReader reader, CellSpec spec, int n, int c, int t) {
        int hk = spec.heads() * spec.keyDim();
        int hv = spec.heads() * spec.valueDim();
        CellState[] pool = new CellState[64];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = McReadChecks.randomState(spec, 9000 + i);
        }
        List<CacheRead> reads = new ArrayList<>(n * c);
        float[] qPool = McReadChecks.gaussian(t * hk * 8, 77);
        for (int k = 0; k < n; k++) {
            InMemoryCacheStore store = new InMemoryCacheStore();
            float[] q = Arrays.copyOfRange(qPool, (k % 8) * t * hk, (k % 8 + 1) * t * hk); // a distinct array per key
            for (int i = 0; i < c; i++) {
                store.store(i, pool[(k * c + i) % pool.length]);
                CacheSummary s = new CacheSummary(i, 64L * i, 64L * (i + 1), 64, new double[0], new double[0], 0L, 0, 0, 0);
                reads.add(new CacheRead(Integer.valueOf(k), s, store, q, t, new float[t * hv]));
            }
        }
        // warm-up: allocates the pool blocks and the staging buffers
        reader.read(reads);
        int reps = (long) n * c * t >= 1 << 20 ? 3 : 5;
        List<Times> cold = new ArrayList<>();
        List<Times> hot = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            for (int k = 0; k < n; k++) {
                reader.forget(Integer.valueOf(k));
            }
            cold.add(timed(reader, reads));
        }
        for (int r = 0; r < reps; r++) {
            hot.add(timed(reader, reads));
        }
        CudaCacheReader.Stats s = reader.stats();
        if (s.residentCaches() != n * c) {
            throw new IllegalStateException("expected all " + n * c + " caches resident, have " + s.residentCaches());
        }
        // parity of the first reads against the CPU reader
        CacheReader cpu = CacheReader.of(Cells.chunked(spec, Backends.java()));
        int check = Math.min(64, reads.size());
        double err = 0;
        for (int i = 0; i < check; i++) {
            CacheRead r = reads.get(i);
            float[] want = new float[t * hv];
            cpu.read(List.of(new CacheRead(r.owner(), r.cache(), r.store(), r.q(), t, want)));
            err = Math.max(err, Float64Reference.relError(r.out(), want));
        }
        double flops = 2.0 * n * c * t * spec.heads() * spec.keyDim() * spec.valueDim();
        String cpuMs = "-";
        if (flops <= 4e10) {
            List<CacheRead> copy = new ArrayList<>(reads.size());
            for (CacheRead r : reads) {
                copy.add(new CacheRead(r.owner(), r.cache(), r.store(), r.q(), t, new float[t * hv]));
            }
            cpu.read(copy.subList(0, Math.min(copy.size(), 256)));
            long t0 = System.nanoTime();
            cpu.read(copy);
            cpuMs = String.format(Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e6);
        }
        Times c0 = median(cold);
        Times h0 = median(hot);
        long readsN = (long) n * c;
        long tokens = (long) n * t;
        return String.format(Locale.ROOT,
                "| %d | %d | %d | %d | %d | %d | %.2f | %.2f/%.2f/%.2f | %d | %.2f | %.2f/%.2f/%.2f | %d | %.3g | %.3g | %.3g | %s | %.1e |",
                spec.keyDim(), n, c, t, readsN, readsN * 4L * spec.heads() * spec.keyDim() * spec.valueDim() >> 20,
                c0.wall, c0.up, c0.compute, c0.down, c0.passes, h0.wall, h0.up, h0.compute, h0.down, h0.passes,
                readsN / (h0.wall * 1e-3), tokens / (h0.wall * 1e-3), tokens / (c0.wall * 1e-3), cpuMs, err);
    }

    private static Times timed(CudaCacheReader reader, List<CacheRead> reads) {
        CudaCacheReader.Stats a = reader.stats();
        long t0 = System.nanoTime();
        reader.read(reads);
        double wall = (System.nanoTime() - t0) / 1e6;
        CudaCacheReader.Stats b = reader.stats();
        return new Times(wall, b.uploadMs() - a.uploadMs(), b.computeMs() - a.computeMs(), b.downloadMs() - a.downloadMs(),
                b.passes() - a.passes());
    }

    private static Times median(List<Times> ts) {
        List<Times> s = new ArrayList<>(ts);
        s.sort((x, y) -> Double.compare(x.wall, y.wall));
        return s.get(s.size() / 2);
    }
}
