package dev.keymem.operators.model;

import org.apache.flink.annotation.Internal;
import dev.keymem.models.bmojo.BmojoReport;
import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EideticArchive;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.model.Projector;
import java.util.Objects;

/**
 * B'MOJO (fading + eidetic memory, docs/design/mechanisms.md section 3) behind the model layer's
 * {@link Projector}: token ids are embedded and projected into one chunk, and B'MOJO advances the
 * key's memory over it. {@code reference} selects {@link dev.keymem.models.bmojo.Bmojo#forwardReference}
 * (token by token: with projections that do not depend on the record's length, as the scalar
 * backend's, outputs and admissions are bitwise independent of how records cut the stream) instead of
 * the fast chunked {@link dev.keymem.models.bmojo.Bmojo#forward} (outputs equal up to float rounding
 * across cuts; admissions can differ only for innovations within rounding of the threshold or a rival).
 */
@Internal
public final class BmojoMemoryModel implements MemoryModel.Bmojo {

    private final Projector projector;
    private final dev.keymem.models.bmojo.Bmojo bmojo;
    private final boolean reference;

    public BmojoMemoryModel(Projector projector, dev.keymem.models.bmojo.Bmojo bmojo, boolean reference) {
        this.projector = Objects.requireNonNull(projector, "projector");
        this.bmojo = Objects.requireNonNull(bmojo, "bmojo");
        this.reference = reference;
        if (!projector.config().cell().equals(bmojo.cell().spec())) {
            throw new IllegalArgumentException("projector config cell " + projector.config().cell()
                    + " differs from the cell's spec " + bmojo.cell().spec());
        }
        if (projector.config().vocabSize() <= 0) {
            throw new IllegalArgumentException("the keyed memory operator takes token ids: vocab_size must be > 0");
        }
    }

    public dev.keymem.models.bmojo.Bmojo bmojo() {
        return bmojo;
    }

    @Override
    public int vocabSize() {
        return projector.config().vocabSize();
    }

    @Override
    public int heads() {
        return bmojo.cell().spec().heads();
    }

    @Override
    public int valueDim() {
        return bmojo.cell().spec().valueDim();
    }

    @Override
    public int stateSize() {
        return bmojo.cell().stateSize();
    }

    @Override
    public BmojoState newState() {
        return bmojo.newState();
    }

    @Override
    public int archiveCap() {
        return bmojo.settings().archiveCap();
    }

    @Override
    public BmojoReport advance(BmojoState state, EideticArchive archive, int[] tokenIds, float[] out) {
        TokenChunk chunk = projector.project(tokenIds);
        return reference ? bmojo.forwardReference(state, archive, chunk, out) : bmojo.forward(state, archive, chunk, out);
    }
}
