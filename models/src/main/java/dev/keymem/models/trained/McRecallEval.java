package dev.keymem.models.trained;

import dev.keymem.models.caching.CachingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Recall of a {@link TrainedCellModel} on {@link MqarTask} streams, one key per stream, fed in chunks. */
public final class McRecallEval {

    private McRecallEval() {
    }

    /** Fraction of query positions whose argmax logit is the target, over {@code samples} streams. */
    public static double recall(TrainedCellModel model, CachingSettings caching, MqarTask task, int length,
                                int samples, long seed, int chunk) {
        long[] ht = new long[2];
        for (int i = 0; i < samples; i++) {
            one(model, caching, task, length, seed, chunk, i, ht);
        }
        return ht[1] == 0 ? 0 : (double) ht[0] / ht[1];
    }

    /**
     * As {@link #recall(TrainedCellModel, CachingSettings, MqarTask, int, int, long, int)} with the streams
     * spread over {@code threads} threads; the result does not depend on the thread count.
     */
    public static double recall(TrainedCellModel model, CachingSettings caching, MqarTask task, int length,
                                int samples, long seed, int chunk, int threads) throws InterruptedException {
        if (threads <= 1) {
            return recall(model, caching, task, length, samples, seed, chunk);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> parts = new ArrayList<>();
            for (int g = 0; g < threads; g++) {
                int first = g;
                parts.add(pool.submit(() -> {
                    long[] ht = new long[2];
                    for (int i = first; i < samples; i += threads) {
                        one(model, caching, task, length, seed, chunk, i, ht);
                    }
                    return ht;
                }));
            }
            long hit = 0;
            long total = 0;
            for (Future<long[]> f : parts) {
                long[] ht;
                try {
                    ht = f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("evaluation failed: " + e.getCause(), e.getCause());
                }
                hit += ht[0];
                total += ht[1];
            }
            return total == 0 ? 0 : (double) hit / total;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void one(TrainedCellModel model, CachingSettings caching, MqarTask task, int length, long seed,
                            int chunk, int i, long[] ht) {
        int v = model.config().vocabSize();
        MqarTask.Sample s = task.sample(length, new SplittableRandom(seed * 7919 + length * 31L + i));
        TrainedCellModel.Session session = model.session(caching, false);
        for (int p = 0; p < length; p += chunk) {
            int n = Math.min(chunk, length - p);
            float[] logits = session.forward(java.util.Arrays.copyOfRange(s.ids(), p, p + n), null);
            for (int t = 0; t < n; t++) {
                int target = s.targets()[p + t];
                if (target < 0) {
                    continue;
                }
                int best = 0;
                for (int j = 1; j < v; j++) {
                    if (logits[t * v + j] > logits[t * v + best]) {
                        best = j;
                    }
                }
                ht[1]++;
                if (best == target) {
                    ht[0]++;
                }
            }
        }
    }
}
