package dev.keymem.state;

import dev.keymem.models.cells.CellState;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's serializer contract tests for cached checkpoint entries. */
class CachedStateSerializerTest extends CellStateSerializerTestBase {

    @Override
    protected TypeSerializer<CellState> createSerializer() {
        return new CachedStateSerializer();
    }

    @Override
    protected CellState[] getTestData() {
        SplittableRandom r = new SplittableRandom(17);
        return new CellState[] {StateSamples.randomState(r, 0), StateSamples.randomState(r, 24),
                StateSamples.randomState(r, 2 * 16 * 16)};
    }
}
