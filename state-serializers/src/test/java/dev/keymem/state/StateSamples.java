package dev.keymem.state;

import dev.keymem.models.cells.CellState;
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
