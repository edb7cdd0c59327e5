package dev.keymem.models.cells;

import java.util.Locale;

/** The recurrent memory cells of docs/design/mechanisms.md section 1. */
public enum CellKind {
    /** S = S + k v^T. */
    LINEAR(false, false),
    /** S = exp(g) S + k v^T. */
    GATED_LINEAR(false, true),
    /** u = beta (v - S^T k); S = S + k u^T. */
    DELTA(true, false),
    /** S = exp(g) S; u = beta (v - S^T k); S = S + k u^T. */
    GATED_DELTA(true, true),
    /** A small MLP memory learned at test time (momentum + weight decay). */
    DEEP(false, false);

    private final boolean usesBeta;
    private final boolean usesGate;

    CellKind(boolean usesBeta, boolean usesGate) {
        this.usesBeta = usesBeta;
        this.usesGate = usesGate;
    }

    /** Whether the cell reads a per-token write strength beta [T,H]. */
    public boolean usesBeta() {
        return usesBeta;
    }

    /** Whether the cell reads a per-token log-space decay g [T,H] (g &lt;= 0). */
    public boolean usesGate() {
        return usesGate;
    }

    /** The name used in configs and on the command line: linear, gated_linear, delta, gated_delta, deep. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a config name; throws IllegalArgumentException listing the valid names. */
    public static CellKind fromName(String name) {
        for (CellKind k : values()) {
            if (k.configName().equals(name)) {
                return k;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (CellKind k : values()) {
            sb.append(sb.length() == 0 ? "" : "|").append(k.configName());
        }
        throw new IllegalArgumentException("unknown cell kind '" + name + "', expected one of " + sb);
    }
}
