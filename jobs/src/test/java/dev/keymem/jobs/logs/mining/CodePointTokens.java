package dev.keymem.jobs.logs.mining;

import java.util.SplittableRandom;

/**
 * Test help for the code-point tests of the miner's classes: chars past U+FFFF (surrogate pairs) of the kinds
 * that matter, and random tokens made of given parts.
 */
final class CodePointTokens {
    /** U+20000, a CJK letter (Lo). */
    static final String CJK_B = "\uD840\uDC00";
    /** U+1D400, a math capital A (Lu). */
    static final String MATH_A = "\uD835\uDC00";
    /** U+1D7CE, a math digit 0 (Nd). */
    static final String MATH_0 = "\uD835\uDFCE";
    /** U+1F600, an emoji (So): neither letter nor digit. */
    static final String EMOJI = "\uD83D\uDE00";

    private CodePointTokens() {
    }

    /** A token of 1 to 6 parts, each drawn from {@code parts}. */
    static String draw(SplittableRandom r, String[] parts) {
        StringBuilder sb = new StringBuilder();
        int len = 1 + r.nextInt(6);
        for (int k = 0; k < len; k++) {
            sb.append(parts[r.nextInt(parts.length)]);
        }
        return sb.toString();
    }
}
