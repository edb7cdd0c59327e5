/**
 * STR / CMP: structured token retention with memory tiers (docs/design/mechanisms.md section 5).
 *
 * <p>How an operator uses it: one {@link dev.keymem.models.retention.TieredRetention} per operator
 * instance (stateless settings plus an innovation {@link dev.keymem.models.cells.MemoryCell}, whose
 * scratch buffers make it one per thread), and per key a
 * {@link dev.keymem.models.retention.RetentionState} (bounded: sinks, T0 window, T1 retained tokens,
 * recalled T3 entries, T2 {@link dev.keymem.models.retention.CompressedSlots}, the innovation cell state,
 * the block's query sum and the T3 index; keep it in one ValueState) plus, when archiveCap &gt; 0, an
 * {@link dev.keymem.models.retention.ArchiveStore} (T3: back it with a MapState from position to
 * {@link dev.keymem.models.retention.RetainedToken}; it is touched only at block closes). Create the
 * state with {@code newState(keySeed)}, the seed derived from the key (e.g. a hash of it) so that the
 * key's draws replay after a restore. Per chunk call {@code forward(state, archive, chunk, out)}: it
 * writes the reads {@code [T,H,V]} and returns the {@link dev.keymem.models.retention.RetentionEvent}s
 * (pinned, retained, evicted, compressed, archived, archive-dropped, each with its position, features,
 * probability and draw) for jobs to show. {@code read(state, q, T, out)} and
 * {@code read(state, archive, k, q, T, out)} answer queries from outside the stream without changing
 * anything.
 *
 * <p>Settings: {@link dev.keymem.models.retention.RetentionSettings} and
 * {@link dev.keymem.models.retention.SignificanceWeights}. Serializers write the fields in the order
 * documented on {@link dev.keymem.models.retention.RetentionState},
 * {@link dev.keymem.models.retention.RetainedToken} and {@link dev.keymem.models.retention.CompressedSlots}
 * and rebuild them with their public constructors.
 *
 * <p>The retention benchmark (needle retrieval vs memory budget for StreamingLLM, H2O, B'MOJO and
 * STR/CMP) is {@link dev.keymem.models.retention.bench.RetentionBenchmark}.
 */
package dev.keymem.models.retention;
