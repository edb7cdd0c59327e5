package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.ArrayList;
import java.util.List;
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
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/recordlimits-5feb69ae.ser")) {
            bytes = in.readAllBytes();
        }
        List<Class<?>> classes = new ArrayList<>();
        Object read;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                Class<?> c = super.resolveClass(desc);
                classes.add(c);
                return c;
            }
        }) {
            read = in.readObject();
        }
        assertEquals(new RecordLimits(70000, 1000, 5000, 300), read);
        assertTrue(classes.contains(RecordLimits.class), classes.toString()); // the old form: the record itself
        assertFalse(classes.stream().anyMatch(c -> c.getName().endsWith("$Form")), classes.toString());
    }
}
