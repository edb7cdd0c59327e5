package dev.keymem.jobs.serde;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Strings in the jobs' record serializers, sent exactly as they are. {@link #write}: the UTF-8 length (int) and
 * bytes, a bulk encode and decode where Flink's POJO serializer handles one character at a time; a string with
 * an unpaired surrogate, which UTF-8 cannot carry, goes as its UTF-16 chars instead (length {@code -1 - chars},
 * then the chars). {@link #writeAscii}: a string known to hold only ASCII, its length and its chars as bytes.
 */
@Internal
public final class ExactStrings {
    private ExactStrings() {
    }

    /**
     * Writes {@code s} so that {@link #read} gives it back char for char; nothing for null (the caller's flag
     * says the field is absent).
     */
    public static void write(String s, DataOutputView out) throws IOException {
        if (s == null) {
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (mayBeReplaced(b) && !utf8Safe(s)) {
            out.writeInt(-1 - s.length());
            for (int i = 0; i < s.length(); i++) {
                out.writeChar(s.charAt(i));
            }
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    /** What {@link #write} wrote. */
    public static String read(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            char[] c = new char[-1 - n];
            for (int i = 0; i < c.length; i++) {
                c[i] = in.readChar();
            }
            return new String(c);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Copies one string {@link #write} wrote from {@code in} to {@code out} without decoding it. */
    public static void copy(DataInputView in, DataOutputView out) throws IOException {
        int n = in.readInt();
        out.writeInt(n);
        out.write(in, n < 0 ? 2 * (-1 - n) : n);
    }

    /** A string of ASCII characters only: its length and its chars as bytes (a copy, nothing to encode). */
    public static void writeAscii(String s, DataOutputView out) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.writeInt(b.length);
        out.write(b);
    }

    /** What {@link #writeAscii} wrote. */
    public static String readAscii(DataInputView in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Whether the encoder may have replaced an unpaired surrogate: it writes '?' for one. */
    private static boolean mayBeReplaced(byte[] b) {
        for (byte x : b) {
            if (x == '?') {
                return true;
            }
        }
        return false;
    }

    /** False when {@code s} holds an unpaired surrogate (which UTF-8 encoding replaces). */
    static boolean utf8Safe(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }
}
