package dev.keymem.models.retention.bench;

import dev.keymem.models.cells.TokenChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * H2O: every token reads (softmax over the kept tokens and itself) and adds its attention weights to
 * the kept tokens' accumulated mass; when more than {@code budget} tokens are kept, the token with the
 * least accumulated mass outside the last {@code recent} positions is evicted (ties: the oldest).
 */
public final class HeavyHitterMemory implements BenchMemory {
    private final int budget;
    private final int recent;
    private final int dim;
    private final double scale;
    private final List<ExactEntries.Entry> kept = new ArrayList<>();
    private long position;

    public HeavyHitterMemory(int budget, int recent, int dim, double scale) {
        if (recent >= budget) {
            throw new IllegalArgumentException("recent " + recent + " must be below the budget " + budget);
        }
        this.budget = budget;
        this.recent = recent;
        this.dim = dim;
        this.scale = scale;
    }

    @Override
    public String name() {
        return "H2O (heavy hitters + recent)";
    }

    @Override
    public void consume(TokenChunk c) {
        for (int t = 0; t < c.length(); t++) {
            kept.add(new ExactEntries.Entry(position, Arrays.copyOfRange(c.k(), t * dim, (t + 1) * dim),
                    Arrays.copyOfRange(c.v(), t * dim, (t + 1) * dim)));
            ExactEntries.attend(kept, c.q(), t * dim, dim, scale, true);
            if (kept.size() > budget) {
                int worst = -1;
                for (int i = 0; i < kept.size(); i++) {
                    if (kept.get(i).position > position - recent) {
                        break;
                    }
                    if (worst < 0 || kept.get(i).mass < kept.get(worst).mass) {
                        worst = i;
                    }
                }
                kept.remove(worst);
            }
            position++;
        }
    }

    @Override
    public float[] probe(float[] q) {
        return ExactEntries.attend(kept, q, 0, dim, scale, false);
    }

    @Override
    public long stateBytes() {
        return 8 + (long) kept.size() * (8 + 8L * dim + 8);
    }
}
