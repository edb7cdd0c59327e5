package dev.keymem.jobs.text;

/**
 * A deterministic, model-free embedder: signed feature hashing of token ids and token bigrams.
 *
 * <p>For token ids {@code t_0 .. t_{n-1}} the features are every unigram {@code (t_i)} with weight
 * {@link #unigramWeight()} and every bigram {@code (t_{i-1}, t_i)} with weight {@link #bigramWeight()}.
 * A feature's 64-bit hash chains the SplitMix64 finaliser {@code mix}:
 * {@code h = mix(mix(mix(seed ^ KIND) ^ (a as unsigned)) ^ (b << 32 | 0x5bd1e995))}, with
 * {@code KIND} a constant per feature kind and {@code b = 0} for unigrams; it adds {@code +w} or
 * {@code -w} (the sign is the hash's top bit) to dimension {@code floorMod(h, d)}. The sum is then
 * scaled to unit L2 norm (an empty line gives the zero vector).
 *
 * <p>Only integer arithmetic decides indices and signs, the sums are accumulated in double in token
 * order and the result is rounded to float once, so the same input gives the same vector on any JVM.
 * Lines that share a template share a vector; lines sharing most tokens are close in cosine.
 */
public final class HashingEmbedder implements LineEmbedder {
    private static final long serialVersionUID = 1L;

    private static final long UNIGRAM = 0x9E3779B97F4A7C15L;
    private static final long BIGRAM = 0xC2B2AE3D27D4EB4FL;

    private final int dimension;
    private final long seed;
    private final double unigramWeight;
    private final double bigramWeight;

    /** d dimensions, seed 0, unigram weight 1, bigram weight 0.5. */
    public HashingEmbedder(int dimension) {
        this(dimension, 0L, 1.0, 0.5);
    }

    /** Every setting given; weights must be finite and not both zero. */
    public HashingEmbedder(int dimension, long seed, double unigramWeight, double bigramWeight) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        if (!Double.isFinite(unigramWeight) || !Double.isFinite(bigramWeight) || (unigramWeight == 0 && bigramWeight == 0)) {
            throw new IllegalArgumentException("weights must be finite and not both zero, got unigram="
                    + unigramWeight + " bigram=" + bigramWeight);
        }
        this.dimension = dimension;
        this.seed = seed;
        this.unigramWeight = unigramWeight;
        this.bigramWeight = bigramWeight;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** The hash seed. */
    public long seed() {
        return seed;
    }

    /** Weight of each unigram feature. */
    public double unigramWeight() {
        return unigramWeight;
    }

    /** Weight of each bigram feature. */
    public double bigramWeight() {
        return bigramWeight;
    }

    @Override
    public String name() {
        return "hashing-" + dimension;
    }

    @Override
    public float[] embed(String template, int[] tokenIds) {
        return embedTokens(tokenIds);
    }

    /**
     * The unit-norm embedding of {@code tokenIds} (zero vector when empty): {@link #embedTokensReference}'s vector, bit
     * for bit. Each kind's first hash step ({@code mix(seed ^ KIND)}, the same for every feature) is taken once a
     * call; a dimension count that is a power of two (64 by default) is indexed by the hash's low bits, which is what
     * {@code floorMod} by it gives, without its long division; and the parts of a feature's hash that depend on one
     * token alone (the unigram's dimension and sign, the bigram's hash of its first token) are remembered for the
     * token ids met recently, in this thread's {@link Memo} (a log's tokens repeat). Same features, same sums in the
     * same order.
     */
    public float[] embedTokens(int[] tokenIds) {
        int d = dimension;
        double[] acc = new double[d];
        long unigramBase = mix(seed ^ UNIGRAM);
        long bigramBase = mix(seed ^ BIGRAM);
        double wu = unigramWeight;
        double wb = bigramWeight;
        // a bigram's signed weight by its hash's top bit (0: +wb, 1: -wb): a load where a branch on a hash bit is
        // mispredicted about every other token
        double[] bigramSigned = {wb, -wb};
        int lowBits = Integer.bitCount(d) == 1 ? d - 1 : -1;
        Memo memo = memo();
        int[] keys = memo.keys;
        int[] dims = memo.dims;
        double[] weights = memo.weights;
        long[] heads = memo.heads;
        long prevHead = 0;
        for (int i = 0; i < tokenIds.length; i++) {
            int t = tokenIds[i];
            int j = t & (Memo.SIZE - 1);
            int dim = dims[j];
            long head;
            double w;
            if (dim >= 0 && keys[j] == t) {
                head = heads[j];
                w = weights[j];
            } else {
                long h = mix(mix(unigramBase ^ (t & 0xFFFFFFFFL)) ^ 0x5bd1e995L); // featureHash(seed, UNIGRAM, t, 0)
                dim = lowBits >= 0 ? ((int) h & lowBits) : index(h, d);
                w = h < 0 ? -wu : wu;
                head = mix(bigramBase ^ (t & 0xFFFFFFFFL));
                keys[j] = t;
                dims[j] = dim;
                weights[j] = w;
                heads[j] = head;
            }
            if (wu != 0) {
                acc[dim] += w;
            }
            if (i > 0 && wb != 0) {
                long h = mix(prevHead ^ ((long) t << 32 | 0x5bd1e995L)); // featureHash(seed, BIGRAM, prev, t)
                acc[lowBits >= 0 ? (int) h & lowBits : index(h, d)] += bigramSigned[(int) (h >>> 63)];
            }
            prevHead = head;
        }
        return unit(acc);
    }

