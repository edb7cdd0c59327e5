package dev.keymem.models.rmt;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Accuracy of a trained RMT on a fact task vs stream length: every sample is one key's stream fed
 * through {@link Rmt} in chunks, the answer read at the last token (argmax over the whole vocabulary).
 * The key's state stays {@link Rmt#stateBytes()} bytes whatever the length.
 */
public final class RmtEval {

    /** One length's result. */
    public record Point(long length, int samples, int correct, long stateBytes, double seconds) {
        public double accuracy() {
            return samples == 0 ? 0 : (double) correct / samples;
        }
    }

    private RmtEval() {
    }

    /**
     * Evaluates {@code samples} streams of {@code length} tokens (sample i uses seed (seed, length, i)),
     * {@code threads} groups of keys in parallel, each group advanced in lockstep with
     * {@link Rmt#advanceBatch} (one product per layer for the group's segments).
     */
    public static Point run(Rmt rmt, FactTask.Kind task, int noise, long length, int samples, long seed, int threads)
            throws InterruptedException {
        long t0 = System.nanoTime();
        int groups = Math.max(1, Math.min(threads, samples));
        ExecutorService pool = Executors.newFixedThreadPool(groups);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                List<FactTask.Sample> group = new ArrayList<>();
                for (int i = g; i < samples; i += groups) {
                    long s = seed * 1_000_003L + length * 31 + i;
                    group.add(FactTask.sample(task, length, noise, new SplittableRandom(s)));
                }
                results.add(pool.submit(() -> group(rmt, group, length)));
            }
            int correct = 0;
            for (Future<Integer> f : results) {
                try {
                    correct += f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("evaluation failed: " + e.getCause(), e.getCause());
                }
            }
            return new Point(length, samples, correct, rmt.stateBytes(), (System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    static int group(Rmt rmt, List<FactTask.Sample> samples, long length) {
        int k = samples.size();
        RmtState[] states = new RmtState[k];
        for (int i = 0; i < k; i++) {
            states[i] = rmt.newState();
        }
        int chunk = 4096;
        int[][] buf = new int[k][];
        for (long p = 0; p < length; p += chunk) {
            int n = (int) Math.min(chunk, length - p);
            for (int i = 0; i < k; i++) {
                if (buf[i] == null || buf[i].length != n) {
                    buf[i] = new int[n];
                }
                samples.get(i).tokens(p, buf[i], n);
            }
            rmt.advanceBatch(states, buf);
        }
        int correct = 0;
        for (int i = 0; i < k; i++) {
            if (argmax(rmt.read(states[i])) == samples.get(i).answer) {
                correct++;
            }
        }
        return correct;
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    static boolean one(Rmt rmt, FactTask.Kind task, int noise, long length, SplittableRandom r) {
        FactTask.Sample s = FactTask.sample(task, length, noise, r);
        RmtState st = rmt.newState();
        int chunk = 4096;
        int[] buf = new int[chunk];
        for (long p = 0; p < length; p += chunk) {
            int n = (int) Math.min(chunk, length - p);
            s.tokens(p, buf, n);
            rmt.advance(st, buf, 0, n);
        }
        float[] logits = rmt.read(st);
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best == s.answer;
    }
}
