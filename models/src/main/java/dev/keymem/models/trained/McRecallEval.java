package dev.keymem.models.trained;

import dev.keymem.models.caching.CachingSettings;
import java.util.SplittableRandom;

/** Recall of a {@link TrainedCellModel} on {@link MqarTask} streams, one key per stream, fed in chunks. */
public final class McRecallEval {

    private McRecallEval() {
    }

    /** Fraction of query positions whose argmax logit is the target, over {@code samples} streams. */
    public static double recall(TrainedCellModel model, CachingSettings caching, MqarTask task, int length,
                                int samples, long seed, int chunk) {
        long hit = 0;
        long total = 0;
        int v = model.config().vocabSize();
        for (int i = 0; i < samples; i++) {
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
                    total++;
                    if (best == target) {
                        hit++;
                    }
                }
            }
        }
        return total == 0 ? 0 : (double) hit / total;
    }
}
