package dev.keymem.models.retention;

/**
 * The deterministic random draw of retention: u(seed, position) in [0, 1), a SplitMix64 finaliser of
 * the key seed and the token position. It depends on nothing else, so replay after a restore and any
 * chunking of the stream draw the same number for the same token.
 */
public final class Draws {
    private Draws() {
    }

    /** SplitMix64's finaliser (Stafford variant 13). */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public static double uniform(long seed, long position) {
        long h = mix64(mix64(seed + 0x9e3779b97f4a7c15L) ^ (position * 0x9e3779b97f4a7c15L + 0x632be59bd9b4e019L));
        return (h >>> 11) * 0x1.0p-53;
    }
}
