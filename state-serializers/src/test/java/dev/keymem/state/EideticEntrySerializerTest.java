package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.keymem.models.bmojo.EideticEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's serializer contract tests for archived B'MOJO entries (MapState values). */
class EideticEntrySerializerTest extends SerializerTestBase<EideticEntry> {

    @Override
    protected TypeSerializer<EideticEntry> createSerializer() {
        return new EideticEntrySerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<EideticEntry> getTypeClass() {
        return EideticEntry.class;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected EideticEntry[] getTestData() {
        SplittableRandom r = new SplittableRandom(37);
        List<EideticEntry> out = new ArrayList<>();
        out.add(BmojoSamples.entry(r, 1, 1));
        out.add(BmojoSamples.entry(r, 6, 5));
        List<EideticEntry> made = (List<EideticEntry>) BmojoSamples.modelMade(78).get(1);
        assertFalse(made.isEmpty(), "the model archived nothing");
        out.addAll(made.subList(0, Math.min(4, made.size())));
        return out.toArray(new EideticEntry[0]);
    }
}
