package dev.keymem.state;

import dev.keymem.models.caching.CacheSummary;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.cells.CellState;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload of a key's Memory Caching state (the cached states themselves are separate
 * {@link CachedStatePiece} entries). Format 1, in the field order {@link CachingState} documents:
 *
 * <pre>
 *   cell      online           (long position, int n, float[n])
 *   long      segmentStart
 *   double[]  segmentKeySum    (int n, double[n])
 *   double[]  segmentLogDecay  (int n, double[n])
 *   long      nextCacheId
 *   int       caches, then per cache (oldest first):
 *     long id, long start, long end, long count, double[] keySum, double[] logDecay,
 *     long timestamp, double routingMass, long routedCount, long exposure
 * </pre>
 *
 * Values the model's constructors reject (e.g. a cache span that ends before it starts) are
 * reported as corruption.
 */
public final class CachingStatePiece extends BaseStatePiece<CachingState> {

    public static final CachingStatePiece INSTANCE = new CachingStatePiece();
    public static final int CODE = 2;
    public static final int FORMAT = 1;

    private CachingStatePiece() {
        super("CachingState", CODE, FORMAT);
    }

    @Override
    public void write(CachingState v, PayloadWriter out) {
        CellStatePiece.writeCell(v.online(), out);
        out.putLong(v.segmentStart());
        out.putDoubleArray(v.segmentKeySum());
        out.putDoubleArray(v.segmentLogDecay());
        out.putLong(v.nextCacheId());
        List<CacheSummary> caches = v.caches();
        out.putInt(caches.size());
        for (CacheSummary c : caches) {
            out.putLong(c.id()).putLong(c.start()).putLong(c.end()).putLong(c.count());
            out.putDoubleArray(c.keySum());
            out.putDoubleArray(c.logDecay());
            out.putLong(c.timestamp()).putDouble(c.routingMass()).putLong(c.routedCount()).putLong(c.exposure());
        }
    }

    /** Payload bytes of {@code v} in the current format. */
    public static int payloadBytes(CachingState v) {
        long n = CellStatePiece.payloadBytes(v.online()) + 8 + 4 + 8L * v.segmentKeySum().length + 4
                + 8L * v.segmentLogDecay().length + 8 + 4;
        for (CacheSummary c : v.caches()) {
            n += 4 * 8 + 4 + 8L * c.keySum().length + 4 + 8L * c.logDecay().length + 4 * 8;
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    @Override
    public CachingState read(int format, PayloadReader in, CachingState reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown CachingState format " + format);
        }
        CellState online = CellStatePiece.readCell(in, null);
        long segmentStart = in.getLong("segmentStart");
        double[] keySum = in.getDoubleArray("segmentKeySum");
        double[] logDecay = in.getDoubleArray("segmentLogDecay");
        long nextCacheId = in.getLong("nextCacheId");
        int n = in.getInt("cache count");
        // each summary takes at least 72 bytes: reject impossible counts before allocating
        if (n < 0 || (long) n * 72 > in.remaining()) {
            throw in.corrupt("impossible cache count " + n + " with " + in.remaining() + " bytes left");
        }
        List<CacheSummary> caches = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                String at = "cache " + i + " ";
                long id = in.getLong(at + "id");
                long start = in.getLong(at + "start");
                long end = in.getLong(at + "end");
                long count = in.getLong(at + "count");
                double[] ks = in.getDoubleArray(at + "keySum");
                double[] ld = in.getDoubleArray(at + "logDecay");
                long timestamp = in.getLong(at + "timestamp");
                double mass = in.getDouble(at + "routingMass");
                long routed = in.getLong(at + "routedCount");
                long exposure = in.getLong(at + "exposure");
                caches.add(new CacheSummary(id, start, end, count, ks, ld, timestamp, mass, routed, exposure));
            }
            return new CachingState(online, segmentStart, keySum, logDecay, nextCacheId, caches);
        } catch (IllegalArgumentException e) {
            throw new CorruptStateException(name(), "decoded values are inconsistent: " + e.getMessage(), e);
        }
    }

    @Override
    public CachingState copy(CachingState value) {
        return value.copy();
    }

    @Override
    public CachingState empty() {
        return new CachingState(new CellState(0), 0L, new double[0], new double[0], 0L, List.of());
    }
}
