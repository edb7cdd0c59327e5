package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memctl rmt-eval} in-process on the committed trained artifacts: tables, plot, usage errors. */
class MemctlRmtEvalTest {

    static final Path ARTIFACTS = Path.of("../training/artifacts");

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Memctl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trainedDetectMemorizeAnswersAndStateBytesStayConstant() throws Exception {
        Path png = dir.resolve("plot.png");
        Run r = run("rmt-eval", "--model", ARTIFACTS.resolve("rmt-detect-memorize").toString(), "--lengths", "64,2048",
                "--samples", "8", "--png", png.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(4, lines.length, r.out());
        // 8 segments of 32 tokens is inside the training range: the trained model answers every key
        assertTrue(lines[2].contains("1.000 (8/8)"), r.out());
        String bytes64 = lines[2].split("\\|")[4].trim();
        String bytes2048 = lines[3].split("\\|")[4].trim();
        assertEquals(bytes64, bytes2048, "state bytes per key must not grow with length");
        assertEquals((4 * 32 + 32) * 4 + 20, Integer.parseInt(bytes64));
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 100 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', "a PNG file");
    }

    /** RMT and ARMT side by side: one column each, and each model's own constant state size. */
    @Test
    void armtBesideRmtWithEachModelsStateBytes() {
        Run r = run("rmt-eval", "--model", ARTIFACTS.resolve("rmt-detect-memorize") + ","
                + ARTIFACTS.resolve("armt-detect-memorize"), "--lengths", "64,256", "--samples", "4", "--quiet");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(4, lines.length, r.out());
        assertTrue(lines[0].contains("| detect_memorize accuracy | ARMT detect_memorize accuracy |"), r.out());
        int rmtBytes = (4 * 32 + 32) * 4 + 20;
        int armtBytes = (2 * (96 * 32 + 96) + 32) * 4 + 20; // per layer A [96, 32] and z [96]
        for (int i = 2; i < 4; i++) {
            assertEquals(rmtBytes + " / " + armtBytes, lines[i].split("\\|")[5].trim(), r.out());
            // 2 and 8 segments of 32 tokens are inside both models' training range
            assertTrue(lines[i].split("\\|")[4].contains("(4/4)"), r.out());
        }
    }

    @Test
    void mqarTableListsEveryRead() {
        Run r = run("rmt-eval", "--mqar", ARTIFACTS.resolve("mc-spread-plain").toString(), "--lengths", "64",
                "--samples", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
        for (String v : new String[] {"plain", "grm.param_free", "ssc.param_free"}) {
            assertTrue(r.out().contains("mc-spread-plain " + v + " |"), r.out());
        }
    }

    @Test
    void mqarDefaultLengthsAreMultiplesOfTheTrainingLengthAndReadsFilter() {
        Path model = ARTIFACTS.resolve("mc8x-grm-learned");
        Run r = run("rmt-eval", "--mqar", model.toString(), "--reads", "plain,grm.learned", "--samples", "1",
                "--quiet");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[0].contains("recall @128 | recall @256 | recall @512 | recall @1024 |"), r.out());
        assertEquals(4, lines.length, r.out());
        assertTrue(lines[2].startsWith("| mc8x-grm-learned plain |") && lines[3].startsWith("| mc8x-grm-learned grm.learned |"),
                r.out());
        Run bad = run("rmt-eval", "--mqar", model.toString(), "--reads", "grm.sometimes");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--reads"), bad.err());
    }

    @Test
    void badOptionsAreUsageErrors() {
        Run missing = run("rmt-eval", "--model", dir.resolve("nope").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("holds no config.json"), missing.err());
        Run shortLength = run("rmt-eval", "--lengths", "5");
        assertEquals(2, shortLength.code());
        assertTrue(shortLength.err().contains("--lengths"), shortLength.err());
        Run notNumber = run("rmt-eval", "--lengths", "abc");
        assertEquals(2, notNumber.code());
    }
}
