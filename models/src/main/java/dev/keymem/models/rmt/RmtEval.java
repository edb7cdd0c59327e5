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

    /** Evaluates {@code samples} streams of {@code length} tokens; sample i of a length uses seed (seed, length, i). */
    public static Point run(Rmt rmt, FactTask.Kind task, int noise, long length, int samples, long seed, int threads)
            throws InterruptedException {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                final long s = seed * 1_000_003L + length * 31 + i;
                results.add(pool.submit(() -> one(rmt, task, noise, length, new SplittableRandom(s))));
            }
            int correct = 0;
            long bytes = rmt.stateBytes();
            for (Future<Boolean> f : results) {
                try {
                    if (f.get()) {
                        correct++;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("evaluation failed: " + e.getCause(), e.getCause());
                }
            }
            return new Point(length, samples, correct, bytes, (System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
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
