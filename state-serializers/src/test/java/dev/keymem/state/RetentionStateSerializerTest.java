package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.retention.RetentionState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's serializer contract tests for the STR / CMP state: synthetic and model-made states. */
class RetentionStateSerializerTest extends SerializerTestBase<RetentionState> {

    @Override
    protected TypeSerializer<RetentionState> createSerializer() {
        return new RetentionStateSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<RetentionState> getTypeClass() {
        return RetentionState.class;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected RetentionState[] getTestData() {
        List<RetentionState> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(41);
        out.add(RetentionSamples.random(r, 1, 2, 2, 0, 0));
        out.add(RetentionSamples.random(r, 2, 3, 4, 2, 3));
        List<RetentionState> made = (List<RetentionState>) RetentionSamples.modelMade(91).get(0);
        RetentionState last = made.get(made.size() - 1);
        assertTrue(last.archivedCount() > 0 && !last.retained().isEmpty(), "the model-made samples never archived");
        out.addAll(made);
        return out.toArray(new RetentionState[0]);
    }
}
