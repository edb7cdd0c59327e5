package dev.keymem.models.novelty;

import java.util.Arrays;

/**
 * A key's fading cell kept packed for {@link NoveltyKernel.Packed}, in its own array {@link #vals}: only the
 * coordinates some item of the key has touched (nonzero in its x; the <i>active</i> ones, m of them) have rows
 * and columns, stored as an m x m block at the array's top left (row stride {@link #stride}, at least m and at
 * most c), in the order they became active; every other value of the cell is +0. This holds for every cell the
 * kernel writes while its values are finite: a step changes only rows of x's nonzero coordinates, by x_i u_j, and
 * u_j is +0 where x_j is 0 and column j is all +0 (so the block is closed under steps), and a decayed +0 stays +0.
 * A log source's items touch 20 to 60 of 64 coordinates (m averages 27 a step on logs-10k, 57 on mix49k), so a
 * step's passes work on m columns instead of 64.
 *
 * <p>The rows of active coordinates that an item does not touch (x_i = 0) are only decayed and flushed by a
 * step, which nothing of the step reads (the same argument as {@link DeferredDecay}'s): their decays wait,
 * counted by step stamps (row r has had its decays up to step {@code stamp[r]} applied), and are applied when
 * a step touches the row or {@link #unpack} puts the cell back into its canonical layout (for any reader, through
 * {@link NoveltyState#cell()}), with the same operations in the same order on every value as the steps would
 * have done. A packed cell holds finite values only ({@link #pack} refuses a cell with an infinity or NaN; a
 * step that would make one unpacks first).
 *
 * <p>A cell packed from its canonical array ({@link #pack}) keeps its block in that array, row stride c, so a
 * key holds one c x c array whether packed or not. A fresh key's cell ({@link #PackedCell(int, float)}) has no
 * canonical array yet: its block's array starts at {@value #FIRST_STRIDE} x {@value #FIRST_STRIDE} floats (or
 * c x c where c is smaller) and doubles its stride (at most c) when a coordinate finds no row free, so a fresh key
 * costs 4 KB instead of the canonical cell's c x c floats (16 KB at c = 64); its canonical array ({@link #home})
 * is made when a reader first unpacks it. The layout changes no value and no operation on one.
 */
final class PackedCell {
    final int c;
    /** Compact index to coordinate, for the m active coordinates. */
    final int[] coord;
    /** Coordinate to compact index; -1 for an inactive coordinate. */
    final int[] slot;
    /** The active coordinates, ascending (the order of a sum over coordinates). */
    final int[] ascending;
    /** Per compact row: the steps whose decays it has had. */
    final long[] stamp;
    /** Active coordinates. */
    int m;
    /** Steps this packed cell has taken. */
    long steps;
    /** The decay factor of the waiting decays. */
    final float factor;
    /**
     * At least the magnitude of every value (decays and flushes only make values smaller): grown by each step's
     * largest write, times 1.001 for the rounding, and measured again from the values when it reaches 1e36.
     */
    float bound;
    /** {@link #steps} when {@link #bound} was last measured by {@link #measure}. */
    long measuredAt;
    /** Fewest steps between two measures of the bound. */
    static final int REMEASURE_STEPS = 64;
    /** A fresh cell's row stride (at most c). */
    static final int FIRST_STRIDE = 32;
    /** The active block's values: row r, column q at {@code r * stride + q} (r, q &lt; m). */
    float[] vals;
    /** The block's row stride: m &lt;= stride &lt;= c. */
    int stride;
    /**
     * The canonical c x c array that {@link #unpack} fills: for a cell made by {@link #pack}, the packed array
     * itself ({@link #vals}, the block at its top left and +0 elsewhere); null until made, for a cell that started
     * fresh.
     */
    float[] home;

    /** An empty cell (all +0) of c x c values, decays by {@code factor} (in (0, 1]). */
    PackedCell(int c, float factor) {
        this(c, factor, new float[Math.min(c, FIRST_STRIDE) * Math.min(c, FIRST_STRIDE)], Math.min(c, FIRST_STRIDE));
    }

    /** An empty cell whose block lives in {@code vals} at row stride {@code stride}. */
    private PackedCell(int c, float factor, float[] vals, int stride) {
        this.c = c;
        this.coord = new int[c];
        this.slot = new int[c];
        this.ascending = new int[c];
        this.stamp = new long[c];
        this.factor = factor;
        this.stride = stride;
        this.vals = vals;
        Arrays.fill(slot, -1);
    }

    /** The largest magnitude of the active block's values (all finite in a packed cell). */
    float measure() {
        float[] s = vals;
        float max = 0f;
        for (int r = 0; r < m; r++) {
            int row = r * stride;
            for (int q = 0; q < m; q++) {
                max = Math.max(max, Math.abs(s[row + q]));
            }
        }
        return max;
    }

