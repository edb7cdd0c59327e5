package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyedEventMemory.Settings} through Java serialization (how a job graph carries it): read back equal to
 * what was written, through its plain serial form (no record class in the stream, so no record path), and a form
 * that breaks the record's checks refused as the record path refuses it.
 */
class KeyedEventMemorySettingsSerialFormTest {

    private static byte[] write(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    /** Reads one object; {@code classes} gets every class described in the stream (each resolved once). */
    private static Object read(byte[] bytes, List<Class<?>> classes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                Class<?> c = super.resolveClass(desc);
                classes.add(c);
                return c;
            }
        }) {
            return in.readObject();
        }
    }

    @Test
    void settingsReadBackEqualThroughAPlainForm() throws Exception {
        List<KeyedEventMemory.Settings> all = List.of(KeyedEventMemory.Settings.of(new Configuration()),
                new KeyedEventMemory.Settings(Duration.ZERO, Duration.ZERO, false, 1, 1, 0, 0),
                new KeyedEventMemory.Settings(Duration.ofDays(3).plusNanos(7), Duration.ofSeconds(59), true,
                        Integer.MAX_VALUE, 17, 4096, Long.MAX_VALUE));
        for (KeyedEventMemory.Settings settings : all) {
            List<Class<?>> classes = new ArrayList<>();
            Object back = read(write(settings), classes);
            assertEquals(settings, back);
            assertEquals(KeyedEventMemory.Settings.class, back.getClass());
            assertTrue(classes.contains(KeyedEventMemory.Settings.Form.class), classes.toString());
            assertFalse(classes.stream().anyMatch(Class::isRecord), classes.toString());
        }
    }

    @Test
    void aFormOutsideTheRecordsChecksIsRefusedAsTheRecordPathRefusesIt() throws Exception {
        Duration day = Duration.ofDays(1);
        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class,
                () -> new KeyedEventMemory.Settings(day, day, true, 0, 8, 0, 0));
        byte[] bytes = write(new KeyedEventMemory.Settings.Form(day, day, true, 0, 8, 0, 0));
        InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> read(bytes, new ArrayList<>()));
        assertEquals(direct.getMessage(), e.getMessage());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        byte[] noTtl = write(new KeyedEventMemory.Settings.Form(null, day, true, 5, 8, 0, 0));
        InvalidObjectException n = assertThrows(InvalidObjectException.class, () -> read(noTtl, new ArrayList<>()));
        assertInstanceOf(NullPointerException.class, n.getCause());
    }
}
