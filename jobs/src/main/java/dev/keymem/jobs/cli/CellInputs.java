package dev.keymem.jobs.cli;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.io.SafeTensor;
import dev.keymem.models.io.SafeTensorsDtype;
import dev.keymem.models.io.SafeTensorsFile;

/**
 * The validated inputs of {@code memctl cell}, in the PyTorch layouts of docs/design/mechanisms.md: q, k
 * {@code [B,T,H,K]}, v {@code [B,T,H,V]}, beta and g {@code [B,T,H]} (only those the kind uses),
 * optional initial_state {@code [B,H,K,V]} and, with the normaliser, optional initial_key_sums
 * {@code [B,H,K]}. B, T, H and K come from q, V from v. Every problem is a {@link UsageException}
 * naming the tensor and the shape expected. Values are converted to float.
 */
final class CellInputs {

    final int batch;
    final int tokens;
    final int heads;
    final int keyDim;
    final int valueDim;
    final float[] q;
    final float[] k;
    final float[] v;
    /** null when the kind does not use it. */
    final float[] beta;
    /** null when the kind does not use it. */
    final float[] g;
    /** null when absent (zeros). */
    final float[] initialState;
    /** null when absent or unused (zeros). */
    final float[] initialKeySums;

    private CellInputs(SafeTensorsFile file, CellKind kind, boolean normalize) throws UsageException {
        SafeTensor tq = require(file, "q", "[B,T,H,K]");
        if (tq.rank() != 4) {
            throw new UsageException(has(tq) + ", expected [B,T,H,K] (rank 4)");
        }
        if (tq.dim(2) < 1 || tq.dim(3) < 1) {
            throw new UsageException(has(tq) + ", expected [B,T,H,K] with H >= 1 and K >= 1");
        }
        batch = (int) tq.dim(0);
        tokens = (int) tq.dim(1);
        heads = (int) tq.dim(2);
        keyDim = (int) tq.dim(3);
        String bth = "[" + batch + "," + tokens + "," + heads;
        String fromQ = " = [B,T,H,K] from q";

        SafeTensor tk = require(file, "k", bth + "," + keyDim + "]" + fromQ);
        expectShape(tk, bth + "," + keyDim + "]" + fromQ, batch, tokens, heads, keyDim);

        String vShape = bth + ",V] with B=" + batch + " T=" + tokens + " H=" + heads + " from q";
        SafeTensor tv = require(file, "v", vShape);
        if (tv.rank() != 4 || tv.dim(0) != batch || tv.dim(1) != tokens || tv.dim(2) != heads) {
            throw new UsageException(has(tv) + ", expected " + vShape);
        }
        if (tv.dim(3) < 1) {
            throw new UsageException(has(tv) + ", expected " + vShape + " and V >= 1");
        }
        valueDim = (int) tv.dim(3);

        checkOutputSize("o", (long) batch * tokens * heads * valueDim, "[B,T,H,V]");
        checkOutputSize("final_state", (long) batch * heads * keyDim * valueDim, "[B,H,K,V]");

        q = floats(tq);
        k = floats(tk);
        v = floats(tv);
        beta = kind.usesBeta() ? perToken(file, "beta", kind) : null;
        g = kind.usesGate() ? perToken(file, "g", kind) : null;

        SafeTensor ts = file.get("initial_state");
        if (ts != null) {
            String want = "[" + batch + "," + heads + "," + keyDim + "," + valueDim + "] = [B,H,K,V] from q and v";
            expectShape(ts, want, batch, heads, keyDim, valueDim);
            initialState = floats(ts);
        } else {
            initialState = null;
        }
        SafeTensor tz = normalize ? file.get("initial_key_sums") : null;
        if (tz != null) {
            expectShape(tz, "[" + batch + "," + heads + "," + keyDim + "] = [B,H,K] from q", batch, heads, keyDim);
            initialKeySums = floats(tz);
        } else {
            initialKeySums = null;
        }
    }

    static CellInputs from(SafeTensorsFile file, CellKind kind, boolean normalize) throws UsageException {
        return new CellInputs(file, kind, normalize);
    }

    private float[] perToken(SafeTensorsFile file, String name, CellKind kind) throws UsageException {
        String want = "[" + batch + "," + tokens + "," + heads + "] = [B,T,H] from q";
        SafeTensor t = file.get(name);
        if (t == null) {
            throw new UsageException("tensor '" + name + "' is missing, expected " + want + " (kind "
                    + kind.configName() + " needs it)");
        }
        expectShape(t, want, batch, tokens, heads);
        return floats(t);
    }

    /** Outputs are F32 tensors and must fit the writer's per-tensor limit. */
    private static void checkOutputSize(String name, long elements, String layout) throws UsageException {
        if (elements * Float.BYTES > SafeTensor.MAX_BYTES) {
            throw new UsageException("output '" + name + "' " + layout + " would hold " + elements
                    + " floats, more than the " + SafeTensor.MAX_BYTES + " bytes one tensor may hold here");
        }
    }

    private static SafeTensor require(SafeTensorsFile file, String name, String want) throws UsageException {
        SafeTensor t = file.get(name);
        if (t == null) {
            throw new UsageException("tensor '" + name + "' is missing, expected " + want + " (the input has "
                    + (file.names().isEmpty() ? "no tensors" : "tensors " + String.join(", ", file.names())) + ")");
        }
        if (!t.dtype().isFloating()) {
            throw new UsageException("tensor '" + name + "' has dtype " + t.dtype()
                    + ", expected a floating dtype (F32 or F64; F16 and BF16 are also read)");
        }
        return t;
    }

    private static void expectShape(SafeTensor t, String want, long... shape) throws UsageException {
        if (!t.dtype().isFloating()) {
            throw new UsageException("tensor '" + t.name() + "' has dtype " + t.dtype()
                    + ", expected a floating dtype (F32 or F64; F16 and BF16 are also read)");
        }
        if (!t.hasShape(shape)) {
            throw new UsageException(has(t) + ", expected " + want);
        }
    }

    private static String has(SafeTensor t) {
        return "tensor '" + t.name() + "' has shape " + t.shapeString();
    }

    /** The values as floats; a NaN or infinity (also one produced by narrowing F64) is rejected. */
    private static float[] floats(SafeTensor t) throws UsageException {
        float[] f = t.toFloats();
        for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i])) {
                throw new UsageException("tensor '" + t.name() + "' has a non-finite value (" + f[i]
                        + ") at index " + index(t.shape(), i) + (t.dtype() == SafeTensorsDtype.F64
                        ? " (after conversion to float)" : ""));
            }
        }
        return f;
    }

    /** Row-major flat index to "[i,j,...]". */
    private static String index(long[] shape, long flat) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return SafeTensor.shapeString(idx);
    }
}
