package dev.keymem.models.cells;

import java.util.Objects;

/**
 * The shape and hyper-parameters of one memory cell: heads H, key dimension K, value dimension V,
 * chunk size C of the chunked form, the read scale applied to q, and the optional linear-attention
 * normaliser. Deep-cell settings live in {@link DeepSpec} (null for the matrix cells).
 */
public record CellSpec(
        CellKind kind,
        int heads,
        int keyDim,
        int valueDim,
        int chunkSize,
        float scale,
        boolean normalize,
        DeepSpec deep) {

    public CellSpec {
        Objects.requireNonNull(kind, "kind");
        if (heads <= 0 || keyDim <= 0 || valueDim <= 0) {
            throw new IllegalArgumentException(
                    "heads, keyDim and valueDim must be positive: H=" + heads + " K=" + keyDim + " V=" + valueDim);
        }
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
        }
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive finite number: " + scale);
        }
        if (kind == CellKind.DEEP) {
            Objects.requireNonNull(deep, "a deep cell needs a DeepSpec");
        }
    }

    /** A matrix cell with the default scale K^-1/2 and no normaliser. */
    public static CellSpec of(CellKind kind, int heads, int keyDim, int valueDim, int chunkSize) {
        return new CellSpec(kind, heads, keyDim, valueDim, chunkSize, defaultScale(keyDim), false,
                kind == CellKind.DEEP ? DeepSpec.defaults(keyDim) : null);
    }

    public static float defaultScale(int keyDim) {
        return (float) (1.0 / Math.sqrt(keyDim));
    }

    public CellSpec withScale(float newScale) {
        return new CellSpec(kind, heads, keyDim, valueDim, chunkSize, newScale, normalize, deep);
    }

    public CellSpec withNormalize(boolean newNormalize) {
        return new CellSpec(kind, heads, keyDim, valueDim, chunkSize, scale, newNormalize, deep);
    }

    public CellSpec withChunkSize(int newChunkSize) {
        return new CellSpec(kind, heads, keyDim, valueDim, newChunkSize, scale, normalize, deep);
    }

    public CellSpec withDeep(DeepSpec newDeep) {
        return new CellSpec(kind, heads, keyDim, valueDim, chunkSize, scale, normalize, newDeep);
    }
}
