package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.caching.CachingState;
import dev.keymem.models.cells.CellState;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.junit.jupiter.api.Test;

/** Round trips and corruption detection for the Memory Caching pieces. */
class CachingFramesTest {

    private final CachingStateSerializer caching = new CachingStateSerializer();
    private final CachedStateSerializer cached = new CachedStateSerializer();

    @Test
    void cachingStateRoundTripsExactlyAndItsSizeIsKnown() throws IOException {
        SplittableRandom r = new SplittableRandom(System.nanoTime());
        for (int trial = 0; trial < 30; trial++) {
            CachingState s = StateSamples.randomCaching(r, r.nextInt(1, 4), r.nextInt(1, 9), r.nextInt(1, 9),
                    r.nextInt(0, 12));
            byte[] b = StateSamples.bytes(caching, s);
            assertEquals(StateFrame.OVERHEAD_BYTES + CachingStatePiece.payloadBytes(s), b.length);
            assertEquals(s, StateSamples.read(caching, b));
        }
    }

    @Test
    void everyBitFlipOfACachingStateIsDetected() throws IOException {
        CachingState s = StateSamples.randomCaching(new SplittableRandom(2), 1, 2, 2, 2);
        byte[] good = StateSamples.bytes(caching, s);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int b = bit;
            CorruptStateException e = assertThrows(CorruptStateException.class,
                    () -> StateSamples.read(caching, bad), () -> "bit " + b);
            assertEquals("CachingState", e.piece());
        }
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThrows(CorruptStateException.class, () -> caching.deserialize(new DataInputDeserializer(cut)));
        }
    }

    @Test
    void aCachedCheckpointIsNamedInItsErrors() throws IOException {
        byte[] good = StateSamples.bytes(cached, StateSamples.randomState(new SplittableRandom(4), 10));
        byte[] bad = good.clone();
        bad[20] ^= 1;
        CorruptStateException e = assertThrows(CorruptStateException.class, () -> StateSamples.read(cached, bad));
        assertEquals("CachedCheckpoint", e.piece());
        assertTrue(e.getMessage().contains("CachedCheckpoint"));
    }

    @Test
    void framesOfOnePieceAreRefusedByAnother() throws IOException {
        byte[] cell = StateSamples.bytes(new CellStateSerializer(), new CellState(new float[] {1f, 2f}, 3));
        CorruptStateException e = assertThrows(CorruptStateException.class, () -> StateSamples.read(cached, cell));
        assertTrue(e.getMessage().contains("piece code 1, expected 3"), e.getMessage());
        assertThrows(CorruptStateException.class, () -> StateSamples.read(caching, cell));
    }

    @Test
    void inconsistentDecodedValuesAreReportedAsCorruption() throws IOException {
        // A well-framed payload whose segment starts after the online position.
        byte[] forged = StateSamples.forgedFrame(CachingStatePiece.INSTANCE, out -> out.putLong(5)
                .putFloatArray(new float[0]).putLong(9).putDoubleArray(new double[0]).putDoubleArray(new double[0])
                .putLong(0).putInt(0));
        CorruptStateException e = assertThrows(CorruptStateException.class, () -> StateSamples.read(caching, forged));
        assertTrue(e.getMessage().contains("segmentStart 9 is after the online position 5"), e.getMessage());
    }
}
