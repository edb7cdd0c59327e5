package dev.keymem.jobs.logs.mining;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Grouping accuracy as logpai's evaluator defines it ({@code logparser/utils/evaluator.py},
 * {@code get_accuracy}): for each predicted group, its lines are counted correct iff they all have the
 * same ground-truth event and that event has no other lines (the two groups are the same set). The
 * accuracy is the share of correct lines. Lines whose ground truth is null are left out, as there.
 */
public final class GroupingAccuracy {
    private GroupingAccuracy() {
    }

    /** Accuracy of {@code predicted} against {@code truth} (same length; null truth entries skipped). */
    public static <T, P> double of(List<T> truth, List<P> predicted) {
        if (truth.size() != predicted.size()) {
            throw new IllegalArgumentException(truth.size() + " ground-truth labels, " + predicted.size()
                    + " predictions");
        }
        Map<T, Integer> truthSize = new HashMap<>();
        Map<P, Map<T, Integer>> groups = new HashMap<>();
        Map<P, Integer> groupSize = new HashMap<>();
        int n = 0;
        for (int i = 0; i < truth.size(); i++) {
            T t = truth.get(i);
            if (t == null) {
                continue;
            }
            n++;
            P p = predicted.get(i);
            truthSize.merge(t, 1, Integer::sum);
            groups.computeIfAbsent(p, k -> new HashMap<>()).merge(t, 1, Integer::sum);
            groupSize.merge(p, 1, Integer::sum);
        }
        if (n == 0) {
            return 0;
        }
        long correct = 0;
        for (Map.Entry<P, Map<T, Integer>> g : groups.entrySet()) {
            Map<T, Integer> byTruth = g.getValue();
            if (byTruth.size() == 1) {
                T t = byTruth.keySet().iterator().next();
                int size = groupSize.get(g.getKey());
                if (truthSize.get(t) == size) {
                    correct += size;
                }
            }
        }
        return (double) correct / n;
    }
}
