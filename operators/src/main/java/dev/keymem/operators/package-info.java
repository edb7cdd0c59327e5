/**
 * The public API of the keyed memory operators (the model SPI is {@link dev.keymem.operators.model}).
 *
 * <p>Events and queries: {@link dev.keymem.operators.EventMemoryFunction} takes
 * {@link dev.keymem.operators.MemoryRecord}s (terms, a dense vector, a payload; or a query that reads
 * without writing) and answers queries with {@link dev.keymem.operators.MemoryAnswer}s drawn from every
 * tier of the key's event memory (recent window, eidetic tier, write-once archive with BM25 statistics,
 * segment routing, fading cell; docs/design/mechanisms.md section 6):
 *
 * <pre>{@code
 * SingleOutputStreamOperator<MemoryAnswer> answers = records.keyBy(r -> r.key)
 *         .process(EventMemoryFunction.fromOptions(options), EventMemoryFunction.answerType())
 *         .uid("keymem-events");
 * }</pre>
 *
 * <p>Token streams: the keyed memory operator: {@link dev.keymem.operators.KeyedMemoryFunction} gives every key of a
 * stream of {@link dev.keymem.operators.TokenRecord}s its own memory (a plain cell, Memory Caching,
 * B'MOJO, STR / CMP retention, or a trained RMT) in Flink keyed state and emits {@link dev.keymem.operators.MemoryReadout}s; refused records go
 * to the {@link dev.keymem.operators.DeadLetter} side output, and what B'MOJO kept and why (admitted /
 * evicted entries) and STR / CMP decided (tier moves with probability and draw) to the
 * {@link dev.keymem.operators.MemoryEvent} side output
 * {@code KeyedMemoryFunction.MEMORY_EVENTS}. Settings are the typed options of
 * {@link dev.keymem.operators.MemoryOperatorOptions}.
 *
 * <pre>{@code
 * Configuration options = new Configuration();
 * options.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.CACHING);
 * SingleOutputStreamOperator<MemoryReadout> reads =
 *         KeyedMemoryFunction.apply(records.keyBy(r -> r.key), options) // or .process(fromOptions(options)): no hot-state cache
 *         .uid("keymem-memory");
 * DataStream<DeadLetter> refused = reads.getSideOutput(KeyedMemoryFunction.DEAD_LETTERS);
 * }</pre>
 *
 * <p>{@link dev.keymem.operators.BatchedMemoryOperator} is the batched form for plain memories,
 * Memory Caching and RMT (B'MOJO and STR / CMP are refused): it buffers many keys' records and advances them
 * in one step, one {@link dev.keymem.models.cells.BatchAdvancer} call (a GPU one through
 * {@link dev.keymem.operators.model.BatchAdvancerProvider}) and, for Memory Caching, one
 * {@link dev.keymem.models.caching.CacheReader} call per segment piece for all keys' cache reads
 * (pluggable through {@link dev.keymem.operators.model.CacheReaderProvider}), with the same outputs, state,
 * TTL and dead letters as the per-record operator:
 *
 * <pre>{@code
 * options.set(MemoryOperatorOptions.BATCH_MAX_KEYS, 512);
 * options.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ofMillis(20));
 * SingleOutputStreamOperator<MemoryReadout> reads =
 *         BatchedMemoryOperator.apply(records.keyBy(r -> r.key), options).uid("keymem-batched");
 * }</pre>
 */
package dev.keymem.operators;
