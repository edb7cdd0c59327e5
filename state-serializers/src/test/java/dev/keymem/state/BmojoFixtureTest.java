package dev.keymem.state;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EideticEntry;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Committed fixtures of the B'MOJO pieces (format 1). */
class BmojoFixtureTest {

    /** The values of the format-1 fixture (committed by the build that wrote format 1). */
    static BmojoState[] format1States() {
        SplittableRandom r = new SplittableRandom(20261125L);
        return new BmojoState[] {BmojoSamples.random(r, 1, 2, 2, 1, 0, 0, 0), BmojoSamples.random(r, 2, 3, 2, 2, 3, 2, 1),
                BmojoSamples.random(r, 2, 4, 3, 3, 4, 0, 2)};
    }

    @Test
    void bmojoStateFormat1FixtureStillRestores() throws IOException {
        Fixtures.check("bmojostate", 1, new BmojoStateSerializer(), format1States(),
                BmojoStateSerializer.BmojoStateSerializerSnapshot.class);
    }

    @Test
    void bmojoStateFixtureRestores() throws IOException {
        SplittableRandom r = new SplittableRandom(20261205L);
        BmojoState[] expected = {BmojoSamples.random(r, 1, 2, 2, 1, 0, 0, 0), BmojoSamples.random(r, 2, 3, 2, 2, 3, 2, 1),
                BmojoSamples.young(r, 2, 4, 3, 3, 4, 2, 2, 3, false), BmojoSamples.young(r, 1, 2, 2, 4, 2, 0, 0, 5, true)};
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
