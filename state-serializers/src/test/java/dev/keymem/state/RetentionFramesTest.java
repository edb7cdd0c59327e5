package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellState;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionState;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Round trips, sizes and corruption detection for the STR / CMP pieces. */
class RetentionFramesTest {

    private final RetentionStateSerializer state = new RetentionStateSerializer();
    private final RetainedTokenSerializer token = new RetainedTokenSerializer();

    @Test
    void valuesRoundTripExactlyAndTheirSizeIsKnown() throws IOException {
        SplittableRandom r = new SplittableRandom(System.nanoTime());
        for (int trial = 0; trial < 30; trial++) {
            RetentionState s = RetentionSamples.random(r, r.nextInt(1, 4), r.nextInt(1, 6), r.nextInt(1, 6),
                    r.nextInt(0, 4), r.nextInt(0, 5));
            byte[] b = StateSamples.bytes(state, s);
            assertEquals(StateFrame.OVERHEAD_BYTES + RetentionStatePiece.payloadBytes(s), b.length);
            assertEquals(s, StateSamples.read(state, b));
            RetainedToken t = RetentionSamples.token(r, r.nextLong(0, 1L << 40), r.nextInt(1, 4), r.nextInt(1, 6),
                    r.nextInt(1, 6));
            byte[] tb = StateSamples.bytes(token, t);
            assertEquals(StateFrame.OVERHEAD_BYTES + RetainedTokenPiece.payloadBytes(t), tb.length);
            assertEquals(t, StateSamples.read(token, tb));
        }
    }

    @Test
    void everyBitFlipAndEveryTruncationIsDetected() throws IOException {
        checkDetected(state, RetentionSamples.random(new SplittableRandom(7), 1, 1, 1, 1, 1), "RetentionState");
        checkDetected(token, RetentionSamples.token(new SplittableRandom(8), 3, 1, 2, 2), "RetainedToken");
    }

    private static <T> void checkDetected(FramedSerializer<T> s, T value, String piece) throws IOException {
        byte[] good = StateSamples.bytes(s, value);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int b = bit;
            CorruptStateException e = assertThrows(CorruptStateException.class, () -> StateSamples.read(s, bad),
                    () -> piece + " bit " + b);
            assertEquals(piece, e.piece());
        }
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThrows(CorruptStateException.class, () -> s.deserialize(new DataInputDeserializer(cut)));
        }
    }

    @Test
    void framesOfOnePieceAreRefusedByAnother() throws IOException {
        byte[] t = StateSamples.bytes(token, RetentionSamples.token(new SplittableRandom(9), 1, 1, 1, 1));
        CorruptStateException x = assertThrows(CorruptStateException.class, () -> StateSamples.read(state, t));
        assertTrue(x.getMessage().contains("piece code " + RetainedTokenPiece.CODE + ", expected "
                + RetentionStatePiece.CODE), x.getMessage());
        byte[] b = StateSamples.bytes(new BmojoStateSerializer(),
                BmojoSamples.random(new SplittableRandom(10), 1, 1, 1, 1, 0, 0, 0));
        assertThrows(CorruptStateException.class, () -> StateSamples.read(state, b));
    }

    @Test
    void inconsistentDecodedValuesAreReportedAsCorruption() throws IOException {
        // a well-framed state whose window lists position 5 before position 2
        StatePiece<RetentionState> liar = new StatePiece<>() {
            @Override public String name() { return "RetentionState"; }
            @Override public int code() { return RetentionStatePiece.CODE; }
            @Override public int currentFormat() { return 1; }
            @Override public void write(RetentionState v, PayloadWriter out) {
                out.putLong(1).putLong(9);
                CellStatePiece.writeCell(new CellState(1), out);
                out.putDoubleArray(new double[1]);
                out.putInt(0);
                out.putInt(2);
                for (long p : new long[] {5, 2}) {
                    RetainedTokenPiece.writeToken(new RetainedToken(p, new float[1], new float[1], null, null, 0f, 0, 0),
                            out);
                }
                out.putInt(0).putInt(0);
                out.putInt(1).putInt(0).putInt(1).putInt(1);
                out.putDoubleArray(new double[0]).putDoubleArray(new double[0]).putDoubleArray(new double[0]);
                out.putInt(0).putDoubleArray(new double[0]);
            }
            @Override public RetentionState read(int f, PayloadReader in, RetentionState r) { throw new AssertionError(); }
            @Override public RetentionState copy(RetentionState v) { return v; }
            @Override public RetentionState empty() { return null; }
        };
        DataOutputSerializer out = new DataOutputSerializer(64);
        new StateFrame<>(liar).write(RetentionStatePiece.INSTANCE.empty(), out);
        CorruptStateException e = assertThrows(CorruptStateException.class,
                () -> StateSamples.read(state, out.getCopyOfBuffer()));
        assertTrue(e.getMessage().contains("increasing position"), e.getMessage());
    }
}
