package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.rmt.RmtState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * RmtState frames: bit-exact round trips (mid-segment included), committed format-1 bytes and
 * serializer snapshot (written by the first build; a layout change fails here), corruption detected.
 */
class RmtStateSerializerTest {

    static final Path DIR = Path.of("src/test/resources/fixtures");
    static final Path STATES = DIR.resolve("rmtstate-format1.bin");
    static final Path SNAPSHOT = DIR.resolve("rmtstate-serializer-snapshot-v1.bin");

    static RmtState[] expectedStates() {
        SplittableRandom r = new SplittableRandom(20261205L);
        int[][] shapes = {{4 * 32, 32, 0, 0}, {4 * 32, 32, 3, 17}, {1, 1, 5, 1}, {16 * 64, 64, 100000, 63}};
        RmtState[] out = new RmtState[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            float[] mem = new float[shapes[i][0]];
            for (int j = 0; j < mem.length; j++) {
                mem[j] = (float) r.nextGaussian();
            }
            int[] buf = new int[shapes[i][1]];
            int buffered = shapes[i][3];
            for (int j = 0; j < buffered; j++) {
                buf[j] = r.nextInt(50000);
            }
            long segments = shapes[i][2];
            out[i] = new RmtState(mem, buf, buffered, segments * buf.length + buffered, segments);
        }
        return out;
    }

    static void writeFixturesIfMissing() throws IOException {
        Files.createDirectories(DIR);
        if (!Files.exists(STATES)) {
            DataOutputSerializer out = new DataOutputSerializer(1024);
            RmtState[] states = expectedStates();
            out.writeInt(states.length);
            for (RmtState st : states) {
                new RmtStateSerializer().serialize(st, out);
            }
            Files.write(STATES, out.getCopyOfBuffer());
        }
        if (!Files.exists(SNAPSHOT)) {
            DataOutputSerializer out = new DataOutputSerializer(256);
            TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(out,
                    new RmtStateSerializer().snapshotConfiguration());
            Files.write(SNAPSHOT, out.getCopyOfBuffer());
        }
    }

    @Test
    void roundTripsBitExactIncludingMidSegment() throws IOException {
        RmtStateSerializer s = new RmtStateSerializer();
        for (RmtState st : expectedStates()) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            s.serialize(st, out);
            RmtState back = s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertEquals(st, back);
            assertArrayEquals(st.memory(), back.memory());
            assertEquals(st.buffer().length, back.buffer().length);
            assertEquals(st, s.copy(st));
        }
    }

    @Test
    void committedBytesRestoreAndEqualWhatTheSerializerWrites() throws IOException {
        writeFixturesIfMissing();
        byte[] bytes = Files.readAllBytes(STATES);
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        RmtState[] expected = expectedStates();
        assertEquals(expected.length, in.readInt());
        DataOutputSerializer again = new DataOutputSerializer(1024);
        again.writeInt(expected.length);
        for (RmtState e : expected) {
            assertEquals(e, new RmtStateSerializer().deserialize(in));
            new RmtStateSerializer().serialize(e, again);
        }
        assertEquals(0, in.available());
        assertArrayEquals(bytes, again.getCopyOfBuffer(),
                "format 1 layout changed: bump RmtStatePiece.FORMAT and keep a reader for format 1");
    }

    @Test
    void committedSnapshotRestoresACompatibleSerializer() throws IOException {
        writeFixturesIfMissing();
        TypeSerializerSnapshot<RmtState> old = TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(Files.readAllBytes(SNAPSHOT)), getClass().getClassLoader());
        assertInstanceOf(RmtStateSerializer.RmtStateSerializerSnapshot.class, old);
        TypeSerializerSchemaCompatibility<RmtState> compat =
                new RmtStateSerializer().snapshotConfiguration().resolveSchemaCompatibility(old);
        assertTrue(compat.isCompatibleAsIs(), compat.toString());
        TypeSerializer<RmtState> restored = old.restoreSerializer();
        DataInputDeserializer in = new DataInputDeserializer(Files.readAllBytes(STATES));
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            assertEquals(expectedStates()[i], restored.deserialize(in));
        }
    }

    /**
     * A key restored mid-segment from its serialized state continues bit for bit like the one never
     * stopped: RMT (memory tokens) and ARMT (per-layer associative matrices in the same state).
     */
    @Test
    void restoreMidSegmentContinuesBitExact() throws IOException {
        restoreMidSegment("decoder");
        restoreMidSegment("armt");
    }

    private void restoreMidSegment(String fixture) throws IOException {
        Path model = Path.of("../models/src/test/resources/dev/keymem/models/rmt/" + fixture);
        dev.keymem.models.rmt.Rmt rmt = new dev.keymem.models.rmt.Rmt(dev.keymem.models.rmt.RmtModel.load(model));
        SplittableRandom r = new SplittableRandom(11);
        int[] tokens = new int[16 * 5 + 3];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 3 + r.nextInt(30);
        }
        RmtStateSerializer ser = new RmtStateSerializer();
        for (int cut : new int[] {1, 16, 17, 16 * 2 + 7, 16 * 4 + 15}) {
            RmtState live = rmt.newState();
            rmt.advance(live, tokens, 0, cut);
            DataOutputSerializer out = new DataOutputSerializer(256);
            ser.serialize(live, out);
            RmtState restored = ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            for (int p = cut; p < tokens.length; p++) {
                rmt.advance(live, tokens, p, 1);
                rmt.advance(restored, tokens, p, 1);
                assertArrayEquals(rmt.read(live), rmt.read(restored), "cut " + cut + " position " + p);
            }
            assertEquals(live, restored);
        }
    }

    @Test
    void flippedBytesAreDetected() throws IOException {
        RmtStateSerializer s = new RmtStateSerializer();
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(expectedStates()[1], out);
        byte[] bytes = out.getCopyOfBuffer();
        for (int i = 0; i < bytes.length; i += 7) {
            byte[] bad = bytes.clone();
            bad[i] ^= 0x10;
            assertThrows(IOException.class, () -> s.deserialize(new DataInputDeserializer(bad)), "flip at byte " + i);
        }
    }
}