    /**
     * Packs {@code s} (a c x c cell in its canonical layout, no decays owed) in place: its active block moves to
     * s's top left (row stride c) and every other value of s is set to +0; s is the packed cell's {@link #vals}
     * and its {@link #home}. A coordinate is active when its row or column holds a value other than +0 (-0
     * included). Null, and {@code s} unchanged, where s holds an infinity or NaN.
     */
    static PackedCell pack(float[] s, int c, float factor) {
        // one branch-free pass: per row and per column the OR of the values' bits (nonzero: the coordinate is
        // active, -0 included), and the largest magnitude's bits (a non-negative float's bits order as the floats,
        // so this is Math.max of the magnitudes, without C1's call and its NaN and -0 branches; an infinity's or
        // NaN's are 0x7f800000 or more)
        int[] columnBits = new int[c];
        boolean[] active = new boolean[c];
        int boundBits = 0;
        for (int i = 0; i < c; i++) {
            int row = i * c;
            int rowBits = 0;
            for (int j = 0; j < c; j++) {
                int b = Float.floatToRawIntBits(s[row + j]);
                rowBits |= b;
                columnBits[j] |= b;
                boundBits = Math.max(boundBits, b & 0x7fffffff);
            }
            active[i] = rowBits != 0;
        }
        if (boundBits >= 0x7f800000) {
            return null;
        }
        for (int j = 0; j < c; j++) {
            active[j] |= columnBits[j] != 0;
        }
        PackedCell p = new PackedCell(c, factor, s, c); // packed in place: the block at s's top left, stride c
        p.bound = Float.intBitsToFloat(boundBits);
        for (int i = 0; i < c; i++) {
            if (active[i]) {
                p.slot[i] = p.m;
                p.ascending[p.m] = i;
                p.coord[p.m++] = i;
            }
        }
        gather(s, c, p.coord, p.m);
        p.home = s;
        return p;
    }

    /**
     * Moves the values of rows and columns {@code coord[0..m)} (strictly ascending coordinates) of {@code s} (c x c,
     * canonical layout) to its top left m x m block, row stride c, and sets every other value to +0; the values are
     * {@link #gatherReference}'s, bit for bit (only copies). In place, without a temporary: block value (r, q) comes
     * from index {@code coord[r] c + coord[q]} &gt;= {@code r c + q} (coord ascending: coord[r] &gt;= r), and going
     * through (r, q) in ascending order, every index written before is below the current target, so below every
     * source still to be read. (The m x m temporary it replaced cost 13 KB a record at m = 57 with a backend that
     * serializes the state, where every record packs and unpacks: review 23b R7.)
     */
    static void gather(float[] s, int c, int[] coord, int m) {
        for (int r = 0; r < m; r++) {
            int from = coord[r] * c;
            int to = r * c;
            for (int q = 0; q < m; q++) {
                s[to + q] = s[from + coord[q]];
            }
            Arrays.fill(s, to + m, to + c, 0f);
        }
        Arrays.fill(s, m * c, c * c, 0f);
    }

    /** The reference of {@link #gather}: through an m x m copy of the block. */
    static void gatherReference(float[] s, int c, int[] coord, int m) {
        float[] block = new float[m * m];
        for (int r = 0; r < m; r++) {
            for (int q = 0; q < m; q++) {
                block[r * m + q] = s[coord[r] * c + coord[q]];
            }
        }
        Arrays.fill(s, 0f);
        for (int r = 0; r < m; r++) {
            System.arraycopy(block, r * m, s, r * c, m);
        }
    }

