/**
 * Flink serializers for keymem's keyed state, one per state piece: {@link dev.keymem.state.CellStateSerializer}
 * (a plain memory's cell state), {@link dev.keymem.state.CachingStateSerializer} (a key's Memory Caching
 * state) and {@link dev.keymem.state.CachedStateSerializer} (one cached checkpoint, a MapState value).
 *
 * <p>Every value is one {@link dev.keymem.state.StateFrame}: magic, piece code, payload format,
 * length, payload (numbers little-endian, arrays copied in bulk, no Kryo, no boxing, no Java
 * serialization) and a CRC32C checked on read; a corrupted entry raises a
 * {@link dev.keymem.state.CorruptStateException} naming the piece. To change a layout: add a format
 * to the piece (bump {@code currentFormat()}), keep the old format's reader, and keep the committed
 * fixtures under src/test/resources/fixtures passing; snapshots of older formats stay compatible.
 */
package dev.keymem.state;
