package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.testing.OldStreams;
import org.junit.jupiter.api.Test;

/**
 * A stream written before {@link RecordLimits} had its serial form (main 5feb69ae, whose stream holds the record
 * class itself) is still read, through the record path and its canonical constructor's checks, equal to what was
 * written. The fixture {@code fixtures/recordlimits-5feb69ae.ser} is the bytes of
 * {@code new RecordLimits(70000, 1000, 5000, 300)} written by {@code ObjectOutputStream.writeObject} with the
 * classes of main 5feb69ae (its built jar, /work/bench25/src, session 25; review 25a F11).
 */
class RecordLimitsOldStreamTest {

    @Test
    void aStreamOfTheRecordClassReadsBackEqual() throws Exception {
        OldStreams.Read read = OldStreams.read(getClass(), "/fixtures/recordlimits-5feb69ae.ser");
        assertEquals(new RecordLimits(70000, 1000, 5000, 300), read.value());
        // the old form: the record itself
        assertTrue(read.classes().contains(RecordLimits.class), read.classes().toString());
        assertFalse(read.resolvedAForm(), read.classes().toString());
    }
}
