package dev.keymem.jobs.recall;

import dev.keymem.models.caching.CacheSummary;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.caching.InMemoryCacheStore;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.TokenChunk;

/** Memory Caching over a cell in the recall benchmark (fast chunked form, in-memory cache store). */
public final class CachingRecall implements RecallMemory {
    private final String name;
    private final MemoryCaching mc;
    private long bytes;

    public CachingRecall(String name, MemoryCaching mc) {
        this.name = name;
        this.mc = mc;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public float[] run(RecallStream s, int chunk) {
        CachingState st = mc.newState();
        InMemoryCacheStore store = new InMemoryCacheStore();
        float[] out = new float[s.length() * s.dim()];
        float[] buf = new float[chunk * s.dim()];
        for (int from = 0; from < s.length(); from += chunk) {
            int to = Math.min(s.length(), from + chunk);
            TokenChunk c = s.chunk(from, to);
            mc.forward(st, store, c, buf);
            System.arraycopy(buf, 0, out, from * s.dim(), c.length() * s.dim());
        }
        int stateFloats = mc.cell().stateSize();
        long b = (long) stateFloats * Float.BYTES; // online state
        for (CacheSummary cs : st.caches()) {
            // the cached state plus its routing summary (key sums and decay sums kept in double)
            b += (long) stateFloats * Float.BYTES + (long) (cs.keySum().length + cs.logDecay().length) * Double.BYTES;
        }
        bytes = b;
        return out;
    }

    @Override
    public long stateBytes() {
        return bytes;
    }
}
