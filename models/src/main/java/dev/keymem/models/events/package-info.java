/**
 * The event memory (docs/design/mechanisms.md section 6): per key, every event (terms, a dense vector,
 * an optional payload) is kept in tiers that a query reads together: the recent window, an eidetic tier
 * admitted by innovation, a write-once archive with a lexical index (BM25 statistics and postings),
 * segment summaries that route a query to a few segments (SSC), and a gated_delta cell as fading memory.
 * {@link dev.keymem.models.events.EventMemory} holds no per-key data; the hot part of a key's memory is an
 * {@link dev.keymem.models.events.EventState}, the rest lives behind an
 * {@link dev.keymem.models.events.EventStore} (Flink MapState in the operators).
 * {@link dev.keymem.models.events.Bm25} is the plain whole-history baseline the evaluations compare with.
 */
package dev.keymem.models.events;
