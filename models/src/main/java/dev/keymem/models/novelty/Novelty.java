package dev.keymem.models.novelty;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionSettings;
import dev.keymem.models.retention.TieredRetention;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The novelty memory of a key's stream of items (e.g. a log source's lines, each the embedding of its
 * template): B'MOJO's innovation and eidetic admission (docs/design/mechanisms.md section 3) without its
 * attention read, plus, optionally, STR / CMP's retention significance (section 5). Holds no per-key data
 * (that is a {@link NoveltyState} plus a {@link NoveltyStore}), so one instance serves every key; one
 * instance per thread (the cells keep scratch buffers).
 *
 * <p><b>One item</b> v (D floats): x = P v / ||P v|| (P: d_c x D, entries N(0, 1) drawn from a fixed seed, when
 * d_c &lt; D; x = v / ||v|| when d_c = D, computed as {@code (float) (v_i * (1 / sqrt(sum v_i^2)))}, which the fused
 * memory skips where it provably changes no value: {@link #scaleKeepsEveryFloat}); one token, one head,
 * q = k = v = x:
 * <ol>
 *   <li>innovation e = ||x - a S^T x||, with S the fading cell (gated delta rule) before the item and
 *       a = decay, the item's own decay: exactly B'MOJO's innovation for this cell;</li>
 *   <li>the fading cell writes the item (beta, g = ln decay); then its values below 1e-30 in magnitude are set
 *       to 0 (entries that items seldom touch would otherwise linger in the tiny and subnormal range, where
 *       each multiply takes the CPU's slow path; their effect on an innovation is below 1e-29);</li>
 *   <li>eidetic admission (capacity &gt; 0): when e &gt; threshold the item joins the store (one row written);
 *       when the store then holds more than capacity entries, the one with the lowest innovation (ties: the
 *       oldest, possibly the new item itself, which is then never written) is removed;</li>
 *   <li>retention tier (when on): the item goes through {@link TieredRetention}, whose retained tier T1
 *       ranks the key's recent items by their retention probability ({@link #retained}).</li>
 * </ol>
 * B'MOJO's attention read over the window, the fading outputs and the eidetic entries is not computed: a
 * caller of this memory wants the decisions, not a read, so no window of vectors is kept. The hot state is
 * the D x D cell plus the eidetic index; an ordinary item (no admission) writes no store row. Decisions
 * depend only on the items and their order, never on how the stream is cut.
 */
public final class Novelty {
    private final NoveltySettings settings;
    private final MemoryCell cell;
    private final TieredRetention retention;
    private final int d;
    private final int c;
    private final float[] projection;
    private final float[] beta;
    private final float[] g;
    private final float[] out;
    private final float[] x;
    private final double[] proj;
    /** The fused step, used when the retention tier is off (null: always the reference path). */
    private final NoveltyKernel kernel;
    private final float a;
    /** x's nonzero coordinates, ascending (for the packed kernel). */
    private final int[] nonzero;
    /** Whether states keep their cells packed: the packed kernel, and a decay factor in (0, 1]. */
    private final boolean packs;

    /**
     * @param retention the retention tier's settings, or null for none (its scale is then 1/sqrt(D) when
     *                  the given one is not positive)
     */
    public Novelty(NoveltySettings settings, RetentionSettings retention) {
        this(settings, retention, true);
    }

    /**
     * @param fused whether the fading cell's step and the innovation run as one fused kernel ({@link
     *              NoveltyKernel}, same results) when the retention tier is off; false: the reference (the
     *              innovation loop, then the cell's own forward step with its read-out), for tests
     */
    Novelty(NoveltySettings settings, RetentionSettings retention, boolean fused) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.d = settings.dimension();
        this.c = settings.cellDim();
        this.projection = c < d ? projection(c, d) : null;
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 1, c, c, 64);
        this.cell = Cells.recurrent(spec);
        this.retention = retention == null ? null : new TieredRetention(Cells.recurrent(spec), retention);
        this.beta = new float[] {settings.beta()};
        this.g = new float[] {(float) Math.log(settings.decay())};
        this.out = new float[c];
        this.x = new float[c];
        this.proj = new double[c];
        this.kernel = fused && retention == null ? NoveltyKernel.best(c) : null;
        this.a = (float) Math.exp(g[0]); // the decay factor as the cell applies it
        this.nonzero = new int[c];
        this.packs = kernel != null && kernel.packs() && a > 0f && a <= 1f;
    }

    /** The fixed projection (d_c x D, row-major): N(0, 1) entries from one seed, the same in every release. */
    static float[] projection(int rows, int cols) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(0x6e6f76656c7479L);
        float[] p = new float[rows * cols];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextGaussian();
        }
        return p;
    }

    public NoveltySettings settings() {
        return settings;
    }

    /** Whether the retention tier runs. */
    public boolean retains() {
        return retention != null;
    }

    /** A fresh state at position 0; {@code keySeed} seeds the retention tier's draws. */
    public NoveltyState newState(long keySeed) {
        if (packs) { // (no retention tier) the cell starts packed; its canonical array is made when read
            return new NoveltyState(new PackedCell(c, a), cell.stateSize());
        }
        return new NoveltyState(cell.newState(), new long[0], new float[0],
                retention == null ? null : retention.newState(keySeed));
    }

    /**
     * Absorbs one item ({@code vector}: D finite floats, not all zero; it is normalized here) of the key
     * whose state and store are given; {@code item} and {@code payload} are kept with an admitted entry.
     */
    public NoveltyWrite write(NoveltyState st, NoveltyStore store, float[] vector, int item, byte[] payload)
            throws Exception {
        if (vector.length != d) {
            throw new IllegalArgumentException("vector has " + vector.length + " values, expected " + d);
        }
        if (st.cellFloats() != cell.stateSize()) {
            throw new IllegalArgumentException("state has " + st.cellFloats() + " cell floats, expected "
                    + cell.stateSize());
        }
        double n = 0;
        int k = 0;
        if (projection == null) {
            for (int i = 0; i < d; i++) { // the copy, its squared norm and its nonzero coordinates in one loop
                float v = vector[i];
                x[i] = v;
                n += (double) v * v;
                if (v != 0f) {
                    nonzero[k++] = i;
                }
            }
        } else {
            for (int i = 0; i < c; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (double) projection[i * d + j] * vector[j];
                }
                x[i] = (float) s;
            }
            for (int i = 0; i < c; i++) {
                n += (double) x[i] * x[i];
            }
        }
        double inv = n > 0 ? 1.0 / Math.sqrt(n) : 0;
        // a unit vector already (x * inv is x: the nonzero coordinates are x's) or the reference's scaling
        if (projection != null || kernel == null || !scaleKeepsEveryFloat(inv)) {
            k = 0;
            for (int i = 0; i < c; i++) {
                float xi = (float) (x[i] * inv);
                x[i] = xi;
                if (xi != 0f) {
                    nonzero[k++] = i;
                }
            }
        }
        long p = st.position();
        float e;
        PackedCell packed = packs && Double.isFinite(n) ? st.packed(c, a) : null; // n finite: x is finite
        if (packed != null) {
            NoveltyKernel.Packed pk = (NoveltyKernel.Packed) kernel;
            e = pk.step(packed, x, nonzero, k, beta[0], settings.decay());
            if (pk.unpacked) {
                st.unpacked(packed.home);
            }
            st.advancePacked();
        } else if (kernel != null) {
            CellState raw;
            if (kernel.defers()) { // rows it does not read may owe decays, applied when read
                raw = st.rawCell();
                e = kernel.step(raw.data(), x, a, beta[0], settings.decay(), st.owed(c));
            } else {
                raw = st.cell();
                e = kernel.step(raw.data(), x, a, beta[0], settings.decay());
            }
            raw.advance(1);
        } else {
            e = innovation(st.cell().data());
            TokenChunk chunk = new TokenChunk(1, 1, c, c, x, x, x, beta, g);
            cell.forward(st.cell(), chunk, out);
            float[] sd = st.cell().data();
            for (int i = 0; i < sd.length; i++) {
                sd[i] = NoveltyKernel.flush(sd[i]);
            }
            if (retention != null) {
                if (st.retention() == null) {
                    throw new IllegalStateException("the retention tier is on but the state has none");
                }
                retention.forward(st.retention(), null, chunk, out);
            }
        }
        boolean admitted = false;
        long evicted = -1;
        if (settings.capacity() > 0 && e > settings.threshold()) {
            // the lowest innovation among the held entries and the new item (ties: the oldest)
            int low = -1;
            float lowE = e;
            long lowP = p;
            for (int i = 0; i < st.eideticCount(); i++) {
                float ei = st.innovationAt(i);
                long pi = st.positionAt(i);
                if (ei < lowE || (ei == lowE && pi < lowP)) {
                    low = i;
                    lowE = ei;
                    lowP = pi;
                }
            }
            if (st.eideticCount() < settings.capacity() || low >= 0) {
                if (st.eideticCount() >= settings.capacity()) {
                    evicted = st.positionAt(low);
                    st.removeAt(low);
                    store.remove(evicted);
                }
                st.add(p, e);
                store.put(new NoveltyEntry(p, item, e, payload));
                admitted = true;
            }
        }
        return new NoveltyWrite(p, e, admitted, evicted);
    }

    /**
     * The largest |inv - 1| for which {@link #scaleKeepsEveryFloat} holds: 2^-25 less a margin for the double
     * product's rounding.
     */
    static final double UNCHANGED_SCALE = 0x1p-25 - 0x1p-51;

    /**
     * Whether {@code (float) (v * inv)} (the product in double, then rounded to float: the normalization's
     * operation) is v, bit for bit, for every float v: true when |inv - 1| &lt;= {@link #UNCHANGED_SCALE}. An item
     * the caller normalized already (the log job's are: {@code Vectors.normalized}) has inv = 1 / ||x|| that close
     * to 1 for 94% of the log job's items on logs-10k, so their scaling is skipped. Why it changes nothing: the
     * double product is v inv (1 + eps), |eps| &lt;= 2^-53, within |v| (|inv - 1| + inv 2^-53) &lt; |v| 2^-25 of v.
     * For a normal v = +-2^e (1 + f), 0 &lt;= f &lt; 1, the floats next to v are 2^(e-23) away, or 2^(e-24) below
     * where f = 0: the half-spacing is 2^(e-24) &gt; |v| 2^-25 above v (also past the largest float, where rounding
     * overflows) and below v when f &gt; 0, and 2^(e-25) = |v| 2^-25 below a power of two, so a double less than
     * |v| 2^-25 away from v rounds to v. A subnormal v: |v| 2^-25 &lt; 2^-151, under
     * half the subnormal spacing 2^-149. +-0 times inv keeps its sign, as the skipped copy does. A NaN or infinite
     * squared norm never reaches the test as such: {@code write} takes inv = 0 where the squared norm is NaN or 0
     * ({@code n > 0} fails), and 1 / sqrt(inf) is 0: inv = 0 fails the test.
     */
    static boolean scaleKeepsEveryFloat(double inv) {
        return Math.abs(inv - 1.0) <= UNCHANGED_SCALE;
    }

    /** e = ||x - a S^T x|| (double accumulation), S laid out [K][V]. */
    private float innovation(float[] s) {
        double a = settings.decay();
        // p = S^T x, row by row: each p[j] sums over i in the same (ascending) order as a column loop, so the
        // result is bit-identical, without a serial dependency chain per column
        double[] p = proj;
        java.util.Arrays.fill(p, 0);
        for (int i = 0; i < c; i++) {
            double xi = x[i];
            int row = i * c;
            for (int j = 0; j < c; j++) {
                p[j] += (double) s[row + j] * xi;
            }
        }
        double sq = 0;
        for (int j = 0; j < c; j++) {
            double r = x[j] - a * p[j];
            sq += r * r;
        }
        return (float) Math.sqrt(sq);
    }

    /**
     * The retention tier's retained items (T1): position to retention probability; empty when the tier
     * is off.
     */
    public Map<Long, Double> retained(NoveltyState st) {
        Map<Long, Double> held = new HashMap<>();
        if (st.retention() == null) {
            return held;
        }
        for (RetainedToken t : st.retention().retained()) {
            held.merge(t.position(), t.probability(), Math::max);
        }
        return held;
    }
}
