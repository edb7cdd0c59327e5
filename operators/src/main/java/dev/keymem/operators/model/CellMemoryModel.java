package dev.keymem.operators.model;

import org.apache.flink.annotation.Internal;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.model.Projector;
import java.util.Objects;

/**
 * A plain memory cell behind the model layer's {@link Projector}: token ids are embedded and
 * projected into one {@link TokenChunk}, and the cell advances the state over it in one call.
 */
@Internal
public class CellMemoryModel implements MemoryModel.Plain {

    private final Projector projector;
    private final MemoryCell cell;

    public CellMemoryModel(Projector projector, MemoryCell cell) {
        this.projector = Objects.requireNonNull(projector, "projector");
        this.cell = Objects.requireNonNull(cell, "cell");
        if (!projector.config().cell().equals(cell.spec())) {
            throw new IllegalArgumentException("projector config cell " + projector.config().cell()
                    + " differs from the cell's spec " + cell.spec());
        }
        if (projector.config().vocabSize() <= 0) {
            throw new IllegalArgumentException("the keyed memory operator takes token ids: vocab_size must be > 0");
        }
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

    /** One record's tokens, embedded and projected. */
    public TokenChunk project(int[] tokenIds) {
        return projector.project(tokenIds);
    }

    @Override
    public void advance(CellState state, int[] tokenIds, float[] out) {
        cell.forward(state, project(tokenIds), out);
    }
}
