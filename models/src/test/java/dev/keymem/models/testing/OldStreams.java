package dev.keymem.models.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.ArrayList;
import java.util.List;

/**
 * Test help for the old-stream fixtures (objects serialized by an older build, kept as test resources): reads one
 * back with {@link ObjectInputStream} and records each class its stream resolved, so a test can tell which serial
 * form the stream went through (the record class itself, or its {@code Form}).
 */
public final class OldStreams {
    private OldStreams() {
    }

    /** What a fixture read back: the object, and the classes its stream resolved, in order. */
    public record Read(Object value, List<Class<?>> classes) {
        /** Whether the stream resolved a class whose name ends with {@code $Form} (a serial-form class). */
        public boolean resolvedAForm() {
            return classes.stream().anyMatch(c -> c.getName().endsWith("$Form"));
        }
    }

    /** Reads the object in test resource {@code resource} (found through {@code anchor}'s class loader). */
    public static Read read(Class<?> anchor, String resource) throws IOException, ClassNotFoundException {
        byte[] bytes;
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no test resource " + resource);
            }
            bytes = in.readAllBytes();
        }
        List<Class<?>> classes = new ArrayList<>();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                Class<?> c = super.resolveClass(desc);
                classes.add(c);
                return c;
            }
        }) {
            return new Read(in.readObject(), List.copyOf(classes));
        }
    }
}
