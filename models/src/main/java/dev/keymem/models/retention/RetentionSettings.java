package dev.keymem.models.retention;

import java.util.Objects;

/**
 * Settings of structured token retention with memory tiers (docs/design/mechanisms.md section 5).
 *
 * <ul>
 *   <li>{@code sinks} s: the first s positions of a stream are pinned forever (attention sinks).</li>
 *   <li>{@code window} w: T0, the exact recent window. After a block close at position P it holds the
 *       non-sink tokens with positions in [P - w, P); between closes the current block's tokens are
 *       added, so T0 never exceeds w + block - 1 tokens between calls.</li>
 *   <li>{@code block} B: decisions (innovation, window exit, admission, ranking, compression,
 *       archiving, T3 recall) are made once per aligned block, after the token at position p when
 *       p + 1 is a multiple of B. Must be at most w.</li>
 *   <li>{@code retainedCap}: T1, exact retained tokens ranked by retention probability.</li>
 *   <li>{@code compressedSlots}: T2 slots per head (0 = evicted tokens are dropped).</li>
 *   <li>{@code archiveCap}: T3 entries in the {@link ArchiveStore} (0 = no archive); when full, the
 *       entry with the lowest archive score at its eviction is dropped (ties: the older).</li>
 *   <li>{@code archiveTopK}: T3 entries recalled per block into the read (0 = the archive is written,
 *       never read by the model).</li>
 *   <li>{@code scale}: the attention read multiplies q by it (K^-1/2 is the usual choice).</li>
 *   <li>{@code weights}: the significance weights of the retention probability.</li>
 * </ul>
 */
public record RetentionSettings(int sinks, int window, int block, int retainedCap, int compressedSlots,
                                int archiveCap, int archiveTopK, float scale, SignificanceWeights weights) {

    public RetentionSettings {
        Objects.requireNonNull(weights, "weights");
        if (sinks < 0 || retainedCap < 0 || compressedSlots < 0 || archiveCap < 0 || archiveTopK < 0) {
            throw new IllegalArgumentException("sinks, retainedCap, compressedSlots, archiveCap and archiveTopK "
                    + "must be >= 0: " + this);
        }
        if (block <= 0) {
            throw new IllegalArgumentException("block must be positive: " + block);
        }
        if (window < block) {
            throw new IllegalArgumentException("window " + window + " must be at least the block " + block
                    + " (the innovation cell writes a block's tokens from T0 at its close)");
        }
        if (archiveTopK > 0 && archiveCap == 0) {
            throw new IllegalArgumentException("archiveTopK " + archiveTopK + " needs an archive (archiveCap > 0)");
        }
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite: " + scale);
        }
    }

    /** 4 sinks, window 64, block 32, 64 retained, 16 compressed slots, no archive, scale K^-1/2, default weights. */
    public static RetentionSettings defaults(int keyDim) {
        return new RetentionSettings(4, 64, 32, 64, 16, 0, 0, (float) (1.0 / Math.sqrt(keyDim)),
                SignificanceWeights.defaults());
    }

    /** Most exact tokens the per-key state holds between calls: sinks + T0 + T1 + recalled T3 entries. */
    public int maxExactTokens() {
        return sinks + window + block - 1 + retainedCap + archiveTopK;
    }

    /** Attention slots a read sees at most: {@link #maxExactTokens()} + 1 (the token itself) + T2 slots. */
    public int maxReadSlots() {
        return maxExactTokens() + 1 + compressedSlots;
    }

    public RetentionSettings withTiers(int newSinks, int newWindow, int newBlock, int newRetained, int newSlots) {
        return new RetentionSettings(newSinks, newWindow, newBlock, newRetained, newSlots, archiveCap, archiveTopK,
                scale, weights);
    }

    public RetentionSettings withArchive(int cap, int topK) {
        return new RetentionSettings(sinks, window, block, retainedCap, compressedSlots, cap, topK, scale, weights);
    }

    public RetentionSettings withScale(float s) {
        return new RetentionSettings(sinks, window, block, retainedCap, compressedSlots, archiveCap, archiveTopK, s,
                weights);
    }

    public RetentionSettings withWeights(SignificanceWeights w) {
        return new RetentionSettings(sinks, window, block, retainedCap, compressedSlots, archiveCap, archiveTopK,
                scale, w);
    }
}
