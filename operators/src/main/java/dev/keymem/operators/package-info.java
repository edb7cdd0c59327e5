/**
 * The keyed memory operator: {@link dev.keymem.operators.KeyedMemoryFunction} gives every key of a
 * stream of {@link dev.keymem.operators.TokenRecord}s its own memory (a plain cell, or Memory Caching)
 * in Flink keyed state and emits {@link dev.keymem.operators.MemoryReadout}s; refused records go to the
 * {@link dev.keymem.operators.DeadLetter} side output. Settings are the typed options of
 * {@link dev.keymem.operators.MemoryOperatorOptions}.
 *
 * <pre>{@code
 * Configuration options = new Configuration();
 * options.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.CACHING);
 * SingleOutputStreamOperator<MemoryReadout> reads = records
 *         .keyBy(r -> r.key)
 *         .process(KeyedMemoryFunction.fromOptions(options))
 *         .uid("keymem-memory");
 * DataStream<DeadLetter> refused = reads.getSideOutput(KeyedMemoryFunction.DEAD_LETTERS);
 * }</pre>
 */
package dev.keymem.operators;
