package dev.keymem.models.events;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import java.util.SplittableRandom;

/**
 * The event memory of docs/design/mechanisms.md section 6. Holds settings and the fixed projection only;
 * a key's memory is its {@link EventState} plus its {@link EventStore}, passed to every call, so one
 * instance serves every key of a subtask. Deterministic: the same events give the same state, rows and
 * answers, bit for bit (scores are summed in double in a fixed order; candidates are visited by position).
 *
 * <p>Per {@link #write}: the hot state, one archive row, and per distinct term one frequency read and
 * write and one posting row (plus at most one posting and one archive drop under caps), at a segment
 * close one summary row, on an eidetic admission one slot row: bounded by the event, not by the history.
 * Per {@link #query}: at most W + M + {@code maxCandidates} + k L candidates, {@code postingsRead} postings
 * per query term, {@link EventSettings#ROUTE_SCAN} summaries and the frequencies of the candidates' terms:
 * bounded by the settings, not by the history. (Of the candidates' terms only those of candidates whose
 * informativeness a bound does not settle: the largest one's, and those the ranking visits; the bounds come
 * from the terms' count and, where the store's frequencies never decrease, from an earlier query's value.)
 *
 * <p>Not thread safe: an instance keeps per-query scratch tables and derived values of archived events, so
 * one instance serves one thread (a subtask's task thread).
 */
public final class EventMemory {
    private final EventSettings settings;
    private final MemoryCell cell;
    /** d_c x D, row-major; null for the identity (D == d_c). */
    private final float[] projection;
    /**
     * The projection transposed (D x d_c), row j as an array of its own (the d_c values column j of the
     * projection adds), in doubles (the floats exactly: the products and sums are those of the floats, without
     * a conversion per product),
     * for {@link #accumulate}: indexed by the loop's own counter, which C1 (the JIT of file runs) range-checks
     * once per loop instead of once per load; null with the projection.
     */
    private final double[][] projectionRows;
    /** The fading cell's decay per token, exp(log(decay)) as the gated_delta cell computes it. */
    private final float decayFactor;

    public EventMemory(EventSettings settings) {
        this(settings, null);
    }

