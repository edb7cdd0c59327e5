package dev.keymem.state;

import dev.keymem.models.cells.CellState;
import org.apache.flink.api.common.typeutils.SerializerTestBase;

/** Flink's serializer contract tests for a serializer of {@link CellState}s of any length. */
abstract class CellStateSerializerTestBase extends SerializerTestBase<CellState> {

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<CellState> getTypeClass() {
        return CellState.class;
    }
}
