package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The allocation-free dense vector equals the string-building reference bit for bit, on any words. */
class TermAnalyzerVectorTest {

    static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 <>'-éßж中\uD83D\uDE00";

    @Test
    void vectorEqualsReferenceBitForBit() {
        SplittableRandom r = new SplittableRandom(17);
        TermAnalyzer a = new TermAnalyzer(256);
        for (int trial = 0; trial < 3000; trial++) {
            List<String> words;
            if (trial % 2 == 0) {
                StringBuilder text = new StringBuilder();
                int n = r.nextInt(40);
                for (int i = 0; i < n; i++) {
                    text.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                }
                words = a.words(text.toString());
            } else {
                words = new ArrayList<>();
                int n = r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    StringBuilder w = new StringBuilder();
                    int len = r.nextInt(7); // empty words too
                    for (int j = 0; j < len; j++) {
                        w.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                    }
                    words.add(w.toString());
                }
            }
            float[] fast = a.vector(words);
            float[] ref = a.vectorReference(words);
            for (int i = 0; i < ref.length; i++) {
                assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(fast[i]), words + " at " + i);
            }
        }
    }
}
