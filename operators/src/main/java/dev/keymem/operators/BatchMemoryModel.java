package dev.keymem.operators;

import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.model.Projector;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A plain memory split the way {@link BatchedMemoryOperator} uses it: the {@link Projector} turns
 * one record's token ids into a {@link TokenChunk}, and one {@link BatchAdvancer} call advances many
 * keys' states over their chunks. The cell gives fresh states and the state size. As a
 * {@link MemoryModel.Plain} it advances one key as a batch of one, so the per-record operator and
 * the batched one can share it.
 */
@PublicEvolving
public final class BatchMemoryModel implements MemoryModel.Plain {

    private final Projector projector;
    private final MemoryCell cell;
    private final BatchAdvancer advancer;

    public BatchMemoryModel(Projector projector, MemoryCell cell, BatchAdvancer advancer) {
        this.projector = Objects.requireNonNull(projector, "projector");
        this.cell = Objects.requireNonNull(cell, "cell");
        this.advancer = Objects.requireNonNull(advancer, "advancer");
        if (!projector.config().cell().equals(cell.spec())) {
            throw new IllegalArgumentException("projector config cell " + projector.config().cell()
                    + " differs from the cell's spec " + cell.spec());
        }
        if (projector.config().vocabSize() <= 0) {
            throw new IllegalArgumentException("the keyed memory operator takes token ids: vocab_size must be > 0");
        }
    }

    public BatchAdvancer advancer() {
        return advancer;
    }

    /** One record's tokens, embedded and projected. */
    public TokenChunk project(int[] tokenIds) {
        return projector.project(tokenIds);
    }

    @Override
    public int vocabSize() {
        return projector.config().vocabSize();
    }

    @Override
    public int heads() {
        return cell.spec().heads();
    }

    @Override
    public int valueDim() {
        return cell.spec().valueDim();
    }

    @Override
    public int stateSize() {
        return cell.stateSize();
    }

    @Override
    public CellState newState() {
        return cell.newState();
    }

    @Override
    public void advance(CellState state, int[] tokenIds, float[] out) {
        advancer.advance(new CellState[] {state}, new TokenChunk[] {project(tokenIds)}, new float[][] {out});
    }
}
