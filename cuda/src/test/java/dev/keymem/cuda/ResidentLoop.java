package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A simulated batched operator driving a {@link ResidentCudaAdvancer} the way BatchedMemoryOperator
 * does: it holds each advanced key's CellState object and passes the same object again until it
 * flushes; at a flush (random points, like checkpoint barriers) it calls {@code flush()}, writes the
 * held states to a "Flink state" map and forgets them; later batches restore a key's state from that
 * map, either as a NEW object (a copy, as RocksDB would) or as the very object written (as the heap
 * backend would). Every output and every flushed state is checked against the CPU chunked cell
 * (BatchAdvancer.of(Cells.chunked(spec, Backends.java()))) fed the same chunks, and against
 * Float64Reference.
 */
final class ResidentLoop {

    /** What the loop saw: the largest errors against the CPU cell and float64, and flushes made. */
    record Result(double worstVsCpu, double worstVsFloat64, int flushes, int restoredCopies, int restoredSame) {
    }

    private ResidentLoop() {
    }

    static Result run(ResidentCudaAdvancer gpu, int keys, int steps, int maxLen, double flushChance, long seed,
                      double tolCpu, double tol64) {
        CellSpec spec = gpu.device().spec();
        int hv = spec.heads() * spec.valueDim();
        BatchAdvancer cpu = BatchAdvancer.of(Cells.chunked(spec, Backends.java()));
        SplittableRandom rnd = new SplittableRandom(seed);

        Map<Integer, CellState> flinkState = new HashMap<>();
        Map<Integer, CellState> held = new HashMap<>();
        CellState[] cpuStates = new CellState[keys];
        double[][] ref = new double[keys][];
        for (int k = 0; k < keys; k++) {
            CellState s = ParityChecks.randomState(spec, seed * 131 + k);
            flinkState.put(k, s);
            cpuStates[k] = s.copy();
            ref[k] = RandomInputs.toDouble(s.data());
        }
        double worstCpu = 0;
        double worst64 = 0;
        int flushes = 0;
        int copies = 0;
        int same = 0;
        for (int step = 0; step < steps; step++) {
            int n = 1 + rnd.nextInt(keys);
            int[] pick = rnd.ints(0, keys).distinct().limit(n).toArray();
            CellState[] st = new CellState[n];
            CellState[] cs = new CellState[n];
            TokenChunk[] ch = new TokenChunk[n];
            float[][] outs = new float[n][];
            float[][] cpuOuts = new float[n][];
            for (int i = 0; i < n; i++) {
                int key = pick[i];
                CellState h = held.get(key);
                if (h == null) {
                    CellState stored = flinkState.get(key);
                    if (rnd.nextBoolean()) {
                        h = stored.copy();
                        copies++;
                    } else {
                        h = stored;
                        same++;
                    }
                    held.put(key, h);
                }
                st[i] = h;
                cs[i] = cpuStates[key];
                int len = rnd.nextInt(maxLen + 1);
                ch[i] = RandomInputs.chunk(spec, len, seed * 1_000_003L + step * 1009L + key);
                outs[i] = ParityChecks.poisoned(len * hv);
                cpuOuts[i] = new float[len * hv];
            }
            long[] before = new long[n];
            for (int i = 0; i < n; i++) {
                before[i] = st[i].position();
            }
            gpu.advance(st, ch, outs);
            cpu.advance(cs, ch, cpuOuts);
            for (int i = 0; i < n; i++) {
                int key = pick[i];
                TokenChunk c = ch[i];
                assertEquals(before[i] + c.length(), st[i].position(), "position of key " + key + " at step " + step);
                Float64Reference.Result r = Float64Reference.run(spec.kind(), c.length(), spec.heads(), spec.keyDim(),
                        spec.valueDim(), c.q(), c.k(), c.v(), c.beta(), c.g(), spec.scale(), false, ref[key], null);
                ref[key] = r.state();
                if (c.length() > 0) {
                    double eCpu = Float64Reference.relError(outs[i], cpuOuts[i]);
                    double e64 = Float64Reference.relError(outs[i], r.out());
                    String where = spec.kind() + " key " + key + " step " + step + " (T=" + c.length() + ")";
                    assertTrue(eCpu <= tolCpu, () -> where + ": output vs CPU chunked cell " + eCpu + " > " + tolCpu);
                    assertTrue(e64 <= tol64, () -> where + ": output vs float64 " + e64 + " > " + tol64);
                    worstCpu = Math.max(worstCpu, eCpu);
                    worst64 = Math.max(worst64, e64);
                }
            }
            boolean last = step == steps - 1;
            if (last || rnd.nextDouble() < flushChance) {
                gpu.flush();
                flushes++;
                assertEquals(0, gpu.mappedStates(), "flush must forget every object mapping");
                List<Integer> order = new ArrayList<>(held.keySet());
                for (int key : order) {
                    CellState h = held.get(key);
                    double eCpu = Float64Reference.relError(h.data(), cpuStates[key].data());
                    double e64 = Float64Reference.relError(h.data(), ref[key]);
                    String where = spec.kind() + " key " + key + " flushed after step " + step;
                    assertTrue(eCpu <= tolCpu, () -> where + ": state vs CPU chunked cell " + eCpu + " > " + tolCpu);
                    assertTrue(e64 <= tol64, () -> where + ": state vs float64 " + e64 + " > " + tol64);
                    assertEquals(cpuStates[key].position(), h.position(), where + ": position");
                    worstCpu = Math.max(worstCpu, eCpu);
                    worst64 = Math.max(worst64, e64);
                    flinkState.put(key, h);
                }
                held.clear();
            }
        }
        for (int key = 0; key < keys; key++) {
            CellState s = flinkState.get(key);
            double e64 = Float64Reference.relError(s.data(), ref[key]);
            int k = key;
            assertTrue(e64 <= tol64, () -> spec.kind() + " key " + k + " final state vs float64 " + e64 + " > " + tol64);
            assertEquals(cpuStates[key].position(), s.position(), "final position of key " + key);
        }
        return new Result(worstCpu, worst64, flushes, copies, same);
    }
}
