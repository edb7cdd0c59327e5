package dev.keymem.models.bmojo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.RandomInputs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every bound of the per-key state holds over a long stream; bad inputs are refused with clear errors. */
class BmojoBoundsTest {

    @Test
    void boundsHoldAfterOneMillionTokens() {
        int H = 2;
        int K = 4;
        int V = 4;
        int w = 4;
        int cap = 8;
        int m = 1;
        int block = 64;
        int rk = 2;
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, H, K, V, 16);
        BmojoSettings s = BmojoSettings.fading(w).withCapacity(cap).withTopM(m, block).withRetrieval(rk, 256);
        Bmojo model = new Bmojo(Cells.chunked(spec, Backends.java()), s);
        BmojoState st = model.newState();
        InMemoryEideticArchive archive = new InMemoryEideticArchive();
        float[] ringK = st.ringKeys();
        float[] eidK = st.eidetic().keys();
        float[] cell = st.cell().data();
        SplittableRandom r = new SplittableRandom(1);
        long total = 1_000_000L;
        long seen = 0;
        long admittedEvents = 0;
        long evictedEvents = 0;
        int calls = 0;
        TokenChunk[] pool = new TokenChunk[16]; // fresh random tokens, reused in a random order (cheap to feed)
        for (int i = 0; i < pool.length; i++) {
            pool[i] = RandomInputs.chunk(spec, 2000, 1000 + i);
        }
        while (seen < total) {
            int n = (int) Math.min(total - seen, 1 + r.nextInt(2000));
            int from = r.nextInt(2001 - n);
            TokenChunk c = pool[r.nextInt(pool.length)].slice(from, from + n);
            float[] out = new float[n * H * V];
            BmojoReport rep = model.forward(st, archive, c, out);
            calls++;
            seen += n;
            for (BmojoEvent e : rep.events()) {
                if (e.type() == BmojoEvent.Type.ADMITTED) {
                    admittedEvents++;
                } else {
                    evictedEvents++;
                }
                assertTrue(e.position() <= e.step() - w, "an admitted token left the window first: " + e);
            }
            for (float x : out) {
                assertTrue(Float.isFinite(x), "finite outputs");
            }
            assertEquals(seen, st.position());
            long held = 0;
            for (int h = 0; h < H; h++) {
                EntryBuffer eb = st.eidetic();
                assertTrue(eb.size(h) <= cap);
                held += eb.size(h);
                for (int i = 0; i < eb.size(h); i++) {
                    assertTrue(eb.position(h, i) <= seen - 1 - w, "eidetic entries lie before the window");
                    if (i > 0) {
                        assertTrue(eb.position(h, i) > eb.position(h, i - 1), "store in position order");
                    }
                }
                assertTrue(st.candidates().size(h) <= m);
                for (int i = 0; i < st.candidates().size(h); i++) {
                    long x = st.candidates().position(h, i);
                    long open = Math.max(0, seen - w); // tokens [0, seen - w) have left the window
                    assertTrue(x / block == (open - 1) / block, "candidates belong to the open block");
                }
                assertTrue(st.retrieved().size(h) <= rk);
            }
            assertEquals(st.admitted() - st.evicted(), held);
            assertEquals(st.evicted(), archive.size());
            assertSame(ringK, st.ringKeys());
            assertSame(eidK, st.eidetic().keys());
            assertSame(cell, st.cell().data());
        }
        assertEquals(admittedEvents, st.admitted());
        assertEquals(evictedEvents, st.evicted());
        // top-1 of every 64 positions per head, all but the last few evicted
        long blocks = (total - w) / block;
        assertEquals(blocks * H, st.admitted());
        assertEquals(blocks * H - (long) cap * H, st.evicted());
        assertTrue(archive.queries() >= total / 256 * H);
    }

    @Test
    void badInputsAreRefusedWithClearErrors() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 2, 4, 3, 8);
        Bmojo model = new Bmojo(Cells.recurrent(spec), BmojoSettings.fading(4).withCapacity(2).withThreshold(1f));
        BmojoState st = model.newState();
        InMemoryEideticArchive ar = new InMemoryEideticArchive();
        TokenChunk c = RandomInputs.chunk(spec, 5, 1);
        message(() -> model.forward(st, ar, c, new float[5]), "output buffer");
        message(() -> model.forward(st, null, c, new float[30]), "archive");
        message(() -> model.forwardReference(st, ar, RandomInputs.chunk(CellSpec.of(CellKind.GATED_DELTA, 1, 4, 3, 8), 5, 1),
                new float[30]), "does not match");
        message(() -> model.forward(st, ar, new TokenChunk(5, 2, 4, 3, c.q(), c.k(), c.v(), null, c.g()), new float[30]),
                "beta");
        Bmojo other = new Bmojo(Cells.recurrent(spec), BmojoSettings.fading(5));
        message(() -> other.forward(st, ar, c, new float[30]), "window");
        Bmojo otherCap = new Bmojo(Cells.recurrent(spec), BmojoSettings.fading(4).withCapacity(3).withThreshold(1f));
        message(() -> otherCap.forward(st, ar, c, new float[30]), "eidetic store");
        Bmojo otherM = new Bmojo(Cells.recurrent(spec), BmojoSettings.fading(4).withCapacity(2).withTopM(2, 8));
        message(() -> otherM.forward(st, ar, c, new float[30]), "top-m candidates");
        message(() -> BmojoSettings.fading(0), "window");
        message(() -> BmojoSettings.fading(4).withCapacity(-1), "capacity");
        message(() -> BmojoSettings.fading(4).withCapacity(2).withTopM(5, 4), "topM");
        message(() -> BmojoSettings.fading(4).withRetrieval(1, 0), "retrieveEvery");
        message(() -> BmojoSettings.fading(4).withThreshold(Float.NaN), "NaN");
    }

    private static void message(org.junit.jupiter.api.function.Executable ex, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention " + part);
    }
}
