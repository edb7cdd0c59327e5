/**
 * Flink serializers for keymem's keyed state, one per state piece: {@link dev.keymem.state.CellStateSerializer}
 * (a plain memory's cell state), {@link dev.keymem.state.CachingStateSerializer} (a key's Memory Caching
 * state) and {@link dev.keymem.state.CachedStateSerializer} (one cached checkpoint, a MapState value),
 * {@link dev.keymem.state.BmojoStateSerializer} (a key's bounded B'MOJO state) and
 * {@link dev.keymem.state.EideticEntrySerializer} (one archived B'MOJO entry, a MapState value),
 * {@link dev.keymem.state.RetentionStateSerializer} (a key's bounded STR / CMP state) and
 * {@link dev.keymem.state.RetainedTokenSerializer} (one T3 token, a MapState value). Piece codes: 1 cell,
 * 2 caching, 3 cached checkpoint, 10 B'MOJO state, 11 eidetic entry, 12 retention state, 13 retained token;
 * codes from 20 belong to pieces defined by the jobs (which compose these payloads): 20 the log
 * summarization job's per-source memory ({@code dev.keymem.jobs.logs.SourceMemoryPiece}).
 *
 * <p>Every value is one {@link dev.keymem.state.StateFrame}: magic, piece code, payload format,
 * length, payload (numbers little-endian, arrays copied in bulk, no Kryo, no boxing, no Java
 * serialization) and a CRC32C checked on read; a corrupted entry raises a
 * {@link dev.keymem.state.CorruptStateException} naming the piece. To change a layout: add a format
 * to the piece (bump {@code currentFormat()}), keep the old format's reader, and keep the committed
 * fixtures under src/test/resources/fixtures passing; snapshots of older formats stay compatible.
 */
package dev.keymem.state;
