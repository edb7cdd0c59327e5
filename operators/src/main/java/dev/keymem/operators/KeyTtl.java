package dev.keymem.operators;

import java.time.Duration;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;

/**
 * The TTL of memories kept in several state pieces (Memory Caching, B'MOJO, STR / CMP), where per-entry
 * Flink state TTL would expire old MapState entries of a key that is still active: the current key's
 * last write time in a ValueState ({@link KeyedMemoryFunction#LAST_WRITE_STATE}) and one
 * processing-time timer per key that clears the key's memory, {@code ttl} after its last write. Shared
 * by {@link KeyedMemoryFunction} and {@link BatchedMemoryOperator} (same state, same timers: their
 * savepoints are alike). The caller owns the timers and the memory; this class decides.
 */
final class KeyTtl {

    /** The timer service's name (the one {@code KeyedProcessOperator} gives its function's timers). */
    static final String TIMERS = "user-timers";

    private final ValueState<Long> lastWrite;
    private final long ttlMs;

    KeyTtl(ValueState<Long> lastWrite, Duration ttl) {
        this.lastWrite = lastWrite;
        this.ttlMs = ttl.toMillis();
    }

    static ValueStateDescriptor<Long> descriptor() {
        return new ValueStateDescriptor<>(KeyedMemoryFunction.LAST_WRITE_STATE, LongSerializer.INSTANCE);
    }

    /**
     * The current key is written at {@code now}: records the write and arms the key's timer (through
     * {@code arm}, at {@code now + ttl}) when it has none. Returns true when the key's memory had
     * expired (its timer has not fired yet and will re-arm itself): the caller clears the memory before
     * it writes.
     */
    boolean touch(long now, LongConsumer arm) throws Exception {
        Long last = lastWrite.value();
        boolean expired = last != null && now - last >= ttlMs;
        lastWrite.update(now);
        if (last == null) {
            arm.accept(now + ttlMs);
        }
        return expired;
    }

    /**
     * The current key's timer fired at {@code timestamp}. Returns true when the key's memory expired
     * (its last write time is cleared; the caller clears the memory); otherwise re-arms the timer at the
     * last write plus ttl (through {@code arm}) and returns false.
     */
    boolean fired(long timestamp, LongConsumer arm) throws Exception {
        Long last = lastWrite.value();
        if (last == null) {
            return false;
        }
        if (timestamp - last >= ttlMs) {
            lastWrite.clear();
            return true;
        }
        arm.accept(last + ttlMs);
        return false;
    }
}
