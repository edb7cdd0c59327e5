package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keymem.models.caching.CacheSummary;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.cells.CellState;
import java.util.ArrayList;
import java.util.List;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Deterministic sample states and byte helpers for the serializer tests. */
final class StateSamples {

    private StateSamples() {
    }

    static CellState randomState(SplittableRandom r, int size) {
        float[] d = new float[size];
        for (int i = 0; i < size; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return new CellState(d, r.nextLong(0, 1L << 40));
    }

    /** A synthetic, internally consistent caching state with {@code caches} summaries. */
    static CachingState randomCaching(SplittableRandom r, int heads, int keyDim, int valueDim, int caches) {
        int hk = heads * keyDim;
        long pos = 0;
        List<CacheSummary> list = new ArrayList<>();
        long id = r.nextLong(0, 5);
        for (int i = 0; i < caches; i++) {
            long len = r.nextLong(1, 300);
            list.add(new CacheSummary(id, pos, pos + len, len, gaussians(r, hk), gaussians(r, heads),
                    r.nextLong(0, 1L << 40), r.nextDouble() * 100, r.nextLong(0, 1000), r.nextLong(1000, 5000)));
            pos += len;
            id += r.nextLong(1, 3);
        }
        long segment = r.nextLong(0, 300);
        CellState online = randomState(r, heads * keyDim * valueDim);
        online.setPosition(pos + segment);
        return new CachingState(online, pos, gaussians(r, hk), gaussians(r, heads), id, list);
    }

    static double[] gaussians(SplittableRandom r, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextGaussian();
        }
        return d;
    }

    static <T> byte[] bytes(TypeSerializer<T> s, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    static <T> T read(TypeSerializer<T> s, byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        T v = s.deserialize(in);
        if (in.available() != 0) {
            throw new IOException(in.available() + " bytes left after deserializing");
        }
        return v;
    }

    /** Every single-bit flip of {@code value}'s frame fails naming {@code piece}, and every truncation fails. */
    static <T> void assertEveryBitFlipAndTruncationDetected(FramedSerializer<T> s, T value, String piece)
            throws IOException {
        byte[] good = bytes(s, value);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int b = bit;
            CorruptStateException e = assertThrows(CorruptStateException.class, () -> read(s, bad),
                    () -> piece + " bit " + b);
            assertEquals(piece, e.piece());
        }
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThrows(CorruptStateException.class, () -> s.deserialize(new DataInputDeserializer(cut)));
        }
    }

    /**
     * A well-framed, correctly checksummed frame with {@code real}'s name and code (format 1) whose payload
     * {@code body} writes: bytes that pass the frame checks and reach the piece's decoder.
     */
    static <T> byte[] forgedFrame(StatePiece<T> real, Consumer<PayloadWriter> body) throws IOException {
        return forgedFrame(real, 1, body);
    }

    /** A well-framed (valid checksum) frame of {@code real}'s code and payload format {@code format}. */
    static <T> byte[] forgedFrame(StatePiece<T> real, int format, Consumer<PayloadWriter> body) throws IOException {
        StatePiece<T> liar = new StatePiece<>() {
            @Override public String name() { return real.name(); }
            @Override public int code() { return real.code(); }
            @Override public int currentFormat() { return format; }
            @Override public void write(T v, PayloadWriter out) { body.accept(out); }
            @Override public T read(int f, PayloadReader in, T r) { throw new AssertionError(); }
            @Override public T copy(T v) { return v; }
            @Override public T empty() { return null; }
        };
        DataOutputSerializer out = new DataOutputSerializer(64);
        new StateFrame<>(liar).write(real.empty(), out);
        return out.getCopyOfBuffer();
    }
}
