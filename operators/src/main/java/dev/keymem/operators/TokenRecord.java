package dev.keymem.operators;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One input record: the next tokens of one key's stream. A Flink POJO (public fields, no-arg
 * constructor), so it travels without Kryo.
 */
@PublicEvolving
public class TokenRecord {
    /** The stream key (e.g. a user or a log source); never null. */
    public String key;
    /** Token ids, in stream order. */
    public int[] tokenIds;

    public TokenRecord() {
    }

    public TokenRecord(String key, int[] tokenIds) {
        this.key = key;
        this.tokenIds = tokenIds;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenRecord r && Objects.equals(key, r.key) && Arrays.equals(tokenIds, r.tokenIds);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(key) + Arrays.hashCode(tokenIds);
    }

    @Override
    public String toString() {
        return "TokenRecord{key=" + key + ", tokens=" + (tokenIds == null ? "null" : tokenIds.length) + "}";
    }
}
