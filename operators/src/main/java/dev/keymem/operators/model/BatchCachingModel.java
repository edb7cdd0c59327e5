package dev.keymem.operators.model;

import dev.keymem.operators.BatchedMemoryOperator;

import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.caching.CacheStore;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.model.Projector;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * A Memory Caching memory split the way {@link BatchedMemoryOperator} uses it: the {@link Projector}
 * turns each record's token ids into a chunk (and gate queries), and one batched
 * {@link MemoryCaching#forward(BatchAdvancer, CacheReader, List)} advances many keys: their online
 * states in one {@link BatchAdvancer} call per round and all the cache reads of a round in one
 * {@link CacheReader} call. With the CPU forms ({@link BatchAdvancer#of}, {@link CacheReader#of}) each
 * key's reads and states are bit for bit those of {@link CachingMemoryModel}. As a
 * {@link MemoryModel.Caching} it advances one key as a batch of one (an unnamed owner).
 */
@Internal
public final class BatchCachingModel extends CachingMemoryModel {

    private final BatchAdvancer advancer;
    private final CacheReader reader;

    public BatchCachingModel(Projector projector, MemoryCaching caching, BatchAdvancer advancer, CacheReader reader) {
        super(projector, caching);
        this.advancer = Objects.requireNonNull(advancer, "advancer");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    public BatchAdvancer advancer() {
        return advancer;
    }

    public CacheReader reader() {
        return reader;
    }

    /** Advances every item's key (distinct keys) in one batched Memory Caching step. */
    public void advance(List<MemoryCaching.Item> items) {
        caching().forward(advancer, reader, items);
    }

    @Override
    public void advance(CachingState state, CacheStore caches, int[] tokenIds, float[] out) {
        advance(List.of(item(null, state, caches, tokenIds, out)));
    }
}
