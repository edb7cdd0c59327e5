package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8PrefixTest {

    /** The form DeadLetter.prefix and RecordLimits.prefix each had before they shared {@link Utf8Prefix}. */
    private static String before(byte[] bytes, int n) {
        int end = Math.min(Math.max(n, 0), bytes.length);
        while (end > 0 && end < bytes.length && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** The reference for valid UTF-8: the longest prefix of the decoded chars (whole code points) that fits. */
    private static String byChars(String s, int n) {
        int end = 0;
        int bytes = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + b > n) {
                break;
            }
            bytes += b;
            end += Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    @Test
    void validTextCutsAtWholeCharacters() {
        String s = "a\u00e9\u20ac\uD83D\uDE00z";
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        assertEquals("a\u00e9", Utf8Prefix.prefix(b, 4)); // stops before the 3-byte euro sign
        assertEquals("a\u00e9\u20ac", Utf8Prefix.prefix(b, 8)); // before the 4-byte emoji
        assertEquals("", Utf8Prefix.prefix(b, -5));
        assertEquals(s, Utf8Prefix.prefix(b, 1000));
        Random r = new Random(7);
        int[] cps = {'a', ' ', 0xe9, 0x3b1, 0x20ac, 0x4e2d, 0x1F600, 0x10FFFF};
        for (int t = 0; t < 2000; t++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(12); k > 0; k--) {
                sb.appendCodePoint(cps[r.nextInt(cps.length)]);
            }
            String text = sb.toString();
            byte[] u = text.getBytes(StandardCharsets.UTF_8);
            for (int n = -1; n <= u.length + 1; n++) {
                assertEquals(byChars(text, n), Utf8Prefix.prefix(u, n), text + " / " + n);
            }
        }
    }

    @Test
    void anyBytesCutAsBefore() {
        Random r = new Random(11);
        for (int t = 0; t < 5000; t++) {
            byte[] b = new byte[r.nextInt(10)];
            r.nextBytes(b);
            for (int n = -1; n <= b.length + 1; n++) {
                assertEquals(before(b, n), Utf8Prefix.prefix(b, n));
            }
        }
    }

    @Test
    void deadLetterCutsItsValueWithIt() {
        byte[] v = "\u20ac\u20ac\u20ac".getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetter.ofSource("t", 0, 1, "k", 2, v, "bad");
        String json = d.toJson(4);
        assertEquals(true, json.contains("\"value\":\"\u20ac\""), json);
        assertEquals(true, json.contains("\"value_bytes\":9"), json);
    }
}
