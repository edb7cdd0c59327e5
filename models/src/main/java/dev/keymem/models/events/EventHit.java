package dev.keymem.models.events;

/**
 * One event in an answer: its position and payload, its score and the score's parts (each before its
 * weight), and the tiers that found it ({@link #WINDOW}, {@link #EIDETIC}, {@link #LEXICAL},
 * {@link #SEGMENT} bits).
 */
public record EventHit(long position, byte[] payload, double score, int tiers, double lexical, double dense,
                       double read, double novelty) {
    public static final int WINDOW = 1;
    public static final int EIDETIC = 2;
    public static final int LEXICAL = 4;
    public static final int SEGMENT = 8;

    /** {@link #tierNames} of each combination of the four bits, made once. */
    private static final String[] TIER_NAMES = new String[16];

    static {
        for (int t = 0; t < TIER_NAMES.length; t++) {
            TIER_NAMES[t] = tierNamesReference(t);
        }
    }

    /** The tier bits as names, e.g. "window+lexical" (bits above the four tiers are ignored). */
    public static String tierNames(int tiers) {
        return TIER_NAMES[tiers & 15];
    }

    /** {@link #tierNames} made from the bits each time (the reference form, for tests). */
    static String tierNamesReference(int tiers) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"window", "eidetic", "lexical", "segment"};
        for (int i = 0; i < names.length; i++) {
            if ((tiers & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : "+").append(names[i]);
            }
        }
        return sb.toString();
    }
}
