package dev.keymem.operators;

import dev.keymem.models.bmojo.EideticArchive;
import dev.keymem.models.bmojo.EideticEntry;
import dev.keymem.state.EideticEntryPiece;
import dev.keymem.state.StateFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * The current key's B'MOJO long-term archive in a Flink {@link MapState}: one entry per archived
 * (head, position), map key {@link EideticEntry#archiveKey}{@code (head, position, heads)} =
 * {@code position * heads + head}, value the entry (framed by {@code EideticEntrySerializer}). With
 * RocksDB each archived entry is its own row, so the key's ValueState stays small and an eviction
 * writes one row; nothing is rewritten.
 *
 * <p><b>Scan cost.</b> Flink's MapState has no range scan, so whatever the map-key layout, visiting
 * one head's entries means iterating all of the key's rows (RocksDB: one prefix iteration over the
 * key's rows, deserialising every value). B'MOJO retrieves for every head at the same step, so this
 * archive scans the map at most <b>once per record</b>: the first {@link #forEach} of a record
 * iterates all rows and groups the entries by head; later heads, later retrieval steps of the same
 * record and the record's own {@link #put}s use (and extend) that grouping. Cost per record that
 * retrieves: one pass over the key's N archived entries (N * (K + V) floats read and held on the heap
 * until the record is done); a record that does not retrieve never reads the archive. Nothing
 * survives the record (per-key isolation).
 *
 * <p><b>Cap.</b> With {@code keymem.bmojo.archive-capacity} &gt; 0, B'MOJO keeps at most that many rows
 * per head ({@link dev.keymem.models.bmojo.BmojoSettings#archiveCap()}): once the key has evicted more
 * entries than the cap, an eviction asks for its head's {@link #size(int)} and {@link #lowest} and
 * {@link #remove}s the dropped row. Both come from the same once-per-record grouping, so a record that
 * evicts into a possibly full archive also scans it once (at most one scan per record in all); the scan
 * is bounded by heads * cap rows. A scan-free drop would need an index of the archive's innovations in
 * the key's state, which this class does not keep. With the cap at 0 the archive grows until the state
 * TTL clears the key.
 *
 * <p>{@link #size()} needs the grouping too (dropped rows are not counted anywhere else); B'MOJO never
 * calls it.
 */
final class MapStateEideticArchive implements EideticArchive {

    private final MapState<Long, EideticEntry> map;
    private final String key;
    private final int heads;
    private List<List<EideticEntry>> byHead;
    long scans;
    long puts;
    long removes;
    long bytesStored;

    MapStateEideticArchive(MapState<Long, EideticEntry> map, String key, int heads) {
        this.map = map;
        this.key = key;
        this.heads = heads;
    }

    @Override
    public void put(EideticEntry entry) {
        long id = EideticEntry.archiveKey(entry.head(), entry.position(), heads);
        try {
            map.put(id, entry);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot archive head " + entry.head() + " position " + entry.position()
                    + " of key '" + key + "'", e);
        }
        puts++;
        bytesStored += StateFrame.OVERHEAD_BYTES + 8 + EideticEntryPiece.payloadBytes(entry);
        if (byHead != null) {
            byHead.get(entry.head()).add(entry);
        }
    }

    @Override
    public void forEach(int head, Consumer<EideticEntry> visitor) {
        grouped(head).forEach(visitor);
    }

    @Override
    public long size(int head) {
        return grouped(head).size();
    }

    @Override
    public void remove(int head, long position) {
        List<EideticEntry> group = grouped(head);
        int at = -1;
        for (int i = 0; i < group.size(); i++) {
            if (group.get(i).position() == position) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            throw new IllegalStateException("the archive of key '" + key + "' holds no entry of head " + head
                    + " at position " + position);
        }
        try {
            map.remove(EideticEntry.archiveKey(head, position, heads));
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot drop head " + head + " position " + position
                    + " from the archive of key '" + key + "'", e);
        }
        group.remove(at);
        removes++;
    }

    /** The key's archived entries of {@code head} (the map is scanned on the record's first call). */
    private List<EideticEntry> grouped(int head) {
        if (head < 0 || head >= heads) {
            throw new IllegalArgumentException("head " + head + " outside [0, " + heads + ")");
        }
        if (byHead == null) {
            load();
        }
        return byHead.get(head);
    }

    /** The exact row count when this record has scanned the archive, else -1. */
    long sizeIfScanned() {
        if (byHead == null) {
            return -1;
        }
        long n = 0;
        for (List<EideticEntry> g : byHead) {
            n += g.size();
        }
        return n;
    }

    private void load() {
        List<List<EideticEntry>> groups = new ArrayList<>(heads);
        for (int h = 0; h < heads; h++) {
            groups.add(new ArrayList<>());
        }
        try {
            for (Map.Entry<Long, EideticEntry> e : map.entries()) {
                EideticEntry en = e.getValue();
                if (en.head() >= heads || EideticEntry.archiveKey(en.head(), en.position(), heads) != e.getKey()) {
                    throw new IllegalStateException("archived entry " + en + " of key '" + key + "' is stored under "
                            + "map key " + e.getKey() + ", which does not match its head and position for " + heads
                            + " heads: the model changed shape since the state was written");
                }
                groups.get(en.head()).add(en);
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot read the long-term archive of key '" + key + "'", e);
        }
        scans++;
        byHead = groups;
    }

    @Override
    public long size() {
        if (byHead == null) {
            load();
        }
        return sizeIfScanned();
    }
}
