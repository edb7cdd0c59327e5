package dev.keymem.operators.model;

import org.apache.flink.annotation.Internal;
import dev.keymem.models.caching.CacheStore;
import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.model.Projector;
import java.util.Objects;

/**
 * Memory Caching behind the model layer's {@link Projector}: token ids are embedded and projected
 * into one chunk (plus learned gate queries when the settings ask for them), and
 * {@link MemoryCaching#forward} advances the key's memory, cutting segments by token position.
 */
@Internal
public class CachingMemoryModel implements MemoryModel.Caching {

    private final Projector projector;
    private final MemoryCaching caching;
    private final boolean learnedGates;

    public CachingMemoryModel(Projector projector, MemoryCaching caching) {
        this.projector = Objects.requireNonNull(projector, "projector");
        this.caching = Objects.requireNonNull(caching, "caching");
        if (!projector.config().cell().equals(caching.cell().spec())) {
            throw new IllegalArgumentException("projector config cell " + projector.config().cell()
                    + " differs from the cell's spec " + caching.cell().spec());
        }
        if (projector.config().vocabSize() <= 0) {
            throw new IllegalArgumentException("the keyed memory operator takes token ids: vocab_size must be > 0");
        }
        CachingSettings s = caching.settings();
        this.learnedGates = s.gates() == CachingSettings.GateSource.LEARNED && s.read().gated();
        if (s.ttlMode() == CachingSettings.TtlMode.TIMESTAMP) {
            throw new IllegalArgumentException("cache TTL mode TIMESTAMP needs per-token timestamps, which token "
                    + "records do not carry: use POSITION or the operator's state TTL");
        }
    }

    public MemoryCaching caching() {
        return caching;
    }

    @Override
    public int vocabSize() {
        return projector.config().vocabSize();
    }

    @Override
    public int heads() {
        return caching.cell().spec().heads();
    }

    @Override
    public int valueDim() {
        return caching.cell().spec().valueDim();
    }

    @Override
    public int stateSize() {
        return caching.cell().stateSize();
    }

    @Override
    public CachingState newState() {
        return caching.newState();
    }

    @Override
    public void advance(CachingState state, CacheStore caches, int[] tokenIds, float[] out) {
        MemoryCaching.Item it = item(null, state, caches, tokenIds, out);
        caching.forward(state, caches, it.chunk(), it.gateQueries(), null, out);
    }

    /**
     * One key's record as a part of a batched {@link MemoryCaching#forward(dev.keymem.models.cells.BatchAdvancer,
     * dev.keymem.models.caching.CacheReader, java.util.List)}: the tokens embedded and projected (plus
     * learned gate queries when the settings ask for them), no timestamps; {@code owner} names the key.
     */
    public MemoryCaching.Item item(Object owner, CachingState state, CacheStore caches, int[] tokenIds, float[] out) {
        float[] x = projector.embed(tokenIds);
        TokenChunk chunk = projector.project(x, tokenIds.length);
        float[] u = learnedGates ? projector.gateQueries(x, tokenIds.length) : null;
        return new MemoryCaching.Item(owner, state, caches, chunk, u, null, out);
    }
}
