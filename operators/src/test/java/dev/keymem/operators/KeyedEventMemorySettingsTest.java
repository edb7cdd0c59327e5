package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Each invalid event-memory setting is refused with the option's key and the value; valid ones pass. */
class KeyedEventMemorySettingsTest {

    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void refusesEachInvalidValueNamingItsOption() {
        refused(() -> new KeyedEventMemory.Settings(Duration.ofSeconds(-1), DAY, true, 5, 8, 0, 0),
                MemoryOperatorOptions.STATE_TTL.key() + " must not be negative: PT-1S");
        refused(() -> new KeyedEventMemory.Settings(DAY, Duration.ofSeconds(-2), true, 5, 8, 0, 0),
                MemoryOperatorOptions.EVENTS_ARCHIVE_TTL.key() + " must not be negative: PT-2S");
        refused(() -> new KeyedEventMemory.Settings(DAY, DAY, true, 0, 8, 0, 0),
                MemoryOperatorOptions.EVENTS_TOP.key() + " must be >= 1: 0");
        refused(() -> new KeyedEventMemory.Settings(DAY, DAY, true, 5, 0, 0, 0),
                MemoryOperatorOptions.EVENTS_MAX_TERMS.key() + " must be >= 1: 0");
        refused(() -> new KeyedEventMemory.Settings(DAY, DAY, true, 5, 8, -1, 0),
                MemoryOperatorOptions.EVENTS_MAX_PAYLOAD.key() + " must be >= 0: -1");
        refused(() -> new KeyedEventMemory.Settings(DAY, DAY, true, 5, 8, 0, -1),
                MemoryOperatorOptions.EVENTS_CACHE_BYTES.key() + " must be >= 0: -1");
    }

    @Test
    void acceptsTheDefaultsAndBoundaryValues() {
        KeyedEventMemory.Settings defaults = KeyedEventMemory.Settings.of(new Configuration());
        assertEquals(MemoryOperatorOptions.EVENTS_TOP.defaultValue(), defaults.top());
        KeyedEventMemory.Settings edge = new KeyedEventMemory.Settings(Duration.ZERO, Duration.ZERO, false, 1, 1, 0, 0);
        assertEquals(1, edge.top());
        assertEquals(0, edge.cacheBytes());
    }

    private static void refused(org.junit.jupiter.api.function.Executable make, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
        assertEquals(message, e.getMessage());
    }
}
