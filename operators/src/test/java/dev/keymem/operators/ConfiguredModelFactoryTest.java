package dev.keymem.operators;

import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.ConfiguredModelFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.model.ModelConfig;
import dev.keymem.models.model.ModelWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options to model: overrides, weights files, memory types, and clear errors for bad settings. */
class ConfiguredModelFactoryTest {

    @Test
    void overridesApplyToTheModelConfig() {
        Configuration c = OperatorTestSupport.options();
        c.set(MemoryOperatorOptions.CELL_KIND, "linear");
        c.set(MemoryOperatorOptions.CHUNK_SIZE, 3);
        ModelConfig mc = new ConfiguredModelFactory(c).config();
        assertEquals(CellKind.LINEAR, mc.cell().kind());
        assertEquals(3, mc.cell().chunkSize());
        assertEquals(OperatorTestSupport.VOCAB, mc.vocabSize());
    }

    @Test
    void memoryTypeSelectsThePlainOrTheCachingModel() {
        assertInstanceOf(MemoryModel.Plain.class, new ConfiguredModelFactory(OperatorTestSupport.options()).create());
        assertInstanceOf(MemoryModel.Caching.class, new ConfiguredModelFactory(
                OperatorTestSupport.options(MemoryOperatorOptions.MemoryType.CACHING)).create());
    }

    @Test
    void weightsFromASafetensorsFileAreUsed(@TempDir Path dir) throws Exception {
        Configuration c = OperatorTestSupport.options();
        ConfiguredModelFactory random = new ConfiguredModelFactory(c);
        ModelConfig mc = random.config();
        ModelWeights other = ModelWeights.random(mc, 12345L, false);
        Path file = dir.resolve("w.safetensors");
        other.save(file, mc);
        c.set(MemoryOperatorOptions.MODEL_WEIGHTS, file.toString());
        MemoryModel.Plain fromFile = (MemoryModel.Plain) new ConfiguredModelFactory(c).create();

        Configuration seeded = OperatorTestSupport.options();
        seeded.set(MemoryOperatorOptions.MODEL_SEED, 12345L);
        MemoryModel.Plain sameSeed = (MemoryModel.Plain) new ConfiguredModelFactory(seeded).create();
        MemoryModel.Plain defaultSeed = (MemoryModel.Plain) random.create();

        int[] ids = {3, 1, 4, 1, 5, 9, 2, 6};
        float[] a = run(fromFile, ids);
        assertArrayEquals(run(sameSeed, ids), a);
        assertFalse(java.util.Arrays.equals(run(defaultSeed, ids), a));
    }

    private static float[] run(MemoryModel.Plain m, int[] ids) {
        CellState s = m.newState();
        float[] out = new float[ids.length * m.heads() * m.valueDim()];
        m.advance(s, ids, out);
        return out;
    }

    @Test
    void badSettingsFailWhenTheJobIsBuiltNamingTheSetting(@TempDir Path dir) throws Exception {
        Configuration bad = OperatorTestSupport.options();
        bad.set(MemoryOperatorOptions.CELL_KIND, "lstm");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConfiguredModelFactory(bad));
        assertTrue(e.getMessage().contains("lstm"), e.getMessage());

        Configuration missing = OperatorTestSupport.options();
        missing.set(MemoryOperatorOptions.MODEL_CONFIG_FILE, dir.resolve("nope.json").toString());
        Exception e2 = assertThrows(RuntimeException.class, () -> new ConfiguredModelFactory(missing));
        assertTrue(e2.getMessage().contains("keymem.model.config-file"), e2.getMessage());

        Configuration file = OperatorTestSupport.options();
        Path json = dir.resolve("m.json");
        Files.writeString(json, "{\"cell\":\"delta\",\"vocab_size\":10,\"d_model\":4,\"heads\":1,\"key_dim\":2,\"value_dim\":2}");
        file.set(MemoryOperatorOptions.MODEL_CONFIG_FILE, json.toString());
        assertEquals(CellKind.DELTA, new ConfiguredModelFactory(file).config().cell().kind());

        Configuration caching = OperatorTestSupport.options(MemoryOperatorOptions.MemoryType.CACHING);
        caching.set(MemoryOperatorOptions.CACHING_SEGMENT_LENGTH, 0);
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> new ConfiguredModelFactory(caching));
        assertTrue(e3.getMessage().contains("segmentLength"), e3.getMessage());

        Configuration ttl = OperatorTestSupport.options();
        ttl.set(MemoryOperatorOptions.MAX_TOKENS_PER_RECORD, 0);
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class,
                () -> KeyedMemoryFunction.fromOptions(ttl));
        assertTrue(e4.getMessage().contains("keymem.record.max-tokens"), e4.getMessage());
    }

    @Test
    void recurrentAndChunkedFormsReadTheSame() {
        for (MemoryOperatorOptions.MemoryType type : OperatorTestSupport.tokenTypes()) {
            Configuration rec = OperatorTestSupport.options(type);
            rec.set(MemoryOperatorOptions.CELL_FORM, "recurrent");
            Configuration chu = OperatorTestSupport.options(type);
            chu.set(MemoryOperatorOptions.CELL_FORM, "chunked");
            java.util.List<TokenRecord> records = OperatorTestSupport.interleaved(1, 6, 5);
            java.util.List<MemoryReadout> a = OperatorTestSupport.direct(rec, records);
            java.util.List<MemoryReadout> b = OperatorTestSupport.direct(chu, records);
            double maxAbs = 0;
            double maxErr = 0;
            for (int i = 0; i < a.size(); i++) {
                for (int j = 0; j < a.get(i).outputs.length; j++) {
                    maxAbs = Math.max(maxAbs, Math.abs(a.get(i).outputs[j]));
                    maxErr = Math.max(maxErr, Math.abs(a.get(i).outputs[j] - b.get(i).outputs[j]));
                }
            }
            assertTrue(maxAbs > 0);
            assertTrue(maxErr / maxAbs <= 1e-4, type + ": rel err " + maxErr / maxAbs);
        }
        Configuration bad = OperatorTestSupport.options();
        bad.set(MemoryOperatorOptions.CELL_FORM, "fast");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConfiguredModelFactory(bad));
        assertTrue(e.getMessage().contains("keymem.cell.form"), e.getMessage());
    }

    @Test
    void recordsAreFlinkPojosNotKryo() {
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(TokenRecord.class));
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(MemoryReadout.class));
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(DeadLetter.class));
    }
}
