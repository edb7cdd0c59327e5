package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.bmojo.BmojoState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's serializer contract tests for the B'MOJO state: synthetic and model-made states. */
class BmojoStateSerializerTest extends SerializerTestBase<BmojoState> {

    @Override
    protected TypeSerializer<BmojoState> createSerializer() {
        return new BmojoStateSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<BmojoState> getTypeClass() {
        return BmojoState.class;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected BmojoState[] getTestData() {
        List<BmojoState> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(31);
        out.add(BmojoSamples.random(r, 1, 2, 2, 1, 0, 0, 0)); // B'MOJO-F shape
        out.add(BmojoSamples.random(r, 2, 3, 4, 2, 3, 2, 1));
        out.add(BmojoSamples.random(r, 3, 4, 2, 5, 6, 0, 4));
        List<BmojoState> made = (List<BmojoState>) BmojoSamples.modelMade(77).get(0);
        assertTrue(made.get(made.size() - 1).evicted() > 0, "the model-made samples never evicted");
        out.addAll(made);
        return out.toArray(new BmojoState[0]);
    }
}
