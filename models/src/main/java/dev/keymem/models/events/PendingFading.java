package dev.keymem.models.events;

/**
 * The fading writes a batch state holds back until its cell is read ({@link EventState#cell()}), in order. Each
 * waits in one of two forms: its key ({@code d_c} floats, as {@link EventMemory}'s write shaped it), or, where the
 * write did not project its vector, the listed components of its unit vector (columns and values), from which
 * {@link EventMemory#applyPending} computes the key as the write would have ({@link EventMemory#keyOf}): a write
 * that no read ever follows (a key's writes after its last query in a batch run) is never projected. Bounded by
 * {@link #writes} writes and {@link #values} values; reused from state to state ({@link EventMemory#newBatchState}).
 */
final class PendingFading {
    /** Keys' floats and listed components' values, write after write from 0. */
    final float[] values;
    /** The listed components' columns, at the same places as their values (unused under a key). */
    final int[] columns;
    /** Per waiting write: {@link #KEY} for a key of d_c floats, else the count of its listed components. */
    final int[] counts;
    /** A waiting write given as its key. */
    static final int KEY = -1;
    int writes;
    int used;

    PendingFading(int maxWrites, int maxValues) {
        this.values = new float[maxValues];
        this.columns = new int[maxValues];
        this.counts = new int[maxWrites];
    }

    /** Whether this buffer holds at least one key of {@code dc} floats and {@code maxWrites} writes. */
    boolean fits(int dc, int maxWrites, int maxValues) {
        return values.length >= Math.max(dc, maxValues) && counts.length >= maxWrites;
    }

    /** Whether a write of {@code n} values fits beside those waiting. */
    boolean room(int n) {
        return writes < counts.length && used + n <= values.length;
    }

    void clear() {
        writes = 0;
        used = 0;
    }

    /** Adds a key ({@code k[0, dc)}); {@link #room} first. */
    void addKey(float[] k, int dc) {
        System.arraycopy(k, 0, values, used, dc);
        used += dc;
        counts[writes++] = KEY;
    }

    /** Adds listed components ({@code cols[0, m)} with the floats {@code vs[0, m)}); {@link #room} first. */
    void addListed(int[] cols, double[] vs, int m) {
        System.arraycopy(cols, 0, columns, used, m);
        for (int i = 0; i < m; i++) {
            values[used + i] = (float) vs[i]; // each a float widened (shapedFast's unit components): exact
        }
        used += m;
        counts[writes++] = m;
    }
}
