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
}
