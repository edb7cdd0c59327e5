package dev.keymem.models.caching;

/**
 * Gate weights for a run of tokens: for each (token, gate group) the weights gamma over the N caches
 * (index 0..N-1, oldest first) and the online state (index N). Gate groups are the heads when gates
 * are per head, otherwise one group. Unselected caches (SSC) have weight 0 and {@code selected} false.
 */
final class Gates {
    final int tokens;
    final int groups;
    final int caches;
    final double[] gamma;
    final boolean[] selected;

    Gates(int tokens, int groups, int caches) {
        this.tokens = tokens;
        this.groups = groups;
        this.caches = caches;
        this.gamma = new double[tokens * groups * (caches + 1)];
        this.selected = new boolean[tokens * groups * (caches + 1)];
    }

    int base(int t, int g) {
        return (t * groups + g) * (caches + 1);
    }

    double gamma(int t, int g, int i) {
        return gamma[base(t, g) + i];
    }

    double online(int t, int g) {
        return gamma[base(t, g) + caches];
    }

    boolean selected(int t, int g, int i) {
        return selected[base(t, g) + i];
    }

    /** Whether token t reads cache i in any gate group. */
    boolean tokenNeeds(int t, int i) {
        for (int g = 0; g < groups; g++) {
            if (selected[base(t, g) + i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Turns logits (same layout as gamma; index N is the online logit) into weights in place: keeps the
     * top-k caches per (token, group) when {@code topK < N} (ties: the lower cache index wins), then a
     * softmax over the kept caches and the online state.
     */
    static Gates fromLogits(double[] logits, int tokens, int groups, int caches, int topK) {
        Gates gt = new Gates(tokens, groups, caches);
        int n1 = caches + 1;
        for (int r = 0; r < tokens * groups; r++) {
            int b = r * n1;
            if (topK >= caches) {
                for (int i = 0; i < caches; i++) {
                    gt.selected[b + i] = true;
                }
            } else {
                for (int s = 0; s < topK; s++) {
                    int best = -1;
                    for (int i = 0; i < caches; i++) {
                        if (!gt.selected[b + i] && (best < 0 || logits[b + i] > logits[b + best])) {
                            best = i;
                        }
                    }
                    gt.selected[b + best] = true;
                }
            }
            gt.selected[b + caches] = true;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n1; i++) {
                if (gt.selected[b + i]) {
                    max = Math.max(max, logits[b + i]);
                }
            }
            double sum = 0;
            for (int i = 0; i < n1; i++) {
                if (gt.selected[b + i]) {
                    double e = Math.exp(logits[b + i] - max);
                    gt.gamma[b + i] = e;
                    sum += e;
                }
            }
            for (int i = 0; i < n1; i++) {
                gt.gamma[b + i] /= sum;
            }
        }
        return gt;
    }

    /** Adds this run's routing statistics to the summaries (index i = summaries.get(i)). */
    void accumulate(java.util.List<CacheSummary> summaries) {
        for (int i = 0; i < caches; i++) {
            double mass = 0;
            long routed = 0;
            for (int r = 0; r < tokens * groups; r++) {
                int idx = r * (caches + 1) + i;
                mass += gamma[idx];
                if (selected[idx]) {
                    routed++;
                }
            }
            summaries.get(i).addRouting(mass, routed, (long) tokens * groups);
        }
    }
}
