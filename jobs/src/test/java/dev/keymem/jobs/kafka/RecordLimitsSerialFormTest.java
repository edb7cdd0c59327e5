package dev.keymem.jobs.kafka;

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
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordLimits} through Java serialization (how a job graph carries it): read back equal to what was
 * written, through its plain serial form (no record class in the stream, so no record path), and a form that
 * breaks the record's checks refused as the record path refuses it.
 */
class RecordLimitsSerialFormTest {

    private record Holder(RecordLimits a, RecordLimits b, String name) implements Serializable {
    }

    private static byte[] write(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object read(byte[] bytes, List<Class<?>> classes) throws IOException, ClassNotFoundException {
        // every class described in the stream is resolved once: the classes the stream's objects are read as
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
    void limitsReadBackEqualThroughAPlainForm() throws Exception {
        List<RecordLimits> all = List.of(RecordLimits.defaults(), new RecordLimits(1, 64, 4096, 0),
                new RecordLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE),
                RecordLimits.defaults().withMaxRecordBytes(123_456).withDeadLetterValueBytes(7));
        for (RecordLimits limits : all) {
            List<Class<?>> classes = new ArrayList<>();
            Object back = read(write(limits), classes);
            assertEquals(limits, back);
            assertEquals(RecordLimits.class, back.getClass());
            assertTrue(classes.contains(RecordLimits.Form.class), classes.toString());
            assertFalse(classes.stream().anyMatch(Class::isRecord), classes.toString());
        }
    }

    @Test
    void limitsInsideAnotherObjectKeepTheirIdentitiesAndValues() throws Exception {
        RecordLimits shared = RecordLimits.defaults().withMaxTextBytes(100);
        Holder back = (Holder) read(write(new Holder(shared, shared, "x")), new ArrayList<>());
        assertEquals(shared, back.a());
        assertTrue(back.a() == back.b(), "one object written twice is read as one");
        assertEquals("x", back.name());
    }

    @Test
    void aFormOutsideTheRecordsChecksIsRefusedAsTheRecordPathRefusesIt() throws Exception {
        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class,
                () -> new RecordLimits(0, 64, 4096, 0));
        byte[] bytes = write(new RecordLimits.Form(0, 64, 4096, 0));
        InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> read(bytes, new ArrayList<>()));
        assertEquals(direct.getMessage(), e.getMessage());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }
}
