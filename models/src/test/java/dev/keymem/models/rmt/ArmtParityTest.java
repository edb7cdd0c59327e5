package dev.keymem.models.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.io.SafeTensors;
import dev.keymem.models.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ARMT (associative RMT) Java forward vs PyTorch's ({@code training/keymem_train/armt.py}) on the
 * golden fixtures {@code training/export_fixtures.py} (random weights, 3 full segments and a short
 * one) and {@code training/train_rmt.py --arch armt} (trained, 2 full segments and a short one) wrote:
 * every layer's input and associative read, ln_f's output, the logits, and every layer's A and z
 * after each full segment, within 1e-4 relative (max |java - torch| over max |torch| per tensor) in
 * float32. Each segment runs twice: from the fixture's associative state (no carried error) and
 * chained from Java's own.
 */
class ArmtParityTest {

    static final Path FIXTURES = RmtParityTest.FIXTURES;
    static final Path TRAINED = RmtParityTest.TRAINED;

    @Test
    void randomWeightsMatchPyTorchLayerByLayer() throws IOException {
        for (TensorBackend b : List.of(ScalarBackend.INSTANCE, Backends.java())) {
            double worst = check(FIXTURES.resolve("armt"), b);
            System.out.printf("ARMT parity (random weights, %s): max relative error %.2e%n", b.name(), worst);
        }
    }

