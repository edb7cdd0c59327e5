package dev.keymem.operators;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.model.ModelConfig;
import dev.keymem.models.model.ModelWeights;
import dev.keymem.models.model.Projector;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Builds a {@link CellMemoryModel} from {@link MemoryOperatorOptions}: the model config JSON with
 * the cell kind / chunk size overrides applied, seeded random weights, the named backend.
 */
public final class ConfiguredModelFactory implements MemoryModelFactory {

    private static final long serialVersionUID = 1L;

    private final Configuration options;

    public ConfiguredModelFactory(ReadableConfig options) {
        this.options = copy(options);
        config(); // fail at job build time, not on the task managers
    }

    private static Configuration copy(ReadableConfig options) {
        Configuration c = new Configuration();
        for (var o : new org.apache.flink.configuration.ConfigOption<?>[] {MemoryOperatorOptions.MODEL_CONFIG,
                MemoryOperatorOptions.MODEL_SEED, MemoryOperatorOptions.CELL_KIND, MemoryOperatorOptions.CHUNK_SIZE,
                MemoryOperatorOptions.CELL_FORM, MemoryOperatorOptions.BACKEND}) {
            copyOne(options, c, o);
        }
        return c;
    }

    private static <T> void copyOne(ReadableConfig from, Configuration to, org.apache.flink.configuration.ConfigOption<T> o) {
        from.getOptional(o).ifPresent(v -> to.set(o, v));
    }

    /** The model config after the overrides. */
    public ModelConfig config() {
        ModelConfig c = ModelConfig.parse(options.get(MemoryOperatorOptions.MODEL_CONFIG));
        CellSpec spec = c.cell();
        if (options.getOptional(MemoryOperatorOptions.CELL_KIND).isPresent()) {
            CellKind kind = CellKind.fromName(options.get(MemoryOperatorOptions.CELL_KIND));
            spec = new CellSpec(kind, spec.heads(), spec.keyDim(), spec.valueDim(), spec.chunkSize(), spec.scale(),
                    spec.normalize(), kind == CellKind.DEEP && spec.deep() == null
                            ? dev.keymem.models.cells.DeepSpec.defaults(spec.keyDim()) : spec.deep());
        }
        if (options.getOptional(MemoryOperatorOptions.CHUNK_SIZE).isPresent()) {
            spec = spec.withChunkSize(options.get(MemoryOperatorOptions.CHUNK_SIZE));
        }
        return new ModelConfig(spec, c.vocabSize(), c.dModel(), c.normalizeKeys(), c.memory());
    }

    @Override
    public MemoryModel create() {
        ModelConfig c = config();
        TensorBackend backend = Backends.byName(options.get(MemoryOperatorOptions.BACKEND));
        ModelWeights weights = ModelWeights.random(c, options.get(MemoryOperatorOptions.MODEL_SEED), false);
        String form = options.get(MemoryOperatorOptions.CELL_FORM).toLowerCase(Locale.ROOT);
        MemoryCell cell;
        switch (form) {
            case "recurrent":
                cell = Cells.recurrent(c.cell());
                break;
            case "chunked":
                cell = Cells.chunked(c.cell(), backend);
                break;
            default:
                throw new IllegalArgumentException("unknown " + MemoryOperatorOptions.CELL_FORM.key() + " '" + form
                        + "', expected recurrent or chunked");
        }
        return new CellMemoryModel(new Projector(c, weights, backend), cell);
    }
}
