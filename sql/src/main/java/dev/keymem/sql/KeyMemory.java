package dev.keymem.sql;

import dev.keymem.jobs.text.TextFrontEnd;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One key's memory, without Flink: what {@link KeyMemoryFunction} runs per row, and what its tests run
 * directly as the reference.
 *
 * <p>A gated delta-rule cell (one head, K = V = d) whose state S is advanced by every written item with
 * q = k = v = the item's unit embedding (beta, and the per-item decay exp(g)), plus the last
 * {@code capacity} items (text and embedding) in a store addressed by position. Text is embedded by the
 * jobs' text front end (hashing embedding of the unmasked text, d dimensions); an embedding column is
 * taken as given (L2-normalised). A query does not change the memory: its read vector is S^T q, and its
 * answer is the stored items ranked by cos(q, item) + cos(read, item) (ties: the newer first), at most
 * {@code topK}. Per-row cost and state are bounded by d and {@code capacity}, not by the key's history.
 */
public final class KeyMemory implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Defaults: d = 64, beta 0.5, decay 0.99, 1000 items per key. */
    public static final int DEFAULT_DIMENSION = 64;
    public static final float DEFAULT_BETA = 0.5f;
    public static final float DEFAULT_DECAY = 0.99f;
    public static final int DEFAULT_CAPACITY = 1000;

    private final int dimension;
    private final float beta;
    private final float logDecay;
    private final int capacity;
    private final TextFrontEnd frontEnd;
    private transient MemoryCell cell;

    public KeyMemory(int dimension, float beta, float decay, int capacity) {
        if (dimension < 1 || capacity < 1) {
            throw new IllegalArgumentException("dimension and capacity must be >= 1: " + dimension + ", " + capacity);
        }
        if (!(beta > 0 && beta <= 1) || !(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("beta and decay must be in (0, 1]: " + beta + ", " + decay);
        }
        this.dimension = dimension;
        this.beta = beta;
        this.logDecay = (float) Math.log(decay);
        this.capacity = capacity;
        this.frontEnd = TextFrontEnd.builder().masking(false).dimension(dimension).build();
    }

    public static KeyMemory defaults() {
        return new KeyMemory(DEFAULT_DIMENSION, DEFAULT_BETA, DEFAULT_DECAY, DEFAULT_CAPACITY);
    }

    public int dimension() {
        return dimension;
    }

    public int capacity() {
        return capacity;
    }

    private MemoryCell cell() {
        if (cell == null) {
            cell = Cells.recurrent(CellSpec.of(CellKind.GATED_DELTA, 1, dimension, dimension, 64));
        }
        return cell;
    }

    /** The stored items of one key, by position. */
    public interface Store {
        Item get(long position) throws Exception;

        void put(long position, Item item) throws Exception;

        void remove(long position) throws Exception;
    }

    /** A stored item: its text (may be null for an embedding written without text) and unit embedding. */
    public static final class Item implements Serializable {
        private static final long serialVersionUID = 1L;
        public String text;
        public float[] vector;

        public Item() {
        }

        public Item(String text, float[] vector) {
            this.text = text;
            this.vector = vector;
        }
    }

    /** A ranked item of an answer. */
    public record Hit(int rank, long position, String text, double score) {
    }

    /** The unit embedding of {@code text}, or of {@code embedding} when given; fails with a reason. */
    public float[] embed(String text, float[] embedding) {
        float[] v;
        if (embedding != null) {
            if (embedding.length != dimension) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "embedding has %d values, expected %d", embedding.length, dimension));
            }
            v = embedding.clone();
        } else {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("row has neither text nor embedding");
            }
            v = frontEnd.embedLine(text);
        }
        double n = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("embedding has a value that is not finite");
            }
            n += (double) x * x;
        }
        if (n == 0) {
            throw new IllegalArgumentException("embedding is zero (text without words?)");
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    /** A fresh cell state of a key. */
    public float[] newState() {
        return new float[cell().stateSize()];
    }

    /**
     * Writes an item at {@code position} (the key's count of writes so far): advances the cell state
     * {@code s} in place and stores the item, dropping the one {@code capacity} positions back.
     */
    public void write(float[] s, long position, String text, float[] unit, Store store) throws Exception {
        float[] out = new float[dimension];
        float[] b = {beta};
        float[] g = {logDecay};
        cell().forward(new CellState(s, position), new TokenChunk(1, 1, dimension, dimension, unit, unit, unit, b, g), out);
        store.put(position, new Item(text, unit));
        if (position >= capacity) {
            store.remove(position - capacity);
        }
    }

    /** S^T q of state {@code s} (unchanged). */
    public float[] read(float[] s, float[] unit) {
        float[] out = new float[dimension];
        // read() applies the spec's scale to q; undo it so the read is S^T q.
        float[] q = unit.clone();
        float inv = 1f / cell().spec().scale();
        for (int i = 0; i < q.length; i++) {
            q[i] *= inv;
        }
        cell().read(new CellState(s, 0), q, 1, out);
        return out;
    }

    /** The best {@code topK} of the stored items at positions [max(0, writes - capacity), writes). */
    public List<Hit> query(float[] s, long writes, float[] unit, int topK, Store store) throws Exception {
        float[] r = read(s, unit);
        double rn = norm(r);
        List<Hit> all = new ArrayList<>();
        for (long p = Math.max(0, writes - capacity); p < writes; p++) {
            Item it = store.get(p);
            if (it == null) {
                continue;
            }
            double score = dot(unit, it.vector) + (rn == 0 ? 0 : dot(r, it.vector) / rn);
            all.add(new Hit(0, p, it.text, score));
        }
        all.sort(Comparator.comparingDouble(Hit::score).reversed().thenComparing(Comparator.comparingLong(Hit::position)
                .reversed()));
        List<Hit> out = new ArrayList<>();
        for (int i = 0; i < Math.min(topK, all.size()); i++) {
            Hit h = all.get(i);
            out.add(new Hit(i + 1, h.position(), h.text(), h.score()));
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }
}
