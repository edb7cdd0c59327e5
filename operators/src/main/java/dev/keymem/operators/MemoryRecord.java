package dev.keymem.operators;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One record for the event memory ({@link EventMemoryFunction}): an event to remember, or a query that
 * reads the key's memory without writing it. A Flink POJO.
 *
 * <ul>
 *   <li>{@code tokenIds}: the event's terms (any ints, e.g. hashed words or tokenizer ids); BM25 and the
 *       postings are over them. May be empty when a vector is given.</li>
 *   <li>{@code vector}: the dense embedding (length {@code keymem.events.dimension}); or {@code k} for an
 *       event / {@code q} for a query, which take precedence. Without any, the terms are hashed into one.
 *       The fading cell stores k = v = the vector projected to {@code keymem.events.cell-dim}.</li>
 *   <li>{@code payload}: bytes kept with the event and returned unchanged in answers (e.g. the raw text).
 *       For a query it is carried into its {@link MemoryAnswer} unchanged (e.g. the question's own fields).</li>
 *   <li>{@code top}: for a query, the events wanted (0: {@code keymem.events.top}).</li>
 * </ul>
 */
@PublicEvolving
public class MemoryRecord {
    public String key;
    public boolean query;
    public int[] tokenIds;
    public float[] vector;
    public float[] q;
    public float[] k;
    public byte[] payload;
    public int top;

    public MemoryRecord() {
    }

    /** An event with terms, a vector (may be null) and a payload (may be null). */
    public static MemoryRecord event(String key, int[] terms, float[] vector, byte[] payload) {
        MemoryRecord r = new MemoryRecord();
        r.key = key;
        r.tokenIds = terms;
        r.vector = vector;
        r.payload = payload;
        return r;
    }

    /** A query with terms, a vector (may be null) and a payload carried into the answer (may be null). */
    public static MemoryRecord query(String key, int[] terms, float[] vector, byte[] payload) {
        MemoryRecord r = event(key, terms, vector, payload);
        r.query = true;
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryRecord r && Objects.equals(key, r.key) && query == r.query && top == r.top
                && Arrays.equals(tokenIds, r.tokenIds) && Arrays.equals(vector, r.vector) && Arrays.equals(q, r.q)
                && Arrays.equals(k, r.k) && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, query) * 31 + Arrays.hashCode(tokenIds);
    }

    @Override
    public String toString() {
        return "MemoryRecord{key=" + key + (query ? ", query" : "") + ", terms="
                + (tokenIds == null ? "null" : tokenIds.length) + ", payload="
                + (payload == null ? "null" : payload.length + "B") + "}";
    }
}
