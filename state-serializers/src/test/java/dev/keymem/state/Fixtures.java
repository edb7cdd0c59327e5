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

    /** The fixture of {@code serializer}'s current format: written when missing, then checked as {@link #check(String, int, TypeSerializer, Object[], Class)}. */
    static <T> void check(String name, TypeSerializer<T> serializer, T[] expected,
                          Class<?> snapshotClass) throws IOException {
        check(name, ((FramedSerializer<T>) serializer).piece().currentFormat(), serializer, expected, snapshotClass);
    }

    /** The values file of a format: {@code NAME-formatN.bin}. */
    static Path values(String name, int format) {
        return DIR.resolve(name + "-format" + format + ".bin");
    }

    /** The serializer snapshot taken when a format was current (snapshot layout v1). */
    static Path snapshot(String name, int format) {
        return DIR.resolve(format == 1 ? name + "-serializer-snapshot-v1.bin"
                : name + "-format" + format + "-serializer-snapshot-v1.bin");
    }

    /**
     * Checks the committed fixture of payload format {@code format}: its frames carry that format, the
     * serializer snapshot taken then resolves as compatible with {@code serializer} and restores a serializer
     * that reads every value back exactly. For the current format, missing files are written once (commit
     * them) and the stored bytes must equal what {@code serializer} writes now; an older format's files must
     * exist (a build that no longer writes a format cannot regenerate them).
     */
    static <T> void check(String name, int format, TypeSerializer<T> serializer, T[] expected,
                          Class<?> snapshotClass) throws IOException {
        Path values = values(name, format);
        Path snapshot = snapshot(name, format);
        boolean current = format == ((FramedSerializer<T>) serializer).piece().currentFormat();
        if (current) {
            Files.createDirectories(DIR);
            if (!Files.exists(values)) {
                Files.write(values, encode(serializer, expected));
            }
            if (!Files.exists(snapshot)) {
                DataOutputSerializer out = new DataOutputSerializer(256);
                TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(out, serializer.snapshotConfiguration());
                Files.write(snapshot, out.getCopyOfBuffer());
            }
        } else {
            assertTrue(Files.exists(values) && Files.exists(snapshot), "the committed format-" + format + " fixture "
                    + values + " and " + snapshot + " are missing");
        }
        byte[] stored = Files.readAllBytes(values);
        if (current) {
            assertArrayEquals(stored, encode(serializer, expected),
                    name + " format " + format + " layout changed: bump the piece's format and keep a reader for format "
                            + format);
        }
        assertEquals(format, stored[4 + 5], "the first frame's payload format");

        TypeSerializerSnapshot<T> old = TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(Files.readAllBytes(snapshot)), Fixtures.class.getClassLoader());
        assertInstanceOf(snapshotClass, old);
        assertEquals(format, ((FramedSerializerSnapshot<T>) old).payloadFormat(), "the snapshot's recorded format");
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
