package dev.keymem.models.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Streaming RMT and ARMT: outputs and state independent of how the stream is cut; constant state;
 * reads never write.
 */
class RmtStreamTest {

    static Rmt load(String layout) throws IOException {
        return new Rmt(RmtModel.load(RmtParityTest.FIXTURES.resolve(layout)));
    }

    static int[] stream(SplittableRandom r, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = 3 + r.nextInt(vocab - 3 - 4);
        }
        return t;
    }

    @Test
    void decoderOutputsDoNotDependOnCuts() throws IOException {
        cutIndependence(load("decoder"));
    }

    @Test
    void encoderOutputsDoNotDependOnCuts() throws IOException {
        cutIndependence(load("encoder"));
    }

    @Test
    void armtOutputsDoNotDependOnCuts() throws IOException {
        cutIndependence(load("armt"));
    }

    private void cutIndependence(Rmt rmt) {
        SplittableRandom r = new SplittableRandom(5);
        int[] tokens = stream(r, 16 * 7 + 9, rmt.model().config().vocabSize());
        // reference: one token at a time, reading after each
        RmtState one = rmt.newState();
        float[][] reads = new float[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            rmt.advance(one, tokens, i, 1);
            reads[i] = rmt.read(one);
        }
        for (int trial = 0; trial < 5; trial++) {
            RmtState st = rmt.newState();
            int p = 0;
            while (p < tokens.length) {
                int n = Math.min(tokens.length - p, 1 + r.nextInt(40));
                rmt.advance(st, tokens, p, n);
                p += n;
                assertArrayEquals(reads[p - 1], rmt.read(st), "read after " + p + " tokens");
            }
            assertEquals(one, st);
        }
        RmtState all = rmt.newState();
        rmt.advance(all, tokens, 0, tokens.length);
        assertEquals(one, all);
        assertEquals(7, all.segments());
        assertEquals(9, all.buffered());
    }

    /**
     * A read mid-segment gives the logits the full segment's run gives at that position: bit for bit
     * with the scalar reference (every row computed alone), within float rounding on a blocked GEMM.
     */
    @Test
    void decoderReadsEqualTheFullSegmentsLogits() throws IOException {
        readsEqualFullSegment(new Rmt(RmtModel.load(RmtParityTest.FIXTURES.resolve("decoder"),
                dev.keymem.models.backend.ScalarBackend.INSTANCE)), 0.0);
        readsEqualFullSegment(new Rmt(RmtModel.load(RmtParityTest.FIXTURES.resolve("decoder"),
                dev.keymem.models.backend.Backends.java())), 1e-5);
        readsEqualFullSegment(new Rmt(RmtModel.load(RmtParityTest.FIXTURES.resolve("armt"),
                dev.keymem.models.backend.ScalarBackend.INSTANCE)), 0.0);
        readsEqualFullSegment(new Rmt(RmtModel.load(RmtParityTest.FIXTURES.resolve("armt"),
                dev.keymem.models.backend.Backends.java())), 1e-4);
    }

    private void readsEqualFullSegment(Rmt rmt, double tol) {
        RmtModel m = rmt.model();
        int seg = m.config().segmentSize();
        int vocab = m.config().vocabSize();
        int[] tokens = stream(new SplittableRandom(9), 3 * seg, vocab);
        RmtState st = rmt.newState();
        rmt.advance(st, tokens, 0, seg);
        assertEquals(0, st.segments(), "a full segment runs when the next token arrives");
        rmt.flush(st);
        assertEquals(1, st.segments());
        float[] mem = st.memory().clone();
        RmtModel.Segment full = m.forward(mem, tokens, seg, seg, true, RmtModel.Logits.ALL, false);
        for (int i = 0; i < seg; i++) {
            rmt.advance(st, tokens, seg + i, 1);
            float[] expected = Arrays.copyOfRange(full.logits(), i * vocab, (i + 1) * vocab);
            if (tol == 0) {
                assertArrayEquals(expected, rmt.read(st), "position " + i);
            } else {
                assertArrayEquals(expected, rmt.read(st), (float) tol, "position " + i);
            }
        }
        rmt.advance(st, tokens, 2 * seg, 1);
        assertArrayEquals(full.memory(), st.memory(), "the segment's run wrote the memory");
    }

    @Test
    void batchedAdvanceEqualsPerKeyAdvanceBitwiseOnTheScalarBackend() throws IOException {
        for (String layout : new String[] {"decoder", "encoder", "armt"}) {
            Rmt rmt = new Rmt(RmtModel.load(RmtParityTest.FIXTURES.resolve(layout),
                    dev.keymem.models.backend.ScalarBackend.INSTANCE));
            SplittableRandom r = new SplittableRandom(17);
            int keys = 5;
            RmtState[] batched = new RmtState[keys];
            RmtState[] single = new RmtState[keys];
            for (int b = 0; b < keys; b++) {
                batched[b] = rmt.newState();
                single[b] = rmt.newState();
            }
            for (int round = 0; round < 6; round++) {
                int[][] chunks = new int[keys][];
                for (int b = 0; b < keys; b++) {
                    chunks[b] = stream(r, r.nextInt(45), rmt.model().config().vocabSize());
                    rmt.advance(single[b], chunks[b], 0, chunks[b].length);
                }
                rmt.advanceBatch(batched, chunks);
                for (int b = 0; b < keys; b++) {
                    assertEquals(single[b], batched[b], layout + " key " + b + " round " + round);
                }
            }
        }
    }

    @Test
    void readsNeverWriteAndStateSizeIsConstant() throws IOException {
        readsNeverWrite(load("decoder"));
        readsNeverWrite(load("armt"));
    }

    private void readsNeverWrite(Rmt rmt) {
        int vocab = rmt.model().config().vocabSize();
        RmtState st = rmt.newState();
        int[] tokens = stream(new SplittableRandom(3), 1000, vocab);
        long bytes = rmt.stateBytes();
        for (int i = 0; i < tokens.length; i += 37) {
            rmt.advance(st, tokens, i, Math.min(37, tokens.length - i));
            RmtState before = st.copy();
            rmt.read(st);
            assertEquals(before, st);
            assertEquals(bytes, rmt.stateBytes());
            assertEquals(rmt.model().config().memoryFloats(), st.memory().length);
            assertEquals(rmt.model().config().segmentSize(), st.buffer().length);
        }
        assertEquals(1000, st.position());
    }

    @Test
    void badInputsAreRejectedWithTheirCause() throws IOException {
        Rmt rmt = load("decoder");
        RmtState st = rmt.newState();
        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> rmt.read(st));
        assertEquals(true, empty.getMessage().contains("nothing to read"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> rmt.advance(st, new int[] {1, 999}, 0, 2));
        assertEquals(true, bad.getMessage().contains("999"));
        assertEquals(0, st.position(), "a rejected chunk leaves the state untouched");
    }

    @Test
    void configRejectsUnknownKeysAndBadShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RmtConfig.parse(
                "{\"layout\":\"decoder\",\"vocab_size\":10,\"hidden_size\":8,\"num_layers\":1,\"num_heads\":2,"
                        + "\"intermediate_size\":16,\"max_positions\":12,\"num_mem_tokens\":2,\"segment_size\":8,"
                        + "\"colour\":1}"));
        assertEquals(true, e.getMessage().contains("colour"), e.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> RmtConfig.parse(
                "{\"layout\":\"decoder\",\"vocab_size\":10,\"hidden_size\":8,\"num_layers\":1,\"num_heads\":2,"
                        + "\"intermediate_size\":16,\"max_positions\":11,\"num_mem_tokens\":2,\"segment_size\":8}"));
        assertEquals(true, p.getMessage().contains("max_positions"), p.getMessage());
    }

    @Test
    void erfIsAccurate() {
        double[][] known = {{0.0, 0.0}, {0.5, 0.5204998778130465}, {1.0, 0.8427007929497149},
                {2.0, 0.9953222650189527}, {2.6, 0.9997639655834707}, {-3.5, -0.9999992569016276}};
        for (double[] k : known) {
            assertEquals(k[1], RmtModel.erf(k[0]), 1e-14, "erf(" + k[0] + ")");
        }
    }
}
