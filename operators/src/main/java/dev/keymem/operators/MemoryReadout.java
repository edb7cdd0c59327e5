package dev.keymem.operators;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The memory's read outputs for one input record: {@code outputs[t,h,:]} is the read for the token
 * at stream position {@code startPosition + t}, laid out {@code [T,H,V]}. A Flink POJO.
 */
@PublicEvolving
public class MemoryReadout {
    public String key;
    /** Stream position (tokens absorbed before this record) of the first token. */
    public long startPosition;
    public int tokens;
    public int heads;
    public int valueDim;
    /** {@code tokens * heads * valueDim} floats. */
    public float[] outputs;

    public MemoryReadout() {
    }

    public MemoryReadout(String key, long startPosition, int tokens, int heads, int valueDim, float[] outputs) {
        this.key = key;
        this.startPosition = startPosition;
        this.tokens = tokens;
        this.heads = heads;
        this.valueDim = valueDim;
        this.outputs = outputs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryReadout r && Objects.equals(key, r.key) && startPosition == r.startPosition
                && tokens == r.tokens && heads == r.heads && valueDim == r.valueDim
                && Arrays.equals(outputs, r.outputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, startPosition, tokens) * 31 + Arrays.hashCode(outputs);
    }

    @Override
    public String toString() {
        return "MemoryReadout{key=" + key + ", start=" + startPosition + ", T=" + tokens + ", H=" + heads + ", V="
                + valueDim + "}";
    }
}
