package dev.keymem.operators.model;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.rmt.RmtConfig;
import dev.keymem.models.rmt.RmtModel;
import dev.keymem.operators.MemoryOperatorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The trained RMT that {@link MemoryOperatorOptions#RMT_ARTIFACT} names: {@code config.json} checked
 * where the job is built ({@link #config}), weights loaded on the task managers ({@link #load}) on the
 * backend {@link MemoryOperatorOptions#RMT_BACKEND} names. Every error names the option.
 */
final class RmtArtifact {

    private RmtArtifact() {
    }

    static Path dir(ReadableConfig options) {
        String dir = options.getOptional(MemoryOperatorOptions.RMT_ARTIFACT).orElseThrow(() ->
                new IllegalArgumentException(MemoryOperatorOptions.MEMORY_TYPE.key() + "=RMT needs "
                        + MemoryOperatorOptions.RMT_ARTIFACT.key() + ": a directory with config.json and "
                        + "model.safetensors as training/ exports them (e.g. training/artifacts/rmt-detect-memorize)"));
        Path p = Path.of(dir);
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            if (!Files.isRegularFile(p.resolve(f))) {
                throw new IllegalArgumentException(MemoryOperatorOptions.RMT_ARTIFACT.key() + " " + dir + ": no " + f);
            }
        }
        return p;
    }

    static TensorBackend backend(ReadableConfig options) {
        String name = options.get(MemoryOperatorOptions.RMT_BACKEND);
        try {
            return Backends.byName(name);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(MemoryOperatorOptions.RMT_BACKEND.key() + ": " + e.getMessage(), e);
        }
    }

    static RmtConfig config(ReadableConfig options) {
        Path dir = dir(options);
        backend(options);
        try {
            return RmtConfig.load(dir.resolve("config.json"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(MemoryOperatorOptions.RMT_ARTIFACT.key() + " " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    static RmtMemoryModel load(ReadableConfig options) {
        Path dir = dir(options);
        try {
            return new RmtMemoryModel(RmtModel.load(dir, backend(options)));
        } catch (IOException e) {
            throw new UncheckedIOException(MemoryOperatorOptions.RMT_ARTIFACT.key() + ": cannot read " + dir, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(MemoryOperatorOptions.RMT_ARTIFACT.key() + " " + dir + ": "
                    + e.getMessage(), e);
        }
    }
}
