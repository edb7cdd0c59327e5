package dev.keymem.operators.model;

import dev.keymem.operators.BatchedMemoryOperator;

import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.model.Projector;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * A plain memory split the way {@link BatchedMemoryOperator} uses it: the {@link Projector} turns
 * one record's token ids into a {@link TokenChunk}, and one {@link BatchAdvancer} call advances many
 * keys' states over their chunks. The cell gives fresh states and the state size. As a
 * {@link MemoryModel.Plain} it advances one key as a batch of one, so the per-record operator and
 * the batched one can share it.
 */
@Internal
public final class BatchMemoryModel extends CellMemoryModel {

    private final BatchAdvancer advancer;

    public BatchMemoryModel(Projector projector, MemoryCell cell, BatchAdvancer advancer) {
        super(projector, cell);
        this.advancer = Objects.requireNonNull(advancer, "advancer");
    }

    public BatchAdvancer advancer() {
        return advancer;
    }

    @Override
    public void advance(CellState state, int[] tokenIds, float[] out) {
        advancer.advance(new CellState[] {state}, new TokenChunk[] {project(tokenIds)}, new float[][] {out});
    }
}
