package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.state.CorruptStateException;
import dev.keymem.state.PayloadReader;
import dev.keymem.state.PayloadWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The miner state's serializer: exact round trips (bytes and the ids assigned afterwards), the committed
 * format-1 fixture (restores, layout stable), corruption detection.
 */
class MinerStateSerializerTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    static List<String> sample() throws IOException {
        return Files.readAllLines(Path.of("..", "samples", "logs", "services.log"));
    }

    /** The fixture's values: small deterministic states (empty, a few lines, capped with evictions, non-ASCII). */
    static MinerState[] fixtureValues() {
        TemplateMiner m = new TemplateMiner(MinerSettings.defaults().withMaxTemplates(4));
        MinerState empty = new MinerState();
        MinerState few = new MinerState();
        for (String l : List.of("user alice logged in from 10.0.0.1", "user bob logged in from 10.0.0.2",
                "disk /dev/sda1 is 91% full", "größe überschritten: 12 MB")) {
            m.accept(few, l);
        }
        MinerState capped = few.copy();
        for (int i = 0; i < 12; i++) {
            m.accept(capped, "event kind" + (char) ('a' + i) + " happened " + i + " times");
        }
        return new MinerState[] {empty, few, capped};
    }

    static byte[] bytes(TypeSerializer<MinerState> s, MinerState... values) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        out.writeInt(values.length);
        for (MinerState v : values) {
            s.serialize(v, out);
        }
        return out.getCopyOfBuffer();
    }

    static MinerState[] decode(TypeSerializer<MinerState> s, byte[] b) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(b);
        MinerState[] out = new MinerState[in.readInt()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.deserialize(in);
        }
        assertEquals(0, in.available(), "trailing bytes");
        return out;
    }

    @Test
    void restoreIsExactAndTheMinerGoesOnAsIfNothingHappened() throws IOException {
        List<String> lines = sample();
        TemplateMiner miner = new TemplateMiner(MinerSettings.defaults().withMaxTemplates(20));
        MinerStateSerializer ser = new MinerStateSerializer();
        MinerState straight = new MinerState();
        MinerState restored = new MinerState();
        for (int i = 0; i < lines.size(); i++) {
            int a = miner.accept(straight, lines.get(i)).id();
            int b = miner.accept(restored, lines.get(i)).id();
            assertEquals(a, b, "line " + i);
            if (i % 97 == 0) {
                byte[] before = bytes(ser, restored);
                restored = decode(ser, before)[0];
                assertArrayEquals(before, bytes(ser, restored), "bit-exact at line " + i);
                assertEquals(straight, restored);
            }
        }
        assertTrue(straight.evicted() > 0, "the cap was reached, so eviction was restored too");
        assertEquals(straight, ser.copy(straight));
    }

    @Test
    void formatOneFixtureRestoresAndItsLayoutIsStable() throws IOException {
        MinerState[] expected = fixtureValues();
        MinerStateSerializer serializer = new MinerStateSerializer();
        Path values = FIXTURES.resolve("minerstate-format1.bin");
        Path snapshot = FIXTURES.resolve("minerstate-serializer-snapshot-v1.bin");
        if (!Files.exists(values)) {
            Files.createDirectories(values.getParent());
            Files.write(values, bytes(serializer, expected));
            DataOutputSerializer out = new DataOutputSerializer(256);
            TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(out, serializer.snapshotConfiguration());
            Files.write(snapshot, out.getCopyOfBuffer());
        }
        byte[] stored = Files.readAllBytes(values);
        assertArrayEquals(stored, bytes(serializer, expected),
                "MinerState format 1 layout changed: bump the piece's format and keep a reader for format 1");
        TypeSerializerSnapshot<MinerState> old = TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(Files.readAllBytes(snapshot)), getClass().getClassLoader());
        assertInstanceOf(MinerStateSerializer.MinerStateSerializerSnapshot.class, old);
        TypeSerializerSchemaCompatibility<MinerState> compat =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(old);
        assertTrue(compat.isCompatibleAsIs(), compat.toString());
        for (TypeSerializer<MinerState> s : List.of(old.restoreSerializer(), serializer)) {
            MinerState[] restored = decode(s, stored);
            assertArrayEquals(expected, restored);
        }
    }

    @Test
    void corruptionIsDetected() throws IOException {
        MinerStateSerializer ser = new MinerStateSerializer();
        MinerState s = fixtureValues()[2];
        byte[] b = bytes(ser, s);
        int flips = 0;
        for (int i = 4; i < b.length; i += 7) {
            byte[] c = b.clone();
            c[i] ^= 0x10;
            assertThrows(IOException.class, () -> decode(ser, c), "flip at byte " + i);
            flips++;
        }
        assertTrue(flips > 10);
        // Values that are framed well but impossible.
        PayloadWriter w = new PayloadWriter(64);
        w.putInt(1).putLong(5).putLong(0).putInt(1);
        w.putInt(3).putLong(1).putLong(0).putLong(0).putInt(1).putInt(1).putBytes(new byte[] {'a'}, 0, 1);
        CorruptStateException e = assertThrows(CorruptStateException.class, () -> MinerStatePiece.INSTANCE.read(1,
                PayloadReader.over("MinerState", w.array(), w.size()), null));
        assertTrue(e.getMessage().contains("id=3"), e.getMessage());
    }

    @Test
    void pieceCodeIsUnique() {
        List<Integer> codes = new ArrayList<>(List.of(1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 25, 30));
        assertTrue(!codes.contains(MinerStatePiece.CODE));
    }
}
