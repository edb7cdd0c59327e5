package dev.keymem.jobs.serde;

import dev.keymem.jobs.kafka.ByteScan;
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

    /**
     * A string of ASCII characters only: its length and its chars as bytes (a copy, nothing to encode), through
     * the thread's buffer ({@link #scratch}) rather than a new array per string.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the chars' low bytes, the ASCII
    public static void writeAscii(String s, DataOutputView out) throws IOException {
        int n = s.length();
        byte[] b = scratch(n);
        s.getBytes(0, n, b, 0);
        out.writeInt(n);
        out.write(b, 0, n);
    }

    /** What {@link #writeAscii} wrote. */
    public static String readAscii(DataInputView in) throws IOException {
        int n = in.readInt();
        byte[] b = scratch(n);
        in.readFully(b, 0, n);
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** Each thread's buffer for {@link #writeAscii} and {@link #readAscii}. */
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[1024]});

    /** Longest buffer kept for the next string (a longer string gets an array of its own). */
    private static final int SCRATCH_MAX = 1 << 16;

    /** A buffer of at least {@code n} bytes: the thread's, or a new one for a string over {@link #SCRATCH_MAX}. */
    private static byte[] scratch(int n) {
        if (n > SCRATCH_MAX) {
            return new byte[n];
        }
        byte[][] holder = SCRATCH.get();
        byte[] b = holder[0];
        if (b.length < n) {
            b = holder[0] = new byte[Math.max(n, Math.min(SCRATCH_MAX, 2 * b.length))];
        }
        return b;
    }

    /**
     * Whether the encoder may have replaced an unpaired surrogate: it writes '?' for one (a scan eight bytes a step,
     * {@link ByteScan#indexOf}: under C1 a plain loop costs about twice as much a byte).
     */
    private static boolean mayBeReplaced(byte[] b) {
        return ByteScan.indexOf(b, 0, b.length, (byte) '?') >= 0;
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
