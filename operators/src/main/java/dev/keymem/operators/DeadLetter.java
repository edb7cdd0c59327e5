package dev.keymem.operators;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A record the memory operator refused, with its coordinates (key, the key's stream position when
 * it arrived, its token count) and the reason. Emitted on {@link KeyedMemoryFunction#DEAD_LETTERS}.
 */
@PublicEvolving
public class DeadLetter {
    public String key;
    /** Tokens the key's memory had absorbed when the record arrived. */
    public long position;
    /** Tokens in the refused record (-1 when it had none at all). */
    public int tokens;
    public String reason;

    public DeadLetter() {
    }

    public DeadLetter(String key, long position, int tokens, String reason) {
        this.key = key;
        this.position = position;
        this.tokens = tokens;
        this.reason = reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && Objects.equals(key, d.key) && position == d.position
                && tokens == d.tokens && Objects.equals(reason, d.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, position, tokens, reason);
    }

    @Override
    public String toString() {
        return "record of key '" + key + "' at position " + position + " (" + tokens + " tokens) refused: " + reason;
    }
}
