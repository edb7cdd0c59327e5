package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellState;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionState;
import java.io.IOException;
import java.util.SplittableRandom;
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
        StateSamples.assertEveryBitFlipAndTruncationDetected(state,
                RetentionSamples.random(new SplittableRandom(7), 1, 1, 1, 1, 1), "RetentionState");
        StateSamples.assertEveryBitFlipAndTruncationDetected(token,
                RetentionSamples.token(new SplittableRandom(8), 3, 1, 2, 2), "RetainedToken");
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
        byte[] forged = StateSamples.forgedFrame(RetentionStatePiece.INSTANCE, out -> {
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
        });
        CorruptStateException e = assertThrows(CorruptStateException.class, () -> StateSamples.read(state, forged));
        assertTrue(e.getMessage().contains("increasing position"), e.getMessage());
    }
}
