package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.keymem.jobs.kafka.RecordParsers;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code BatchFileRun.wellFormedUtf8} (the bytes the file runs write) against its reference,
 * {@code RecordParsers.wellFormed(s).getBytes(UTF_8)}: every string of up to 6 chars over an alphabet of ASCII,
 * {@code '?'}, non-ASCII, a high and a low surrogate (lone and paired surrogates at every position), and long
 * random strings of the same chars; its UTF-8 encoder form ({@code wellFormedUtf8Encoded}) alike.
 */
class WellFormedUtf8Test {

    private static final char[] ALPHABET = {'a', '?', '\u00e9', '\u4e2d', '\uD83D', '\uDE80', '\uFFFD'};

    private static void check(String s) {
        byte[] want = RecordParsers.wellFormed(s).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(want, BatchFileRun.wellFormedUtf8(s),
                () -> s.chars().mapToObj(Integer::toHexString).toList().toString());
        assertArrayEquals(want, BatchFileRun.wellFormedUtf8Encoded(s),
                () -> s.chars().mapToObj(Integer::toHexString).toList().toString());
    }

    @Test
    void everyShortStringGivesTheReferenceBytes() {
        int k = ALPHABET.length;
        for (int len = 0; len <= 6; len++) {
            int total = (int) Math.pow(k, len);
            char[] c = new char[len];
            for (int code = 0; code < total; code++) {
                int x = code;
                for (int i = 0; i < len; i++) {
                    c[i] = ALPHABET[x % k];
                    x /= k;
                }
                check(new String(c));
            }
        }
    }

    @Test
    void longStringsGiveTheReferenceBytes() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 5000; trial++) {
            int len = r.nextInt(300);
            char[] c = new char[len];
            // 0: ASCII only, 1: one surrogate in ASCII, 2: ASCII and '?', 3: any, 4: non-ASCII without '?' and
            // one surrogate in it half the time
            int mode = trial % 5;
            for (int i = 0; i < len; i++) {
                c[i] = mode == 3 ? ALPHABET[r.nextInt(ALPHABET.length)]
                        : mode == 4 && r.nextInt(6) == 0 ? ALPHABET[2 + r.nextInt(ALPHABET.length - 2)]
                        : mode == 2 && r.nextInt(8) == 0 ? '?' : (char) (' ' + r.nextInt(95));
                if (mode == 4 && c[i] == '?') {
                    c[i] = 'x';
                }
            }
            if ((mode == 1 || mode == 4 && trial % 2 == 0) && len > 0) {
                c[r.nextInt(len)] = r.nextBoolean() ? '\uD800' : '\uDFFF';
            }
            check(new String(c));
        }
    }
}