    /**
     * One thread's per-token hash parts of this embedder (its seed, dimension and unigram weight), direct-mapped by the
     * token id's low bits: for token {@code keys[j]}, {@code dims[j]} is its unigram's dimension (-1: an empty entry),
     * {@code weights[j]} the unigram's signed weight ({@code +w} or {@code -w}, as the sum adds it), and
     * {@code heads[j]} {@code mix(mix(seed ^ BIGRAM) ^ token)}, the first step of the bigrams it begins. An entry met by
     * another token is overwritten. Per thread, so that no entry is read half written.
     */
    static final class Memo {
        static final int SIZE = 4096;
        final int[] keys = new int[SIZE];
        final int[] dims = new int[SIZE];
        final double[] weights = new double[SIZE];
        final long[] heads = new long[SIZE];

        Memo() {
            java.util.Arrays.fill(dims, -1);
        }
    }

    /**
     * This embedder's tables, one per thread that calls it (96 KiB each; made at the first call, after deserialization
     * too). A table lives as long as its thread, or until the embedder is unreachable and the thread's map next drops
     * its stale entries (a long-lived thread can hold a dropped embedder's table for a while).
     */
    private transient ThreadLocal<Memo> memos;

    private Memo memo() {
        ThreadLocal<Memo> m = memos;
        if (m == null) {
            // two threads may each make one here: one is kept, the other thread's table is only made again
            m = ThreadLocal.withInitial(Memo::new);
            memos = m;
        }
        return m.get();
    }

    /** {@link #embedTokens} as it was (every feature hashed from the seed, {@code floorMod} indices): the reference. */
    float[] embedTokensReference(int[] tokenIds) {
        double[] acc = new double[dimension];
        for (int i = 0; i < tokenIds.length; i++) {
            add(acc, featureHash(seed, UNIGRAM, tokenIds[i], 0), unigramWeight);
            if (i > 0) {
                add(acc, featureHash(seed, BIGRAM, tokenIds[i - 1], tokenIds[i]), bigramWeight);
            }
        }
        return unit(acc);
    }

    /** {@code acc} scaled to unit L2 norm (summed in double, rounded to float once; zero stays zero). */
    private float[] unit(double[] acc) {
        double norm = 0;
        for (double v : acc) {
            norm += v * v;
        }
        float[] out = new float[dimension];
        if (norm > 0) {
            double inv = 1.0 / Math.sqrt(norm);
            for (int j = 0; j < dimension; j++) {
                out[j] = (float) (acc[j] * inv);
            }
        }
        return out;
    }

    private void add(double[] acc, long h, double w) {
        if (w == 0) {
            return;
        }
        acc[index(h, dimension)] += h < 0 ? -w : w;
    }

    /** The dimension a feature hash lands in. */
    static int index(long h, int dimension) {
        return (int) Math.floorMod(h, (long) dimension);
    }

    /** The 64-bit hash of feature {@code (kind, a, b)} under {@code seed}. */
    static long featureHash(long seed, long kind, int a, int b) {
        long h = mix(seed ^ kind);
        h = mix(h ^ (a & 0xFFFFFFFFL));
        return mix(h ^ ((long) b << 32 | 0x5bd1e995L));
    }

    /** SplitMix64's finaliser: a bijection on 64-bit values with good avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