    /**
     * The inverse of {@link #gather} for any order of coordinates: {@code s} (c x c) holds an m x m block at its top
     * left (row stride c; block row and column t are coordinate {@code coord[t]}, distinct) and +0 elsewhere; after,
     * {@code s[coord[r] c + coord[q]]} is block value (r, q) and every other value +0, as {@link #scatterReference}
     * leaves it, bit for bit (only copies). In place: where coord is not ascending, the block's columns, then its
     * rows, are first put in coordinate order (one row of m floats as the temporary; the rows by following the
     * permutation's cycles); then, going through (r, q) in descending order, each value moves to its target at
     * {@code coord[r] c + coord[q]} &gt;= {@code r c + q} and its old place is set to +0 first (a target written
     * before is above the current source, a source still to be read is below the current target).
     * {@code coord} is left in ascending order and {@code slot} (coordinate to block position; null: none) to match.
     */
    static void scatter(float[] s, int c, int[] coord, int[] slot, int m) {
        boolean ascending = true;
        for (int t = 1; t < m; t++) {
            if (coord[t] < coord[t - 1]) {
                ascending = false;
                break;
            }
        }
        if (!ascending) {
            int[] order = new int[m]; // block positions in coordinate order
            for (int t = 0; t < m; t++) {
                order[t] = t;
            }
            for (int t = 1; t < m; t++) { // insertion sort by coordinate (m <= c, mostly in order already)
                int v = order[t];
                int i = t;
                for (; i > 0 && coord[order[i - 1]] > coord[v]; i--) {
                    order[i] = order[i - 1];
                }
                order[i] = v;
            }
            float[] row = new float[m];
            for (int r = 0; r < m; r++) { // columns in coordinate order
                int at = r * c;
                for (int t = 0; t < m; t++) {
                    row[t] = s[at + order[t]];
                }
                System.arraycopy(row, 0, s, at, m);
            }
            boolean[] done = new boolean[m];
            for (int t = 0; t < m; t++) { // rows: new row t is old row order[t]
                if (done[t] || order[t] == t) {
                    continue;
                }
                System.arraycopy(s, t * c, row, 0, m);
                int cur = t;
                while (true) {
                    done[cur] = true;
                    int from = order[cur];
                    if (from == t) {
                        System.arraycopy(row, 0, s, cur * c, m);
                        break;
                    }
                    System.arraycopy(s, from * c, s, cur * c, m);
                    cur = from;
                }
            }
            int[] sorted = new int[m];
            for (int t = 0; t < m; t++) {
                sorted[t] = coord[order[t]];
            }
            System.arraycopy(sorted, 0, coord, 0, m);
            if (slot != null) { // (a cell's compact rows renumbered: its stamps are all equal after unpack's catch-ups)
                for (int t = 0; t < m; t++) {
                    slot[coord[t]] = t;
                }
            }
        }
        for (int r = m - 1; r >= 0; r--) {
            int from = r * c;
            int to = coord[r] * c;
            for (int q = m - 1; q >= 0; q--) {
                float v = s[from + q];
                s[from + q] = 0f;
                s[to + coord[q]] = v;
            }
        }
    }

    /** The reference of {@link #scatter}: through an m x m copy of the block; {@code coord} unchanged. */
    static void scatterReference(float[] s, int c, int[] coord, int m) {
        float[] block = new float[m * m];
        for (int r = 0; r < m; r++) {
            System.arraycopy(s, r * c, block, r * m, m);
            Arrays.fill(s, r * c, r * c + m, 0f);
        }
        for (int r = 0; r < m; r++) {
            int row = coord[r] * c;
            for (int q = 0; q < m; q++) {
                s[row + coord[q]] = block[r * m + q];
            }
        }
    }

    /**
     * Makes coordinate i active (its row and column +0, no decays owed); returns its compact index. May move the
     * block to a larger array ({@link #vals}).
     */
    int activate(int i) {
        if (m == stride) {
            grow();
        }
        int r = m++;
        coord[r] = i;
        slot[i] = r;
        stamp[r] = steps;
        int t = r;
        for (; t > 0 && ascending[t - 1] > i; t--) {
            ascending[t] = ascending[t - 1];
        }
        ascending[t] = i;
        return r;
    }

    /** Doubles the block's stride (at most c; m &lt; c here), its rows copied. */
    private void grow() {
        int w = Math.min(c, stride * 2);
        float[] v = new float[w * w];
        for (int r = 0; r < m; r++) {
            System.arraycopy(vals, r * stride, v, r * w, m);
        }
        vals = v;
        stride = w;
    }

    /** Applies compact row r's waiting decays (its columns [0, m)). */
    void catchUp(int r) {
        long n = steps - stamp[r];
        if (n <= 0) {
            return;
        }
        stamp[r] = steps;
        if (factor == 1f) {
            n = 1; // v * 1 is v: only the flush is left
        }
        while (n > 0) {
            int k = (int) Math.min(n, DeferredDecay.LIMIT);
            DeferredDecay.catchUp(vals, r * stride, m, k, factor);
            n -= k;
        }
    }

    /**
     * The cell in its canonical c x c layout, every waiting decay applied: written into {@link #home} (made
     * here, all +0, where there is none yet), which it returns. This packed cell is not used again.
     */
    float[] unpack() {
        int m = this.m;
        for (int r = 0; r < m; r++) {
            catchUp(r);
        }
        float[] s = home;
        if (s == vals) { // packed in place (by pack): the block sits at s's top left, row stride c
            scatter(s, c, coord, slot, m);
            return s;
        }
        if (s == null) {
            s = new float[c * c];
            home = s;
        }
        int w = stride;
        for (int r = 0; r < m; r++) {
            int row = coord[r] * c;
            for (int q = 0; q < m; q++) {
                s[row + coord[q]] = vals[r * w + q];
            }
        }
        return s;
    }
}
