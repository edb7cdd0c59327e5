package dev.keymem.jobs.logs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A byte codec that drops runs of zero bytes, for state payloads that are mostly zeros (a source's
 * B'MOJO and STR/CMP buffers are allocated at full capacity and fill slowly).
 *
 * <p>Encoded form: pairs {@code (varint literalLength, literal bytes, varint zeroRunLength)} until the
 * decoded length is reached (no pair for zero bytes; a pair may not be empty); varints are unsigned LEB128 (7 bits a byte, low bits first, at most 5
 * bytes). The encoder cuts out the zero runs of at least {@link #MIN_RUN} bytes that it finds by
 * probing an 8-byte word every 32 bytes (shorter runs stay in the literals); any cut decodes to the
 * same bytes, so only {@link #decode} is part of the format.
 */
final class ZeroRuns {
    /**
     * Shortest zero run the encoder cuts out: shorter ones (a few zero floats inside a vector) would
     * cost more in pairs to decode than they save.
     */
    static final int MIN_RUN = 64;
    /** The encoder looks for zeros every STEP bytes; a run of STEP + 7 zero bytes or more is always seen. */
    private static final int STEP = 32;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private static final byte[] ZEROS = new byte[4096];

    private ZeroRuns() {
    }

    /** Most bytes {@code encode} writes for {@code n} input bytes. */
    static int maxEncodedLength(int n) {
        // Every pair but the last covers a zero run of MIN_RUN bytes or more; a pair adds 10 varint bytes at most.
        return n + 10 * (n / MIN_RUN + 1);
    }

    /**
     * Encodes bytes [0, n) of {@code src} into {@code dst} (at least {@link #maxEncodedLength}(n) long);
     * returns the encoded length.
     */
    static int encode(byte[] src, int n, byte[] dst) {
        int o = 0;
        int lit = 0;
        int i = 0;
        while (i + 8 <= n) {
            if ((long) LONGS.get(src, i) != 0L) {
                i += STEP;
                continue;
            }
            int start = i;
            while (start > lit && src[start - 1] == 0) {
                start--;
            }
            int end = zerosEnd(src, i + 8, n);
            if (end - start >= MIN_RUN) {
                o = pair(src, lit, start - lit, end - start, dst, o);
                lit = end;
            }
            i = end;
        }
        return lit < n ? pair(src, lit, n - lit, 0, dst, o) : o;
    }

    /** The first index at or after {@code from} (and before n) of a nonzero byte, else n. */
    private static int zerosEnd(byte[] src, int from, int n) {
        int end = from;
        while (end < n) {
            int chunk = Math.min(n - end, ZEROS.length);
            int at = Arrays.mismatch(src, end, end + chunk, ZEROS, 0, chunk); // vectorized by the JIT
            if (at >= 0) {
                return end + at;
            }
            end += chunk;
        }
        return n;
    }

    private static int pair(byte[] src, int from, int literal, int zeros, byte[] dst, int o) {
        o = varint(literal, dst, o);
        System.arraycopy(src, from, dst, o, literal);
        o += literal;
        return varint(zeros, dst, o);
    }

    private static int varint(int v, byte[] dst, int o) {
        while ((v & ~0x7F) != 0) {
            dst[o++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        dst[o++] = (byte) v;
        return o;
    }

    /**
     * Decodes {@code srcLength} encoded bytes of {@code src} into exactly {@code n} bytes of {@code dst}.
     *
     * @throws IllegalArgumentException (with what is wrong) when the input is not an encoding of n bytes
     */
    static void decode(byte[] src, int srcLength, byte[] dst, int n) {
        int[] pos = {0};
        int o = 0;
        while (o < n) {
            int literal = readVarint(src, srcLength, pos, "literal length");
            if (literal > n - o || literal > srcLength - pos[0]) {
                throw new IllegalArgumentException("literal of " + literal + " bytes at decoded byte " + o
                        + " overruns the " + n + " decoded or " + srcLength + " encoded bytes");
            }
            System.arraycopy(src, pos[0], dst, o, literal);
            pos[0] += literal;
            o += literal;
            int zeros = readVarint(src, srcLength, pos, "zero run length");
            if (zeros > n - o) {
                throw new IllegalArgumentException("zero run of " + zeros + " bytes at decoded byte " + o
                        + " overruns the " + n + " decoded bytes");
            }
            Arrays.fill(dst, o, o + zeros, (byte) 0);
            o += zeros;
            if (literal == 0 && zeros == 0 && o < n) {
                throw new IllegalArgumentException("empty pair at decoded byte " + o);
            }
        }
        if (pos[0] != srcLength) {
            throw new IllegalArgumentException((srcLength - pos[0]) + " encoded bytes left after " + n
                    + " decoded bytes");
        }
    }

    private static int readVarint(byte[] src, int srcLength, int[] pos, String what) {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= srcLength) {
                throw new IllegalArgumentException("encoded bytes end inside a " + what);
            }
            int b = src[pos[0]++] & 0xFF;
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0 || (shift == 28 && b > 0x07)) {
                    throw new IllegalArgumentException(what + " does not fit an int");
                }
                return v;
            }
        }
        throw new IllegalArgumentException(what + " is longer than 5 bytes");
    }
}