    @Test
    void trainedModelsMatchPyTorch() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (var s = Files.list(TRAINED)) {
            s.filter(p -> p.getFileName().toString().startsWith("armt-")).sorted().forEach(dirs::add);
        }
        assertTrue(dirs.size() >= 1, "trained ARMT artifacts are committed under " + TRAINED.toAbsolutePath());
        for (Path dir : dirs) {
            for (TensorBackend b : List.of(ScalarBackend.INSTANCE, Backends.java())) {
                double worst = check(dir, b);
                System.out.printf("ARMT parity (trained %s, %s): max relative error %.2e%n", dir.getFileName(),
                        b.name(), worst);
            }
        }
    }

    @Test
    void configSelectsArmtAndStateIsConstantSize() throws IOException {
        RmtModel model = RmtModel.load(FIXTURES.resolve("armt"));
        RmtConfig c = model.config();
        assertEquals(RmtConfig.Arch.ARMT, c.arch());
        int dk = 2 * c.assocNu() * c.assocDim();
        assertEquals(c.numLayers() * (dk * c.hiddenSize() + dk), c.memoryFloats());
        assertTrue(Arrays.equals(new float[c.memoryFloats()], model.initialMemory()), "the associative state starts at 0");
        assertEquals(c.segmentSize() + c.numMemTokens(), c.sequenceLength(c.segmentSize(), true));
        assertEquals(c.segmentSize(), c.sequenceLength(c.segmentSize(), false));
        assertEquals(RmtConfig.Arch.RMT, RmtModel.load(FIXTURES.resolve("decoder")).config().arch());
        String json = Files.readString(FIXTURES.resolve("armt/config.json"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RmtConfig.parse(json.replace("\"armt\"", "\"bogus\"")));
        assertTrue(e.getMessage().contains("'arch'"), e.getMessage());
        String encoder = json.replace("\"layout\": \"decoder\"", "\"layout\": \"encoder\"").replace("{",
                "{\"type_vocab_size\": 2, \"cls_token_id\": 1, \"sep_token_id\": 2, \"pad_token_id\": 0, \"num_labels\": 6,");
        e = assertThrows(IllegalArgumentException.class, () -> RmtConfig.parse(encoder));
        assertTrue(e.getMessage().contains("arch armt needs the decoder layout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RmtConfig.parse(Files.readString(FIXTURES.resolve("decoder/config.json"))
                        .replace("{", "{\"assoc_dim\": 8,")));
        assertTrue(e.getMessage().contains("unknown key 'assoc_dim'"), e.getMessage());
        float[] wrong = new float[c.numMemTokens() * c.hiddenSize()];
        assertThrows(IllegalArgumentException.class,
                () -> model.forward(wrong, new int[] {5}, 0, 1, false, RmtModel.Logits.LAST, false));
        RmtModel.Segment read = model.forward(model.initialMemory(), new int[] {5, 6}, 0, 2, false,
                RmtModel.Logits.LAST, false);
        assertNull(read.memory(), "a read writes nothing");
        assertEquals(c.vocabSize(), read.logits().length);
    }

    static float[] state(SafeTensorsFile fx, RmtConfig c, int s) {
        float[] st = new float[c.memoryFloats()];
        if (s == 0) {
            return st;
        }
        int dk = c.assocKeyDim();
        int d = c.hiddenSize();
        for (int l = 0; l < c.numLayers(); l++) {
            int base = l * (dk * d + dk);
            System.arraycopy(fx.require("assoc." + s + ".A." + l).toFloats(), 0, st, base, dk * d);
            System.arraycopy(fx.require("assoc." + s + ".z." + l).toFloats(), 0, st, base + dk * d, dk);
        }
        return st;
    }

    static double check(Path dir, TensorBackend backend) throws IOException {
        RmtModel model = RmtModel.load(dir, backend);
        RmtConfig c = model.config();
        assertEquals(RmtConfig.Arch.ARMT, c.arch(), dir + " is an ARMT artifact");
        SafeTensorsFile fx = SafeTensors.read(dir.resolve("fixture.safetensors"));
        int[] ids = Arrays.stream(fx.require("input_ids").toLongs()).mapToInt(l -> (int) l).toArray();
        int seg = c.segmentSize();
        double worst = 0;
        float[] chained = model.initialMemory();
        int segments = (ids.length + seg - 1) / seg;
        assertTrue(segments >= 3 && ids.length % seg != 0, "fixture must end with a short segment");
        String name = dir.getFileName().toString();
        for (int s = 0; s < segments; s++) {
            int n = Math.min(seg, ids.length - s * seg);
            boolean write = n == seg;
            for (float[] in : List.of(state(fx, c, s), chained)) {
                RmtModel.Segment out = model.forward(in, ids, s * seg, n, write, RmtModel.Logits.ALL, true);
                assertEquals(c.numLayers() + 1, out.hidden().size());
                for (int l = 0; l < out.hidden().size(); l++) {
                    worst = Math.max(worst, RmtParityTest.compare(fx.require("seg." + s + ".hidden." + l).toFloats(),
                            out.hidden().get(l), name + " segment " + s + " hidden " + l));
                }
                for (int l = 0; l < c.numLayers(); l++) {
                    worst = Math.max(worst, RmtParityTest.compare(fx.require("seg." + s + ".read." + l).toFloats(),
                            out.reads().get(l), name + " segment " + s + " read " + l));
                }
                worst = Math.max(worst, RmtParityTest.compare(fx.require("seg." + s + ".logits").toFloats(),
                        out.logits(), name + " segment " + s + " logits"));
                if (write) {
                    float[] want = state(fx, c, s + 1);
                    int dk = c.assocKeyDim();
                    int d = c.hiddenSize();
                    for (int l = 0; l < c.numLayers(); l++) {
                        int base = l * (dk * d + dk);
                        worst = Math.max(worst, RmtParityTest.compare(Arrays.copyOfRange(want, base, base + dk * d),
                                Arrays.copyOfRange(out.memory(), base, base + dk * d), name + " segment " + s + " A " + l));
                        worst = Math.max(worst, RmtParityTest.compare(
                                Arrays.copyOfRange(want, base + dk * d, base + dk * d + dk),
                                Arrays.copyOfRange(out.memory(), base + dk * d, base + dk * d + dk),
                                name + " segment " + s + " z " + l));
                    }
                }
            }
            if (write) {
                chained = model.forward(chained, ids, s * seg, n, true, RmtModel.Logits.NONE, false).memory();
            }
        }
        return worst;
    }
}
