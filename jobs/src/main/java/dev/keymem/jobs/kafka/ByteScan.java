package dev.keymem.jobs.kafka;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.flink.annotation.Internal;

/**
 * Scans of byte arrays eight bytes at a time (one {@code long} read and a few word operations per eight bytes,
 * a hit's place in its word taken from the word's flags; the last bytes short of a word one by one), for the
 * per-record scans of the readers and writers of file runs: under C1, the JIT of those runs, a plain loop costs
 * ~1.5 ns a byte (a load, a bounds check and a compare each), these ~0.6. Each answer is the plain loop's (the
 * {@code *Reference} forms; ByteScanTest compares them).
 */
@Internal
public final class ByteScan {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private ByteScan() {
    }

    /**
     * The bytes of {@code w} (read little-endian: byte k in bits 8k..8k+7) that are 0, flagged in their high bits;
     * exact in the lowest flagged byte (no borrow reaches it), so nonzero iff some byte is 0.
     */
    private static long zeros(long w) {
        return (w - ONES) & ~w & HIGHS;
    }

    /**
     * The index in its word of the lowest byte flagged in {@code m} (a nonzero word of high bits, byte k in bits
     * 8k..8k+7 as {@link #LONGS} reads it). Each scan's flags are exact in their lowest flagged byte (a flag set by a
     * borrow lies above the byte that borrowed, itself flagged), so this is the first hit of the word: the scans
     * return it at once instead of looking at the word's bytes one by one again. The lowest flag alone
     * ({@code m & -m}, bit 8k+7) shifted down is 1 at byte k, and times {@link #LANES} (byte j of it 7 - j) puts
     * byte 7 - k of {@code LANES}, which is k, in the top byte: three word operations, where
     * {@code Long.numberOfTrailingZeros(m) >>> 3} (the same lane; ByteScanTest compares them) is two calls under
     * C1, which does not make it an intrinsic.
     */
    static int lane(long m) {
        return (int) ((((m & -m) >>> 7) * LANES) >>> 56);
    }

    /** Byte j is {@code 7 - j} (see {@link #lane}). */
    private static final long LANES = 0x0001020304050607L;

    /** The first index in {@code [from, to)} whose byte is {@code v}, or -1. */
    public static int indexOf(byte[] b, int from, int to, byte v) {
        long pattern = ONES * (v & 0xFF);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long m = zeros((long) LONGS.get(b, i) ^ pattern);
            if (m != 0) {
                return i + lane(m);
            }
        }
        for (; i < to; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** {@link #indexOf}'s reference: a plain loop. */
    static int indexOfReference(byte[] b, int from, int to, byte v) {
        for (int i = from; i < to; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first index in {@code [from, to)} whose byte ends or interrupts a JSON string's plain run: a quote, a
     * backslash, a control character (below 0x20) or a byte over 127; {@code to} where none does.
     */
    public static int jsonStringStop(byte[] b, int from, int to) {
        final long quotes = ONES * '"';
        final long backslashes = ONES * '\\';
        final long spaces = ONES * 0x20;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i);
            // bytes over 127, bytes below 0x20 (exact in the lowest flagged byte: no borrow reaches it), quotes,
            // backslashes
            long m = w & HIGHS | (w - spaces) & ~w & HIGHS | zeros(w ^ quotes) | zeros(w ^ backslashes);
            if (m != 0) {
                return i + lane(m);
            }
        }
        for (; i < to; i++) {
            byte c = b[i];
            if (c < 0x20 || c == '"' || c == '\\') { // also every byte over 127
                return i;
            }
        }
        return to;
    }

    /**
     * {@link #jsonStringStop}{@code (b, from, to)}, with the bytes before it copied to {@code out} from
     * {@code at}: eight bytes a step, each word read once, flagged as {@link #jsonStringStop} flags it and stored
     * whole into {@code out} (the bytes after the stop in that word are written too, to be overwritten or left
     * unused: only {@code out[at, at + stop - from)} is meant), where a scan then a copy ({@link #jsonStringStop}
     * and {@code System.arraycopy}, the reference; ByteScanTest compares the two) reads each byte twice and calls
     * the copy once per plain run, a call that costs more under C1 than the few words of the short runs between
     * the escaped quotes of a JSON text inside a JSON string. Copies words only while all eight bytes fit in
     * {@code out}, then byte by byte; returns the stop where {@code out} holds every byte before it, or
     * {@code -1 - i} where {@code out} ran out at {@code i} (the bytes before {@code i} copied: the caller grows
     * {@code out} and calls again from {@code i}).
     */
    public static int copyJsonPlainRun(byte[] b, int from, int to, byte[] out, int at) {
        final long quotes = ONES * '"';
        final long backslashes = ONES * '\\';
        final long spaces = ONES * 0x20;
        int i = from;
        int o = at;
        int words = Math.min(to - i, out.length - o) - 8;
        for (int w8 = i + words; i <= w8; i += 8, o += 8) {
            long w = (long) LONGS.get(b, i);
            LONGS.set(out, o, w);
            long m = w & HIGHS | (w - spaces) & ~w & HIGHS | zeros(w ^ quotes) | zeros(w ^ backslashes);
            if (m != 0) {
                return i + lane(m);
            }
        }
        for (; i < to; i++, o++) {
            byte c = b[i];
            if (c < 0x20 || c == '"' || c == '\\') { // also every byte over 127
                return i;
            }
            if (o >= out.length) {
                return -1 - i;
            }
            out[o] = c;
        }
        return to;
    }

    /** {@link #copyJsonPlainRun}'s reference: {@link #jsonStringStop}, then the copy where it fits. */
    static int copyJsonPlainRunReference(byte[] b, int from, int to, byte[] out, int at) {
        int stop = jsonStringStop(b, from, to);
        int fits = Math.min(stop - from, out.length - at);
        System.arraycopy(b, from, out, at, fits);
        return fits < stop - from ? -1 - (from + fits) : stop;
    }

    /** {@link #jsonStringStop}'s reference: a plain loop. */
    static int jsonStringStopReference(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c < 0x20 || c == '"' || c == '\\') {
                return i;
            }
        }
        return to;
    }

