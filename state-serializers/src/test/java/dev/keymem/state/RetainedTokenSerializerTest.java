package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.keymem.models.retention.RetainedToken;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's serializer contract tests for archived STR / CMP tokens (MapState values). */
class RetainedTokenSerializerTest extends SerializerTestBase<RetainedToken> {

    @Override
    protected TypeSerializer<RetainedToken> createSerializer() {
        return new RetainedTokenSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<RetainedToken> getTypeClass() {
        return RetainedToken.class;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected RetainedToken[] getTestData() {
        SplittableRandom r = new SplittableRandom(43);
        List<RetainedToken> out = new ArrayList<>();
        out.add(RetentionSamples.token(r, 0, 1, 1, 1));
        out.add(RetentionSamples.token(r, 77, 2, 3, 4));
        out.add(new RetainedToken(5, new float[] {1f}, new float[] {2f}, new float[] {0.5f}, new float[] {-1f},
                Float.NaN, 0.0, Double.NaN));
        List<RetainedToken> made = (List<RetainedToken>) RetentionSamples.modelMade(92).get(1);
        assertFalse(made.isEmpty(), "the model archived nothing");
        out.addAll(made);
        return out.toArray(new RetainedToken[0]);
    }
}
