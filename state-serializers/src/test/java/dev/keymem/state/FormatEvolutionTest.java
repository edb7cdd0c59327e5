package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellState;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * How a layout evolves: a hypothetical CellState format 2 (adds a float "temperature" after the
 * data) keeps format 1's reader, so the committed format-1 fixture still restores, entry by entry,
 * and new entries are written as format 2. Proves the frame and snapshot design carry a change.
 */
class FormatEvolutionTest {

    /** Format 2 = format 1 + one float; reads both. */
    static final class CellStateV2 implements StatePiece<CellState> {
        @Override public String name() { return "CellState"; }
        @Override public int code() { return CellStatePiece.CODE; }
        @Override public int currentFormat() { return 2; }
        @Override public void write(CellState v, PayloadWriter out) {
            CellStatePiece.writeCell(v, out);
            out.putFloat(1.5f);
        }
        @Override public CellState read(int format, PayloadReader in, CellState reuse) throws CorruptStateException {
            CellState s = CellStatePiece.readCell(in, reuse);
            if (format == 2) {
                in.getFloat("temperature");
            }
            return s;
        }
        @Override public CellState copy(CellState v) { return v.copy(); }
        @Override public CellState empty() { return new CellState(0); }
    }

    static final class V2Serializer extends FramedSerializer<CellState> {
        private static final long serialVersionUID = 1L;
        @Override protected StatePiece<CellState> piece() { return new CellStateV2(); }
        @Override protected FramedSerializer<CellState> newInstance() { return new V2Serializer(); }
        @Override public TypeSerializerSnapshot<CellState> snapshotConfiguration() {
            V2Snapshot s = new V2Snapshot();
            s.initCurrent();
            return s;
        }
    }

    public static final class V2Snapshot extends FramedSerializerSnapshot<CellState> {
        public V2Snapshot() {
        }
        @Override protected StatePiece<CellState> piece() { return new CellStateV2(); }
        @Override protected FramedSerializer<CellState> currentSerializer() { return new V2Serializer(); }
    }

    @Test
    void aNewFormatReadsTheCommittedFormat1BytesAndWritesItself() throws IOException {
        CellStateFixtureTest.writeFixturesIfMissing();
        DataInputDeserializer in = new DataInputDeserializer(Files.readAllBytes(CellStateFixtureTest.STATES));
        CellState[] expected = CellStateFixtureTest.expectedStates();
        assertEquals(expected.length, in.readInt());
        V2Serializer v2 = new V2Serializer();
        for (CellState e : expected) {
            assertEquals(e, v2.deserialize(in));
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        v2.serialize(expected[2], out);
        byte[] b = out.getCopyOfBuffer();
        assertEquals(2, b[5], "new entries carry format 2");
        assertEquals(expected[2], v2.deserialize(new DataInputDeserializer(b)));
    }

    @Test
    void aFormat1SnapshotIsCompatibleWithTheFormat2Serializer() throws IOException {
        // The committed v1 snapshot records payload format 1; a snapshot of the same class with format 1
        // resolves as compatible with a serializer whose current format is 2.
        DataOutputSerializer raw = new DataOutputSerializer(8);
        raw.writeByte(CellStatePiece.CODE);
        raw.writeByte(1);
        V2Snapshot old = new V2Snapshot();
        old.readSnapshot(1, new DataInputDeserializer(raw.getCopyOfBuffer()), getClass().getClassLoader());
        assertTrue(new V2Serializer().snapshotConfiguration().resolveSchemaCompatibility(old).isCompatibleAsIs());
        DataOutputSerializer snap = new DataOutputSerializer(64);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(snap, new V2Serializer().snapshotConfiguration());
        TypeSerializerSnapshot<CellState> back = TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(snap.getCopyOfBuffer()), getClass().getClassLoader());
        assertEquals(2, ((V2Snapshot) back).payloadFormat());
    }
}
