package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EideticEntry;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Round trips, sizes and corruption detection for the B'MOJO pieces. */
class BmojoFramesTest {

    private final BmojoStateSerializer state = new BmojoStateSerializer();
    private final EideticEntrySerializer entry = new EideticEntrySerializer();

    @Test
    void statesRoundTripExactlyAndTheirSizeIsKnown() throws IOException {
        SplittableRandom r = new SplittableRandom(System.nanoTime());
        for (int trial = 0; trial < 30; trial++) {
            int heads = r.nextInt(1, 4);
            BmojoState s = BmojoSamples.random(r, heads, r.nextInt(1, 6), r.nextInt(1, 6), r.nextInt(1, 5),
                    r.nextInt(0, 5), r.nextInt(0, 3), r.nextInt(0, 3));
            byte[] b = StateSamples.bytes(state, s);
            assertEquals(StateFrame.OVERHEAD_BYTES + BmojoStatePiece.payloadBytes(s), b.length);
            assertEquals(s, StateSamples.read(state, b));
            EideticEntry e = BmojoSamples.entry(r, r.nextInt(1, 9), r.nextInt(1, 9));
            byte[] eb = StateSamples.bytes(entry, e);
            assertEquals(StateFrame.OVERHEAD_BYTES + EideticEntryPiece.payloadBytes(e), eb.length);
            assertEquals(e, StateSamples.read(entry, eb));
        }
    }

    @Test
    void everyBitFlipAndEveryTruncationIsDetected() throws IOException {
        BmojoState s = BmojoSamples.random(new SplittableRandom(3), 1, 1, 1, 1, 1, 1, 1);
        StateSamples.assertEveryBitFlipAndTruncationDetected(state, s, "BmojoState");
        StateSamples.assertEveryBitFlipAndTruncationDetected(entry, BmojoSamples.entry(new SplittableRandom(4), 2, 2),
                "EideticEntry");
    }

    @Test
    void framesOfOnePieceAreRefusedByAnother() throws IOException {
        byte[] e = StateSamples.bytes(entry, BmojoSamples.entry(new SplittableRandom(5), 2, 2));
        CorruptStateException x = assertThrows(CorruptStateException.class, () -> StateSamples.read(state, e));
        assertTrue(x.getMessage().contains("piece code " + EideticEntryPiece.CODE + ", expected " + BmojoStatePiece.CODE),
                x.getMessage());
        byte[] st = StateSamples.bytes(state, BmojoSamples.random(new SplittableRandom(6), 1, 1, 1, 1, 0, 0, 0));
        assertThrows(CorruptStateException.class, () -> StateSamples.read(entry, st));
    }

    /** A well-framed state payload written by {@code body}, read back by the real piece. */
    private CorruptStateException readForged(java.util.function.Consumer<PayloadWriter> body) throws IOException {
        byte[] forged = StateSamples.forgedFrame(BmojoStatePiece.INSTANCE, body);
        return assertThrows(CorruptStateException.class, () -> StateSamples.read(state, forged));
    }

    private static void buffer(PayloadWriter out, int heads, int cap, int k, int v, int count) {
        out.putInt(heads).putInt(cap).putInt(k).putInt(v);
        for (int h = 0; h < heads; h++) {
            out.putInt(count);
        }
        int slots = heads * cap;
        out.putLongs(new long[slots], 0, slots).putFloats(new float[slots], 0, slots)
                .putFloats(new float[slots * k], 0, slots * k).putFloats(new float[slots * v], 0, slots * v);
    }

    @Test
    void inconsistentDecodedValuesAreReportedAsCorruption() throws IOException {
        // w=1, H=1, K=1, V=1: ring lengths 2, 2, 2, 2
        CorruptStateException count = readForged(out -> {
            out.putLong(0).putFloatArray(new float[1]).putInt(1);
            for (int i = 0; i < 4; i++) {
                out.putFloatArray(new float[2]);
            }
            buffer(out, 1, 1, 1, 1, 2); // count 2 > capacity 1
            buffer(out, 1, 0, 1, 1, 0);
            buffer(out, 1, 0, 1, 1, 0);
            out.putLong(0).putLong(0);
        });
        assertTrue(count.getMessage().contains("entry count 2 of head 0"), count.getMessage());
        CorruptStateException ring = readForged(out -> {
            out.putLong(0).putFloatArray(new float[1]).putInt(2); // w=2 needs rings of 4
            for (int i = 0; i < 4; i++) {
                out.putFloatArray(new float[2]);
            }
            buffer(out, 1, 1, 1, 1, 0);
            buffer(out, 1, 0, 1, 1, 0);
            buffer(out, 1, 0, 1, 1, 0);
            out.putLong(0).putLong(0);
        });
        assertTrue(ring.getMessage().contains("ringKeys has 2 values but the window and shape need 4"),
                ring.getMessage());
        CorruptStateException huge = readForged(out -> {
            out.putLong(0).putFloatArray(new float[1]).putInt(1);
            for (int i = 0; i < 4; i++) {
                out.putFloatArray(new float[2]);
            }
            out.putInt(1000).putInt(1 << 20).putInt(64).putInt(64); // a buffer far larger than the payload
        });
        assertTrue(huge.getMessage().contains("eidetic buffer of H=1000"), huge.getMessage());
        CorruptStateException counters = readForged(out -> {
            out.putLong(0).putFloatArray(new float[1]).putInt(1);
            for (int i = 0; i < 4; i++) {
                out.putFloatArray(new float[2]);
            }
            buffer(out, 1, 1, 1, 1, 0);
            buffer(out, 1, 0, 1, 1, 0);
            buffer(out, 1, 0, 1, 1, 0);
            out.putLong(1).putLong(2); // more evictions than admissions
        });
        assertTrue(counters.getMessage().contains("admitted=1 evicted=2"), counters.getMessage());
    }
}
