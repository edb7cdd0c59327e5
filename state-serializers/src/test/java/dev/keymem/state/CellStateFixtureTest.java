package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Restores CellState bytes and the serializer snapshot bytes committed under
 * src/test/resources/fixtures (written by the first build of format 1). If a later change breaks
 * the stored layout, these fail. A missing fixture is written once (then commit it).
 */
class CellStateFixtureTest {

    static final Path DIR = Path.of("src/test/resources/fixtures");
    static final Path STATES = DIR.resolve("cellstate-format1.bin");
    static final Path SNAPSHOT = DIR.resolve("cellstate-serializer-snapshot-v1.bin");

    /** The states the fixture holds, regenerated from a fixed seed. */
    static CellState[] expectedStates() {
        SplittableRandom r = new SplittableRandom(20261123L);
        int[] sizes = {0, 1, 17, 2 * 8 * 8, 4 * 16 * 16};
        CellState[] out = new CellState[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = StateSamples.randomState(r, sizes[i]);
        }
        return out;
    }

    static void writeFixturesIfMissing() throws IOException {
        Files.createDirectories(DIR);
        if (!Files.exists(STATES)) {
            DataOutputSerializer out = new DataOutputSerializer(1024);
            CellState[] states = expectedStates();
            out.writeInt(states.length);
            CellStateSerializer s = new CellStateSerializer();
            for (CellState st : states) {
                s.serialize(st, out);
            }
            Files.write(STATES, out.getCopyOfBuffer());
        }
        if (!Files.exists(SNAPSHOT)) {
            DataOutputSerializer out = new DataOutputSerializer(256);
            TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(out,
                    new CellStateSerializer().snapshotConfiguration());
            Files.write(SNAPSHOT, out.getCopyOfBuffer());
        }
    }

    @Test
    void committedStateBytesRestoreBitwise() throws IOException {
        writeFixturesIfMissing();
        DataInputDeserializer in = new DataInputDeserializer(Files.readAllBytes(STATES));
        CellState[] expected = expectedStates();
        assertEquals(expected.length, in.readInt());
        CellStateSerializer s = new CellStateSerializer();
        for (CellState e : expected) {
            CellState got = s.deserialize(in);
            assertEquals(e.position(), got.position());
            assertArrayEquals(e.data(), got.data());
        }
        assertEquals(0, in.available());
    }

    @Test
    void committedStateBytesEqualWhatTheCurrentSerializerWrites() throws IOException {
        writeFixturesIfMissing();
        DataOutputSerializer out = new DataOutputSerializer(1024);
        CellState[] states = expectedStates();
        out.writeInt(states.length);
        for (CellState st : states) {
            new CellStateSerializer().serialize(st, out);
        }
        assertArrayEquals(Files.readAllBytes(STATES), out.getCopyOfBuffer(),
                "format 1 layout changed: bump CellStatePiece.FORMAT and keep a reader for format 1");
    }

    @Test
    void committedSnapshotRestoresACompatibleSerializer() throws IOException {
        writeFixturesIfMissing();
        TypeSerializerSnapshot<CellState> old = TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(Files.readAllBytes(SNAPSHOT)), getClass().getClassLoader());
        assertInstanceOf(CellStateSerializer.CellStateSerializerSnapshot.class, old);
        TypeSerializerSchemaCompatibility<CellState> compat =
                new CellStateSerializer().snapshotConfiguration().resolveSchemaCompatibility(old);
        assertTrue(compat.isCompatibleAsIs(), compat.toString());
        TypeSerializer<CellState> restored = old.restoreSerializer();
        assertEquals(new CellStateSerializer(), restored);
        // The restored serializer reads the committed state bytes.
        DataInputDeserializer in = new DataInputDeserializer(Files.readAllBytes(STATES));
        int n = in.readInt();
        CellState[] expected = expectedStates();
        for (int i = 0; i < n; i++) {
            assertEquals(expected[i], restored.deserialize(in));
        }
    }
}
