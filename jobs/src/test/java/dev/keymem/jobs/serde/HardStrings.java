package dev.keymem.jobs.serde;

import java.util.SplittableRandom;

/** Random strings that the jobs' serializers must give back char for char (see {@link ExactStrings}). */
public final class HardStrings {
    private HardStrings() {
    }

    /**
     * Null one time in {@code nullOneIn}, else up to {@code maxLength - 1} chars: letters (the first
     * {@code letters} of a-z), '?' (what the UTF-8 encoder writes for an unpaired surrogate), other non-ASCII
     * chars, surrogate pairs, unpaired surrogates (mostly) and control chars.
     */
    public static String random(SplittableRandom r, int nullOneIn, int maxLength, int letters) {
        if (r.nextInt(nullOneIn) == 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(maxLength);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(6)) {
                case 0 -> b.append((char) ('a' + r.nextInt(letters)));
                case 1 -> b.append('?');
                case 2 -> b.append((char) (0x80 + r.nextInt(0x700)));
                case 3 -> b.appendCodePoint(0x1F600 + r.nextInt(50)); // a surrogate pair
                case 4 -> b.append((char) (0xD800 + r.nextInt(0x800))); // an unpaired surrogate (mostly)
                default -> b.append((char) r.nextInt(0x20));
            }
        }
        return b.toString();
    }
}
