package dev.keymem.operators.model;

import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.BatchedMemoryOperator;

import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.cells.CellSpec;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Plugs a {@link CacheReader} (e.g. a GPU one that reads many keys' cached checkpoints in one device
 * step) into {@link BatchedMemoryOperator}'s Memory Caching path without the operators depending on
 * it: name the implementing class in {@link MemoryOperatorOptions#BATCH_CACHE_READER}. Like
 * {@link BatchAdvancerProvider}: a public no-argument constructor, instantiated once per operator
 * subtask on the task manager through the user-code class loader; a module that must not depend on the
 * operators may instead name a class implementing {@code java.util.function.Function<CellSpec, CacheReader>}.
 *
 * <p>What the operator does with the reader: each batch step hands it the reads of many keys in one
 * {@link CacheReader#read} call per round, with {@link dev.keymem.models.caching.CacheRead#owner()} the
 * Flink key and a store that loads the key's checkpoint from keyed state on demand (a reader that
 * still holds the cache need not load it); {@link CacheReader#forget} is called whenever a key starts
 * afresh (new or expired memory, whose cache ids restart at 0); an {@link AutoCloseable} reader is
 * closed with the operator.
 */
@PublicEvolving
public interface CacheReaderProvider {

    /** A reader for cells of {@code spec}; {@code backend} is the configured CPU tensor backend. */
    CacheReader create(CellSpec spec, TensorBackend backend, ReadableConfig options);

    /** Instantiates the named provider class; errors name the option and the class. */
    static CacheReaderProvider load(String className) {
        return Plugins.load(MemoryOperatorOptions.BATCH_CACHE_READER, className, CacheReaderProvider.class,
                CacheReader.class, f -> (spec, backend, options) ->
                        Plugins.apply(MemoryOperatorOptions.BATCH_CACHE_READER, className, f, spec, CacheReader.class));
    }
}
