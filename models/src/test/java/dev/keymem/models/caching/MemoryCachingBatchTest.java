package dev.keymem.models.caching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.caching.CachingSettings.CarryOver;
import dev.keymem.models.caching.CachingSettings.GateSource;
import dev.keymem.models.caching.CachingSettings.ReadVariant;
import dev.keymem.models.caching.CachingSettings.Segmentation;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.OffHostAdvancer;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The batch form {@link MemoryCaching#forward(BatchAdvancer, CacheReader, List)}: many keys, each with
 * its own stream cut into records at random, advanced in batches, give exactly (bit for bit) the reads and
 * states of the single-key form run key by key, and stay within the float64 oracle's tolerance.
 */
class MemoryCachingBatchTest {

    private static final int KEYS = 5;

    /** One key's stream, its record cuts, and what the batch run produced so far. */
    private static final class Key {
        final String name;
        final TokenChunk stream;
        final float[] u;
        final int[] cuts;
        final CachingState state;
        final InMemoryCacheStore store = new InMemoryCacheStore();
        final float[] out;
        int next;

        Key(String name, MemoryCaching mc, TokenChunk stream, float[] u, int[] cuts) {
            this.name = name;
            this.stream = stream;
            this.u = u;
            this.cuts = cuts;
            this.state = mc.newState();
            this.out = new float[stream.length() * stream.heads() * stream.valueDim()];
        }
    }

    @Test
    void batchEqualsKeyByKeyForEveryReadVariant() {
        long seed = System.nanoTime();
        SplittableRandom r = new SplittableRandom(seed);
        for (ReadVariant read : ReadVariant.values()) {
            for (CellKind kind : new CellKind[] {CellKind.GATED_DELTA, CellKind.LINEAR}) {
                boolean normalize = read == ReadVariant.SOUP && kind == CellKind.LINEAR; // non-linear Soup path
                CellSpec sp = CellSpec.of(kind, 2, 5, 4, 8).withNormalize(normalize);
                boolean learned = read.gated() && r.nextBoolean();
                CachingSettings s = CachingSettings.defaults().withSegmentation(
                                r.nextBoolean() ? Segmentation.CONSTANT : Segmentation.LOGARITHMIC, 3 + r.nextInt(9))
                        .withCarryOver(kind == CellKind.LINEAR && r.nextBoolean() ? CarryOver.INDEPENDENT
                                : CarryOver.CHECKPOINT)
                        .withRead(read).withTopK(1 + r.nextInt(3))
                        .withGates(learned ? GateSource.LEARNED : GateSource.PARAM_FREE, r.nextBoolean());
                String what = read + " " + kind + " " + s + " seed " + seed;
                check(sp, s, learned, r.nextLong(), false, what);
                check(sp, s, learned, r.nextLong(), true, what + " (resident advancer)");
            }
        }
    }

    private static void check(CellSpec sp, CachingSettings s, boolean learned, long seed, boolean resident,
                              String what) {
        MemoryCell cell = TestCells.chunked(sp);
        MemoryCaching mc = new MemoryCaching(cell, s);
        SplittableRandom r = new SplittableRandom(seed);
        int hk = sp.heads() * sp.keyDim();
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            int tokens = 20 + r.nextInt(60);
            TokenChunk x = RandomInputs.chunk(sp, tokens, r.nextLong());
            float[] u = learned ? McHarness.gaussian(tokens * hk, r.nextLong()) : null;
            keys.add(new Key("key" + i, mc, x, u, McHarness.randomCuts(tokens, 25, r.nextLong())));
        }
        RecordingReader reader = new RecordingReader(CacheReader.of(cell));
        OffHostAdvancer offHost = resident ? new OffHostAdvancer(cell) : null;
        BatchAdvancer online = resident ? offHost : BatchAdvancer.of(cell);
        int steps = 0;
        while (keys.stream().anyMatch(k -> k.next + 1 < k.cuts.length)) {
            List<MemoryCaching.Item> items = new ArrayList<>();
            for (Key k : keys) {
                if (k.next + 1 < k.cuts.length && r.nextInt(4) != 0) { // some keys sit a step out
                    int a = k.cuts[k.next];
                    int b = k.cuts[++k.next];
                    float[] pu = k.u == null ? null : Arrays.copyOfRange(k.u, a * hk, b * hk);
                    float[] o = new float[(b - a) * sp.heads() * sp.valueDim()];
                    items.add(new MemoryCaching.Item(k.name, k.state, k.store, k.stream.slice(a, b), pu, null, o));
                }
            }
            reader.calls = 0;
            mc.forward(online, reader, items);
            steps++;
            if (resident) {
                offHost.flush(); // the operator's checkpoint flush
            }
            assertTrue(reader.calls <= 1 + items.stream().mapToInt(it -> it.chunk().length()).max().orElse(0)
                    / s.segmentLength() + 1, what + ": one read call per round");
            int at = 0;
            for (Key k : keys) {
                for (MemoryCaching.Item it : items) {
                    if (it.owner().equals(k.name)) {
                        int a = k.cuts[k.next - 1];
                        System.arraycopy(it.out(), 0, k.out, a * sp.heads() * sp.valueDim(), it.out().length);
                        at++;
                    }
                }
            }
            assertEquals(items.size(), at);
        }
        assertTrue(steps > 1, what);
        assertTrue(reader.owners.size() > 1 || s.read() == ReadVariant.SOUP && sp.normalize(),
                what + ": reads of several keys shared a call");
        for (Key k : keys) {
            McHarness.Run alone = McHarness.fast(new MemoryCaching(TestCells.chunked(sp), s), k.stream, k.u, null, k.cuts);
            assertArrayEquals(alone.out(), k.out, what + ": " + k.name + " reads differ from the key run alone");
            assertEquals(alone.state(), k.state, what + ": " + k.name + " state differs from the key run alone");
            double[] want = McHarness.float64(s, sp, k.stream, k.u, null);
            double e = Float64Reference.relError(k.out, want);
            assertTrue(e <= 1e-4, what + ": " + k.name + " error vs float64 " + e);
        }
    }

    /** Counts read calls and the owners whose reads shared one call. */
    private static final class RecordingReader implements CacheReader {
        final CacheReader inner;
        final Set<Object> owners = new HashSet<>();
        int calls;

        RecordingReader(CacheReader inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void read(List<CacheRead> reads) {
            calls++;
            Set<Object> here = new HashSet<>();
            for (CacheRead cr : reads) {
                here.add(cr.owner());
            }
            if (here.size() > 1) {
                owners.addAll(here);
            }
            inner.read(reads);
        }
    }
}
