package dev.keymem.sql;

import java.util.Set;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.types.Row;

/**
 * Keyed neural memory in Flink SQL: a Process Table Function that gives every partition key its own
 * {@link KeyMemory} (a gated delta-rule memory over item embeddings plus the last items), in Flink
 * keyed state.
 *
 * <pre>{@code
 * CREATE TEMPORARY FUNCTION KEY_MEMORY AS 'dev.keymem.sql.KeyMemoryFunction';
 * SELECT * FROM KEY_MEMORY(input => TABLE events PARTITION BY user_id, top_k => 3, uid => 'user-memory');
 * }</pre>
 *
 * <p>The input table has a column {@code op} and a column {@code text}, and may have a column
 * {@code embedding ARRAY<FLOAT>} (d values; used instead of the text's embedding when not null):
 * <ul>
 *   <li>{@code op = 'write'}: the item enters the key's memory; one row {@code write} with its position.</li>
 *   <li>{@code op = 'query'}: the key's best items for the text (or embedding), at most {@code top_k}
 *       rows {@code query} (item_rank 1.., position, text, score; one row with item_rank 0 when the key
 *       has no items); the memory is not changed.</li>
 *   <li>{@code op = 'read'}: one row {@code read} with the memory's read vector S^T q.</li>
 * </ul>
 * A row that cannot be used (unknown op, no text and no embedding, an embedding of the wrong size)
 * gives one row {@code error} with the reason in {@code item}; the function never fails on a row.
 * Output columns (after the partition keys): {@code op, query, item_rank, item_position, item, score, vector}.
 *
 * <p>State: {@code memory} (value state, read and written whole per row: the d x d cell state and the
 * write count) and {@code items} (a {@link MapView}, one entry per stored item, at most {@code capacity}
 * per key). Give the call a {@code uid} so its state survives query changes.
 */
@DataTypeHint("ROW<op STRING, query STRING, item_rank INT, item_position BIGINT, item STRING, score DOUBLE, "
        + "vector ARRAY<FLOAT>>")
public class KeyMemoryFunction extends ProcessTableFunction<Row> {
    private static final long serialVersionUID = 1L;

    /** Default number of items a query returns. */
    public static final int DEFAULT_TOP_K = 5;

    private final KeyMemory memory;

    /** d = 64, 1000 items per key (see {@link KeyMemory#defaults()}). */
    public KeyMemoryFunction() {
        this(KeyMemory.defaults());
    }

    public KeyMemoryFunction(KeyMemory memory) {
        this.memory = memory;
    }

    /** The value state of a key: the cell state and how many items were written. */
    public static class MemoryState {
        public float[] cell;
        public long writes;
    }

    public void eval(@StateHint(name = "memory") MemoryState state,
                     @StateHint(name = "items") MapView<Long, KeyMemory.Item> items,
                     @ArgumentHint(value = ArgumentTrait.SET_SEMANTIC_TABLE, name = "input") Row input,
                     @ArgumentHint(name = "top_k", isOptional = true) Integer topK) throws Exception {
        Set<String> columns = input.getFieldNames(true);
        String op = columns != null && columns.contains("op") ? input.getFieldAs("op") : null;
        String text = columns != null && columns.contains("text") ? input.getFieldAs("text") : null;
        int k = topK == null ? DEFAULT_TOP_K : topK;
        try {
            float[] embedding = null;
            if (columns != null && columns.contains("embedding")) {
                Object e = input.getField("embedding");
                embedding = e == null ? null : floats(e);
            }
            if (op == null) {
                throw new IllegalArgumentException("row has no op (expected write, query or read)");
            }
            if (k < 1) {
                throw new IllegalArgumentException("top_k must be >= 1, got " + k);
            }
            float[] unit = memory.embed(text, embedding);
            if (state.cell == null) {
                state.cell = memory.newState();
            }
            KeyMemory.Store store = new KeyMemory.Store() {
                @Override
                public KeyMemory.Item get(long position) throws Exception {
                    return items.get(position);
                }

                @Override
                public void put(long position, KeyMemory.Item item) throws Exception {
                    items.put(position, item);
                }

                @Override
                public void remove(long position) throws Exception {
                    items.remove(position);
                }
            };
            switch (op) {
                case "write" -> {
                    memory.write(state.cell, state.writes, text, unit, store);
                    collect(Row.of("write", null, null, state.writes, text, null, null));
                    state.writes++;
                }
                case "query" -> {
                    var hits = memory.query(state.cell, state.writes, unit, k, store);
                    if (hits.isEmpty()) {
                        collect(Row.of("query", text, 0, null, null, null, null));
                    }
                    for (KeyMemory.Hit h : hits) {
                        collect(Row.of("query", text, h.rank(), h.position(), h.text(), h.score(), null));
                    }
                }
                case "read" -> collect(Row.of("read", text, null, null, null, null, boxed(memory.read(state.cell, unit))));
                default -> throw new IllegalArgumentException("unknown op '" + op + "' (expected write, query or read)");
            }
        } catch (IllegalArgumentException e) {
            collect(Row.of("error", text, null, null, e.getMessage(), null, null));
        }
    }

    private static float[] floats(Object e) {
        if (e instanceof float[] f) {
            return f;
        }
        Object[] a = (Object[]) e;
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null) {
                throw new IllegalArgumentException("embedding has a null value");
            }
            f[i] = ((Number) a[i]).floatValue();
        }
        return f;
    }

    private static Float[] boxed(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return b;
    }
}
