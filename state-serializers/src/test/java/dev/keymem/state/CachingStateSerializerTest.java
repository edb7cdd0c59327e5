package dev.keymem.state;

import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.caching.InMemoryCacheStore;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's serializer contract tests for the Memory Caching state: synthetic and real (model-made) states. */
class CachingStateSerializerTest extends SerializerTestBase<CachingState> {

    @Override
    protected TypeSerializer<CachingState> createSerializer() {
        return new CachingStateSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<CachingState> getTypeClass() {
        return CachingState.class;
    }

    @Override
    protected CachingState[] getTestData() {
        List<CachingState> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(13);
        for (int caches : new int[] {0, 1, 5}) {
            out.add(StateSamples.randomCaching(r, 2, 3, 4, caches));
        }
        // States made by Memory Caching itself (segments of 4 tokens, SSC reads).
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 2, 4, 3, 4);
        MemoryCaching mc = new MemoryCaching(Cells.recurrent(spec),
                CachingSettings.defaults().withSegmentation(CachingSettings.Segmentation.CONSTANT, 4)
                        .withRead(CachingSettings.ReadVariant.SSC));
        CachingState st = mc.newState();
        InMemoryCacheStore store = new InMemoryCacheStore();
        for (int i = 0; i < 4; i++) {
            int t = 3 + 2 * i;
            mc.forward(st, store, RandomInputs.chunk(spec, t, 100 + i), new float[t * 2 * 3]);
            out.add(st.copy());
        }
        return out.toArray(new CachingState[0]);
    }
}
