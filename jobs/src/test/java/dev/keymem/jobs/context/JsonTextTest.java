package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link JsonText} writes what Jackson and {@link Double#toString} write. */
class JsonTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String jackson(String s) throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.getFactory().createGenerator(w)) {
            g.writeString(s);
        }
        return w.toString();
    }

    private static String hand(String s) {
        StringBuilder b = new StringBuilder();
        JsonText.appendString(b, s);
        return b.toString();
    }

    @Test
    void everyCharAndRandomStringsAreEscapedAsJacksonEscapesThem() throws Exception {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 0x10000; c++) {
            if (!Character.isSurrogate((char) c)) {
                String s = "a" + (char) c + "b";
                assertEquals(jackson(s), hand(s), "char " + c);
                all.append((char) c);
            }
        }
        assertEquals(jackson(all.toString()), hand(all.toString()));
        assertEquals("null", hand(null));
        assertEquals(jackson(""), hand(""));
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 5000; i++) {
            String s = ContextJsonTest.text(r);
            assertEquals(jackson(s), hand(s), s);
        }
    }

    /**
     * The scaled numbers made in a scratch array are the reference's (and Double.toString's), for every r of the
     * hand range at k = 4 and 5 (what the answers write), around each power of ten at every k (0 to 6), and random r.
     */
    @Test
    void scaledNumbersFromTheScratchArrayAreTheReferences() {
        StringBuilder b = new StringBuilder();
        StringBuilder want = new StringBuilder();
        char[] scratch = new char[24];
        for (int k = 0; k <= 6; k++) { // the reference's range of k
            java.util.List<Long> rs = new java.util.ArrayList<>();
            if (k == 4 || k == 5) {
                for (long r = -JsonText.HAND_LIMIT - 3; r <= JsonText.HAND_LIMIT + 3; r++) {
                    rs.add(r);
                }
            } else {
                for (long r = -20_000; r <= 20_000; r++) { // both layouts and their border at every k
                    rs.add(r);
                }
            }
            for (long p = 1; p < 1L << 40; p *= 10) {
                for (long d = -3; d <= 3; d++) {
                    rs.add(p + d);
                    rs.add(-p - d);
                    rs.add(3 * p + d);
                }
            }
            SplittableRandom rnd = new SplittableRandom(100 + k);
            for (int i = 0; i < 50_000; i++) {
                rs.add(rnd.nextLong() >> rnd.nextInt(64));
            }
            for (long r : rs) {
                b.setLength(0);
                want.setLength(0);
                JsonText.appendScaled(b, r, k, scratch);
                JsonText.appendScaled(want, r, k);
                if (!want.toString().contentEquals(b)) {
                    assertEquals(want.toString(), b.toString(), "r=" + r + " k=" + k);
                }
                if (k == 4 || k == 5) {
                    String d = Double.toString(r / (k == 4 ? 1e4 : 1e5));
                    if (!d.contentEquals(b)) {
                        assertEquals(d, b.toString(), "r=" + r + " k=" + k);
                    }
                }
            }
        }
    }

    @Test
    void scaledNumbersAreDoubleToStringExhaustivelyOverTheHandRange() {
        StringBuilder b = new StringBuilder();
        for (int k = 4; k <= 5; k++) {
            double p = k == 4 ? 1e4 : 1e5;
            for (long r = -JsonText.HAND_LIMIT - 3; r <= JsonText.HAND_LIMIT + 3; r++) {
                b.setLength(0);
                JsonText.appendScaled(b, r, k);
                String want = Double.toString(r / p);
                if (!want.contentEquals(b)) {
                    assertEquals(want, b.toString(), "r=" + r + " k=" + k);
                }
            }
            SplittableRandom rnd = new SplittableRandom(k);
            for (int i = 0; i < 100_000; i++) {
                long r = rnd.nextLong() >> rnd.nextInt(64);
                b.setLength(0);
                JsonText.appendScaled(b, r, k);
                assertEquals(Double.toString(r / p), b.toString(), "r=" + r + " k=" + k);
            }
        }
    }

    /** The multiply-and-shift division by 10 is the division, over the hand range and beyond. */
    @Test
    void divisionByTenByAMultiplyIsTheDivision() {
        for (int v = 0; v <= 1 << 22; v++) {
            if (JsonText.div10(v) != v / 10) {
                assertEquals(v / 10, JsonText.div10(v), "v=" + v);
            }
        }
        SplittableRandom rnd = new SplittableRandom(10);
        for (int i = 0; i < 1_000_000; i++) {
            int v = rnd.nextInt(Integer.MAX_VALUE);
            assertEquals(v / 10, JsonText.div10(v), "v=" + v);
        }
        assertEquals(Integer.MAX_VALUE / 10, JsonText.div10(Integer.MAX_VALUE));
    }

    private static String fast(String s, byte[] scratch) {
        StringBuilder b = new StringBuilder();
        JsonText.appendString(b, s, scratch);
        return b.toString();
    }

    /**
     * The eight-chars-a-step form writes what the reference writes: every char (BMP and surrogate) between plain
     * runs of every length around a word's bytes, chars whose low byte is a quote, a backslash or a control
     * char (U+0122, U+015C, U+010A, ...) beside the real ones, Latin-1 and wider strings, random strings of up to
     * 80 chars, null, and texts longer than the scratch (the reference's way).
     */
    @Test
    void eightCharsAStepWriteWhatTheReferenceWrites() {
        byte[] scratch = new byte[64];
        for (int c = 0; c < 0x10000; c++) {
            for (int pad : new int[] {0, 1, 7, 8, 9, 15, 16}) {
                String s = "x".repeat(pad) + (char) c + "y".repeat(17 - pad);
                assertEquals(hand(s), fast(s, scratch), "char " + c + " after " + pad);
            }
        }
        String tricky = "\u0122\u015C\u010A\u0100\u0080\u00FF\"\\\n\u001F\u007F\uD83D\uDE00\u2028";
        SplittableRandom r = new SplittableRandom(27);
        for (int i = 0; i < 20000; i++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(81);
            boolean wide = r.nextInt(3) == 0;
            for (int j = 0; j < n; j++) {
                int k = r.nextInt(10);
                b.append(k == 0 ? tricky.charAt(r.nextInt(tricky.length()))
                        : k == 1 && wide ? (char) r.nextInt(0x10000)
                        : k == 2 ? (char) r.nextInt(0x100) : (char) (0x20 + r.nextInt(0x5F)));
            }
            String s = b.toString();
            assertEquals(hand(s), fast(s, scratch), s);
        }
        assertEquals("null", fast(null, scratch));
        assertEquals(hand(""), fast("", scratch));
        assertEquals(hand("a\"b"), fast("a\"b", new byte[0]));
    }
}
