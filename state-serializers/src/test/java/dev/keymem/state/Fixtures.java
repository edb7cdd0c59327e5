package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Committed binary fixtures: values serialized by the first build of a format and the serializer's
 * snapshot. Missing files are written once (commit them); present files must restore exactly.
 */
final class Fixtures {

    static final Path DIR = Path.of("src/test/resources/fixtures");

    private Fixtures() {
    }

    static <T> byte[] encode(TypeSerializer<T> s, T[] values) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        out.writeInt(values.length);
        for (T v : values) {
            s.serialize(v, out);
        }
        return out.getCopyOfBuffer();
    }

    /** Writes missing fixtures, then checks bytes, restore and snapshot compatibility. */
    static <T> void check(String name, TypeSerializer<T> serializer, T[] expected,
                          Class<?> snapshotClass) throws IOException {
        Path values = DIR.resolve(name + "-format1.bin");
        Path snapshot = DIR.resolve(name + "-serializer-snapshot-v1.bin");
        Files.createDirectories(DIR);
        if (!Files.exists(values)) {
            Files.write(values, encode(serializer, expected));
        }
        if (!Files.exists(snapshot)) {
            DataOutputSerializer out = new DataOutputSerializer(256);
            TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(out, serializer.snapshotConfiguration());
            Files.write(snapshot, out.getCopyOfBuffer());
        }
        byte[] stored = Files.readAllBytes(values);
        assertArrayEquals(stored, encode(serializer, expected),
                name + " format 1 layout changed: bump the piece's format and keep a reader for format 1");

        TypeSerializerSnapshot<T> old = TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(Files.readAllBytes(snapshot)), Fixtures.class.getClassLoader());
        assertInstanceOf(snapshotClass, old);
        TypeSerializerSchemaCompatibility<T> compat =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(old);
        assertTrue(compat.isCompatibleAsIs(), compat.toString());
        TypeSerializer<T> restored = old.restoreSerializer();
        DataInputDeserializer in = new DataInputDeserializer(stored);
        assertEquals(expected.length, in.readInt());
        for (T e : expected) {
            assertEquals(e, restored.deserialize(in));
        }
        assertEquals(0, in.available());
    }
}
