package dev.keymem.operators.model;

import dev.keymem.models.events.EventMemory;
import dev.keymem.models.events.EventSettings;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.EventStore;
import dev.keymem.models.events.EventWrite;
import org.apache.flink.annotation.Internal;

/** The event memory ({@link EventMemory}) behind the model SPI. */
@Internal
public final class EventsMemoryModel implements MemoryModel.Events {
    private final EventMemory memory;

    public EventsMemoryModel(EventSettings settings) {
        this(settings, null);
    }

    /** With a given D to d_c projection (d_c x D, row-major), e.g. learned; null: identity or seeded. */
    public EventsMemoryModel(EventSettings settings, float[] projection) {
        this.memory = new EventMemory(settings, projection);
    }

    public EventSettings settings() {
        return memory.settings();
    }

    @Override
    public int vocabSize() {
        return Integer.MAX_VALUE;
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
        return memory.cellStateSize();
    }

    @Override
    public int dimension() {
        return memory.settings().dimension();
    }

    @Override
    public EventState newState() {
        return memory.newState();
    }

    @Override
    public EventState newBatchState(EventState dropped) {
        return memory.newBatchState(dropped);
    }

    @Override
    public EventWrite write(EventState state, EventStore store, int[] terms, float[] vector, byte[] payload) {
        return memory.write(state, store, terms, vector, payload);
    }

    @Override
    public EventMemory.Answer query(EventState state, EventStore store, int[] terms, float[] vector, int top) {
        return memory.query(state, store, terms, vector, top);
    }
}
