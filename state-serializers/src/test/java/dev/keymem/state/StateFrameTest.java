package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellState;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class StateFrameTest {

    private final CellStateSerializer serializer = new CellStateSerializer();

    @Test
    void roundTripIsBitwiseForRandomStates() throws IOException {
        SplittableRandom r = new SplittableRandom(System.nanoTime());
        for (int trial = 0; trial < 50; trial++) {
            CellState s = StateSamples.randomState(r, r.nextInt(0, 5000));
            byte[] b = StateSamples.bytes(serializer, s);
            assertEquals(StateFrame.OVERHEAD_BYTES + CellStatePiece.payloadBytes(s), b.length);
            CellState back = StateSamples.read(serializer, b);
            assertEquals(s.position(), back.position());
            assertArrayEquals(floatBits(s.data()), floatBits(back.data()));
        }
    }

    @Test
    void deserializeReusesAFittingInstance() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        CellState s = StateSamples.randomState(r, 40);
        CellState reuse = new CellState(40);
        CellState back = serializer.deserialize(reuse, new DataInputDeserializer(StateSamples.bytes(serializer, s)));
        assertSame(reuse, back);
        assertEquals(s, back);
        CellState other = new CellState(7);
        CellState back2 = serializer.deserialize(other, new DataInputDeserializer(StateSamples.bytes(serializer, s)));
        assertEquals(s, back2);
    }

    @Test
    void manyFramesInOneStreamReadBackInOrder() throws IOException {
        SplittableRandom r = new SplittableRandom(11);
        CellState[] states = new CellState[20];
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int i = 0; i < states.length; i++) {
            states[i] = StateSamples.randomState(r, r.nextInt(0, 300));
            serializer.serialize(states[i], out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (CellState s : states) {
            assertEquals(s, serializer.deserialize(in));
        }
        assertEquals(0, in.available());
    }

    @Test
    void everySingleBitFlipIsDetected() throws IOException {
        CellState s = StateSamples.randomState(new SplittableRandom(5), 12);
        byte[] good = StateSamples.bytes(serializer, s);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int flipped = bit;
            CorruptStateException e = assertThrows(CorruptStateException.class,
                    () -> StateSamples.read(serializer, bad), () -> "bit " + flipped + " flip not detected");
            assertEquals("CellState", e.piece());
            assertTrue(e.getMessage().contains("CellState"), e.getMessage());
        }
    }

    @Test
    void everyTruncationIsDetected() throws IOException {
        CellState s = StateSamples.randomState(new SplittableRandom(6), 9);
        byte[] good = StateSamples.bytes(serializer, s);
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            CorruptStateException e = assertThrows(CorruptStateException.class,
                    () -> serializer.deserialize(new DataInputDeserializer(cut)), "truncated to " + len);
            assertTrue(e.getMessage().contains("CellState"), e.getMessage());
        }
    }

    @Test
    void copyBetweenViewsIsByteIdenticalAndChecksCorruption() throws IOException {
        CellState s = StateSamples.randomState(new SplittableRandom(8), 100);
        byte[] good = StateSamples.bytes(serializer, s);
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(good), out);
        assertArrayEquals(good, out.getCopyOfBuffer());
        byte[] bad = good.clone();
        bad[good.length / 2] ^= 0x10;
        assertThrows(CorruptStateException.class,
                () -> serializer.copy(new DataInputDeserializer(bad), new DataOutputSerializer(64)));
    }

    @Test
    void aPayloadWithTrailingBytesIsRejected() throws IOException {
        // A well-checksummed frame whose payload declares fewer floats than it carries.
        byte[] forged = StateSamples.forgedFrame(CellStatePiece.INSTANCE,
                out -> out.putLong(1).putInt(1).putFloat(1f).putFloat(2f));
        CorruptStateException e = assertThrows(CorruptStateException.class,
                () -> StateSamples.read(serializer, forged));
        assertTrue(e.getMessage().contains("unread bytes"), e.getMessage());
    }

    @Test
    void serializingNullNamesThePiece() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> serializer.serialize(null, new DataOutputSerializer(8)));
        assertTrue(e.getMessage().contains("CellState"));
    }

    private static int[] floatBits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}