    /** The first index in {@code [from, to)} whose byte is 0, over 127 or a backslash; {@code to} where none is. */
    public static int asciiStop(byte[] b, int from, int to) {
        final long backslashes = ONES * '\\';
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i);
            long m = w & HIGHS | zeros(w) | zeros(w ^ backslashes);
            if (m != 0) {
                return i + lane(m);
            }
        }
        for (; i < to; i++) {
            byte c = b[i];
            if (c <= 0 || c == '\\') {
                return i;
            }
        }
        return to;
    }

    /** {@link #asciiStop}'s reference: a plain loop. */
    static int asciiStopReference(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c <= 0 || c == '\\') {
                return i;
            }
        }
        return to;
    }

    /** The first index in {@code [from, to)} whose byte is over 127, or -1. */
    public static int indexOfNegative(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long m = (long) LONGS.get(b, i) & HIGHS;
            if (m != 0) {
                return i + lane(m);
            }
        }
        for (; i < to; i++) {
            if (b[i] < 0) {
                return i;
            }
        }
        return -1;
    }

    /** {@link #indexOfNegative}'s reference: a plain loop. */
    static int indexOfNegativeReference(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0) {
                return i;
            }
        }
        return -1;
    }

    /** The first index in {@code [from, to)} whose byte is over 127 or is {@code v}, or -1. */
    public static int indexOfNegativeOr(byte[] b, int from, int to, byte v) {
        long pattern = ONES * (v & 0xFF);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i);
            long m = w & HIGHS | zeros(w ^ pattern);
            if (m != 0) {
                return i + lane(m);
            }
        }
        for (; i < to; i++) {
            if (b[i] < 0 || b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** {@link #indexOfNegativeOr}'s reference: a plain loop. */
    static int indexOfNegativeOrReference(byte[] b, int from, int to, byte v) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0 || b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first index in {@code [from, to)} whose byte, read unsigned (a Latin-1 char), ends or interrupts a JSON
     * string's plain run: a quote, a backslash or a control character (below 0x20); {@code to} where none does.
     * Bytes over 127 are plain here (unlike {@link #jsonStringStop}).
     */
    public static int jsonCharStop(byte[] b, int from, int to) {
        final long quotes = ONES * '"';
        final long backslashes = ONES * '\\';
        final long spaces = ONES * 0x20;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i);
            long m = (w - spaces) & ~w & HIGHS | zeros(w ^ quotes) | zeros(w ^ backslashes);
            if (m != 0) {
                return i + lane(m);
            }
        }
        for (; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x20 || c == '"' || c == '\\') {
                return i;
            }
        }
        return to;
    }

    /** {@link #jsonCharStop}'s reference: a plain loop. */
    static int jsonCharStopReference(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x20 || c == '"' || c == '\\') {
                return i;
            }
        }
        return to;
    }
}
