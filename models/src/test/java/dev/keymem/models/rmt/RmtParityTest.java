package dev.keymem.models.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.io.SafeTensors;
import dev.keymem.models.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Java forward vs PyTorch's on the golden fixtures {@code training/export_fixtures.py} and
 * {@code training/train_rmt.py} wrote: every layer's hidden states, the logits and the memory of
 * every segment (two full segments and a short last one), within 1e-4 relative (max |java - torch|
 * over max |torch| per tensor) in float32. Each segment is checked twice: from the fixture's memory
 * (layer by layer, no carried error) and chained from Java's own memory (the error carried across
 * segments stays within the bound too).
 */
class RmtParityTest {

    static final Path FIXTURES = Path.of("src/test/resources/dev/keymem/models/rmt");
    static final Path TRAINED = Path.of("../training/artifacts");
    static final double TOLERANCE = 1e-4;

    @Test
    void decoderMatchesPyTorchLayerByLayer() throws IOException {
        for (TensorBackend b : List.of(ScalarBackend.INSTANCE, Backends.java())) {
            double worst = check(FIXTURES.resolve("decoder"), b);
            System.out.printf("RMT decoder parity (random weights, %s): max relative error %.2e%n", b.name(), worst);
        }
    }

    @Test
    void encoderMatchesPyTorchLayerByLayer() throws IOException {
        for (TensorBackend b : List.of(ScalarBackend.INSTANCE, Backends.java())) {
            double worst = check(FIXTURES.resolve("encoder"), b);
            System.out.printf("RMT encoder parity (random weights, %s): max relative error %.2e%n", b.name(), worst);
        }
    }

    @Test
    void trainedDecodersMatchPyTorch() throws IOException {
        List<Path> dirs = new java.util.ArrayList<>();
        try (var s = Files.list(TRAINED)) {
            s.filter(p -> p.getFileName().toString().startsWith("rmt-")).sorted().forEach(dirs::add);
        }
        assertTrue(dirs.size() >= 1, "trained RMT artifacts are committed under " + TRAINED.toAbsolutePath());
        for (Path dir : dirs) {
            for (TensorBackend b : List.of(ScalarBackend.INSTANCE, Backends.java())) {
                double worst = check(dir, b);
                System.out.printf("RMT decoder parity (trained %s, %s): max relative error %.2e%n", dir.getFileName(),
                        b.name(), worst);
            }
        }
    }

    static double check(Path dir, TensorBackend backend) throws IOException {
        RmtModel model = RmtModel.load(dir, backend);
        RmtConfig c = model.config();
        SafeTensorsFile fx = SafeTensors.read(dir.resolve("fixture.safetensors"));
        int[] ids = Arrays.stream(fx.require("input_ids").toLongs()).mapToInt(l -> (int) l).toArray();
        int seg = c.segmentSize();
        boolean decoder = c.layout() == RmtConfig.Layout.DECODER;
        assertArrayEquals(fx.require("memory.0").toFloats(), model.initialMemory(), "initial memory");
        double worst = 0;
        float[] chained = model.initialMemory();
        int segments = (ids.length + seg - 1) / seg;
        assertTrue(segments >= 3 && ids.length % seg != 0, "fixture must end with a short segment");
        for (int s = 0; s < segments; s++) {
            int n = Math.min(seg, ids.length - s * seg);
            boolean full = n == seg;
            boolean write = full || !decoder; // the decoder reads a short segment; the encoder always writes
            float[] memIn = fx.require("memory." + s).toFloats();
            for (float[] mem : List.of(memIn, chained)) {
                RmtModel.Segment out = model.forward(mem, ids, s * seg, n, write, RmtModel.Logits.ALL, true);
                List<float[]> hidden = out.hidden();
                assertEquals(c.numLayers() + 1, hidden.size());
                for (int l = 0; l < hidden.size(); l++) {
                    worst = Math.max(worst, compare(fx.require("seg." + s + ".hidden." + l).toFloats(), hidden.get(l),
                            dir.getFileName() + " segment " + s + " hidden " + l));
                }
                String logitsName = decoder ? "seg." + s + ".logits" : "seg." + s + ".class_logits";
                worst = Math.max(worst, compare(fx.require(logitsName).toFloats(), out.logits(),
                        dir.getFileName() + " segment " + s + " logits"));
                if (write) {
                    worst = Math.max(worst, compare(fx.require("memory." + (s + 1)).toFloats(), out.memory(),
                            dir.getFileName() + " segment " + s + " memory"));
                }
            }
            if (write) {
                chained = model.forward(chained, ids, s * seg, n, true, RmtModel.Logits.NONE, false).memory();
            }
        }
        return worst;
    }

    static double compare(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double maxAbs = 0;
        double maxErr = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            maxErr = Math.max(maxErr, Math.abs(expected[i] - actual[i]));
        }
        double rel = maxErr / Math.max(maxAbs, 1e-30);
        assertTrue(rel <= TOLERANCE, what + ": relative error " + rel + " > " + TOLERANCE);
        return rel;
    }
}
