/**
 * The model SPI of the keyed memory operators: what an operator needs from a memory model.
 *
 * <p>{@link dev.keymem.operators.model.MemoryModel} is a sealed hierarchy, one interface per kind of
 * per-key memory (a plain cell, Memory Caching, B'MOJO, STR / CMP retention, the event memory); the
 * operator binds the matching keyed state to a model through
 * {@link dev.keymem.operators.model.MemoryModel#accept}. {@link dev.keymem.operators.model.MemoryModelFactory}
 * creates the model on every subtask; {@link dev.keymem.operators.model.MemoryModelFactory#fromOptions} is
 * the one factory that builds what {@link dev.keymem.operators.MemoryOperatorOptions} describe.
 * {@link dev.keymem.operators.model.BatchAdvancerProvider} and
 * {@link dev.keymem.operators.model.CacheReaderProvider} plug batched (e.g. GPU) advancers and cache
 * readers into the batched operator. Classes marked {@code @Internal} are the built-in models; users
 * write their own by implementing one of the {@code MemoryModel} interfaces.
 */
package dev.keymem.operators.model;
