package dev.keymem.operators;

import dev.keymem.models.retention.ArchiveStore;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.state.RetainedTokenPiece;
import dev.keymem.state.StateFrame;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * The current key's STR / CMP T3 archive in a Flink {@link MapState}: one row per archived token, map
 * key its stream position. The model touches it only at block closes: puts and removes are point
 * writes; the T3 recall (archive top-k &gt; 0) iterates the key's rows once per block close (RocksDB: one
 * prefix scan, every value deserialised), bounded by the archive cap.
 */
final class MapStateArchiveStore implements ArchiveStore {

    private final MapState<Long, RetainedToken> map;
    private final String key;
    long bytesStored;
    long scans;

    MapStateArchiveStore(MapState<Long, RetainedToken> map, String key) {
        this.map = map;
        this.key = key;
    }

    @Override
    public void put(RetainedToken token) {
        try {
            if (map.contains(token.position())) {
                throw new IllegalStateException("position " + token.position() + " of key '" + key
                        + "' is already archived");
            }
            map.put(token.position(), token);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot archive position " + token.position() + " of key '" + key + "'", e);
        }
        bytesStored += StateFrame.OVERHEAD_BYTES + 8 + RetainedTokenPiece.payloadBytes(token);
    }

    @Override
    public RetainedToken get(long position) {
        RetainedToken t;
        try {
            t = map.get(position);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot read archived position " + position + " of key '" + key + "'", e);
        }
        if (t == null) {
            throw new IllegalStateException("no archived token at position " + position + " of key '" + key + "'");
        }
        return t;
    }

    @Override
    public void remove(long position) {
        try {
            if (!map.contains(position)) {
                throw new IllegalStateException("remove of absent archived position " + position + " of key '" + key
                        + "'");
            }
            map.remove(position);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot remove archived position " + position + " of key '" + key + "'", e);
        }
    }

    @Override
    public void forEach(Consumer<RetainedToken> visitor) {
        scans++;
        try {
            for (RetainedToken t : map.values()) {
                visitor.accept(t);
            }
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot scan the archive of key '" + key + "'", e);
        }
    }
}
