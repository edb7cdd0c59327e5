package dev.keymem.operators.model;

import org.apache.flink.annotation.Internal;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.model.Projector;
import dev.keymem.models.retention.ArchiveStore;
import dev.keymem.models.retention.RetentionEvent;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.models.retention.TieredRetention;
import java.util.List;
import java.util.Objects;

/**
 * STR / CMP structured retention with memory tiers (docs/design/mechanisms.md section 5) behind the model layer's
 * {@link Projector}: token ids are embedded and projected into one chunk and {@link TieredRetention}
 * advances the key's memory over it (the configured cell is the innovation cell). Every decision
 * depends only on positions and tokens, so outputs, events and states do not depend on record cuts
 * (given projections that do not depend on a record's length, as the scalar backend's).
 */
@Internal
public final class RetentionMemoryModel implements MemoryModel.Retention {

    private final Projector projector;
    private final TieredRetention retention;

    public RetentionMemoryModel(Projector projector, TieredRetention retention) {
        this.projector = Objects.requireNonNull(projector, "projector");
        this.retention = Objects.requireNonNull(retention, "retention");
        if (!projector.config().cell().equals(retention.cell().spec())) {
            throw new IllegalArgumentException("projector config cell " + projector.config().cell()
                    + " differs from the innovation cell's spec " + retention.cell().spec());
        }
        if (projector.config().vocabSize() <= 0) {
            throw new IllegalArgumentException("the keyed memory operator takes token ids: vocab_size must be > 0");
        }
    }

    public TieredRetention retention() {
        return retention;
    }

    @Override
    public int vocabSize() {
        return projector.config().vocabSize();
    }

    @Override
    public int heads() {
        return retention.cell().spec().heads();
    }

    @Override
    public int valueDim() {
        return retention.cell().spec().valueDim();
    }

    @Override
    public int stateSize() {
        return retention.cell().stateSize();
    }

    @Override
    public RetentionState newState(long keySeed) {
        return retention.newState(keySeed);
    }

    @Override
    public List<RetentionEvent> advance(RetentionState state, ArchiveStore archive, int[] tokenIds, float[] out) {
        TokenChunk chunk = projector.project(tokenIds);
        return retention.forward(state, archive, chunk, out);
    }
}
