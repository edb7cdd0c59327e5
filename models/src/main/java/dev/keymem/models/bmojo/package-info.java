/**
 * B'MOJO: fading + eidetic memory (docs/design/mechanisms.md section 3) over any memory cell.
 *
 * <p>How an operator uses it: one {@link dev.keymem.models.bmojo.Bmojo} per operator instance (it is
 * stateless weights and settings; its cell keeps scratch buffers), and per key a
 * {@link dev.keymem.models.bmojo.BmojoState} (bounded: cell state, a ring of the last 2w tokens, the
 * eidetic store, the top-m candidates, the retrieved set, two counters; keep it in one ValueState) plus
 * an {@link dev.keymem.models.bmojo.EideticArchive} (long-term storage of evicted entries, at most
 * {@link dev.keymem.models.bmojo.BmojoSettings#archiveCap()} per head, unbounded when that is 0;
 * back it with a MapState keyed by {@link dev.keymem.models.bmojo.EideticEntry#archiveKey}; implement
 * put, forEach, size and, for a capped archive, remove; inherit the ranking of nearest and the drop
 * order of lowest). Per chunk call
 * {@code bmojo.forward(state, archive, chunk, out)}: it writes the reads {@code [T,H,V]} and returns a
 * {@link dev.keymem.models.bmojo.BmojoReport} with the admission/eviction/drop
 * {@link dev.keymem.models.bmojo.BmojoEvent}s and the innovations {@code [T,H]}.
 * {@code forwardReference} is the token-by-token oracle form with the same contract.
 *
 * <p>Settings: {@link dev.keymem.models.bmojo.BmojoSettings}; capacity 0 is B'MOJO-F (fading only).
 * Serializers write the fields in the order documented on {@link dev.keymem.models.bmojo.BmojoState} and
 * {@link dev.keymem.models.bmojo.EntryBuffer} and rebuild them with their public constructors.
 */
package dev.keymem.models.bmojo;
