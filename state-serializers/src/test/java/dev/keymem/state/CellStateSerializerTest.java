package dev.keymem.state;

import dev.keymem.models.cells.CellState;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's own serializer contract tests (copy, reuse, sequences, snapshot, duplicate) for CellState. */
class CellStateSerializerTest extends CellStateSerializerTestBase {

    @Override
    protected TypeSerializer<CellState> createSerializer() {
        return new CellStateSerializer();
    }

    @Override
    protected CellState[] getTestData() {
        SplittableRandom r = new SplittableRandom(7);
        int[] sizes = {0, 1, 3, 64, 4 * 16 * 16, 1000};
        CellState[] out = new CellState[sizes.length + 1];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = StateSamples.randomState(r, sizes[i]);
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE,
                Float.MAX_VALUE, Float.intBitsToFloat(0x7fc00001)};
        out[sizes.length] = new CellState(special, Long.MAX_VALUE);
        return out;
    }
}
