package dev.keymem.jobs.logs.mining;

import dev.keymem.state.BaseStatePiece;
import dev.keymem.state.CorruptStateException;
import dev.keymem.state.PayloadReader;
import dev.keymem.state.PayloadWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Payload of one source's {@link MinerState} (piece code 24). Format 1:
 *
 * <pre>
 *   int   nextId            next template id (ids below it were handed out)
 *   long  lines             lines seen
 *   long  evicted           templates evicted
 *   int   n                 clusters, then per cluster in creation order:
 *     int   id
 *     long  count, firstSeen, lastSeen
 *     int   tokens          then per token: int length, UTF-8 bytes
 * </pre>
 *
 * The parse tree is an index over the clusters and is rebuilt on use, so it is not stored. Impossible
 * values (negative counts, an id at or above nextId, a repeated id, a last line before the first, empty
 * or oversized token lists) are reported as corruption.
 */
public final class MinerStatePiece extends BaseStatePiece<MinerState> {

    public static final MinerStatePiece INSTANCE = new MinerStatePiece();
    public static final int CODE = 24;
    public static final int FORMAT = 1;
    /** Longest token list and token accepted on read (a line's tokens are far fewer). */
    static final int MAX_TOKENS = 1 << 16;
    static final int MAX_TOKEN_BYTES = 1 << 20;

    private MinerStatePiece() {
        super("MinerState", CODE, FORMAT);
    }

    @Override
    public void write(MinerState s, PayloadWriter out) {
        out.putInt(s.nextId);
        out.putLong(s.lines);
        out.putLong(s.evicted);
        out.putInt(s.clusters.size());
        for (MinerState.Cluster c : s.clusters) {
            out.putInt(c.id);
            out.putLong(c.count);
            out.putLong(c.firstSeen);
            out.putLong(c.lastSeen);
            out.putInt(c.tokens.length);
            for (String t : c.tokens) {
                byte[] b = t.getBytes(StandardCharsets.UTF_8);
                out.putInt(b.length);
                out.putBytes(b, 0, b.length);
            }
        }
    }

    @Override
    public MinerState read(int format, PayloadReader in, MinerState reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown MinerState format " + format);
        }
        MinerState s = new MinerState();
        s.nextId = in.getInt("nextId");
        s.lines = in.getLong("lines");
        s.evicted = in.getLong("evicted");
        int n = in.getInt("clusters");
        if (s.nextId < 0 || s.lines < 0 || s.evicted < 0 || n < 0 || n > s.nextId) {
            throw in.corrupt("impossible counters nextId=" + s.nextId + " lines=" + s.lines + " evicted="
                    + s.evicted + " clusters=" + n);
        }
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            int id = in.getInt("id");
            long count = in.getLong("count");
            long first = in.getLong("firstSeen");
            long last = in.getLong("lastSeen");
            int k = in.getInt("tokens");
            if (id < 0 || id >= s.nextId || !ids.add(id) || count < 1 || first < 0 || last < first
                    || last >= s.lines || k < 1 || k > MAX_TOKENS) {
                throw in.corrupt("impossible cluster " + i + ": id=" + id + " count=" + count + " firstSeen="
                        + first + " lastSeen=" + last + " tokens=" + k + " (nextId " + s.nextId + ", lines "
                        + s.lines + ")");
            }
            String[] tokens = new String[k];
            for (int j = 0; j < k; j++) {
                int len = in.getInt("token length");
                if (len < 0 || len > MAX_TOKEN_BYTES || len > in.remaining()) {
                    throw in.corrupt("impossible token length " + len + " in cluster " + id);
                }
                byte[] b = new byte[len];
                in.getBytes(b, 0, len, "token");
                tokens[j] = new String(b, StandardCharsets.UTF_8);
            }
            s.clusters.add(new MinerState.Cluster(id, tokens, count, first, last));
        }
        return s;
    }

    @Override
    public MinerState copy(MinerState v) {
        return v.copy();
    }

    @Override
    public MinerState empty() {
        return new MinerState();
    }
}
