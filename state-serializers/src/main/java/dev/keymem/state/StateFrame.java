package dev.keymem.state;

import java.io.EOFException;
import java.io.IOException;
import java.util.zip.CRC32C;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The binary frame around every stored state value:
 *
 * <pre>
 *   int   magic            0x4B4D5354 ("KMST")
 *   byte  piece code       which {@link StatePiece} wrote it
 *   byte  format version   the piece's payload format
 *   int   payload length   bytes
 *   byte[] payload         written by the piece (little-endian numbers, arrays in bulk)
 *   int   CRC32C           over piece code, format, length and payload
 * </pre>
 *
 * Header numbers are big-endian (Flink's DataOutputView). Reading checks all of it and throws a
 * {@link CorruptStateException} naming the piece on any mismatch. An instance carries scratch
 * buffers and is not thread-safe; each serializer instance owns one.
 */
public final class StateFrame<T> {

    public static final int MAGIC = 0x4B4D5354;
    /** Upper bound on one payload (guards allocations against a corrupted length). */
    public static final int MAX_PAYLOAD_BYTES = 1 << 30;
    /** Bytes a frame adds around its payload. */
    public static final int OVERHEAD_BYTES = 4 + 1 + 1 + 4 + 4;

    private final StatePiece<T> piece;
    private final PayloadWriter writer = new PayloadWriter(256);
    private final PayloadReader reader;
    private final CRC32C crc = new CRC32C();
    private final byte[] header = new byte[6];
    private byte[] readBuf = new byte[256];

    public StateFrame(StatePiece<T> piece) {
        this.piece = piece;
        this.reader = new PayloadReader(piece.name());
    }

    public StatePiece<T> piece() {
        return piece;
    }

    /** Writes {@code value} as one frame; returns the bytes written. */
    public int write(T value, DataOutputView out) throws IOException {
        if (value == null) {
            throw new NullPointerException("cannot serialize a null " + piece.name());
        }
        writer.reset();
        piece.write(value, writer);
        int len = writer.size();
        int format = piece.currentFormat();
        out.writeInt(MAGIC);
        out.writeByte(piece.code());
        out.writeByte(format);
        out.writeInt(len);
        out.write(writer.array(), 0, len);
        out.writeInt(checksum(piece.code(), format, len, writer.array()));
        return len + OVERHEAD_BYTES;
    }

    /** Reads one frame and decodes it, possibly into {@code reuse}. */
    public T read(DataInputView in, T reuse) throws IOException {
        int format = readFrame(in);
        reader.wrap(readBuf, lastLength);
        T value = piece.read(format, reader, reuse);
        if (reader.remaining() != 0) {
            throw new CorruptStateException(piece.name(), reader.remaining()
                    + " unread bytes after the payload (format " + format + ")");
        }
        return value;
    }

    /** Copies one frame from {@code in} to {@code out} after checking it. */
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        int format = readFrame(in);
        out.writeInt(MAGIC);
        out.writeByte(piece.code());
        out.writeByte(format);
        out.writeInt(lastLength);
        out.write(readBuf, 0, lastLength);
        out.writeInt(checksum(piece.code(), format, lastLength, readBuf));
    }

    private int lastLength;

    /** Reads and verifies a frame into readBuf; returns its format and sets lastLength. */
    private int readFrame(DataInputView in) throws IOException {
        String name = piece.name();
        try {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new CorruptStateException(name, String.format(
                        "bad magic 0x%08X, expected 0x%08X (not a keymem state frame)", magic, MAGIC));
            }
            int code = in.readUnsignedByte();
            if (code != piece.code()) {
                throw new CorruptStateException(name, "frame holds piece code " + code + ", expected "
                        + piece.code());
            }
            int format = in.readUnsignedByte();
            if (format < 1 || format > piece.currentFormat()) {
                throw new CorruptStateException(name, "unknown payload format " + format + " (this build reads 1.."
                        + piece.currentFormat() + ")");
            }
            int len = in.readInt();
            if (len < 0 || len > MAX_PAYLOAD_BYTES) {
                throw new CorruptStateException(name, "impossible payload length " + len);
            }
            readPayload(in, len);
            int stored = in.readInt();
            int actual = checksum(code, format, len, readBuf);
            if (stored != actual) {
                throw new CorruptStateException(name, String.format(
                        "CRC32C mismatch: stored 0x%08X, computed 0x%08X over %d payload bytes", stored, actual, len));
            }
            lastLength = len;
            return format;
        } catch (EOFException e) {
            throw new CorruptStateException(name, "truncated frame (input ended early)", e);
        }
    }

    /**
     * Reads len bytes into readBuf, growing it step by step so that a corrupted (huge) length hits
     * the end of the input before it can force a huge allocation.
     */
    private void readPayload(DataInputView in, int len) throws IOException {
        int done = 0;
        while (done < len) {
            if (readBuf.length == done) {
                long grown = Math.min((long) len, Math.max(2L * readBuf.length, done + 65536L));
                readBuf = java.util.Arrays.copyOf(readBuf, (int) grown);
            }
            int step = Math.min(len, readBuf.length) - done;
            in.readFully(readBuf, done, step);
            done += step;
        }
    }

    private int checksum(int code, int format, int len, byte[] payload) {
        header[0] = (byte) code;
        header[1] = (byte) format;
        header[2] = (byte) (len >>> 24);
        header[3] = (byte) (len >>> 16);
        header[4] = (byte) (len >>> 8);
        header[5] = (byte) len;
        crc.reset();
        crc.update(header, 0, header.length);
        crc.update(payload, 0, len);
        return (int) crc.getValue();
    }
}
