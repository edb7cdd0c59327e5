package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/keyedeventmemory-settings-5feb69ae.ser")) {
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
        assertEquals(new KeyedEventMemory.Settings(Duration.ofHours(25), Duration.ofMinutes(90), true, 7, 33, 2048,
                12345678L), read);
        assertTrue(classes.contains(KeyedEventMemory.Settings.class), classes.toString()); // the record itself
        assertFalse(classes.stream().anyMatch(c -> c.getName().endsWith("$Form")), classes.toString());
    }
}
