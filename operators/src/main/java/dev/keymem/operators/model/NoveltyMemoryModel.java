package dev.keymem.operators.model;

import dev.keymem.models.novelty.Novelty;
import dev.keymem.models.novelty.NoveltySettings;
import dev.keymem.models.novelty.NoveltyState;
import dev.keymem.models.novelty.NoveltyStore;
import dev.keymem.models.novelty.NoveltyWrite;
import dev.keymem.models.retention.RetentionSettings;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/** The novelty memory ({@link Novelty}) behind the model SPI. */
@Internal
public final class NoveltyMemoryModel implements MemoryModel.Novelty {
    private final dev.keymem.models.novelty.Novelty memory;

    /** @param retention the retention tier's settings, or null when the tier is off */
    public NoveltyMemoryModel(NoveltySettings settings, RetentionSettings retention) {
        this.memory = new dev.keymem.models.novelty.Novelty(settings, retention);
    }

    public NoveltySettings settings() {
        return memory.settings();
    }

    @Override
    public int vocabSize() {
        return 0;
    }

    @Override
    public int heads() {
        return 1;
    }

    @Override
    public int valueDim() {
        return memory.settings().cellDim();
    }

    @Override
    public int stateSize() {
        return memory.settings().cellDim() * memory.settings().cellDim();
    }

    @Override
    public int dimension() {
        return memory.settings().dimension();
    }

    @Override
    public boolean retains() {
        return memory.retains();
    }

    @Override
    public NoveltyState newState(long keySeed) {
        return memory.newState(keySeed);
    }

    @Override
    public NoveltyWrite write(NoveltyState state, NoveltyStore store, float[] vector, int item, byte[] payload)
            throws Exception {
        return memory.write(state, store, vector, item, payload);
    }

    @Override
    public Map<Long, Double> retained(NoveltyState state) {
        return memory.retained(state);
    }
}
