package dev.keymem.state;

import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionState;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Committed fixtures of the STR / CMP pieces (format 1). */
class RetentionFixtureTest {

    @Test
    void retentionStateFixtureRestores() throws IOException {
        SplittableRandom r = new SplittableRandom(20261127L);
        RetentionState[] expected = {RetentionSamples.random(r, 1, 2, 2, 0, 0), RetentionSamples.random(r, 2, 3, 2, 2, 3),
                RetentionSamples.random(r, 2, 4, 3, 3, 5)};
        Fixtures.check("retentionstate", new RetentionStateSerializer(), expected,
                RetentionStateSerializer.RetentionStateSerializerSnapshot.class);
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
