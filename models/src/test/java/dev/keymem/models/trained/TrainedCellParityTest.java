package dev.keymem.models.trained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.caching.CachingSettings;
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
 * The gated delta models trained by {@code training/train_mc.py}, served in Java, against the
 * PyTorch outputs in their committed fixtures: the cell outputs and logits of one stream under the
 * plain cell and Memory Caching GRM / SSC (top-2) with parameter-free and (when trained) learned gates,
 * segments of 16 tokens; within 1e-4 relative (max error over max magnitude), in the token-by-token
 * and the chunked forms, fed whole and in uneven chunks.
 */
class TrainedCellParityTest {

    static final Path ARTIFACTS = Path.of("../training/artifacts");
    static final double TOLERANCE = 1e-4;

    static List<Path> artifacts() throws IOException {
        List<Path> out = new ArrayList<>();
        try (var s = Files.list(ARTIFACTS)) {
            s.filter(p -> p.getFileName().toString().startsWith("mc")).sorted().forEach(out::add);
        }
        return out;
    }

    @Test
    void trainedModelsMatchPyTorch() throws IOException {
        List<Path> dirs = artifacts();
        assertTrue(!dirs.isEmpty(), "trained MC artifacts are committed under " + ARTIFACTS.toAbsolutePath());
        for (Path dir : dirs) {
            SafeTensorsFile fx = SafeTensors.read(dir.resolve("fixture.safetensors"));
            int[] ids = Arrays.stream(fx.require("input_ids").toLongs()).mapToInt(l -> (int) l).toArray();
            for (TensorBackend backend : List.of(ScalarBackend.INSTANCE, Backends.java())) {
                TrainedCellModel model = TrainedCellModel.load(dir, backend);
                List<String> variants = new ArrayList<>(List.of("plain", "grm.param_free", "ssc.param_free"));
                if (model.hasLearnedGates()) {
                    variants.addAll(List.of("grm.learned", "ssc.learned"));
                }
                for (String v : variants) {
                    for (boolean reference : new boolean[] {true, false}) {
                        for (int chunk : new int[] {ids.length, 7}) {
                            double err = run(model, settings(v), reference, ids, chunk, fx, v);
                            System.out.printf("MC parity %s %s %s %s chunk %d: max relative error %.2e%n",
                                    dir.getFileName(), v, backend.name(), reference ? "reference" : "chunked",
                                    chunk, err);
                        }
                    }
                }
            }
        }
    }

    static CachingSettings settings(String variant) {
        if (variant.equals("plain")) {
            return null;
        }
        String[] p = variant.split("\\.");
        return CachingSettings.defaults()
                .withSegmentation(CachingSettings.Segmentation.CONSTANT, 16)
                .withRead(p[0].equals("grm") ? CachingSettings.ReadVariant.GRM : CachingSettings.ReadVariant.SSC)
                .withTopK(2)
                .withGates(p[1].equals("learned") ? CachingSettings.GateSource.LEARNED
                        : CachingSettings.GateSource.PARAM_FREE, true);
    }

    static double run(TrainedCellModel model, CachingSettings s, boolean reference, int[] ids, int chunk,
                      SafeTensorsFile fx, String v) {
        TrainedCellModel.Session session = model.session(s, reference);
        int hv = model.config().heads() * model.config().valueDim();
        int vocab = model.config().vocabSize();
        float[] out = new float[ids.length * hv];
        float[] logits = new float[ids.length * vocab];
        for (int p = 0; p < ids.length; p += chunk) {
            int n = Math.min(chunk, ids.length - p);
            float[] o = new float[n * hv];
            float[] l = session.forward(Arrays.copyOfRange(ids, p, p + n), o);
            System.arraycopy(o, 0, out, p * hv, n * hv);
            System.arraycopy(l, 0, logits, p * vocab, n * vocab);
        }
        return Math.max(compare(fx.require(v + ".out").toFloats(), out, v + " out"),
                compare(fx.require(v + ".logits").toFloats(), logits, v + " logits"));
    }

    static double compare(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double maxAbs = 0;
        double maxErr = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            maxErr = Math.max(maxErr, Math.abs(expected[i] - actual[i]));
        }
        double rel = maxErr / Math.max(maxAbs, 1e-30);
        assertTrue(rel <= TOLERANCE, what + ": relative error " + rel);
        return rel;
    }
}
