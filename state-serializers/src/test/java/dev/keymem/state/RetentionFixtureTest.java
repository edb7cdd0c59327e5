package dev.keymem.state;

import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionState;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Committed fixtures of the STR / CMP pieces (format 1). */
class RetentionFixtureTest {

    @Test
    void retentionStateFormat1FixtureStillRestores() throws IOException {
        SplittableRandom r = new SplittableRandom(20261127L);
        RetentionState[] expected = {RetentionSamples.random(r, 1, 2, 2, 0, 0), RetentionSamples.random(r, 2, 3, 2, 2, 3),
                RetentionSamples.random(r, 2, 4, 3, 3, 5)};
        Fixtures.check("retentionstate", 1, new RetentionStateSerializer(), expected,
                RetentionStateSerializer.RetentionStateSerializerSnapshot.class);
    }

    @Test
    void retentionStateFixtureRestores() throws IOException {
        SplittableRandom r = new SplittableRandom(20261205L);
        RetentionState[] expected = {RetentionSamples.random(r, 1, 2, 2, 0, 0), RetentionSamples.random(r, 2, 3, 2, 2, 3),
                RetentionSamples.partlyUsed(r, 2, 4, 3, 4, 5), RetentionSamples.partlyUsed(r, 1, 2, 2, 3, 0)};
        Fixtures.check("retentionstate", new RetentionStateSerializer(), expected,
                RetentionStateSerializer.RetentionStateSerializerSnapshot.class);
    }

    /** Format-1 and format-2 frames decode to the same states; format 2 stores only the used T2 slots. */
    @Test
    void format1AndFormat2FramesDecodeToTheSameState() throws IOException {
        RetentionStateSerializer s = new RetentionStateSerializer();
        SplittableRandom r = new SplittableRandom(12);
        java.util.List<RetentionState> states = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            states.add(RetentionSamples.random(r, r.nextInt(1, 4), r.nextInt(1, 5), r.nextInt(1, 5), r.nextInt(0, 5),
                    r.nextInt(0, 4)));
            states.add(RetentionSamples.partlyUsed(r, r.nextInt(1, 4), r.nextInt(1, 5), r.nextInt(1, 5),
                    r.nextInt(0, 5), r.nextInt(0, 4)));
        }
        @SuppressWarnings("unchecked")
        java.util.List<RetentionState> made = (java.util.List<RetentionState>) RetentionSamples.modelMade(9).get(0);
        states.addAll(made);
        for (RetentionState st : states) {
            byte[] v1 = StateSamples.forgedFrame(RetentionStatePiece.INSTANCE, 1,
                    out -> RetentionStatePiece.writeFormat1(st, out));
            org.junit.jupiter.api.Assertions.assertEquals(StateFrame.OVERHEAD_BYTES
                    + RetentionStatePiece.format1Bytes(st), v1.length);
            byte[] v2 = StateSamples.bytes(s, st);
            org.junit.jupiter.api.Assertions.assertEquals(2, v2[5]);
            org.junit.jupiter.api.Assertions.assertEquals(st, StateSamples.read(s, v1));
            org.junit.jupiter.api.Assertions.assertEquals(st, StateSamples.read(s, v2));
            org.junit.jupiter.api.Assertions.assertTrue(v2.length <= v1.length + 4 * st.compressed().heads() - 12);
        }
    }

    @Test
    void retainedTokenFixtureRestores() throws IOException {
        SplittableRandom r = new SplittableRandom(20261128L);
        RetainedToken[] expected = {RetentionSamples.token(r, 0, 1, 1, 1), RetentionSamples.token(r, 12, 2, 3, 2),
                RetentionSamples.token(r, 1L << 33, 4, 8, 8)};
        Fixtures.check("retainedtoken", new RetainedTokenSerializer(), expected,
                RetainedTokenSerializer.RetainedTokenSerializerSnapshot.class);
    }
}
