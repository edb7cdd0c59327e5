package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.testing.OldStreams;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A stream written before {@link KeyedEventMemory.Settings} had its serial form (main 5feb69ae, whose stream holds
 * the record class itself) is still read, through the record path and its canonical constructor's checks, equal to
 * what was written. The fixture {@code fixtures/keyedeventmemory-settings-5feb69ae.ser} is the bytes of
 * {@code new Settings(Duration.ofHours(25), Duration.ofMinutes(90), true, 7, 33, 2048, 12345678L)} written by
 * {@code ObjectOutputStream.writeObject} with the classes of main 5feb69ae (its built jars, /work/bench25/src,
 * session 25; review 25a F11).
 */
class KeyedEventMemorySettingsOldStreamTest {

    @Test
    void aStreamOfTheRecordClassReadsBackEqual() throws Exception {
        OldStreams.Read read = OldStreams.read(getClass(), "/fixtures/keyedeventmemory-settings-5feb69ae.ser");
        assertEquals(new KeyedEventMemory.Settings(Duration.ofHours(25), Duration.ofMinutes(90), true, 7, 33, 2048,
                12345678L), read.value());
        // the record itself
        assertTrue(read.classes().contains(KeyedEventMemory.Settings.class), read.classes().toString());
        assertFalse(read.resolvedAForm(), read.classes().toString());
    }
}
