package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ContextText's table of texts analysed: long texts skip it for the next windows after a window finding fewer than
 * {@link ContextText#LONG_FOUND_MIN} of them, each window counting its own finds, and use it again after the skipped
 * windows; short texts always use it; every analysis (from the table or not) equals a fresh instance's words and
 * vector, bit for bit.
 */
class ContextTextCacheTest {
    private static final String[] WORDS = {"call", "later", "game", "night", "kids", "loud", "cooking", "pasta",
        "passport", "keys", "river", "cafe", "april", "weekend", "hungry", "show", "neighbours", "42", "x9"};

    private static String longText(SplittableRandom r, long serial) {
        StringBuilder b = new StringBuilder("note ").append(serial);
        while (b.length() <= ContextText.SHORT_CHARS + 10) {
            b.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
        }
        return b.toString();
    }

    private static ContextText.Analysed same(ContextText t, ContextText ref, String text) {
        ContextText.Analysed a = t.analyse(text);
        ContextText.Word[] w = ref.wordArray(text);
        assertEquals(w.length, a.words.length, text);
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i].stem, a.words[i].stem, text);
        }
        float[] v = t.vector(a);
        float[] rv = ref.vector(w);
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(rv[i]), Float.floatToRawIntBits(v[i]), text);
        }
        return a;
    }

    @Test
    void longTextsSkipTheTableWhileTheyDoNotRepeat() {
        SplittableRandom r = new SplittableRandom(5);
        ContextText t = new ContextText(64);
        ContextText ref = new ContextText(64);
        long serial = 0;
        // a window of long texts none of which repeats: the next windows skip the table
        for (int i = 0; i < ContextText.LONG_WINDOW; i++) {
            assertEquals(0, t.longSkip());
            same(t, ref, longText(r, serial++));
        }
        assertEquals(ContextText.LONG_SKIPPED_WINDOWS * ContextText.LONG_WINDOW, t.longSkip());
        // skipped: a long text again is analysed again (the same words and vector); a short one is kept
        String again = longText(r, serial++);
        ContextText.Analysed a1 = same(t, ref, again);
        assertNotSame(a1, same(t, ref, again));
        ContextText.Analysed s1 = same(t, ref, "keys at home");
        assertSame(s1, same(t, ref, "keys at home"));
        while (t.longSkip() > 0) {
            same(t, ref, longText(r, serial++));
        }
        // the windows after: looked up and kept again, and a window with repeats keeps the table in use
        for (int i = 0; i < 3 * ContextText.LONG_WINDOW; i++) {
            String text = longText(r, serial + (i % 100));
            ContextText.Analysed a = same(t, ref, text);
            if (i >= 100) {
                assertSame(a, t.analyse(text));
            }
            assertEquals(0, t.longSkip());
        }
    }

    /**
     * A window that finds {@code found} of its long texts again (the rest new), then whether the next windows skip
     * the table; every analysis compared with a fresh instance's.
     */
    private static int skipAfterWindowFinding(int found) {
        SplittableRandom r = new SplittableRandom(11);
        ContextText t = new ContextText(64);
        ContextText ref = new ContextText(64);
        String repeated = longText(r, -1);
        long serial = 0;
        for (int i = 0; i < ContextText.LONG_WINDOW; i++) {
            assertEquals(0, t.longSkip());
            // the first text of the window is the repeated one, found again by the next found texts
            same(t, ref, i <= found ? repeated : longText(r, serial++));
        }
        return t.longSkip();
    }

    /**
     * One window of long texts on {@code t}: its first text new, then {@code found} uses of it again (found in the
     * table), the rest new; no skip while it runs. Returns the next serial.
     */
    private static long windowFinding(ContextText t, ContextText ref, SplittableRandom r, long serial, int found) {
        String repeated = longText(r, serial++);
        for (int i = 0; i < ContextText.LONG_WINDOW; i++) {
            assertEquals(0, t.longSkip());
            same(t, ref, i <= found ? repeated : longText(r, serial++));
        }
        return serial;
    }

    @Test
    void eachWindowDecidesOnItsOwnFinds() {
        SplittableRandom r = new SplittableRandom(13);
        ContextText t = new ContextText(64);
        ContextText ref = new ContextText(64);
        int skip = ContextText.LONG_SKIPPED_WINDOWS * ContextText.LONG_WINDOW;
        // a window finding enough: the next window looks up; that one finds none: skip (its count starts at 0)
        long serial = windowFinding(t, ref, r, 0, ContextText.LONG_FOUND_MIN);
        assertEquals(0, t.longSkip());
        serial = windowFinding(t, ref, r, serial, 0);
        assertEquals(skip, t.longSkip());
        while (t.longSkip() > 0) {
            same(t, ref, longText(r, serial++));
        }
        // the probe window after the skip counts its own texts and finds one too few: skip again
        serial = windowFinding(t, ref, r, serial, ContextText.LONG_FOUND_MIN - 1);
        assertEquals(skip, t.longSkip());
    }

    @Test
    void aWindowFindingFewerThanTheMinimumSkipsTheNextWindows() {
        assertEquals(128, ContextText.LONG_FOUND_MIN);
        assertEquals(ContextText.LONG_SKIPPED_WINDOWS * ContextText.LONG_WINDOW, skipAfterWindowFinding(0));
        assertEquals(ContextText.LONG_SKIPPED_WINDOWS * ContextText.LONG_WINDOW,
                skipAfterWindowFinding(ContextText.LONG_FOUND_MIN - 1));
        assertEquals(0, skipAfterWindowFinding(ContextText.LONG_FOUND_MIN));
        assertEquals(0, skipAfterWindowFinding(ContextText.LONG_WINDOW - 1));
    }
}
