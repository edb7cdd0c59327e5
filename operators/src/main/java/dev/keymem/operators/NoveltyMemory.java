package dev.keymem.operators;

import dev.keymem.models.novelty.NoveltyState;
import dev.keymem.models.novelty.NoveltyStore;
import dev.keymem.models.novelty.NoveltyWrite;
import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.MemoryModelFactory;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One key's novelty memory (memory type NOVELTY, docs/design/mechanisms.md section 3 and 5): items (a D-float
 * vector each, with the caller's item id and payload) go in, each gets its innovation (how far the key's
 * recent items fail to predict it); the most innovative items are kept as eidetic entries, and with the
 * retention tier on, {@link #retained} ranks the recent items. {@link KeyedNoveltyMemory#of} is the current
 * key's memory in Flink keyed state; {@link #inMemory} keeps one key's memory on the heap (tests, evaluation,
 * offline runs): both give the same innovations and decisions for the same items.
 */
@PublicEvolving
public interface NoveltyMemory {

    /** Absorbs the key's next item; {@code vector}: D finite floats. */
    NoveltyWrite write(float[] vector, int item, byte[] payload) throws Exception;

    /** The retention tier's retained items: position to retention probability (empty when the tier is off). */
    Map<Long, Double> retained() throws Exception;

    /** Items this key's memory has absorbed. */
    long position() throws Exception;

    /** The novelty model a factory makes (fails, naming the memory type, for any other kind). */
    static MemoryModel.Novelty model(MemoryModelFactory factory) {
        MemoryModel m = factory.create();
        if (m instanceof MemoryModel.Novelty n) {
            return n;
        }
        throw new IllegalArgumentException("the novelty memory needs memory type NOVELTY ("
                + MemoryOperatorOptions.MEMORY_TYPE.key() + "), got " + m.getClass().getName());
    }

    /** One key's memory on the heap; {@code keySeed} seeds its retention draws. */
    static NoveltyMemory inMemory(MemoryModel.Novelty model, long keySeed) {
        NoveltyStore store = NoveltyStore.inMemory();
        NoveltyState state = model.newState(keySeed);
        return new NoveltyMemory() {
            @Override
            public NoveltyWrite write(float[] vector, int item, byte[] payload) throws Exception {
                return model.write(state, store, vector, item, payload);
            }

            @Override
            public Map<Long, Double> retained() {
                return model.retained(state);
            }

            @Override
            public long position() {
                return state.position();
            }
        };
    }
}
