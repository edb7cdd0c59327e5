package dev.keymem.state;

import dev.keymem.models.caching.CacheSummary;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.cells.CellState;
import java.util.ArrayList;
import java.util.List;
import java.io.IOException;
import java.util.SplittableRandom;
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
}
