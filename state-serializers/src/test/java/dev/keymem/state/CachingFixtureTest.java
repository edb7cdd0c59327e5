package dev.keymem.state;

import dev.keymem.models.caching.CachingState;
import dev.keymem.models.cells.CellState;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Committed fixtures of the Memory Caching pieces (format 1). */
class CachingFixtureTest {

    @Test
    void cachingStateFixtureRestores() throws IOException {
        SplittableRandom r = new SplittableRandom(20261123L);
        CachingState[] expected = {StateSamples.randomCaching(r, 1, 2, 2, 0), StateSamples.randomCaching(r, 2, 4, 3, 1),
                StateSamples.randomCaching(r, 2, 4, 3, 6)};
        Fixtures.check("cachingstate", new CachingStateSerializer(), expected,
                CachingStateSerializer.CachingStateSerializerSnapshot.class);
    }

    @Test
    void cachedCheckpointFixtureRestores() throws IOException {
        SplittableRandom r = new SplittableRandom(20261124L);
        CellState[] expected = {StateSamples.randomState(r, 0), StateSamples.randomState(r, 2 * 4 * 3),
                StateSamples.randomState(r, 4 * 16 * 16)};
        Fixtures.check("cachedcheckpoint", new CachedStateSerializer(), expected,
                CachedStateSerializer.CachedStateSerializerSnapshot.class);
    }
}
