package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class FramedSerializerSnapshotTest {

    private static CellStateSerializer.CellStateSerializerSnapshot withFormat(int format) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(8);
        out.writeByte(CellStatePiece.CODE);
        out.writeByte(format);
        CellStateSerializer.CellStateSerializerSnapshot s = new CellStateSerializer.CellStateSerializerSnapshot();
        s.readSnapshot(1, new DataInputDeserializer(out.getCopyOfBuffer()), FramedSerializerSnapshotTest.class.getClassLoader());
        return s;
    }

    @Test
    void aNewerPayloadFormatIsIncompatible() throws IOException {
        TypeSerializerSnapshot<CellState> current = new CellStateSerializer().snapshotConfiguration();
        assertTrue(current.resolveSchemaCompatibility(withFormat(CellStatePiece.FORMAT)).isCompatibleAsIs());
        assertTrue(current.resolveSchemaCompatibility(withFormat(CellStatePiece.FORMAT + 1)).isIncompatible());
    }

    @Test
    void anotherSerializersSnapshotIsIncompatible() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<CellState> other = (TypeSerializerSnapshot) LongSerializer.INSTANCE.snapshotConfiguration();
        assertTrue(new CellStateSerializer().snapshotConfiguration().resolveSchemaCompatibility(other).isIncompatible());
    }

    @Test
    void unknownSnapshotVersionOrPieceFailsWithAClearMessage() throws IOException {
        CellStateSerializer.CellStateSerializerSnapshot s = new CellStateSerializer.CellStateSerializerSnapshot();
        IOException e = assertThrows(IOException.class, () -> s.readSnapshot(2,
                new DataInputDeserializer(new byte[] {1, 1}), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("CellState"), e.getMessage());
        IOException e2 = assertThrows(IOException.class, () -> s.readSnapshot(1,
                new DataInputDeserializer(new byte[] {9, 1}), getClass().getClassLoader()));
        assertTrue(e2.getMessage().contains("piece code 9"), e2.getMessage());
    }

    @Test
    void snapshotRoundTripKeepsTheFormat() throws IOException {
        CellStateSerializer.CellStateSerializerSnapshot s = withFormat(1);
        DataOutputSerializer out = new DataOutputSerializer(8);
        s.writeSnapshot(out);
        CellStateSerializer.CellStateSerializerSnapshot back = new CellStateSerializer.CellStateSerializerSnapshot();
        back.readSnapshot(1, new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertEquals(1, back.payloadFormat());
    }
}
