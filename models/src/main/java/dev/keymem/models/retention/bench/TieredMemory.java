package dev.keymem.models.retention.bench;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.retention.InMemoryArchiveStore;
import dev.keymem.models.retention.RetentionSettings;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.models.retention.TieredRetention;

/** STR / CMP ({@link TieredRetention}) with a delta-rule innovation cell, as a benchmark memory. */
public final class TieredMemory implements BenchMemory {
    private final TieredRetention model;
    private final RetentionState state;
    private final int dim;
    private final String name;
    private final InMemoryArchiveStore archive;
    private final int probeTopK;

    public TieredMemory(String name, RetentionSettings settings, int dim, long keySeed) {
        this(name, settings, dim, keySeed, 0);
    }

    /**
     * @param probeTopK archived entries a probe adds to its read (needs settings.archiveCap() &gt; 0;
     *                  0 = probes read the state only)
     */
    public TieredMemory(String name, RetentionSettings settings, int dim, long keySeed, int probeTopK) {
        CellSpec spec = CellSpec.of(CellKind.DELTA, 1, dim, dim, Math.min(64, settings.block()));
        this.model = new TieredRetention(Cells.recurrent(spec), settings);
        this.state = model.newState(keySeed);
        this.dim = dim;
        this.name = name;
        this.archive = settings.archiveCap() > 0 ? new InMemoryArchiveStore() : null;
        this.probeTopK = probeTopK;
        if (probeTopK > 0 && archive == null) {
            throw new IllegalArgumentException("probeTopK " + probeTopK + " needs an archive (archiveCap > 0)");
        }
    }

    /**
     * The split of a budget of attention slots the benchmark uses: 4 sinks, block = clamp(budget / 16,
     * 4, 32), window = max(block, budget / 8), T2 = budget / 16 slots, and T1 the rest
     * (sinks + window + block + T1 + T2 = budget, counting T0's block of growth).
     */
    public static RetentionSettings forBudget(int budget, int dim, double scale) {
        int block = Math.max(4, Math.min(32, budget / 16));
        int window = Math.max(block, budget / 8);
        int slots = budget / 16;
        int sinks = 4;
        int retained = budget - sinks - window - block - slots;
        if (retained < 0) {
            throw new IllegalArgumentException("budget " + budget + " is too small for STR/CMP tiers");
        }
        return RetentionSettings.defaults(dim).withTiers(sinks, window, block, retained, slots)
                .withScale((float) scale);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void consume(TokenChunk c) {
        model.forward(state, archive, c, new float[c.length() * dim]);
    }

    @Override
    public float[] probe(float[] q) {
        float[] out = new float[dim];
        model.read(state, archive, probeTopK, q, 1, out);
        return out;
    }

    @Override
    public long stateBytes() {
        return state.bytes();
    }

    /** Entries in the T3 archive (0 without one). */
    public int archived() {
        return archive == null ? 0 : archive.size();
    }

    public RetentionState state() {
        return state;
    }
}
