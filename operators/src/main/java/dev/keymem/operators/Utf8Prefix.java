package dev.keymem.operators;

import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;

/**
 * The one form of "the longest prefix of UTF-8 bytes that ends on a character boundary", for the dead letters'
 * value cut ({@link DeadLetter#toJson(int)}) and the jobs' text cuts ({@code dev.keymem.jobs.kafka.RecordLimits},
 * which cannot be a dependency of this module). Written by hand: the JDK's decoder has no "decode at most n bytes
 * at a boundary" call; {@code Utf8PrefixTest} compares it with a decoder-based reference.
 */
@Internal
public final class Utf8Prefix {
    private Utf8Prefix() {
    }

    /**
     * The longest prefix of UTF-8 {@code bytes} of at most {@code n} bytes ({@code n} below 0 counts as 0) that
     * does not end inside a character (the cut steps back over continuation bytes, 10xxxxxx), decoded as
     * {@code new String} decodes (malformed bytes become U+FFFD).
     */
    public static String prefix(byte[] bytes, int n) {
        int end = Math.min(Math.max(n, 0), bytes.length);
        while (end > 0 && end < bytes.length && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
