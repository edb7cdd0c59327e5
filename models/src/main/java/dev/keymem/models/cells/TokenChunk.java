package dev.keymem.models.cells;

import java.util.Arrays;

/**
 * T consecutive tokens of one key, in the layouts of docs/design/mechanisms.md with the batch dimension dropped:
 * q and k {@code [T,H,K]}, v {@code [T,H,V]}, beta and g {@code [T,H]} (null when the cell does not
 * use them). q is the raw query; cells multiply it by the spec's scale.
 */
public record TokenChunk(int length, int heads, int keyDim, int valueDim,
                         float[] q, float[] k, float[] v, float[] beta, float[] g) {

    public TokenChunk {
        if (length < 0) {
            throw new IllegalArgumentException("negative chunk length " + length);
        }
        check("q", q, (long) length * heads * keyDim);
        check("k", k, (long) length * heads * keyDim);
        check("v", v, (long) length * heads * valueDim);
        if (beta != null) {
            check("beta", beta, (long) length * heads);
        }
        if (g != null) {
            check("g", g, (long) length * heads);
        }
    }

    private static void check(String name, float[] a, long expected) {
        if (a == null) {
            throw new IllegalArgumentException("tensor " + name + " is missing");
        }
        if (a.length != expected) {
            throw new IllegalArgumentException(
                    "tensor " + name + " has " + a.length + " values, expected " + expected);
        }
    }

    /** Checks that this chunk fits the spec and carries what the cell needs. */
    public void requireFits(CellSpec spec) {
        if (heads != spec.heads() || keyDim != spec.keyDim() || valueDim != spec.valueDim()) {
            throw new IllegalArgumentException("chunk shape H=" + heads + " K=" + keyDim + " V=" + valueDim
                    + " does not match the cell's H=" + spec.heads() + " K=" + spec.keyDim() + " V=" + spec.valueDim());
        }
        if (spec.kind().usesBeta() && beta == null) {
            throw new IllegalArgumentException("cell " + spec.kind().configName() + " needs beta [T,H]");
        }
        if (spec.kind().usesGate() && g == null) {
            throw new IllegalArgumentException("cell " + spec.kind().configName() + " needs g [T,H]");
        }
    }

    /** Tokens [from, to) as a new chunk (copies). */
    public TokenChunk slice(int from, int to) {
        if (from < 0 || to > length || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + "," + to + ") of a chunk of " + length);
        }
        int hk = heads * keyDim;
        int hv = heads * valueDim;
        return new TokenChunk(to - from, heads, keyDim, valueDim,
                Arrays.copyOfRange(q, from * hk, to * hk),
                Arrays.copyOfRange(k, from * hk, to * hk),
                Arrays.copyOfRange(v, from * hv, to * hv),
                beta == null ? null : Arrays.copyOfRange(beta, from * heads, to * heads),
                g == null ? null : Arrays.copyOfRange(g, from * heads, to * heads));
    }
}