    /**
     * A memory whose D to d_c projection is {@code projection} (d_c x D, row-major; e.g. learned and loaded
     * from a checkpoint), or, when null, the identity (D = d_c) or a fixed Gaussian projection seeded by
     * {@link EventSettings#seed()}.
     */
    public EventMemory(EventSettings settings, float[] projection) {
        this.settings = settings;
        this.decayFactor = (float) Math.exp((float) Math.log(settings.decay()));
        int dc = settings.cellDim();
        this.cell = Cells.recurrent(CellSpec.of(CellKind.GATED_DELTA, 1, dc, dc, 1));
        int d = settings.dimension();
        if (projection != null) {
            if (projection.length != dc * d) {
                throw new IllegalArgumentException("the projection has " + projection.length + " values, expected d_c x D = "
                        + dc + " x " + d);
            }
            for (float f : projection) {
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException("the projection holds a non-finite value");
                }
            }
            this.projection = projection.clone();
        } else if (d == dc) {
            this.projection = null;
        } else {
            float[] p = new float[dc * d];
            SplittableRandom r = new SplittableRandom(settings.seed());
            double s = 1.0 / Math.sqrt(dc);
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (gaussian(r) * s);
            }
            this.projection = p;
        }
        if (this.projection == null) {
            this.projectionRows = null;
        } else {
            double[][] rows = new double[d][dc];
            for (int i = 0; i < dc; i++) {
                for (int j = 0; j < d; j++) {
                    rows[j][i] = this.projection[i * d + j];
                }
            }
            this.projectionRows = rows;
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    public EventSettings settings() {
        return settings;
    }

    /** A fresh memory at position 0. */
    public EventState newState() {
        int m = settings.eidetic();
        return new EventState(0, 0, cell.newState(), new float[settings.dimension()], new long[m], new float[m], 0);
    }

    /**
     * Sets how many fading writes a state of {@link #newBatchState} holds waiting: {@code DEFERRED_FLOATS / d_c}
     * (256 at d_c = 32), as many as keys of this many floats. What the waiting writes hold (keys and listed
     * components) is bounded by {@link #DEFERRED_VALUES}.
     */
    static final int DEFERRED_FLOATS = 8192;
    /**
     * Values (keys' floats and listed components) a state of {@link #newBatchState} holds waiting, at most: 128
     * writes of a dense event vector at D = 256 waiting as components ({@link PendingFading}).
     */
    static final int DEFERRED_VALUES = 32768;

    /**
     * A fresh memory at position 0 for a caller that holds one key's state at a time and drops it when the key
     * is done (a batch run): equal to {@link #newState()} in everything it holds and gives, made in the arrays
     * of {@code dropped} where it is given and has this memory's shape (a state no longer in use, e.g. the
     * previous key's, which this resets; null: new arrays), and whose fading writes wait, up to a bounded
     * number ({@link #DEFERRED_FLOATS}{@code / d_c} writes holding at most {@link #DEFERRED_VALUES} values),
     * until its cell is read ({@link EventState#cell()}
     * applies them, in order, with {@link #fadingWrite}'s arithmetic). Nothing in a write depends on the
     * cell, only queries and serializers read it: so a key's writes after its last query are never applied
     * when the key is dropped unread, and the cell, where it is read, is bit for bit what writing each at once
     * ({@link #newState()}) gives. Per write, at most the buffer's writes are applied at once (the same work a
     * write did before, later). A write that waits keeps its unit vector's listed components rather than the key
     * projected from them ({@link PendingFading}): the projection, too, is made only when the cell is read.
     *
     * <p>The waiting writes' buffer ({@link #DEFERRED_VALUES} floats and as many ints, 256 KiB, plus an int per
     * write; it was 32 KiB while writes waited as keys) is taken over from {@code dropped} where it fits, so a caller
     * that passes its dropped states on holds one.
     */
    public EventState newBatchState(EventState dropped) {
        int dc = settings.cellDim();
        int maxWrites = Math.max(1, DEFERRED_FLOATS / dc);
        EventState st;
        PendingFading buffer = null;
        if (dropped != null && dropped.cellFloats() == cellStateSize()
                && dropped.segmentSum().length == settings.dimension()
                && dropped.eideticPositions().length == settings.eidetic()) {
            buffer = dropped.pendingBuffer();
            dropped.reset();
            st = dropped;
        } else {
            st = newState();
        }
        if (buffer == null || !buffer.fits(dc, maxWrites, DEFERRED_VALUES)) {
            buffer = new PendingFading(maxWrites, Math.max(dc, DEFERRED_VALUES));
        }
        st.defer(this, buffer);
        return st;
    }

    /**
     * Applies the first {@code n} fading writes of {@code w} to {@code cs}, in order: a key as it is, listed
     * components through {@link #keyOf} (the key the write would have projected, bit for bit). The keys are made
     * first (none depends on the cell), then written by {@link #fadingWrites}, which reads and writes the cell once
     * per write instead of twice.
     */
    void applyPending(CellState cs, PendingFading w, int n) {
        int dc = settings.cellDim();
        if (pendingKeys.length < n * dc) {
            pendingKeys = new float[n * dc];
        }
        float[] ks = pendingKeys;
        int at = 0;
        for (int i = 0; i < n; i++) {
            int m = w.counts[i];
            if (m == PendingFading.KEY) {
                System.arraycopy(w.values, at, ks, i * dc, dc);
                at += dc;
            } else {
                if (pendingCols.length < m) {
                    pendingCols = new int[m];
                    pendingVals = new double[m];
                }
                System.arraycopy(w.columns, at, pendingCols, 0, m);
                for (int k = 0; k < m; k++) {
                    pendingVals[k] = w.values[at + k];
                }
                System.arraycopy(keyOf(pendingCols, pendingVals, m), 0, ks, i * dc, dc);
                at += m;
            }
        }
        fadingWrites(cs, ks, n);
    }

    /** {@link #applyPending}'s keys, write after write (its own scratch, as its columns and values are). */
    private float[] pendingKeys = new float[0];

    /** {@link #applyPending}'s columns and values (its own: it may run while a write's are in the scratch arrays). */
    private int[] pendingCols = new int[0];
    private double[] pendingVals = new double[0];

    /** Floats in the fading cell's state. */
    public int cellStateSize() {
        return cell.stateSize();
    }

    /**
     * Absorbs one event: terms (any ints; repeats count), its dense vector (length D; null: the terms are
     * hashed into one) and its payload (null: none).
     */
    public EventWrite write(EventState st, EventStore store, int[] terms, float[] vector, byte[] payload) {
        long p = st.events();
        // a write whose fading write waits leaves its key to be projected when the cell is read (lazy)
        boolean lazy = st.defers() && projection != null && shapeCache;
        Shaped sh = shaped(vector == null ? hashVector(terms, settings.dimension()) : vector, vector != null, lazy);
        float[] x = sh.x;
        int[][] tc = distinctCountsScratch(terms);
        int[] distinct = tc[0];
        int[] counts = tc[1];
        int rowsRead = 0;
        int rowsWritten = 0;
        // Innovation: lexical surprisal against the history before this event, each term's idf relative to
        // a never-seen term's (so early events are not unsurprising merely because the history is short).
        // The frequencies in the write's scratch array (nothing keeps them past the write).
        long[] df = writeFrequencies.length >= distinct.length ? writeFrequencies
                : (writeFrequencies = new long[Math.max(distinct.length, 2 * writeFrequencies.length)]);
        for (int i = 0; i < distinct.length; i++) {
            df[i] = store.frequency(distinct[i]);
            rowsRead++;
        }
        double nu = surprisal(p, df, distinct.length);
        float innovation = distinct.length == 0 ? 0f : (float) (nu / Math.sqrt(distinct.length));
        byte[] q8 = sh.input != null ? sh.q8.clone() : sh.q8; // a cached shape's bytes are a template
        float scale = sh.scale;
        EventEntry entry = new EventEntry(p, distinct, counts, terms.length, q8, scale, innovation,
                payload == null ? new byte[0] : payload);
        // A later query finds the entry's nonzero components by the identity of q8 where the store hands back
        // the written entry (heap state, a cache); found here from the unit vector's listed components. Kept in
        // the direct-mapped front a query looks in first, not in the maps: no identity hash a write, and a
        // write never drops what queries derived and keep in the maps (long histories' old candidates); a
        // slot taken since by another position is a miss, and the query derives the values from the entry's
        // bytes (the same values).
        derivedFront[(int) p & (derivedFront.length - 1)] =
                sh.derived != null ? new Derived(q8, sh.derived) : new Derived(q8, scale, sh.nz);
        store.archive(entry);
        rowsWritten++;
        for (int i = 0; i < distinct.length; i++) {
            store.addPosting(distinct[i], df[i], p);
            store.setFrequency(distinct[i], df[i] + 1);
            rowsWritten += 2;
            if (settings.postingsCap() > 0 && df[i] >= settings.postingsCap()) {
                store.dropPosting(distinct[i], df[i] - settings.postingsCap());
                rowsWritten++;
            }
        }
        long dropped = -1;
        if (settings.archiveCap() > 0 && p >= settings.archiveCap()) {
            dropped = p - settings.archiveCap();
            store.dropArchived(dropped);
            rowsWritten++;
            if (dropped % settings.segment() == settings.segment() - 1) {
                store.dropSegment(dropped / settings.segment());
                rowsWritten++;
            }
        }
        // Eidetic tier: keep the M most innovative events (ties: the newer stays).
        boolean admitted = false;
        long evicted = -1;
        int m = settings.eidetic();
        if (m > 0) {
            int n = st.eideticSize();
            int slot = -1;
            if (n < m) {
                slot = n;
                st.setEideticSize(n + 1);
            } else {
                int low = 0;
                for (int i = 1; i < m; i++) {
                    if (st.eideticScores()[i] < st.eideticScores()[low]
                            || (st.eideticScores()[i] == st.eideticScores()[low]
                            && st.eideticPositions()[i] < st.eideticPositions()[low])) {
                        low = i;
                    }
                }
                if (innovation >= st.eideticScores()[low]) {
                    slot = low;
                    evicted = st.eideticPositions()[low];
                }
            }
            if (slot >= 0) {
                st.eideticPositions()[slot] = p;
                st.eideticScores()[slot] = innovation;
                store.setEidetic(slot, entry);
                rowsWritten++;
                admitted = true;
            }
        }
        // Fading memory: one gated_delta token, k = v = the projected unit vector.
        if (st.defers()) {
            // applied when the cell is read (newBatchState); a key not projected yet waits as its components
            // (still in the scratch arrays shapedFast left them in: nothing since has used them)
            if (sh.k != null) {
                st.deferWrite(sh.k, settings.cellDim());
            } else if (!st.deferListed(sh.cols, sh.vals, sh.listed)) {
                st.deferWrite(keyOf(sh.cols, sh.vals, sh.listed), settings.cellDim());
            }
        } else {
            fadingWrite(st.cellAsIs(), sh.k, 0);
        }
        // Segment summaries (SSC routing); the zero components are skipped (adding a zero to a sum that is
        // never -0.0 changes nothing).
        float[] sum = st.segmentSum();
        if (sum.length != x.length) {
            throw new IllegalArgumentException("segment sum has " + sum.length + " values, expected " + x.length);
        }
        int[] listed = sh.nz;
        if (listed != null) {
            for (int i : listed) {
                sum[i] += x[i];
            }
        } else {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += x[i]; // the unlisted are +0.0: the same sums
            }
        }
        long closed = -1;
        if ((p + 1) % settings.segment() == 0) {
            closed = p / settings.segment();
            float[] mu = new float[sum.length];
            for (int i = 0; i < sum.length; i++) {
                mu[i] = sum[i] / settings.segment();
            }
            store.addSegment(closed, mu);
            rowsWritten++;
            Arrays.fill(sum, 0f);
        }
        st.absorbed(terms.length);
        return new EventWrite(p, innovation, admitted, evicted, dropped, closed, rowsRead, rowsWritten);
    }

    /**
     * The sum over {@code df} of {@code idf(p, df[i]) / idf(p, 0)}, in order (a write's lexical surprisal before
     * the division by the root of the count): {@link #surprisalReference}'s value bit for bit, each quotient of
     * a small frequency computed once per position {@code p} ({@link #surprisalMemo}: the same expression of the
     * same inputs, so the same double; an event's terms share a few small frequencies, most of them 0 or 1).
     */
    double surprisal(long p, long[] df) {
        return surprisal(p, df, df.length);
    }

    /** {@link #surprisal(long, long[])} of the frequencies {@code df[0, n)}. */
    double surprisal(long p, long[] df, int n) {
        double fresh = idf(p, 0);
        double nu = 0;
        long stamp = p + 1;
        for (int t = 0; t < n; t++) {
            long f = df[t];
            double w;
            if (f >= 0 && f < SURPRISAL_MEMO) {
                int i = (int) f;
                if (surprisalAt[i] == stamp) {
                    w = surprisalMemo[i];
                } else {
                    w = idf(p, f) / fresh;
                    surprisalMemo[i] = w;
                    surprisalAt[i] = stamp;
                }
            } else {
                w = idf(p, f) / fresh;
            }
            nu += w;
        }
        return nu;
    }

    /** {@link #surprisal} one logarithm per term (the reference form, for tests). */
    static double surprisalReference(long p, long[] df) {
        double fresh = idf(p, 0);
        double nu = 0;
        for (long f : df) {
            nu += idf(p, f) / fresh;
        }
        return nu;
    }

    /** Frequencies below this have their quotient kept ({@link #surprisal}), stamped with the position + 1. */
    private static final int SURPRISAL_MEMO = 64;
    private final double[] surprisalMemo = new double[SURPRISAL_MEMO];
    private final long[] surprisalAt = new long[SURPRISAL_MEMO];

    /**
     * What a write derives from its event's vector alone: the unit vector {@code x} and its listed components
     * {@code nz} ({@link #unitOf}), the quantised bytes {@code q8} (a template: each entry gets a copy) and
     * {@code scale} ({@link #quantize(Unit, byte[])}), and the fading cell's key {@code k} (the unit of
     * {@link #project(Unit)}), or, where the write left it to be projected later, null and the listed
     * components that {@link #keyOf} projects ({@link #cols}, {@link #vals}, {@link #listed}: the memory's
     * scratch arrays, valid until its next projection). Read only once made (x and nz may be shared by several
     * writes).
     */
    static final class Shaped {
        final float[] x;
        /**
         * The listed components of {@link #x} (ascending; every one that is not +0.0 among them), or null for all
         * of them: {@link EventMemory#shapedFast} lists none of a dense vector ({@link EventMemory#listsComponents}).
         */
        final int[] nz;
        final byte[] q8;
        final float scale;
        final float[] k;
        int[] cols;
        double[] vals;
        int listed;
        /** The vector's {@link Derived} values (kept on a cached shape, shared by the entries it serves), or null. */
        Derived derived;
        /** The input vector (a copy) and its {@link #vectorHash}, on a cached shape. */
        float[] input;
        int hash;

        Shaped(float[] x, int[] nz, byte[] q8, float scale, float[] k) {
            this.x = x;
            this.nz = nz;
            this.q8 = q8;
            this.scale = scale;
            this.k = k;
        }
    }

    /**
     * Shapes of vectors written before, direct-mapped by {@link #vectorHash}: a stream's repeated messages (the
     * same text, the same vector) skip the unit vector, quantisation and projection. A shape is cached the
     * second time its hash comes ({@link #shapeSeen} holds the hashes seen once), so unique texts cost no
     * copies; a hit is checked against the cached input bit for bit, and the shape is a function of the input
     * alone, so a write gives the same entry and state whatever the cache holds (tests compare writes with
     * and without it). Shared by the keys of the instance: it holds no key's state, only vectors' shapes.
     */
    static final int SHAPES = 256;
    private final Shaped[] shapes = new Shaped[SHAPES];
    private final int[] shapeSeen = new int[4 * SHAPES];
    private boolean shapeCache = true;
    /** Writes whose shape came from the cache, for tests. */
    long shapeHits;

    /** Switches the shape cache off (writes then take {@link #shapedReference} alone), for tests. */
    void shapeCache(boolean on) {
        shapeCache = on;
    }

    /**
     * A hash of a vector's bits (every component, in order): {@link #vectorHashReference}'s value, four
     * components a step ({@code h = 31^4 h + 31^3 a + 31^2 b + 31 c + d}, the same int arithmetic modulo 2^32,
     * so the same value; one multiply by the running hash a step instead of four in a chain).
     */
    static int vectorHash(float[] v) {
        int h = v.length;
        int i = 0;
        for (; i + 4 <= v.length; i += 4) {
            h = 923521 * h + 29791 * Float.floatToRawIntBits(v[i]) + 961 * Float.floatToRawIntBits(v[i + 1])
                    + 31 * Float.floatToRawIntBits(v[i + 2]) + Float.floatToRawIntBits(v[i + 3]);
        }
        for (; i < v.length; i++) {
            h = 31 * h + Float.floatToRawIntBits(v[i]);
        }
        return h ^ (h >>> 16);
    }

    /** {@link #vectorHash} one component at a time (the reference form, for tests). */
    static int vectorHashReference(float[] v) {
        int h = v.length;
        for (float f : v) {
            h = 31 * h + Float.floatToRawIntBits(f);
        }
        return h ^ (h >>> 16);
    }

    /**
     * {@link #shapedReference} of {@code v}, from the cache where the same vector was shaped before; where
     * {@code lazy}, a shape made here (not from the cache, not cached) may leave its key to {@link #keyOf}
     * ({@link Shaped#k} null).
     */
    private Shaped shaped(float[] v, boolean check, boolean lazy) {
        if (!shapeCache) {
            return shapedReference(v, check);
        }
        int h = vectorHash(v);
        int slot = h & (SHAPES - 1);
        Shaped c = shapes[slot];
        if (c != null && c.hash == h && Arrays.equals(c.input, v)) {
            shapeHits++;
            return c; // a vector written before was finite and of the memory's length: no check needed
        }
        int seen = h & (shapeSeen.length - 1);
        boolean caching = shapeSeen[seen] == h; // a cached shape holds its key
        Shaped s = shapedFast(v, check, !lazy || caching);
        if (caching) {
            Shaped kept = new Shaped(s.x.clone(), s.nz, s.q8.clone(), s.scale, s.k);
            kept.input = v.clone();
            kept.hash = h;
            kept.derived = new Derived(kept.q8, s.scale, s.nz);
            shapes[slot] = kept;
        } else {
            shapeSeen[seen] = h;
        }
        return s;
    }

    /**
     * The shape of {@code v} ({@link #checked} first when {@code check}): {@link #unitOf} (into the reused
     * array), {@link #quantize(Unit, byte[])} and the unit of {@link #project(Unit)}, as a write has always
     * derived them (the reference form of {@link #shaped}).
     */
    Shaped shapedReference(float[] v, boolean check) {
        Unit u = unitOf(v, check, true);
        byte[] q8 = new byte[v.length];
        float scale = quantize(u, q8);
        return new Shaped(u.x(), u.nz(), q8, scale, unit(project(u)));
    }

    /**
     * {@link #shapedReference} in one scan of {@code v} and one loop over its listed components: the scan finds
     * the listed components, the sum of squares ({@link #unitOf}'s, the same order) and the largest magnitude
     * among them; the loop writes each unit component, its quantised byte and its projection column. The
     * quantisation's largest unit magnitude is the largest input magnitude scaled: {@code (float) (|v| * inv)}
     * with {@code inv > 0} never decreases as {@code |v|} grows (a product by a positive double and the
     * rounding to float are both monotonic, and rounding is symmetric in the sign), so the largest of the
     * rounded magnitudes is the rounding of the largest, bit for bit; hence the same scale before the loop,
     * and every byte as {@link #quantize(Unit, byte[])} gives it. The projection gets the same columns in the
     * same order as {@link #project(float[], int[])} collects them. The same shape bit for bit (a test
     * compares the two over random and edge-case vectors).
     */
    Shaped shapedFast(float[] v, boolean check) {
        return shapedFast(v, check, true);
    }

    /**
     * {@link #shapedFast(float[], boolean)}; where not {@code key} and the memory projects, without the key: the
     * shape's {@link Shaped#k} is null and its listed components ({@link Shaped#cols} and after) are what
     * {@link #keyOf} makes the key of.
     */
    Shaped shapedFast(float[] v, boolean check, boolean key) {
        if (check && v.length != settings.dimension()) {
            checked(v); // throws
        }
        int d = v.length;
        int[] idx = scratchIdx(d);
        int n = 0;
        int i = 0;
        double sq = 0;
        // Branch-free over the components (a text's dense vector has about as many zeros as not, in no
        // pattern: a branch per component is mispredicted half the time): each index is stored and the count
        // moves on by (b | -b) >>> 31, 1 where the component's bits b are not +0.0's (C1 compiles
        // b != 0 ? 1 : 0 to a branch), and the largest magnitude is kept as the largest of the magnitudes'
        // bits (for floats that are not NaN, the order of the bits of |f| is the order of |f|; a NaN or an
        // infinity makes the sum of squares NaN or infinite, which the check rejects, and a vector that is not
        // checked is finite); the maxima's conditional expressions compile to conditional moves.
        int maxBits = 0;
        for (; i + 4 <= d; i += 4) {
            float f0 = v[i];
            float f1 = v[i + 1];
            float f2 = v[i + 2];
            float f3 = v[i + 3];
            int b0 = Float.floatToRawIntBits(f0);
            int b1 = Float.floatToRawIntBits(f1);
            int b2 = Float.floatToRawIntBits(f2);
            int b3 = Float.floatToRawIntBits(f3);
            if ((b0 | b1 | b2 | b3) == 0) {
                continue;
            }
            idx[n] = i;
            n += (b0 | -b0) >>> 31;
            idx[n] = i + 1;
            n += (b1 | -b1) >>> 31;
            idx[n] = i + 2;
            n += (b2 | -b2) >>> 31;
            idx[n] = i + 3;
            n += (b3 | -b3) >>> 31;
            int a0 = b0 & 0x7fffffff;
            int a1 = b1 & 0x7fffffff;
            int a2 = b2 & 0x7fffffff;
            int a3 = b3 & 0x7fffffff;
            int m01 = a0 > a1 ? a0 : a1;
            int m23 = a2 > a3 ? a2 : a3;
            int m = m01 > m23 ? m01 : m23;
            maxBits = m > maxBits ? m : maxBits;
            sq += (double) f0 * f0;
            sq += (double) f1 * f1;
            sq += (double) f2 * f2;
            sq += (double) f3 * f3;
        }
        for (; i < d; i++) {
            float f = v[i];
            int b = Float.floatToRawIntBits(f);
            if (b != 0) {
                idx[n++] = i;
                sq += (double) f * f;
                int a = b & 0x7fffffff;
                maxBits = a > maxBits ? a : maxBits;
            }
        }
        float maxAbs = Float.intBitsToFloat(maxBits);
        if (check && !(sq <= Double.MAX_VALUE)) {
            checked(v); // throws
        }
        // the reused unit vector, as unitOf(v, check, true) leaves it
        float[] out;
        if (unitReused.length != d) {
            out = unitReused = new float[d];
        } else {
            out = unitReused;
            clearListed(out, unitReusedSet);
        }
        int[] nz = listsComponents(n, d) ? Arrays.copyOf(idx, n) : null;
        unitReusedSet = nz;
        byte[] q8 = new byte[d];
        float scale = 0f;
        boolean projected = projection != null;
        int[] cols = projected ? scratchCols(n) : null;
        double[] vs = scratchVals;
        int m = 0;
        if (sq > 0) {
            double inv = 1 / Math.sqrt(sq);
            float max = (float) (maxAbs * inv);
            scale = max == 0 ? 0f : max / 127f;
            boolean quantized = max != 0;
            if (quantized && projected) {
                // the loop below as a write of a text's vector takes it, its two loop-invariant tests taken out
                // and the projection's column stored where it is zero too (only counted where it is not: the
                // next column's store overwrites it), so no branch on a component's value
                for (int k = 0; k < n; k++) {
                    int j = idx[k];
                    float f = (float) (v[j] * inv);
                    out[j] = f;
                    double t = f / scale + 128.5; // roundQuantized(f / scale), its call inlined by hand
                    q8[j] = (byte) (t > 0.0 && t < 256.0 ? (int) t - 128 : round(f / scale));
                    cols[m] = j;
                    vs[m] = f;
                    m += f != 0f ? 1 : 0;
                }
            } else {
                for (int k = 0; k < n; k++) {
                    int j = idx[k];
                    float f = (float) (v[j] * inv);
                    out[j] = f;
                    if (quantized) {
                        q8[j] = (byte) roundQuantized(f / scale);
                    }
                    if (projected && f != 0f) {
                        cols[m] = j;
                        vs[m++] = f;
                    }
                }
            }
        }
        if (!projected) {
            return new Shaped(out, nz, q8, scale, unit(out));
        }
        if (!key) {
            Shaped later = new Shaped(out, nz, q8, scale, null);
            later.cols = cols;
            later.vals = vs;
            later.listed = m;
            return later;
        }
        return new Shaped(out, nz, q8, scale, keyOf(cols, vs, m));
    }

    /**
     * The fading cell's key of a unit vector whose listed components are {@code cols[0, m)} (ascending, every
     * component that is not zero) with the values {@code vs[0, m)}: the unit of its projection, the sums
     * {@link #accumulate}'s, each rounded to float.
     */
    float[] keyOf(int[] cols, double[] vs, int m) {
        int dc = settings.cellDim();
        double[] acc = accumulate(cols, vs, m, dc);
        float[] p = new float[dc];
        for (int r = 0; r < dc; r++) {
            p[r] = (float) acc[r];
        }
        return unit(p);
    }

    /**
     * One gated_delta token (H = 1, K = V = d_c, no normaliser) with k = v: S = a S; u = beta (v - S^T k);
     * S = S + k u^T, with a = exp(log(decay)) and beta as {@link #fadingWriteReference} gives them to the cell.
     * The state's arithmetic is that cell's, float for float and in the same order (so the state is the
     * same bit for bit: the decay is applied to a row just before the row is read, as every row is decayed
     * before any is read), without the cell's read-out (unused here) and without building a token chunk.
     */
    private void fadingWrite(CellState cs, float[] keys, int at) {
        int dc = settings.cellDim();
        float[] s = cs.data();
        if (s.length != dc * dc) {
            throw new IllegalArgumentException("cell state has " + s.length + " floats, expected " + dc * dc);
        }
        float a = decayFactor;
        float beta = settings.beta();
        float[] u = new float[dc];
        decayedProducts(s, keys, at, u, dc, a);
        for (int j = 0; j < dc; j++) {
            u[j] = beta * (keys[at + j] - u[j]);
        }
        rankOneUpdate(s, keys, at, u, dc, a);
        cs.advance(1);
    }

    /**
     * A fading write's pass 1: adds S^T k over the decayed rows to {@code u} (zeros), four rows a pass: u[j]
     * still gets its products added one at a time in row order (the same float sums), with a quarter of the
     * loads and stores of u (the JIT of a short file run, C1, keeps them). The decayed values are not stored
     * here: pass 2 computes each again (the same float product s * a, Java's float arithmetic being exact to the
     * bit and without fused multiply-adds) and stores the row's final value, one store per value instead of two.
     */
    private static void decayedProducts(float[] s, float[] keys, int at, float[] u, int dc, float a) {
        int i = 0;
        for (; i + 4 <= dc; i += 4) {
            float k0 = keys[at + i];
            float k1 = keys[at + i + 1];
            float k2 = keys[at + i + 2];
            float k3 = keys[at + i + 3];
            int r0 = i * dc;
            int r1 = r0 + dc;
            int r2 = r1 + dc;
            int r3 = r2 + dc;
            for (int j = 0; j < dc; j++) {
                float uj = u[j];
                uj += (s[r0 + j] * a) * k0;
                uj += (s[r1 + j] * a) * k1;
                uj += (s[r2 + j] * a) * k2;
                uj += (s[r3 + j] * a) * k3;
                u[j] = uj;
            }
        }
        for (; i < dc; i++) {
            float ki = keys[at + i];
            int row = i * dc;
            for (int j = 0; j < dc; j++) {
                u[j] += (s[row + j] * a) * ki;
            }
        }
    }

    /** A fading write's pass 2: S = a S + k u^T, row by row (the decayed value, then the rank-one term added to it). */
    private static void rankOneUpdate(float[] s, float[] keys, int at, float[] u, int dc, float a) {
        int n = dc * dc;
        for (int row = 0, r = at; row < n; row += dc, r++) {
            float ki = keys[r];
            int j = 0;
            for (; j + 4 <= dc; j += 4) {
                s[row + j] = s[row + j] * a + ki * u[j];
                s[row + j + 1] = s[row + j + 1] * a + ki * u[j + 1];
                s[row + j + 2] = s[row + j + 2] * a + ki * u[j + 2];
                s[row + j + 3] = s[row + j + 3] * a + ki * u[j + 3];
            }
            for (; j < dc; j++) {
                s[row + j] = s[row + j] * a + ki * u[j];
            }
        }
    }

    /**
     * {@code n} fading writes, the keys {@code keys[t d_c, (t + 1) d_c)} in order: what {@code n} calls of
     * {@link #fadingWrite} leave, bit for bit, with the cell read and written once per write instead of twice.
     * Write t's second pass (each row's new values, row by row) and write t + 1's first pass (S^T k over the
     * decayed rows, each u[j] summing its products in row order) go together: as soon as a row of the new state
     * is stored, its decayed values times the next key are added to the next write's u, so each u[j] gets the
     * same float products added in the same order as {@link #fadingWrite}'s first pass over the stored state
     * gives it (the value read there is the float stored here; Java's float arithmetic is exact to the bit,
     * without fused multiply-adds). The first write's first pass and the last write's second pass are
     * {@link #fadingWrite}'s own.
     */
    private void fadingWrites(CellState cs, float[] keys, int n) {
        if (n <= 1) {
            if (n == 1) {
                fadingWrite(cs, keys, 0);
            }
            return;
        }
        int dc = settings.cellDim();
        float[] s = cs.data();
        if (s.length != dc * dc) {
            throw new IllegalArgumentException("cell state has " + s.length + " floats, expected " + dc * dc);
        }
        float a = decayFactor;
        float beta = settings.beta();
        float[] u = new float[dc];
        float[] next = new float[dc];
        decayedProducts(s, keys, 0, u, dc, a);
        for (int t = 0; t + 1 < n; t++) {
            int at = t * dc;
            int nx = at + dc;
            for (int j = 0; j < dc; j++) {
                u[j] = beta * (keys[at + j] - u[j]);
            }
            Arrays.fill(next, 0f);
            int i = 0;
            for (; i + 4 <= dc; i += 4) {
                float k0 = keys[at + i];
                float k1 = keys[at + i + 1];
                float k2 = keys[at + i + 2];
                float k3 = keys[at + i + 3];
                float n0 = keys[nx + i];
                float n1 = keys[nx + i + 1];
                float n2 = keys[nx + i + 2];
                float n3 = keys[nx + i + 3];
                int r0 = i * dc;
                int r1 = r0 + dc;
                int r2 = r1 + dc;
                int r3 = r2 + dc;
                for (int j = 0; j < dc; j++) {
                    float uj = u[j];
                    float v0 = s[r0 + j] * a + k0 * uj;
                    s[r0 + j] = v0;
                    float v1 = s[r1 + j] * a + k1 * uj;
                    s[r1 + j] = v1;
                    float v2 = s[r2 + j] * a + k2 * uj;
                    s[r2 + j] = v2;
                    float v3 = s[r3 + j] * a + k3 * uj;
                    s[r3 + j] = v3;
                    float w = next[j];
                    w += (v0 * a) * n0;
                    w += (v1 * a) * n1;
                    w += (v2 * a) * n2;
                    w += (v3 * a) * n3;
                    next[j] = w;
                }
            }
            for (; i < dc; i++) {
                float ki = keys[at + i];
                float ni = keys[nx + i];
                int row = i * dc;
                for (int j = 0; j < dc; j++) {
                    float v = s[row + j] * a + ki * u[j];
                    s[row + j] = v;
                    next[j] += (v * a) * ni;
                }
            }
            float[] swap = u;
            u = next;
            next = swap;
            cs.advance(1);
        }
        int last = (n - 1) * dc;
        for (int j = 0; j < dc; j++) {
            u[j] = beta * (keys[last + j] - u[j]);
        }
        rankOneUpdate(s, keys, last, u, dc, a);
        cs.advance(1);
    }

    /** {@link #fadingWrites} one at a time through {@link #fadingWrite} (the reference form, for tests). */
    void fadingWritesReference(CellState cs, float[] keys, int n) {
        for (int t = 0; t < n; t++) {
            fadingWrite(cs, keys, t * settings.cellDim());
        }
    }

    /** {@link #fadingWrites}, for tests. */
    void fadingWritesFast(CellState cs, float[] keys, int n) {
        fadingWrites(cs, keys, n);
    }

    /** {@link #fadingWrite} through the recurrent gated_delta cell (the reference form, for tests). */
    void fadingWriteReference(CellState cs, float[] k) {
        int dc = settings.cellDim();
        cell.forward(cs, new TokenChunk(1, 1, dc, dc, k, k, k, new float[] {settings.beta()},
                new float[] {(float) Math.log(settings.decay())}), new float[dc]);
    }

    /** {@link #fadingWrite}, for tests. */
    void fadingWriteFast(CellState cs, float[] k) {
        fadingWrite(cs, k, 0);
    }

    /** A candidate during a query. */
    private static final class Candidate {
        long position;
        EventEntry entry;
        int tiers;
        double lexical;
        double dense;
        double read;
        /** The informativeness; NaN until computed ({@link #infoOf}). */
        double info;
        /** At least {@link #info} ({@link #infoBound}). */
        double infoBound;
        double score;
        /** At least {@link #score} whatever the dense and read parts turn out to be ({@link #rank}). */
        double bound;

        Candidate(long position, EventEntry entry) {
            this.position = position;
            this.entry = entry;
        }

        /** This object as a new candidate (a run's candidates are reused by the next run: {@link QueryRun#add}). */
        Candidate reset(long position, EventEntry entry) {
            this.position = position;
            this.entry = entry;
            tiers = 0;
            lexical = 0;
            dense = 0;
            read = 0;
            info = 0;
            infoBound = 0;
            score = 0;
            bound = 0;
            return this;
        }

        /** Before {@code o} in an answer: the higher score, on equal scores the newer event. */
        boolean before(Candidate o) {
            int c = Double.compare(score, o.score);
            return c > 0 || (c == 0 && position > o.position);
        }
    }

    /** What {@link #query} read, for metrics. */
    public record QueryCost(int candidates, int postingsRead, int segmentsScored, int rowsRead) {
    }

    /** The answer to a query: the best events and what finding them cost. */
    public record Answer(List<EventHit> hits, float[] read, QueryCost cost) {
    }

    /**
     * One query's working set: the candidates (in the order found, with a position index by open addressing,
     * no boxing) and what reading them cost.
     */
    private static final class QueryRun {
        final EventState st;
        final EventStore store;
        final long n;
        final long alive;
        final float[] x;
        /** The indices of {@link #x}'s components that are not +0.0, ascending ({@link Unit#nz}). */
        final int[] xnz;
        Candidate[] cands;
        int size;
        private long[] keys;
        private int[] index; // 1 + the candidate's index; 0: free
        int rowsRead;
        int postings;
        int scored;

        /**
         * A run with room for {@code expected} candidates before its arrays grow, on the arrays {@code last}
         * left ({@link #release}) where they have that room.
         */
        QueryRun(EventState st, EventStore store, long alive, Unit u, int expected, QueryRun last) {
            this.st = st;
            this.store = store;
            this.n = st.events();
            this.alive = alive;
            this.x = u.x();
            this.xnz = u.nz();
            int c = Math.max(16, Math.min(expected, 1 << 16));
            int slots = Integer.highestOneBit(c * 2 - 1) * 2;
            if (last != null && last.cands.length >= c && last.keys.length >= slots) {
                cands = last.cands; // emptied by release
                keys = last.keys;
                index = last.index;
                Arrays.fill(index, 0);
            } else {
                cands = new Candidate[c];
                keys = new long[slots];
                index = new int[slots];
            }
        }

        /**
         * The run is over: its arrays may serve the next run, and its candidate objects too (left in
         * {@link #cands} past the next run's size, each reset when {@link #add} hands it out again).
         */
        void release() {
            size = 0;
        }

        private int slot(long p) {
            int mask = keys.length - 1;
            long h = p * 0x9E3779B97F4A7C15L;
            int i = (int) (h ^ (h >>> 32)) & mask;
            while (index[i] != 0 && keys[i] != p) {
                i = (i + 1) & mask;
            }
            return i;
        }

        /** The candidate at {@code p}, or null. */
        Candidate get(long p) {
            int i = index[slot(p)];
            return i == 0 ? null : cands[i - 1];
        }

        /** Adds a new candidate at {@code p} (not yet held): an object a former run left, reset, or a new one. */
        Candidate add(long p, EventEntry e) {
            Candidate c = size < cands.length ? cands[size] : null;
            c = c == null ? new Candidate(p, e) : c.reset(p, e);
            add(c);
            return c;
        }

        /** Adds a new candidate (its position not yet held). */
        void add(Candidate c) {
            if ((size + 1) * 2 > keys.length) {
                long[] k = keys;
                int[] ix = index;
                keys = new long[k.length * 2];
                index = new int[k.length * 2];
                for (int j = 0; j < k.length; j++) {
                    if (ix[j] != 0) {
                        int s = slot(k[j]);
                        keys[s] = k[j];
                        index[s] = ix[j];
                    }
                }
            }
            if (size == cands.length) {
                cands = Arrays.copyOf(cands, size * 2);
            }
            int s = slot(c.position);
            keys[s] = c.position;
            cands[size++] = c;
            index[s] = size;
        }

        /** The candidate at {@code p}, read from the archive when new (null when the row is gone). */
        Candidate archived(long p) {
            Candidate c = get(p);
            if (c == null) {
                EventEntry e = store.archived(p);
                rowsRead++;
                if (e == null) {
                    return null;
                }
                c = add(p, e);
            }
            return c;
        }
    }

    /**
     * The {@code top} best events for a query (terms, vector or null), from every tier; reads only. Best
     * first; ties: the newer first. (Each stage is its own method: one large method took the JIT seconds to
     * compile, again after every deoptimization.)
     */
    public Answer query(EventState st, EventStore store, int[] terms, float[] vector, int top) {
        return query(st, store, terms, vector, top, false);
    }

    /** {@link #query} ranking every candidate the plain way ({@link #rankReference}), for tests. */
    Answer queryReference(EventState st, EventStore store, int[] terms, float[] vector, int top) {
        return query(st, store, terms, vector, top, true);
    }

    private Answer query(EventState st, EventStore store, int[] terms, float[] vector, int top, boolean reference) {
        long n = st.events();
        Unit u = unitOf(vector == null ? hashVector(terms, settings.dimension()) : vector, vector != null, true);
        float[] x = u.x();
        long alive = settings.archiveCap() > 0 ? Math.max(0, n - settings.archiveCap()) : 0;
        QueryRun q = new QueryRun(st, store, alive, u, (int) Math.min(n, settings.window()) + settings.eidetic()
                + settings.maxCandidates() + settings.routeK() * settings.segment(), lastRun);
        lastRun = null; // taken (a query that fails leaves none)
        collectWindow(q);
        collectEidetic(q);
        int[][] qtc = distinctCounts(terms);
        long[] qdf = collectLexical(q, qtc[0]);
        if (reference) {
            collectSegmentsReference(q);
        } else {
            collectSegments(q);
        }
        float[] read = fadingRead(st, u);
        double maxNov = score(q, qtc, qdf, reference);
        List<EventHit> hits = reference ? rankReference(q, maxNov, read, top) : rank(q, maxNov, read, top);
        Answer a = new Answer(hits, read, new QueryCost(q.size, q.postings, q.scored, q.rowsRead));
        q.release();
        if (q.keys.length <= 1 << 12) { // a run grown past it (large settings) is not kept
            lastRun = q;
        }
        return a;
    }

    /** 1. Recent window. */
    private void collectWindow(QueryRun q) {
        for (long p = Math.max(q.alive, q.n - settings.window()); p < q.n; p++) {
            Candidate c = q.archived(p);
            if (c != null) {
                c.tiers |= EventHit.WINDOW;
            }
        }
    }

    /** 2. Eidetic tier. */
    private static void collectEidetic(QueryRun q) {
        EventState st = q.st;
        for (int s = 0; s < st.eideticSize(); s++) {
            long p = st.eideticPositions()[s];
            Candidate c = q.get(p);
            if (c == null) {
                EventEntry e = q.store.eidetic(s);
                q.rowsRead++;
                if (e == null) {
                    continue;
                }
                c = q.add(p, e);
            }
            c.tiers |= EventHit.EIDETIC;
        }
    }

    /** 3. Lexical index: the postings of the query's terms, rarest first. Returns the terms' frequencies. */
    private long[] collectLexical(QueryRun q, int[] qt) {
        long[] qdf = new long[qt.length];
        for (int i = 0; i < qt.length; i++) {
            qdf[i] = q.store.frequency(qt[i]);
            q.rowsRead++;
        }
        int[] order = lexicalOrder(qt, qdf);
        int found = 0;
        outer:
        for (int oi : order) {
            long dfi = qdf[oi];
            if (dfi == 0) {
                continue;
            }
            long low = Math.max(0, dfi - settings.postingsRead());
            if (settings.postingsCap() > 0) {
                low = Math.max(low, dfi - settings.postingsCap());
            }
            for (long o = dfi - 1; o >= low; o--) {
                long p = q.store.posting(qt[oi], o);
                q.postings++;
                q.rowsRead++;
                if (p < q.alive) {
                    continue;
                }
                Candidate c = q.get(p);
                if (c == null) {
                    if (found >= settings.maxCandidates()) {
                        break outer;
                    }
                    EventEntry e = q.store.archived(p);
                    q.rowsRead++;
                    if (e == null) {
                        continue;
                    }
                    c = q.add(p, e);
                    found++;
                }
                c.tiers |= EventHit.LEXICAL;
            }
        }
        return qdf;
    }

    /**
     * The indices of the query's terms {@code qt} by ascending frequency {@code qdf}, equal frequencies by
     * ascending term, equal both by ascending index: {@link #lexicalOrderReference}'s order (a stable sort with
     * a comparator over boxed indices), without boxing or comparator objects: an insertion sort on ints for a
     * few terms, above {@link #LEXICAL_INSERTION_MAX} sorts of packed long keys (a long query can hold
     * thousands of distinct terms). A test compares the forms.
     */
    static int[] lexicalOrder(int[] qt, long[] qdf) {
        int n = qt.length;
        if (n > LEXICAL_INSERTION_MAX) {
            return lexicalOrderPacked(qt, qdf);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            int t = i;
            long f = qdf[t];
            int j = i - 1;
            while (j >= 0 && (qdf[order[j]] > f || qdf[order[j]] == f && qt[order[j]] > qt[t])) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = t;
        }
        return order;
    }

    /** Above this many terms, {@link #lexicalOrder} sorts packed keys instead of an insertion sort. */
    static final int LEXICAL_INSERTION_MAX = 16;

    /**
     * {@link #lexicalOrder} by sorts of longs: first (term, index) keys, whose sorted position is a rank in [0, n) ordering the terms, ties by index;
     * then (frequency, rank) keys, the frequency in the high 32 bits when it lies in [0, 2^31), else replaced
     * by its rank among the sorted frequencies (equal frequencies, equal ranks). Keys are distinct, so the
     * order is exactly the stable comparator's.
     */
    static int[] lexicalOrderPacked(int[] qt, long[] qdf) {
        int n = qt.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (long) qt[i] << 32 | i; // signed: the high half orders as the int
        }
        Arrays.sort(keys);
        int[] rank = new int[n];
        int[] byRank = new int[n];
        for (int r = 0; r < n; r++) {
            int i = (int) keys[r];
            rank[i] = r;
            byRank[r] = i;
        }
        boolean small = true;
        for (long f : qdf) {
            if (f < 0 || f > Integer.MAX_VALUE) {
                small = false;
                break;
            }
        }
        long[] sortedF = null;
        if (!small) {
            sortedF = qdf.clone();
            Arrays.sort(sortedF);
        }
        for (int i = 0; i < n; i++) {
            // the first index of qdf[i] among the sorted frequencies: equal frequencies, equal high parts
            long hi = small ? qdf[i] : firstIndex(sortedF, qdf[i]);
            keys[i] = hi << 32 | rank[i];
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int j = 0; j < n; j++) {
            order[j] = byRank[(int) keys[j]];
        }
        return order;
    }

    /** The first index of {@code v} in the ascending array {@code a}, which holds it. */
    private static int firstIndex(long[] a, long v) {
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** {@link #lexicalOrder} through a comparator over boxed indices (the reference form, for tests). */
    static int[] lexicalOrderReference(int[] qt, long[] qdf) {
        Integer[] order = new Integer[qt.length];
        for (int i = 0; i < qt.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingLong(i -> qdf[i]).thenComparingInt(i -> qt[i]));
        int[] out = new int[order.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /**
     * 4. Segment routing (SSC): the k closed segments whose summary is closest to the query, among the most
     * recent {@link EventSettings#ROUTE_SCAN} summaries (a query reads a bounded number of them, whatever the
     * history; older events are found through the postings and the eidetic tier).
     */
    private void collectSegments(QueryRun q) {
        long closedSegments = q.n / settings.segment();
        if (settings.routeK() <= 0 || closedSegments <= 0) {
            return;
        }
        long first = Math.max(q.alive / settings.segment(), closedSegments - EventSettings.ROUTE_SCAN);
        // the k best summaries, best first (higher cosine; ties: the newer segment), kept while scanning:
        // the order a sort of every summary by that comparison gives, without the list and the sort
        int k = settings.routeK();
        double[] bestCos = new double[k];
        long[] bestSeg = new long[k];
        int kept = 0;
        double xNorm2 = norm2(q.x);
        for (long s = first; s < closedSegments; s++) {
            float[] mu = q.store.segment(s);
            q.rowsRead++;
            if (mu == null) {
                continue;
            }
            q.scored++;
            double cos = cosine(q.x, xNorm2, mu);
            int at;
            if (kept < k) {
                at = kept++;
            } else if (routedBefore(cos, s, bestCos[k - 1], bestSeg[k - 1])) {
                at = k - 1;
            } else {
                continue;
            }
            while (at > 0 && routedBefore(cos, s, bestCos[at - 1], bestSeg[at - 1])) {
                bestCos[at] = bestCos[at - 1];
                bestSeg[at] = bestSeg[at - 1];
                at--;
            }
            bestCos[at] = cos;
            bestSeg[at] = s;
        }
        for (int i = 0; i < kept; i++) {
            long s = bestSeg[i];
            for (long p = Math.max(q.alive, s * settings.segment()); p < (s + 1) * settings.segment(); p++) {
                Candidate c = q.archived(p);
                if (c != null) {
                    c.tiers |= EventHit.SEGMENT;
                }
            }
        }
    }

    /** {@link #collectSegments} the plain way (every summary's cosine in a list, sorted), for tests. */
    private void collectSegmentsReference(QueryRun q) {
        long closedSegments = q.n / settings.segment();
        if (settings.routeK() <= 0 || closedSegments <= 0) {
            return;
        }
        long first = Math.max(q.alive / settings.segment(), closedSegments - EventSettings.ROUTE_SCAN);
        List<double[]> logits = new ArrayList<>();
        for (long s = first; s < closedSegments; s++) {
            float[] mu = q.store.segment(s);
            q.rowsRead++;
            if (mu == null) {
                continue;
            }
            q.scored++;
            logits.add(new double[] {cosine(q.x, mu), s});
        }
        logits.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(b[1], a[1]));
        for (int i = 0; i < Math.min(settings.routeK(), logits.size()); i++) {
            long s = (long) logits.get(i)[1];
            for (long p = Math.max(q.alive, s * settings.segment()); p < (s + 1) * settings.segment(); p++) {
                Candidate c = q.archived(p);
                if (c != null) {
                    c.tiers |= EventHit.SEGMENT;
                }
            }
        }
    }

    /** Whether a summary at cosine {@code ca} of segment {@code sa} is routed before one at {@code cb}, {@code sb}. */
    private static boolean routedBefore(double ca, long sa, double cb, long sb) {
        return ca != cb ? Double.compare(ca, cb) > 0 : sa > sb;
    }

    /**
     * Scores every candidate's lexical part and informativeness (the parts the final score normalises by their
     * largest); returns the largest informativeness. The dense and read parts are {@link #rank}'s.
     */
    private double score(QueryRun q, int[][] qtc, long[] qdf, boolean reference) {
        long n = q.n;
        int[] qt = qtc[0];
        double avgdl = n == 0 ? 1 : Math.max(1e-9, (double) q.st.totalLength() / n);
        // The lexical score is divided by what an average-length event holding every query term once would
        // score if each term were as rare as a never-seen one: a match on common words stays small, a match
        // on the query's rare words approaches 1 (comparable across queries and with the other parts).
        int queryTerms = 0;
        for (int i = 0; i < qt.length; i++) {
            queryTerms += qtc[1][i];
        }
        double queryWeight = queryTerms * idf(n, 0);
        // Informativeness now: the candidate's terms' idf over the whole history so far, relative to a
        // never-seen term's (words that became common, like chatter, score low; rare names stay high).
        // sized for the candidates' terms (log lines: mostly distinct), so that it seldom grows
        TermFrequencies dfNow = termTable;
        dfNow.reset(qt.length + 4 * q.size);
        for (int i = 0; i < qt.length; i++) {
            dfNow.putQueryTerm(qt[i], qdf[i], i);
        }
        double fresh = idf(n, 0);
        queryFresh = fresh;
        // each query term's count times its idf, once per query (bm25 multiplies by it first, per candidate)
        double[] qWeights = new double[qt.length];
        for (int i = 0; i < qt.length; i++) {
            qWeights[i] = qtc[1][i] * idf(n, qdf[i]);
        }
        if (reference) {
            double maxNov = 0;
            for (int k = 0; k < q.size; k++) {
                Candidate c = q.cands[k];
                EventEntry e = c.entry;
                c.info = informativenessReference(q, e, dfNow, fresh);
                c.infoBound = c.info;
                c.lexical = queryWeight > 0 ? bm25Reference(e, qtc, qdf, n, avgdl) / queryWeight : 0;
                maxNov = Math.max(maxNov, c.info);
            }
            return maxNov;
        }
        // The lexical part of every candidate; its informativeness only where a bound cannot settle it: the
        // largest informativeness is that of the candidate with the largest bound, or of one whose bound is
        // above the largest found so far (every other candidate's is at most its bound, so below it). The
        // others get theirs when rank visits them ({@link #infoOf}).
        int[] tf = new int[qt.length];
        queryTermTable(qt, qdf);
        boolean memo = q.store.frequenciesNeverDecrease();
        double w1 = dfNow.weight(n, 1, fresh);
        int first = -1;
        double firstBound = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < q.size; k++) {
            Candidate c = q.cands[k];
            EventEntry e = c.entry;
            c.lexical = queryWeight > 0 ? bm25(e, queryCounts(e, tf), qWeights, qdf, avgdl) / queryWeight : 0;
            c.info = Double.NaN;
            c.infoBound = infoBound(e, n, fresh, w1, memo);
            if (c.infoBound > firstBound) {
                firstBound = c.infoBound;
                first = k;
            }
        }
        double maxNov = 0;
        if (first >= 0) {
            maxNov = Math.max(maxNov, infoOf(q, q.cands[first]));
        }
        for (int k = 0; k < q.size; k++) {
            Candidate c = q.cands[k];
            if (c.infoBound > maxNov) {
                maxNov = Math.max(maxNov, infoOf(q, c));
            }
        }
        if (checkInfoBounds) {
            for (int k = 0; k < q.size; k++) {
                Candidate c = q.cands[k];
                double bound = c.infoBound;
                double info = infoOf(q, c);
                if (!(info <= bound) || info > maxNov) {
                    throw new IllegalStateException("informativeness " + info + " of event " + c.position
                            + " above its bound " + bound + " or the largest " + maxNov);
                }
            }
        }
        return maxNov;
    }

    /** Set by tests: every query checks each candidate's informativeness against its bound and the largest. */
    boolean checkInfoBounds;

    /** The current query's idf of a never-seen term, for {@link #infoOf} (also while {@link #rank} runs). */
    private double queryFresh;

    /** The candidate's informativeness ({@link #informativeness}), computed at its first call in a query. */
    private double infoOf(QueryRun q, Candidate c) {
        double info = c.info;
        if (info != info) {
            info = informativeness(q, c.entry, termTable, queryFresh);
            c.info = info;
            if (q.store.frequenciesNeverDecrease()) {
                remember(c.entry, info, q.n, queryFresh);
            }
        }
        return info;
    }

    /**
     * The query's terms whose frequency is not 0, for {@link #queryCounts}: an open-addressing table of
     * term to query index ({@link #qtIndex} 1 + the index, 0: free) and a 64-bit filter of the terms' hashes.
     */
    private int[] qtKeys = new int[64];
    private int[] qtIndex = new int[64];
    private long qtFilter;

    private static int qtHash(int term) {
        return term * 0x9E3779B9;
    }

    /** Fills the query-term table for {@link #queryCounts}. */
    private void queryTermTable(int[] qt, long[] qdf) {
        int size = Integer.highestOneBit(Math.max(16, qt.length * 4) - 1) * 2;
        if (qtKeys.length < size) {
            qtKeys = new int[size];
            qtIndex = new int[size];
        }
        Arrays.fill(qtIndex, 0);
        qtFilter = 0;
        int mask = qtKeys.length - 1;
        for (int i = 0; i < qt.length; i++) {
            if (qdf[i] == 0) {
                continue;
            }
            int h = qtHash(qt[i]);
            qtFilter |= 1L << (h >>> 26);
            int j = (h ^ (h >>> 16)) & mask;
            while (qtIndex[j] != 0) {
                j = (j + 1) & mask;
            }
            qtKeys[j] = qt[i];
            qtIndex[j] = i + 1;
        }
    }

    /**
     * The candidate's counts of the query's terms ({@link EventEntry#count} of each query term whose frequency
     * is not 0; 0 for the others) in {@code tf}, which it returns, from one walk over the candidate's terms
     * (distinct, as written), each looked up in the query's table ({@link #queryTermTable}) where the filter
     * lets it through. {@link #queryCountsReference} is the binary search per query term.
     */
    private int[] queryCounts(EventEntry e, int[] tf) {
        Arrays.fill(tf, 0);
        int[] terms = e.terms();
        long filter = qtFilter;
        int[] keys = qtKeys;
        int[] index = qtIndex;
        int mask = keys.length - 1;
        for (int k = 0; k < terms.length; k++) {
            int t = terms[k];
            int h = t * 0x9E3779B9;
            if ((filter >>> (h >>> 26) & 1) == 0) {
                continue;
            }
            int j = (h ^ (h >>> 16)) & mask;
            int ix;
            while ((ix = index[j]) != 0) {
                if (keys[j] == t) {
                    tf[ix - 1] = e.counts()[k];
                    break;
                }
                j = (j + 1) & mask;
            }
        }
        return tf;
    }

    /** {@link #queryCounts} by {@link EventEntry#count}, for tests. */
    static int[] queryCountsReference(EventEntry e, int[] qt, long[] qdf) {
        int[] tf = new int[qt.length];
        for (int i = 0; i < qt.length; i++) {
            tf[i] = qdf[i] == 0 ? 0 : e.count(qt[i]);
        }
        return tf;
    }

    /** {@link #queryCounts} after {@link #queryTermTable}, for tests. */
    int[] queryCountsFast(EventEntry e, int[] qt, long[] qdf) {
        queryTermTable(qt, qdf);
        return queryCounts(e, new int[qt.length]).clone();
    }

    /**
     * At most this many archived events' informativeness is remembered ({@link #remember}), by position
     * modulo it (direct-mapped: an event of another key or position in the slot is a miss).
     */
    private static final int INFO_MEMO = 1 << 15;
    /** The terms array of the entry whose informativeness each slot remembers (compared by identity), or null. */
    private final int[][] memoTerms = new int[INFO_MEMO][];
    private final double[] memoInfo = new double[INFO_MEMO];
    private final double[] memoFresh = new double[INFO_MEMO];
    private final long[] memoEvents = new long[INFO_MEMO];

    /** Remembers {@code e}'s informativeness at {@code n} events (whose never-seen idf is {@code fresh}). */
    private void remember(EventEntry e, double info, long n, double fresh) {
        int i = (int) e.position() & (INFO_MEMO - 1);
        memoTerms[i] = e.terms();
        memoInfo[i] = info;
        memoFresh[i] = fresh;
        memoEvents[i] = n;
    }

    /**
     * An upper bound of {@link #informativeness} of {@code e} at {@code n} events (never-seen idf {@code fresh},
     * a term seen once weighs {@code w1}), without reading a frequency. With {@code f = max(1, df)}, a term's
     * weight is {@code idf(n, f) / idf(n, 0) = log((n + 1) / (f + 0.5)) / log(2n + 2) = 1 - a / l} with
     * {@code a = log(2f + 1)} and {@code l = log(2n + 2)}: at most {@code w1} (f >= 1), and, where the store's
     * frequencies never decrease, at most {@code 1 - a0 / l} for the {@code a0} of an earlier query at
     * {@code n0 <= n} events (f >= f0). That query's informativeness {@code info0} gives the sum of the
     * {@code a0}: {@code (L - info0 sqrt L) l0}, for the entry's L terms; so the sum of the weights now is at
     * most {@code L - (L - info0 sqrt L) l0 / l}. Each bound is the smaller, plus a margin far above the
     * rounding of either side's sums ({@code 1e-9 (L + 1)} against some {@code L^1.5 2^-50}).
     */
    private double infoBound(EventEntry e, long n, double fresh, double w1, boolean memo) {
        int[] terms = e.terms();
        int len = terms.length;
        if (len == 0) {
            return 0;
        }
        double root = Math.sqrt(len);
        double sum = len * w1;
        if (memo) {
            int i = (int) e.position() & (INFO_MEMO - 1);
            if (memoTerms[i] == terms && memoEvents[i] <= n) {
                double earlier = len - (len - memoInfo[i] * root) * (memoFresh[i] / fresh);
                sum = Math.min(sum, earlier);
            }
        }
        return sum / root + 1e-9 * (len + 1);
    }

    /** {@link #accumulate}'s sums, reused (its callers copy them out at once). */
    private double[] accScratch = new double[0];

    /** The arrays of the last query's run, for the next ({@link QueryRun#release}); null while a query runs. */
    private QueryRun lastRun;

    /** Scratch of {@link #unitOf} (indices), {@link #project} and {@link #projectSparse} (columns, values). */
    private int[] scratchIdx = new int[0];
    private int[] scratchCols = new int[0];
    private double[] scratchVals = new double[0];

    private int[] scratchIdx(int n) {
        if (scratchIdx.length < n) {
            scratchIdx = new int[n];
        }
        return scratchIdx;
    }

    private int[] scratchCols(int n) {
        if (scratchCols.length < n) {
            scratchCols = new int[n];
            scratchVals = new double[n];
        }
        return scratchCols;
    }

    /** The query's term table ({@link #score}), reused: queries run one at a time (as {@link #derived} needs). */
    private final TermFrequencies termTable = new TermFrequencies(1024);

    /** The next query's reset wraps the term table's stamps around, for tests. */
    void termTableWrapsAtItsNextQuery() {
        termTable.gen = -1;
    }

    /** The term table's slots, for tests. */
    int termTableCapacity() {
        return termTable.keys.length;
    }

    /** The dense and read parts of a candidate (cosines with the query's vector and the cell's read). */
    private void denseParts(Candidate c, float[] x, double xNorm2, float[] read, double readNorm2) {
        Derived d = derived(c.entry);
        c.dense = cosine(x, xNorm2, d);
        c.read = read == null ? 0 : cosineProjected(read, readNorm2, d);
    }

    /** At most this many archived events' {@link Derived} values are kept (two generations of half of it). */
    private static final int DERIVED_MAX = 16_384;

    /**
     * What a query derives from an archived event's quantised vector, kept across queries: its nonzero
     * components (as {@link EventEntry#dense} gives them) and, once needed, their projection (as
     * {@link #project} gives it). Found by the identity of the entry's vector array, which an entry never
     * changes, and checked against its scale: a hit is the same vector, so the same values bit for bit.
     * A write keeps one for its entry without computing anything ({@link #made} computes the values the first
     * time a query finds it: most entries are never a query's candidate); {@link #derived} hands out only made
     * ones.
     */
    private static final class Derived {
        final byte[] vector;
        final float scale;
        /** Until {@link #made}: indices including every nonzero byte (null: all), or the values to copy. */
        private int[] among;
        private Derived same;
        private boolean made;
        int[] nz;
        float[] val;
        /** The sum of squares of the nonzero components, in order (what the dense loop sums). */
        double norm2;
        float[] projected;
        /**
         * The sum of squares of {@link #projected} as {@link #norm2} sums it (the value the read part's cosine
         * summed beside its dot product at every query), set with it.
         */
        double projectedNorm2;

        Derived(EventEntry e) {
            this(e.vector(), e.scale(), null);
        }

        /** The values of {@code same} for {@code vector}, a copy of its vector (its arrays shared: never changed). */
        Derived(byte[] vector, Derived same) {
            this.vector = vector;
            this.scale = same.scale;
            this.same = same;
        }

        /**
         * The derived values of {@code vector}; {@code among} (ascending, or null for all) lists indices that
         * include every nonzero byte of the vector (the others are not visited). Neither array may change after.
         */
        Derived(byte[] vector, float scale, int[] among) {
            this.vector = vector;
            this.scale = scale;
            this.among = among;
        }

        /** This, its values computed (the first time) from the vector and indices it was made with. */
        Derived made() {
            if (!made) {
                if (same != null) {
                    same.made();
                    nz = same.nz;
                    val = same.val;
                    norm2 = same.norm2;
                    if (projected == null) {
                        projected = same.projected;
                        projectedNorm2 = same.projectedNorm2;
                    }
                    same = null;
                } else {
                    make(among);
                    among = null;
                }
                made = true;
            }
            return this;
        }

        /**
         * {@link #makeReference}'s values in one loop: each value kept is squared and added as it is kept, so
         * the sum of squares gets the same values in the same order (a test compares the two bit for bit).
         */
        private void make(int[] among) {
            if (among == null) {
                if (Float.isFinite(scale) && scale != 0f) {
                    makeAll();
                } else {
                    makeReference(null);
                }
                return;
            }
            byte[] q = vector;
            float s = scale;
            int count = among.length;
            int[] idx = new int[count];
            float[] v = new float[count];
            int n = 0;
            double sq = 0;
            for (int t = 0; t < count; t++) {
                int j = among[t];
                int b = q[j];
                float f = b * s;
                if (b != 0 && f != 0f) {
                    idx[n] = j;
                    v[n++] = f;
                    sq += (double) f * f;
                }
            }
            nz = n == count ? idx : Arrays.copyOf(idx, n);
            val = n == count ? v : Arrays.copyOf(v, n);
            norm2 = sq;
        }

        /**
         * {@link #makeReference}{@code (null)} (every byte visited: a dense vector's entry, as a write keeps it)
         * without a branch on a byte's value, for a finite scale that is not zero. A text's dense vector has about
         * as many zero bytes as not, in no pattern, so the reference's test is mispredicted about every other
         * byte, and C1 compiles {@code b != 0 ? 1 : 0} to a branch too; {@code (b | -b) >>> 31} is 1 for every
         * int but 0 and has none. Each index and value is stored at the count, which moves on by that bit. With
         * a finite scale {@code s} that is not zero, {@code b * s} is zero exactly where {@code b} is (a nonzero
         * byte's product is at least {@code |s|} in magnitude, so it cannot round to zero), so the count moves
         * where the reference keeps the value, and the value is the reference's float. The sum of squares is the
         * reference's loop over the kept values. The same arrays and sum bit for bit (a test compares the two).
         */
        private void makeAll() {
            byte[] q = vector;
            float s = scale;
            int count = q.length;
            int[] idx = new int[count];
            float[] v = new float[count];
            int n = 0;
            for (int j = 0; j < count; j++) {
                int b = q[j];
                idx[n] = j;
                v[n] = b * s;
                n += (b | -b) >>> 31;
            }
            nz = n == count ? idx : Arrays.copyOf(idx, n);
            val = n == count ? v : Arrays.copyOf(v, n);
            double sq = 0;
            for (int k = 0; k < n; k++) {
                sq += (double) val[k] * val[k];
            }
            norm2 = sq;
        }

        /** The nonzero components (among {@code among}, null: all), their values and sum of squares: the reference. */
        void makeReference(int[] among) {
            int count = among == null ? vector.length : among.length;
            int[] idx = new int[count];
            float[] v = new float[count];
            int n = 0;
            for (int t = 0; t < count; t++) {
                int j = among == null ? t : among[t];
                byte b = vector[j];
                float f = b * scale;
                if (b != 0 && f != 0f) {
                    idx[n] = j;
                    v[n++] = f;
                }
            }
            nz = n == count ? idx : Arrays.copyOf(idx, n);
            val = n == count ? v : Arrays.copyOf(v, n);
            double sq = 0;
            for (int k = 0; k < n; k++) {
                sq += (double) val[k] * val[k];
            }
            norm2 = sq;
        }

        /** P x of the dense vector: {@link #project}'s sums over the same nonzero components in the same order. */
        float[] projected(EventMemory m) {
            if (projected == null) {
                projected = m.projectSparse(vector.length, nz, val);
                projectedNorm2 = norm2(projected);
            }
            return projected;
        }
    }

    /**
     * The derived values kept, in two generations of at most {@code DERIVED_MAX / 2} each: new ones go to
     * {@code derived}; when it is full it becomes {@code derivedOld} (the older generation leaves), and a value
     * found in the old generation moves back to the new one. Values in use from query to query (the eidetic
     * tier's, a long history's recurring candidates) stay; dropping everything at once made a long history
     * derive its candidates again every few dozen queries.
     */
    private java.util.IdentityHashMap<byte[], Derived> derived = new java.util.IdentityHashMap<>();
    private java.util.IdentityHashMap<byte[], Derived> derivedOld = new java.util.IdentityHashMap<>();

    /**
     * The {@link Derived} value {@link #derived} last found for an entry, or the one a write kept for its entry
     * (not made until a query finds it), by the entry's position modulo its length (direct-mapped, checked by
     * the vector's identity and the scale like the maps): an array read instead of an identity-hash lookup for
     * the candidates a key's queries visit again and again.
     */
    private final Derived[] derivedFront = new Derived[1 << 14];

    private Derived derived(EventEntry e) {
        int slot = (int) e.position() & (derivedFront.length - 1);
        Derived f = derivedFront[slot];
        if (f != null && f.vector == e.vector() && sameScale(f, e)) {
            return f.made(); // a write's is made at its first query
        }
        Derived d = derivedMaps(e).made();
        derivedFront[slot] = d;
        return d;
    }

    /** {@link #derived} through the two generations of maps. */
    private Derived derivedMaps(EventEntry e) {
        Derived d = derived.get(e.vector());
        if (d == null) {
            d = derivedOld.get(e.vector());
            if (d != null && sameScale(d, e)) {
                keep(d);
            }
        }
        if (d == null || !sameScale(d, e)) {
            d = new Derived(e);
            keep(d);
        }
        return d;
    }

    private static boolean sameScale(Derived d, EventEntry e) {
        return Float.floatToRawIntBits(d.scale) == Float.floatToRawIntBits(e.scale());
    }

    private void keep(Derived d) {
        if (derived.size() >= DERIVED_MAX / 2) {
            derivedOld = derived;
            derived = new java.util.IdentityHashMap<>();
        }
        derived.put(d.vector, d);
    }

    /**
     * {@link #cosine(float[], float[])} of {@code a} (whose sum of squares, in that method's order, is
     * {@code na}) and an archived event's dense vector, over the vector's nonzero components only: the skipped
     * products are exact zeros, and adding a zero to a sum that started at +0.0 never changes it, so the result
     * is the dense loop's bit for bit.
     */
    private static double cosine(float[] a, double na, Derived d) {
        double dot = 0;
        int[] nz = d.nz;
        float[] val = d.val;
        int k = 0;
        // four products a pass, still added one at a time in k order (the same sum)
        for (; k + 4 <= nz.length; k += 4) {
            dot += (double) a[nz[k]] * val[k];
            dot += (double) a[nz[k + 1]] * val[k + 1];
            dot += (double) a[nz[k + 2]] * val[k + 2];
            dot += (double) a[nz[k + 3]] * val[k + 3];
        }
        for (; k < nz.length; k++) {
            dot += (double) a[nz[k]] * val[k];
        }
        double nb = d.norm2;
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /**
     * {@link #cosine(float[], double, Derived)} over the shorter of the two lists of components: {@code anz}
     * (ascending) lists every component of {@code a} that is not +0.0. Where it is the shorter (a query of a
     * few words against a log line), the products are those of {@code a}'s listed components with the
     * vector's dequantised values ({@code vector[j] * scale}, the float {@link Derived} holds), in ascending
     * index order: the products both loops have are the same doubles in the same order, and every other
     * product of either loop is a zero (a +0.0 component of {@code a}, or a zero byte or value times a finite
     * factor), which leaves a sum that started at +0.0 unchanged. So the same result bit for bit.
     */
    private static double cosine(float[] a, int[] anz, double na, Derived d) {
        byte[] v = d.vector;
        float scale = d.scale;
        if (anz.length >= d.nz.length || v.length != a.length || !Float.isFinite(scale)) {
            return cosine(a, na, d);
        }
        double dot = 0;
        int k = 0;
        for (; k + 4 <= anz.length; k += 4) {
            int j0 = anz[k];
            int j1 = anz[k + 1];
            int j2 = anz[k + 2];
            int j3 = anz[k + 3];
            dot += (double) a[j0] * (v[j0] * scale);
            dot += (double) a[j1] * (v[j1] * scale);
            dot += (double) a[j2] * (v[j2] * scale);
            dot += (double) a[j3] * (v[j3] * scale);
        }
        for (; k < anz.length; k++) {
            int j = anz[k];
            dot += (double) a[j] * (v[j] * scale);
        }
        double nb = d.norm2;
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /**
     * {@link #cosine(float[], float[])} where {@code na} is the sum of squares of {@code a} as {@link #norm2}
     * sums it (the same value that method sums beside the dot product, so the same result bit for bit).
     */
    private static double cosine(float[] a, double na, float[] b) {
        double dot = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /**
     * {@link #cosine(float[], double, float[])} of {@code a} and the candidate's projection, whose sum of squares
     * {@link Derived} keeps (summed in the same order as that method sums it beside the dot product, so the same
     * value): the dot product alone.
     */
    private double cosineProjected(float[] a, double na, Derived d) {
        float[] b = d.projected(this);
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        double nb = d.projectedNorm2;
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** The sum of squares of {@code a}, as {@link #cosine(float[], float[])} sums it. */
    private static double norm2(float[] a) {
        double na = 0;
        for (float f : a) {
            na += (double) f * f;
        }
        return na;
    }

    /** {@link #project} of a vector of length {@code d} whose nonzero components are {@code val} at {@code nz}. */
    private float[] projectSparse(int d, int[] nz, float[] val) {
        if (projection == null) {
            float[] x = new float[d];
            for (int k = 0; k < nz.length; k++) {
                x[nz[k]] = val[k];
            }
            return x;
        }
        int dc = settings.cellDim();
        int[] cols = scratchCols(nz.length);
        double[] vs = scratchVals;
        for (int k = 0; k < nz.length; k++) {
            cols[k] = nz[k];
            vs[k] = val[k];
        }
        double[] acc = accumulate(cols, vs, nz.length, dc);
        float[] out = new float[dc];
        for (int i = 0; i < dc; i++) {
            out[i] = (float) acc[i];
        }
        return out;
    }

    /**
     * The nonzero components, their values and sum of squares that {@link Derived} makes of {@code vector} (with
     * {@code scale}; {@code among} ascending and including every nonzero byte, null: all), by its one-loop form or
     * by its reference ({@code reference}), for tests.
     */
    static Object[] derivedValuesForTests(byte[] vector, float scale, int[] among, boolean reference) {
        Derived d = new Derived(vector, scale, among);
        if (reference) {
            d.makeReference(among);
        } else {
            d.make(among);
        }
        return new Object[] {d.nz, d.val, d.norm2};
    }

    /** The dense and read parts of one candidate as {@link #score} computes them, and the reference, for tests. */
    double[] candidateParts(float[] x, float[] read, EventEntry e, boolean reference) {
        if (reference) {
            float[] xc = e.dense();
            return new double[] {cosine(x, xc), read == null ? 0 : cosine(read, project(xc))};
        }
        Derived d = derived(e);
        int[] xnz = new int[x.length];
        int m = 0;
        for (int j = 0; j < x.length; j++) {
            if (Float.floatToRawIntBits(x[j]) != 0) {
                xnz[m++] = j;
            }
        }
        return new double[] {cosine(x, Arrays.copyOf(xnz, m), norm2(x), d), read == null ? 0 : cosineProjected(read, norm2(read), d)};
    }

    /**
     * Term to frequency for one query (open addressing, no boxing), reused by the memory's queries: an entry
     * belongs to the current query when its stamp is the table's, so starting a query ({@link #reset}) clears
     * nothing (a fresh table per query was a third of the job's allocations on log-like events). A slot's
     * stamp, query-term flag and term share one {@code long} ({@link #keys}), and its weight, once computed,
     * is in {@link #weights} ({@link #UNWEIGHED} until then): a probe reads one word, a hit one more (the
     * table of a long history's query holds a few thousand terms, beyond the first-level cache).
     */
    static final class TermFrequencies {
        /** Capacity kept between queries at most (a larger table, grown by one query, is dropped after it). */
        static final int KEEP = 1 << 15;
        /** Set in a key whose term is one of the query's ({@link #putQueryTerm}). */
        static final long QUERY = 1L << 32;
        /** The stamps wrap before this (a stamp takes the key's top 31 bits). */
        private static final int GEN_LIMIT = 1 << 30;
        /** A weight not computed yet: a NaN no arithmetic produces (the JVM's NaNs are 0x7ff8000000000000). */
        static final long UNWEIGHED = 0x7ff8_dead_0000_0001L;
        private static final double UNWEIGHED_VALUE = Double.longBitsToDouble(UNWEIGHED);
        /** stamp << 33 | query flag << 32 | term (32 bits); a slot whose stamp is not {@link #gen} is free. */
        private long[] keys;
        private long[] values;
        /** The weight computed from the slot's frequency ({@link #weight}), or {@link #UNWEIGHED}. */
        private double[] weights;
        /** The index of the query term a flagged slot holds. */
        private int[] queryIndex;
        private int size;
        private int gen = 1;

        TermFrequencies() {
            this(32);
        }

        /** A table with room for {@code expected} terms before it grows. */
        TermFrequencies(int expected) {
            allocate(Integer.highestOneBit(Math.max(32, Math.min(expected, 1 << 20)) * 2 - 1) * 2);
        }

        private void allocate(int n) {
            keys = new long[n];
            values = new long[n];
            weights = new double[n];
            queryIndex = new int[n];
            size = 0;
        }

        /** The key of {@code term} in the current query, without the query flag. */
        private long key(int term) {
            return (long) gen << 33 | (term & 0xFFFF_FFFFL);
        }

        /** Empties the table for a query that will hold about {@code expected} terms. */
        void reset(int expected) {
            if (keys.length > KEEP) {
                allocate(Integer.highestOneBit(Math.max(32, Math.min(expected, KEEP / 2)) * 2 - 1) * 2);
            }
            if (++gen <= 0 || gen >= GEN_LIMIT) { // wrapped: every stamp could be taken for the new query's
                Arrays.fill(keys, 0);
                Arrays.fill(byDfStamps, 0);
                gen = 1;
            }
            size = 0;
        }

        /** The weights of the small frequencies in this query ({@link #weight}), where stamped with it. */
        private final double[] byDf = new double[BY_DF];
        private final int[] byDfStamps = new int[BY_DF];
        private static final int BY_DF = 64;

        /**
         * idf(n, max(1, f)) / fresh, computed once per query for each small frequency (most of a log history's
         * terms are seen once or a few times): the same value, as the same expression of the same inputs.
         */
        double weight(long n, long f, double fresh) {
            long g = Math.max(1, f);
            if (g < BY_DF) {
                int i = (int) g;
                if (byDfStamps[i] == gen) {
                    return byDf[i];
                }
                double w = idf(n, g) / fresh;
                byDf[i] = w;
                byDfStamps[i] = gen;
                return w;
            }
            return idf(n, g) / fresh;
        }

        int slot(int term) {
            int mask = keys.length - 1;
            int h = term * 0x9E3779B9;
            int i = (h ^ (h >>> 16)) & mask;
            long want = key(term);
            long k;
            while (((k = keys[i]) >>> 33) == gen && (k & ~QUERY) != want) {
                i = (i + 1) & mask;
            }
            return i;
        }

        boolean used(int slot) {
            return keys[slot] >>> 33 == gen;
        }

        boolean weighed(int slot) {
            return Double.doubleToRawLongBits(weights[slot]) != UNWEIGHED;
        }

        double weightAt(int slot) {
            return weights[slot];
        }

        void setWeight(int slot, double w) {
            weights[slot] = w;
        }

        long valueAt(int slot) {
            return values[slot];
        }

        long get(int term) {
            int i = slot(term);
            return used(i) ? values[i] : Long.MIN_VALUE;
        }

        /** Adds {@code term} (absent; {@code slot} is its {@link #slot}) with its frequency and weight. */
        void putWeighed(int slot, int term, long value, double weight) {
            if ((size + 1) * 2 > keys.length) {
                put(term, value);
                slot = slot(term);
            } else {
                keys[slot] = key(term);
                values[slot] = value;
                size++;
            }
            weights[slot] = weight;
        }

        /** Sets (or replaces, as Map.put does) the frequency of {@code term}. */
        void put(int term, long value) {
            int i = slot(term);
            if (!used(i)) {
                if ((size + 1) * 2 > keys.length) {
                    grow();
                    i = slot(term);
                }
                keys[i] = key(term);
                size++;
            }
            values[i] = value;
            weights[i] = UNWEIGHED_VALUE;
        }

        /** {@link #put} of the query's term number {@code index} (distinct terms; the slot is flagged with it). */
        void putQueryTerm(int term, long value, int index) {
            put(term, value);
            int i = slot(term);
            keys[i] |= QUERY;
            queryIndex[i] = index;
        }

        private void grow() {
            long[] k = keys;
            long[] v = values;
            double[] w = weights;
            int[] qi = queryIndex;
            int live = size;
            allocate(k.length * 2);
            size = live;
            for (int s = 0; s < k.length; s++) {
                if (k[s] >>> 33 == gen) {
                    int j = slot((int) k[s]);
                    keys[j] = k[s];
                    values[j] = v[s];
                    weights[j] = w[s];
                    queryIndex[j] = qi[s];
                }
            }
        }
    }

    /**
     * The candidate's terms' weights (idf now relative to a never-seen term's), summed in the terms' order, over
     * the square root of their number. {@link TermFrequencies#slot}, {@code used} and {@code weighed} are
     * written out in the loop (the context job runs under C1, which calls rather than inlines them); the same
     * slots, weights and sum as {@link #informativenessReference}.
     */
    private static double informativeness(QueryRun q, EventEntry e, TermFrequencies dfNow, double fresh) {
        int[] terms = e.terms();
        long[] keys = dfNow.keys;
        double[] ws = dfNow.weights;
        long stamp = dfNow.gen;
        long gen33 = stamp << 33;
        int mask = keys.length - 1;
        double info = 0;
        for (int k = 0; k < terms.length; k++) {
            int t = terms[k];
            int h = t * 0x9E3779B9;
            int i = (h ^ (h >>> 16)) & mask;
            long want = gen33 | (t & 0xFFFF_FFFFL);
            long key;
            while (((key = keys[i]) >>> 33) == stamp && (key & ~TermFrequencies.QUERY) != want) {
                i = (i + 1) & mask;
            }
            double w;
            if ((key >>> 33) != stamp) {
                long f = q.store.frequency(t);
                q.rowsRead++;
                w = dfNow.weight(q.n, f, fresh);
                dfNow.putWeighed(i, t, f, w);
                if (dfNow.keys != keys) { // grown
                    keys = dfNow.keys;
                    ws = dfNow.weights;
                    mask = keys.length - 1;
                }
            } else {
                w = ws[i];
                if (Double.doubleToRawLongBits(w) == TermFrequencies.UNWEIGHED) {
                    w = dfNow.weight(q.n, dfNow.values[i], fresh);
                    ws[i] = w;
                }
            }
            info += w;
        }
        return terms.length == 0 ? 0 : info / Math.sqrt(terms.length);
    }

    /** {@link #informativeness} through the table's methods, for tests. */
    private static double informativenessReference(QueryRun q, EventEntry e, TermFrequencies dfNow, double fresh) {
        long n = q.n;
        double info = 0;
        for (int t : e.terms()) {
            int i = dfNow.slot(t);
            double w;
            if (!dfNow.used(i)) {
                long f = q.store.frequency(t);
                q.rowsRead++;
                w = dfNow.weight(n, f, fresh);
                dfNow.putWeighed(i, t, f, w);
            } else if (dfNow.weighed(i)) {
                w = dfNow.weightAt(i);
            } else {
                w = dfNow.weight(n, dfNow.valueAt(i), fresh);
                dfNow.setWeight(i, w);
            }
            info += w;
        }
        return e.terms().length == 0 ? 0 : info / Math.sqrt(e.terms().length);
    }

    /**
     * {@link #bm25Reference} from the candidate's counts of the query's terms ({@code tf}, by query term, as
     * {@link #queryCounts} found them: {@link EventEntry#count} of each), with each query term's count
     * times idf ({@code qWeights}) computed once per query and the candidate's length normalisation once per
     * candidate (the same expressions of the same values, so the same doubles).
     */
    private double bm25(EventEntry e, int[] tfs, double[] qWeights, long[] qdf, double avgdl) {
        double k1 = settings.k1();
        double k1p1 = k1 + 1;
        double norm = Double.NaN; // k1 (1 - b + b len / avgdl), at the first matching term
        double s = 0;
        for (int i = 0; i < tfs.length; i++) {
            int tf = tfs[i];
            if (tf == 0 || qdf[i] == 0) {
                continue;
            }
            if (norm != norm) {
                norm = k1 * (1 - settings.b() + settings.b() * e.length() / avgdl);
            }
            s += qWeights[i] * tf * k1p1 / (tf + norm);
        }
        return s;
    }

    /** {@link #bm25} with {@link EventEntry#count}, for tests. */
    private double bm25Reference(EventEntry e, int[][] qtc, long[] qdf, long n, double avgdl) {
        int[] qt = qtc[0];
        double s = 0;
        for (int i = 0; i < qt.length; i++) {
            int tf = e.count(qt[i]);
            if (tf == 0 || qdf[i] == 0) {
                continue;
            }
            s += qtc[1][i] * idf(n, qdf[i]) * tf * (settings.k1() + 1)
                    / (tf + settings.k1() * (1 - settings.b() + settings.b() * e.length() / avgdl));
        }
        return s;
    }

    /**
     * Largest value a cosine part may take as computed (1 up to the rounding of its double sums), so that a
     * score with it in place of the cosine bounds every score the candidate can get.
     */
    private static final double COSINE_MAX = 1 + 1e-9;

    /**
     * The final scores, best first (ties: the newer first), without repeated contents, at most {@code top}:
     * of events with the same terms and vector only the best-ranked (the newest among equals) is returned.
     *
     * <p>The answer is that of scoring every candidate and ranking them all (the reference form, the loop of
     * this method without its early stop), found scoring fewer: every candidate first gets a bound, its score
     * with the dense and read cosines at their largest ({@link #COSINE_MAX}; the score's sum is evaluated in
     * the same order with non-negative weights, so it is monotone in each part and the bound is at least the
     * score, in floating point). Candidates get their dense and read parts in decreasing bound order, into a
     * best-{@code top} list of distinct contents; once the next bound is below the list's last score, neither
     * that candidate nor any later one can enter the answer or replace an event there, so the rest are not
     * scored. A candidate visited once the list is full gets its dense part first (a sparse dot product) and
     * its read part (its projection, the costlier part) only when the bound with the dense part known is not
     * below the list's last score: the same answer, fewer projections.
     */
    private List<EventHit> rank(QueryRun q, double maxNov, float[] read, int top) {
        long n = q.n;
        EventSettings.Weights w = settings.weights();
        if (top <= 0 || q.size == 0) {
            return new ArrayList<>();
        }
        // The prior counts as much as the lexical evidence is weak: a query whose words match an event well
        // is answered by that match; one that matches nothing well (a paraphrase) leans on the prior.
        double maxLex = 0;
        for (int k = 0; k < q.size; k++) {
            maxLex = Math.max(maxLex, q.cands[k].lexical);
        }
        double priorWeight = w.novelty() * (1 - Math.min(1, maxLex));
        double xNorm2 = norm2(q.x);
        double readNorm2 = read == null ? 0 : norm2(read);
        double denseMax = xNorm2 == 0 ? 0 : COSINE_MAX;
        double readMax = read == null || readNorm2 == 0 ? 0 : COSINE_MAX;
        Candidate[] order = Arrays.copyOf(q.cands, q.size);
        for (Candidate c : order) {
            // the informativeness where known, else its bound (at least it: the bound stays a bound)
            double nov = maxNov > 0 ? (c.info == c.info ? c.info : c.infoBound) / maxNov : 0;
            double rec = n == 0 ? 0 : (c.entry.position() + 1.0) / n;
            c.bound = w.lexical() * c.lexical + w.dense() * denseMax + w.read() * readMax + priorWeight * nov
                    + w.recency() * rec;
        }
        sortByBoundDescending(order, 0, order.length - 1);
        Candidate[] best = new Candidate[Math.min(top, order.length)];
        int kept = 0;
        for (Candidate c : order) {
            if (kept == best.length && c.bound < best[kept - 1].score) {
                break; // this and every later bound is below the last kept score
            }
            Derived d = derived(c.entry);
            c.dense = cosine(q.x, q.xnz, xNorm2, d);
            double rec = n == 0 ? 0 : (c.entry.position() + 1.0) / n;
            if (kept == best.length && c.info != c.info) {
                // first with the informativeness's bound (a candidate below the last kept score with it is
                // below with the informativeness too, which then need not be computed)
                double novBound = maxNov > 0 ? c.infoBound / maxNov : 0;
                double withDense = w.lexical() * c.lexical + w.dense() * c.dense + w.read() * readMax
                        + priorWeight * novBound + w.recency() * rec;
                if (withDense < best[kept - 1].score) {
                    continue;
                }
            }
            double nov = maxNov > 0 ? infoOf(q, c) / maxNov : 0;
            if (kept == best.length) {
                // the bound again with the dense part known (the read part, which needs the candidate's
                // projection, at its largest): below the last kept score, the candidate cannot enter
                double withDense = w.lexical() * c.lexical + w.dense() * c.dense + w.read() * readMax
                        + priorWeight * nov + w.recency() * rec;
                if (withDense < best[kept - 1].score) {
                    continue;
                }
            }
            c.read = read == null ? 0 : cosineProjected(read, readNorm2, d);
            c.score = w.lexical() * c.lexical + w.dense() * c.dense + w.read() * c.read + priorWeight * nov
                    + w.recency() * rec;
            kept = offer(best, kept, c);
        }
        List<EventHit> hits = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            Candidate c = best[i];
            double nov = maxNov > 0 ? c.info / maxNov : 0;
            hits.add(new EventHit(c.entry.position(), c.entry.payload(), c.score, c.tiers,
                    c.lexical, c.dense, c.read, nov));
        }
        return hits;
    }

    /**
     * Sorts {@code a[lo..hi]} by decreasing {@link Candidate#bound} (quicksort, insertion sort on short runs;
     * not stable: {@link #rank} needs only that no later candidate has a higher bound, its answer does not
     * depend on the order of equal bounds). No comparator: the short runs' JIT (C1) calls none.
     */
    private static void sortByBoundDescending(Candidate[] a, int lo, int hi) {
        while (hi - lo > 16) {
            int mid = (lo + hi) >>> 1;
            // median of three as the pivot
            if (a[mid].bound > a[lo].bound) {
                swap(a, mid, lo);
            }
            if (a[hi].bound > a[lo].bound) {
                swap(a, hi, lo);
            }
            if (a[hi].bound > a[mid].bound) {
                swap(a, hi, mid);
            }
            double pivot = a[mid].bound;
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i].bound > pivot) {
                    i++;
                }
                while (a[j].bound < pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(a, i++, j--);
                }
            }
            if (j - lo < hi - i) { // recurse into the shorter part, loop on the longer
                sortByBoundDescending(a, lo, j);
                lo = i;
            } else {
                sortByBoundDescending(a, i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            Candidate c = a[i];
            int j = i - 1;
            while (j >= lo && a[j].bound < c.bound) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = c;
        }
    }

    private static void swap(Candidate[] a, int i, int j) {
        Candidate t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /**
     * Offers a scored candidate to the best list ({@code kept} of its slots used, best first, distinct
     * contents): it replaces the event with its content when it comes before it, else enters in order when
     * it comes before the last (the last leaving a full list). Returns the slots used. The list is always the
     * best {@code best.length} contents of the candidates offered, each by its best event, in answer order.
     */
    private static int offer(Candidate[] best, int kept, Candidate c) {
        int at = -1;
        for (int i = 0; i < kept; i++) {
            if (repeats(best[i].entry, c.entry)) {
                at = i;
                break;
            }
        }
        if (at >= 0) {
            if (!c.before(best[at])) {
                return kept;
            }
        } else if (kept < best.length) {
            at = kept++;
        } else if (c.before(best[kept - 1])) {
            at = kept - 1;
        } else {
            return kept;
        }
        // c goes to slot at or before it
        while (at > 0 && c.before(best[at - 1])) {
            best[at] = best[at - 1];
            at--;
        }
        best[at] = c;
        return kept;
    }

    /** {@link #rank}'s answer the plain way (every candidate scored, a stable sort, then a scan), for tests. */
    private List<EventHit> rankReference(QueryRun q, double maxNov, float[] read, int top) {
        long n = q.n;
        EventSettings.Weights w = settings.weights();
        double maxLex = 0;
        for (int k = 0; k < q.size; k++) {
            maxLex = Math.max(maxLex, q.cands[k].lexical);
        }
        double priorWeight = w.novelty() * (1 - Math.min(1, maxLex));
        double xNorm2 = norm2(q.x);
        double readNorm2 = read == null ? 0 : norm2(read);
        List<Candidate> ranked = new ArrayList<>(Arrays.asList(Arrays.copyOf(q.cands, q.size)));
        ranked.sort((a, b) -> Long.compare(b.position, a.position)); // newest first
        for (Candidate c : ranked) {
            denseParts(c, q.x, xNorm2, read, readNorm2);
            double nov = maxNov > 0 ? c.info / maxNov : 0;
            double rec = n == 0 ? 0 : (c.entry.position() + 1.0) / n;
            c.score = w.lexical() * c.lexical + w.dense() * c.dense + w.read() * c.read + priorWeight * nov
                    + w.recency() * rec;
        }
        ranked.sort((a, b) -> Double.compare(b.score, a.score)); // stable: ties keep the newer first
        List<EventHit> hits = new ArrayList<>();
        List<EventEntry> kept = new ArrayList<>();
        for (int i = 0; i < ranked.size() && hits.size() < top; i++) {
            Candidate c = ranked.get(i);
            boolean repeated = false;
            for (EventEntry k : kept) {
                repeated |= repeats(k, c.entry);
            }
            if (repeated) {
                continue;
            }
            kept.add(c.entry);
            double nov = maxNov > 0 ? c.info / maxNov : 0;
            hits.add(new EventHit(c.entry.position(), c.entry.payload(), c.score, c.tiers,
                    c.lexical, c.dense, c.read, nov));
        }
        return hits;
    }

    private static boolean repeats(EventEntry k, EventEntry e) {
        return Arrays.equals(k.terms(), e.terms()) && Arrays.equals(k.counts(), e.counts())
                && Arrays.equals(k.vector(), e.vector());
    }

    /** The fading cell's read for the query: o = S^T (scale P x); null when the cell is empty. */
    private float[] fadingRead(EventState st, Unit x) {
        if (st.events() == 0) {
            return null;
        }
        float[] q = unit(project(x));
        int dc = settings.cellDim();
        float[] s = st.cell().data();
        double scale = 1.0 / Math.sqrt(dc);
        // Row by row: each acc[j] still sums its products over i ascending (fadingReadReference's sums),
        // with contiguous reads of the state; four rows a pass, each product still added one at a time in row
        // order (the same double sums), with a quarter of the loads and stores of acc (C1 keeps them).
        double[] acc = new double[dc];
        int i = 0;
        for (; i + 4 <= dc; i += 4) {
            double q0 = q[i];
            double q1 = q[i + 1];
            double q2 = q[i + 2];
            double q3 = q[i + 3];
            int r0 = i * dc;
            int r1 = r0 + dc;
            int r2 = r1 + dc;
            int r3 = r2 + dc;
            for (int j = 0; j < dc; j++) {
                double aj = acc[j];
                aj += s[r0 + j] * q0;
                aj += s[r1 + j] * q1;
                aj += s[r2 + j] * q2;
                aj += s[r3 + j] * q3;
                acc[j] = aj;
            }
        }
        for (; i < dc; i++) {
            double qi = q[i];
            int row = i * dc;
            for (int j = 0; j < dc; j++) {
                acc[j] += s[row + j] * qi;
            }
        }
        float[] o = new float[dc];
        for (int j = 0; j < dc; j++) {
            o[j] = (float) (acc[j] * scale);
        }
        return o;
    }

    /** {@link #fadingRead}'s column loop (the reference form, for tests). */
    float[] fadingReadReference(EventState st, float[] x) {
        if (st.events() == 0) {
            return null;
        }
        float[] q = unit(projectReference(unit(x)));
        int dc = settings.cellDim();
        float[] s = st.cell().data();
        double scale = 1.0 / Math.sqrt(dc);
        float[] o = new float[dc];
        for (int j = 0; j < dc; j++) {
            double acc = 0;
            for (int i = 0; i < dc; i++) {
                acc += (double) s[i * dc + j] * q[i];
            }
            o[j] = (float) (acc * scale);
        }
        return o;
    }

    /** {@link #fadingRead} of the unit vector of {@code x}, for tests. */
    float[] fadingReadFast(EventState st, float[] x) {
        return fadingRead(st, unitOf(x, false));
    }

    /**
     * P x, each output summed in double over j ascending, as the row-major loop {@code acc += P[i][j] * x[j]}
     * would, so the result is that loop's bit for bit: the loop runs over the transposed projection (all d_c
     * outputs advance together, which pipelines instead of waiting on one sum), and skips the j where x[j] is
     * zero. Skipping is exact: P[i][j] * 0 is a signed zero, and adding a signed zero to a sum that started at
     * +0.0 never changes it (such a sum is never -0.0 under round to nearest). The event vectors are sparse
     * (hashed terms), so most j are skipped.
     */
    private float[] project(float[] x) {
        return project(x, null);
    }

    /**
     * The projection of {@code x} over the components listed in {@code nz} (ascending), or over all of them
     * when {@code nz} is null; zero components add nothing and are skipped, so both give the same sums in the
     * same order whenever {@code nz} lists every nonzero component.
     */
    private float[] project(float[] x, int[] nz) {
        if (projection == null) {
            return x.clone();
        }
        int dc = settings.cellDim();
        int count = nz == null ? settings.dimension() : nz.length;
        int[] cols = scratchCols(count);
        double[] vs = scratchVals;
        int m = 0;
        for (int t = 0; t < count; t++) {
            int j = nz == null ? t : nz[t];
            float xj = x[j];
            if (xj != 0f) {
                cols[m] = j;
                vs[m++] = xj;
            }
        }
        double[] acc = accumulate(cols, vs, m, dc);
        float[] out = new float[dc];
        for (int i = 0; i < dc; i++) {
            out[i] = (float) acc[i];
        }
        return out;
    }

    /**
     * acc[i] = sum over k < m of P^T[j + i] * vs[k], j = cols[k] * d_c (column cols[k]'s row of the transposed
     * projection), added in k order into sums that start at +0.0: eight columns a pass, then four (each sum
     * still gets its products one at a time in k order, so the same doubles), with an eighth of the loads and
     * stores of the sums. The rows are {@link #projectionRows}, each read at the loop's counter, so C1 checks
     * each row's range once per pass instead of every load ({@code ProjectionRowsTest} compares the sums with
     * {@link #accumulateFlat}'s, the same loops over the flat array, bit for bit).
     */
    private double[] accumulate(int[] cols, double[] vs, int m, int dc) {
        double[][] rows = projectionRows;
        double[] acc = accScratch.length == dc ? accScratch : (accScratch = new double[dc]);
        Arrays.fill(acc, 0.0);
        int n = acc.length;
        int k = 0;
        for (; k + 8 <= m; k += 8) {
            double[] r0 = rows[cols[k]];
            double[] r1 = rows[cols[k + 1]];
            double[] r2 = rows[cols[k + 2]];
            double[] r3 = rows[cols[k + 3]];
            double[] r4 = rows[cols[k + 4]];
            double[] r5 = rows[cols[k + 5]];
            double[] r6 = rows[cols[k + 6]];
            double[] r7 = rows[cols[k + 7]];
            double v0 = vs[k];
            double v1 = vs[k + 1];
            double v2 = vs[k + 2];
            double v3 = vs[k + 3];
            double v4 = vs[k + 4];
            double v5 = vs[k + 5];
            double v6 = vs[k + 6];
            double v7 = vs[k + 7];
            for (int i = 0; i < n; i++) {
                double a = acc[i];
                a += r0[i] * v0;
                a += r1[i] * v1;
                a += r2[i] * v2;
                a += r3[i] * v3;
                a += r4[i] * v4;
                a += r5[i] * v5;
                a += r6[i] * v6;
                a += r7[i] * v7;
                acc[i] = a;
            }
        }
        for (; k + 4 <= m; k += 4) {
            double[] r0 = rows[cols[k]];
            double[] r1 = rows[cols[k + 1]];
            double[] r2 = rows[cols[k + 2]];
            double[] r3 = rows[cols[k + 3]];
            double v0 = vs[k];
            double v1 = vs[k + 1];
            double v2 = vs[k + 2];
            double v3 = vs[k + 3];
            for (int i = 0; i < n; i++) {
                double a = acc[i];
                a += r0[i] * v0;
                a += r1[i] * v1;
                a += r2[i] * v2;
                a += r3[i] * v3;
                acc[i] = a;
            }
        }
        for (; k < m; k++) {
            double[] r = rows[cols[k]];
            double v = vs[k];
            for (int i = 0; i < n; i++) {
                acc[i] += r[i] * v;
            }
        }
        return acc;
    }

    /** The projection (d_c x D, row-major; null for the identity), for tests. */
    float[] projectionForTests() {
        return projection;
    }

    /** {@link #accumulate} of columns {@code cols} (indices) and values {@code vs}, a copy of its sums, for tests. */
    double[] accumulateFast(int[] cols, double[] vs, int m) {
        return accumulate(cols, vs, m, settings.cellDim()).clone();
    }

    /**
     * A unit vector (as {@link #unit} gives it) and the indices of the components of its input that are not
     * +0.0, ascending: every other component of the unit vector is +0.0, so loops over the vector may visit
     * only these (a superset of its nonzero components).
     */
    record Unit(float[] x, int[] nz, float max) {
    }

    /**
     * {@link #unit} of {@code v} ({@link #checked} first when {@code check}) with its nonzero indices, in one
     * scan of {@code v} and loops over the nonzero components: the same values bit for bit (the skipped
     * components add +0.0 to the sum of squares, and scale to the +0.0 a new array holds).
     */
    Unit unitOf(float[] v, boolean check) {
        return unitOf(v, check, false);
    }

    /** The unit vector {@link #unitOf} last gave with {@code reuse}, and the indices it set (all others are +0.0). */
    private float[] unitReused = new float[0];
    /** The components of {@link #unitReused} that may not be +0.0 (null: any). */
    private int[] unitReusedSet = new int[0];

    /** Sets {@code out}'s components {@code listed} (null: all) to +0.0. */
    private static void clearListed(float[] out, int[] listed) {
        if (listed == null) {
            Arrays.fill(out, 0f);
            return;
        }
        for (int j : listed) {
            out[j] = 0f;
        }
    }

    /**
     * Whether {@link #shapedFast} lists the {@code n} components (of {@code d}) of a vector that are not +0.0
     * ({@link Shaped#nz}): not where they are at least half of them (a long text's vector: the list, some 800
     * bytes an event, was the keyed step's largest allocation after the postings; where it is null, its readers
     * visit every component, the others being +0.0, which adds nothing to their sums and is no byte's index).
     */
    static boolean listsComponents(int n, int d) {
        return 2 * n < d;
    }

    /**
     * {@link #unitOf}; with {@code reuse} the unit vector is this memory's array of the last such call, its
     * components set then put back to +0.0 (what a new array holds): for a write's or a query's own vector,
     * which neither keeps past its call (one at a time, as {@link #derived} needs).
     */
    private Unit unitOf(float[] v, boolean check, boolean reuse) {
        if (check && v.length != settings.dimension()) {
            checked(v); // throws
        }
        int d = v.length;
        int[] idx = scratchIdx(d);
        int n = 0;
        int i = 0;
        // One scan: the listed indices and the sum of squares. The squares are summed over all components in
        // index order, which is the sum over the listed ones: an unlisted component (+0.0) adds +0.0, and
        // adding +0.0 leaves a sum of squares (never -0.0) as it is. Four components a step, a step with none
        // set skipped at once (hashed vectors are mostly +0.0).
        double sq = 0;
        for (; i + 4 <= d; i += 4) {
            float f0 = v[i];
            float f1 = v[i + 1];
            float f2 = v[i + 2];
            float f3 = v[i + 3];
            int b0 = Float.floatToRawIntBits(f0);
            int b1 = Float.floatToRawIntBits(f1);
            int b2 = Float.floatToRawIntBits(f2);
            int b3 = Float.floatToRawIntBits(f3);
            if ((b0 | b1 | b2 | b3) == 0) {
                continue;
            }
            if (b0 != 0) {
                idx[n++] = i;
            }
            if (b1 != 0) {
                idx[n++] = i + 1;
            }
            if (b2 != 0) {
                idx[n++] = i + 2;
            }
            if (b3 != 0) {
                idx[n++] = i + 3;
            }
            sq += (double) f0 * f0;
            sq += (double) f1 * f1;
            sq += (double) f2 * f2;
            sq += (double) f3 * f3;
        }
        for (; i < d; i++) {
            float f = v[i];
            if (Float.floatToRawIntBits(f) != 0) {
                idx[n++] = i;
                sq += (double) f * f;
            }
        }
        // a NaN or infinite component makes the sum NaN or infinite (finite floats' squares cannot overflow it)
        if (check && !(sq <= Double.MAX_VALUE)) {
            checked(v); // throws
        }
        float[] out;
        if (!reuse) {
            out = new float[d];
        } else if (unitReused.length != d) {
            out = unitReused = new float[d];
        } else {
            out = unitReused;
            clearListed(out, unitReusedSet);
        }
        int[] nz = Arrays.copyOf(idx, n);
        if (reuse) {
            unitReusedSet = nz;
        }
        float max = 0;
        if (sq > 0) {
            double inv = 1 / Math.sqrt(sq);
            for (int k = 0; k < n; k++) {
                int j = idx[k];
                float f = (float) (v[j] * inv);
                out[j] = f;
                float a = Math.abs(f);
                if (a > max) { // Math.max's value: the magnitudes are never NaN nor -0.0 here
                    max = a;
                }
            }
        }
        return new Unit(out, nz, max);
    }

    /** {@link #project} of a unit vector, visiting only its listed components (the same sums, same order). */
    float[] project(Unit u) {
        return project(u.x(), u.nz());
    }

    /** {@link #quantize(float[], byte[])} of a unit vector over its listed components (the same bytes and scale). */
    static float quantize(Unit u, byte[] out) {
        float[] x = u.x();
        int[] nz = u.nz();
        float max = u.max();
        if (max == 0) {
            return 0f;
        }
        float scale = max / 127f;
        for (int i : nz) {
            out[i] = (byte) round(x[i] / scale);
        }
        return scale;
    }

    /**
     * {@link Math#round(float)} of a finite {@code a} with {@code |a| < 2^31}, as floor(a + 1/2) in double
     * (short enough for C1 to inline, which Math.round is not): a + 1/2 is exact in double for |a| >= 2^-29
     * (a float's 24 significant bits and 1/2 span at most 53), and below that both give 0. Tests compare it
     * with Math.round.
     */
    static int round(float a) {
        double t = a + 0.5;
        int r = (int) t;
        return r > t ? r - 1 : r;
    }

    /**
     * {@link #round} of a quantiser's quotient {@code a} (|a| at most 127 and a little: a unit component over its
     * largest magnitude's 127th), without a branch on the sign: {@code (int) (a + 128.5) - 128}. {@link #round}'s
     * {@code r > t} test goes one way for a positive {@code a} and the other for most negative ones, so on a
     * dense vector of random signs it is mispredicted about half the time (under C1 some 12 ns a component, most
     * of the quantisation). Equal to {@link #round} for every float: where {@code t = a + 128.5} lies in (0, 256)
     * (a in (-128.5, 127.5)), for |a| >= 2^-22 t is exact in double (the float's lowest bit is at least 2^-45,
     * 128.5's highest 2^7: 53 bits) and positive, so the cast's truncation is floor(a + 1/2) + 128; for a smaller
     * |a| (below 1/2) t rounds to within 2^-22 of 128.5, so both give 0. Elsewhere (NaN included; no quotient of
     * a unit vector's components gets there) it is {@link #round}. Tests compare it with Math.round around every
     * half and whole number of the range, on a stride through every float of it and on random floats.
     */
    static int roundQuantized(float a) {
        double t = a + 128.5;
        if (!(t > 0.0 && t < 256.0)) {
            return round(a);
        }
        return (int) t - 128;
    }

    /** The row-major loop {@link #project} equals bit for bit (the reference form, for tests). */
    float[] projectReference(float[] x) {
        if (projection == null) {
            return x.clone();
        }
        int dc = settings.cellDim();
        int d = settings.dimension();
        float[] out = new float[dc];
        for (int i = 0; i < dc; i++) {
            double acc = 0;
            int row = i * d;
            for (int j = 0; j < d; j++) {
                acc += (double) projection[row + j] * x[j];
            }
            out[i] = (float) acc;
        }
        return out;
    }

    private float[] checked(float[] v) {
        if (v.length != settings.dimension()) {
            throw new IllegalArgumentException("vector has " + v.length + " values, the memory's dimension is "
                    + settings.dimension());
        }
        for (float f : v) {
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException("vector holds a non-finite value");
            }
        }
        return v;
    }

    /** BM25's idf of a term in {@code df} of {@code n} events (Lucene's form, never negative). */
    public static double idf(long n, long df) {
        return Math.log(1 + (n - df + 0.5) / (df + 0.5));
    }

    /**
     * {@link #distinctCounts} (the same two arrays' values, the reference form), sorting and counting in this
     * memory's scratch arrays: only the two results are new (a write keeps them in its entry). Texts of more than
     * {@link #TERM_SCRATCH_MAX} terms take {@link #distinctCounts}.
     */
    int[][] distinctCountsScratch(int[] terms) {
        int n = terms.length;
        if (n > TERM_SCRATCH_MAX) {
            return distinctCounts(terms);
        }
        if (termScratch.length < n) {
            int size = Math.min(TERM_SCRATCH_MAX, Math.max(n, 2 * termScratch.length));
            termScratch = new int[size];
            countScratch = new int[size];
        }
        int[] sorted = termScratch;
        int[] counts = countScratch;
        System.arraycopy(terms, 0, sorted, 0, n);
        Arrays.sort(sorted, 0, n);
        return distinctOfSorted(sorted, counts, n);
    }

    /** Most terms {@link #distinctCountsScratch} sorts in its scratch arrays. */
    static final int TERM_SCRATCH_MAX = 1 << 12;
    private int[] termScratch = new int[0];
    private int[] countScratch = new int[0];
    /** {@link #write}'s frequencies of its distinct terms. */
    private long[] writeFrequencies = new long[0];

    /** Distinct terms ascending, and their counts. */
    static int[][] distinctCounts(int[] terms) {
        int[] sorted = terms.clone();
        Arrays.sort(sorted);
        return distinctOfSorted(sorted, new int[sorted.length], sorted.length);
    }

    /**
     * The distinct values of {@code sorted[0, n)} (ascending) and their counts, as two new arrays; {@code sorted}'s
     * first values and {@code counts} are overwritten on the way.
     */
    private static int[][] distinctOfSorted(int[] sorted, int[] counts, int n) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (k > 0 && sorted[k - 1] == sorted[i]) {
                counts[k - 1]++;
            } else {
                sorted[k] = sorted[i];
                counts[k] = 1;
                k++;
            }
        }
        return new int[][] {Arrays.copyOf(sorted, k), Arrays.copyOf(counts, k)};
    }

    /** Signed feature hashing of the terms into {@code d} dimensions (not normalised). */
    public static float[] hashVector(int[] terms, int d) {
        float[] v = new float[d];
        for (int t : terms) {
            long h = mix(t * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
            v[(int) Math.floorMod(h, (long) d)] += h < 0 ? -1f : 1f;
        }
        return v;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** {@code v} scaled to unit L2 norm (a copy; the zero vector stays zero). */
    static float[] unit(float[] v) {
        double n = 0;
        for (float f : v) {
            n += (double) f * f;
        }
        float[] out = new float[v.length];
        if (n > 0) {
            double inv = 1 / Math.sqrt(n);
            for (int i = 0; i < v.length; i++) {
                out[i] = (float) (v[i] * inv);
            }
        }
        return out;
    }

    /** Quantises a unit vector to signed bytes; returns the scale. */
    static float quantize(float[] x, byte[] out) {
        float max = 0;
        for (float f : x) {
            max = Math.max(max, Math.abs(f));
        }
        if (max == 0) {
            return 0f;
        }
        float scale = max / 127f;
        for (int i = 0; i < x.length; i++) {
            out[i] = (byte) Math.round(x[i] / scale);
        }
        return scale;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

}
