package dev.keymem.state;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EideticEntry;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Committed fixtures of the B'MOJO pieces (format 1). */
class BmojoFixtureTest {

    @Test
    void bmojoStateFixtureRestores() throws IOException {
        SplittableRandom r = new SplittableRandom(20261125L);
        BmojoState[] expected = {BmojoSamples.random(r, 1, 2, 2, 1, 0, 0, 0), BmojoSamples.random(r, 2, 3, 2, 2, 3, 2, 1),
                BmojoSamples.random(r, 2, 4, 3, 3, 4, 0, 2)};
        Fixtures.check("bmojostate", new BmojoStateSerializer(), expected,
                BmojoStateSerializer.BmojoStateSerializerSnapshot.class);
    }

    @Test
    void eideticEntryFixtureRestores() throws IOException {
        SplittableRandom r = new SplittableRandom(20261126L);
        EideticEntry[] expected = {BmojoSamples.entry(r, 1, 1), BmojoSamples.entry(r, 4, 3),
                BmojoSamples.entry(r, 16, 16)};
        Fixtures.check("eideticentry", new EideticEntrySerializer(), expected,
                EideticEntrySerializer.EideticEntrySerializerSnapshot.class);
    }
}
