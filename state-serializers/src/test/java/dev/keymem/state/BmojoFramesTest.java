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

    /** Format-1 and format-2 frames of the same states decode to the same states, bit for bit. */
    @Test
    void format1AndFormat2FramesDecodeToTheSameState() throws IOException {
        SplittableRandom r = new SplittableRandom(8);
        java.util.List<BmojoState> states = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            states.add(BmojoSamples.random(r, r.nextInt(1, 4), r.nextInt(1, 5), r.nextInt(1, 5), r.nextInt(1, 4),
                    r.nextInt(0, 5), r.nextInt(0, 3), r.nextInt(0, 3)));
            states.add(BmojoSamples.young(r, r.nextInt(1, 4), r.nextInt(1, 5), r.nextInt(1, 5), r.nextInt(1, 4),
                    r.nextInt(0, 5), r.nextInt(0, 3), r.nextInt(0, 3), r.nextInt(0, 9), r.nextBoolean()));
        }
        @SuppressWarnings("unchecked")
        java.util.List<BmojoState> made = (java.util.List<BmojoState>) BmojoSamples.modelMade(41).get(0);
        states.addAll(made);
        states.add(BmojoSamples.model().newState());
        for (BmojoState s : states) {
            byte[] v1 = StateSamples.forgedFrame(BmojoStatePiece.INSTANCE, 1, out -> BmojoStatePiece.writeFormat1(s, out));
            assertEquals(StateFrame.OVERHEAD_BYTES + BmojoStatePiece.format1Bytes(s), v1.length);
            assertEquals(s, StateSamples.read(state, v1), "format 1");
            byte[] v2 = StateSamples.bytes(state, s);
            assertEquals(2, v2[5], "written as format 2");
            assertEquals(s, StateSamples.read(state, v2), "format 2");
            assertTrue(v2.length <= v1.length, v2.length + " > " + v1.length);
        }
    }

    /** A fresh key's state holds no ring values and no entries, so format 2 stores none (format 1 stored them all). */
    @Test
    void aFreshStateStoresNoCapacity() throws IOException {
        dev.keymem.models.bmojo.Bmojo model = BmojoSamples.model(); // H=2, K=3, V=4, w=3, capacity 2, top-m 4, k 2
        BmojoState fresh = model.newState();
        int heads = 2;
        int expected = dev.keymem.state.CellStatePiece.payloadBytes(fresh.cell()) + 4 + 12 + 4 * 4
                + 3 * (4 + 4 * heads) + 16;
        assertEquals(expected, BmojoStatePiece.payloadBytes(fresh));
        assertEquals(StateFrame.OVERHEAD_BYTES + expected, StateSamples.bytes(state, fresh).length);
        assertTrue(BmojoStatePiece.format1Bytes(fresh) > expected + 4 * 2 * 3 * heads * (3 + 4 + 4 + 1),
                "format 1 stored the whole ring");
    }

    @Test
    void inconsistentFormat2PayloadsAreReportedAsCorruption() throws IOException {
        // w=1, H=1, K=1, V=1: rings of 2 values at most
        java.util.function.Function<java.util.function.Consumer<PayloadWriter>, CorruptStateException> forged = body -> {
            try {
                byte[] f = StateSamples.forgedFrame(BmojoStatePiece.INSTANCE, 2, body);
                return assertThrows(CorruptStateException.class, () -> StateSamples.read(state, f));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        CorruptStateException ring = forged.apply(out -> {
            out.putLong(0).putFloatArray(new float[1]).putInt(1).putInt(1).putInt(1).putInt(1);
            out.putFloatArray(new float[3]); // 3 > 2w*H*K = 2
        });
        assertTrue(ring.getMessage().contains("ringKeys stores 3 values but the window and shape hold 2"),
                ring.getMessage());
        CorruptStateException count = forged.apply(out -> {
            out.putLong(0).putFloatArray(new float[1]).putInt(1).putInt(1).putInt(1).putInt(1);
            for (int i = 0; i < 4; i++) {
                out.putInt(0);
            }
            out.putInt(1).putInt(2); // capacity 1, count 2
        });
        assertTrue(count.getMessage().contains("entry count 2 of head 0 outside [0,1]"), count.getMessage());
        CorruptStateException heads = forged.apply(out -> out.putLong(0).putFloatArray(new float[1]).putInt(1)
                .putInt(1 << 28).putInt(1).putInt(1));
        assertTrue(heads.getMessage().contains("heads need"), heads.getMessage());
        CorruptStateException huge = forged.apply(out -> out.putLong(0).putFloatArray(new float[1]).putInt(1 << 28)
                .putInt(1).putInt(1).putInt(1).putInt(0).putLong(0).putLong(0));
        assertTrue(huge.getMessage().contains("exceeds the payload limit"), huge.getMessage());
    }
}
