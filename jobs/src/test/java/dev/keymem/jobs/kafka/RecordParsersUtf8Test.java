package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.operators.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordParsers#strictUtf8} (a check by hand, then the JDK's decoding) against its reference, {@link
 * DeadLetter#strictUtf8} (a {@code CharsetDecoder} that reports malformed input): the same text or the same refusal
 * on every sequence of one and two bytes and the three- and four-byte leads with every second byte and the edges
 * of the third (alone, before a continuation byte and after ASCII),
 * on random mixes of ASCII, well-formed, overlong, surrogate, out-of-range and cut sequences, and on real lines.
 */
class RecordParsersUtf8Test {
    private static int check(byte[] b) {
        String want = DeadLetter.strictUtf8(b);
        assertEquals(want, RecordParsers.strictUtf8(b), () -> java.util.HexFormat.of().formatHex(b));
        return want == null ? 0 : 1;
    }

    @Test
    void everyShortSequenceIsDecodedOrRefusedAsTheDecoderDoes() {
        int good = 0;
        byte[] thirds = {0x00, 0x41, 0x7F, (byte) 0x80, (byte) 0x8F, (byte) 0x90, (byte) 0x9F, (byte) 0xA0,
            (byte) 0xBF, (byte) 0xC0, (byte) 0xF4, (byte) 0xFF};
        for (int x = 0; x < 256; x++) {
            good += check(new byte[] {(byte) x});
            for (int y = 0; y < 256; y++) {
                good += check(new byte[] {(byte) x, (byte) y});
                if (x < 0xE0 || x > 0xF4 && y != 0x80) { // one- and two-byte leads, or refused leads: enough
                    continue;
                }
                for (byte z : thirds) {
                    good += check(new byte[] {(byte) x, (byte) y, z});
                    good += check(new byte[] {(byte) x, (byte) y, z, (byte) 0x80});
                    good += check(new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', (byte) x, (byte) y, z, (byte) 0xBF});
                }
            }
        }
        assertTrue(good > 10_000, "decoded: " + good);
    }

    @Test
    void randomMixesAreDecodedOrRefusedAsTheDecoderDoes() {
        String[] parts = {"a", "plain ascii text ", "\t", "\u0000", "\u00e9", "\u00ff", "\u0800", "\u4e2d\u6587",
            "\uFEFF", "\uFFFD", "\uD83D\uDE80", "\uDBFF\uDFFF", "\u10000"};
        byte[][] odd = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF}, {(byte) 0xE0, (byte) 0x80,
            (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF0, (byte) 0x80, (byte) 0x80,
            (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF5}, {(byte) 0x80},
            {(byte) 0xE4, (byte) 0xB8}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, {(byte) 0xFF}};
        SplittableRandom r = new SplittableRandom(29);
        int good = 0;
        for (int k = 0; k < 30_000; k++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int j = r.nextInt(0, 12); j > 0; j--) {
                byte[] p = r.nextInt(10) == 0 ? odd[r.nextInt(odd.length)]
                        : parts[r.nextInt(parts.length)].getBytes(StandardCharsets.UTF_8);
                out.write(p, 0, p.length);
            }
            byte[] b = out.toByteArray();
            good += check(b);
            if (b.length > 0) {
                good += check(java.util.Arrays.copyOf(b, r.nextInt(b.length))); // cut anywhere
            }
        }
        assertTrue(good > 10_000, "decoded: " + good);
    }

    @Test
    void realLinesAreDecodedAsTheDecoderDoes() throws Exception {
        int good = 0;
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("../samples/logs/services.log"))) {
            good += check(line.getBytes(StandardCharsets.UTF_8));
        }
        // loghub_2k's lines as their bytes (read one char per byte), with their non-ASCII ones
        for (String line : dev.keymem.jobs.testdata.Loghub.lines("RecordParsersUtf8Test")) {
            byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
            good += check(b);
            good += check(new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(good > 100, "decoded: " + good);
    }
}
