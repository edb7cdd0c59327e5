package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import dev.keymem.jobs.testdata.Loghub;
import dev.keymem.jobs.text.LineMasker;
import dev.keymem.jobs.text.ShapeLines;
import dev.keymem.jobs.text.TextFrontEnd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The summarizer embeds the miner's masked message without masking it again ({@link TextFrontEnd#encodeMasked}):
 * that gives what masking it again gave ({@link TextFrontEnd#encode}, the reference) because the masked message is
 * a fixed point of the front end's masker. Checked here on every loghub_2k line, every format sample, random lines
 * of every masking rule's shapes, JSON and id-dense lines, stack traces and lines over the front end's 4,096-char
 * cut, each through the miner with headers cut and kept, bare and not ({@code -Dkeymem.mask.random=N}: N random
 * lines of the rules' shapes, 8,000 unless told). {@code -Dkeymem.mask.inputs=F1,F2}: also
 * the lines of those files (e.g. the benchmark inputs; a JSON line's text as the miner gets it is its message
 * field, so such files check the raw line, a looser but still valid input).
 */
class LogSummarizerMaskTest {
    private final LineMasker masker = new LineMasker();
    private final TextFrontEnd fe = TextFrontEnd.builder().build();

    static List<String> lines() throws Exception {
        List<String> lines = new ArrayList<>(Loghub.lines("LogSummarizerMaskTest"));
        Path formats = Path.of(LogSummarizerMaskTest.class.getResource("/formats").toURI());
        try (Stream<Path> files = Files.list(formats)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".log")) {
                    for (FormatSamplesTest.Line l : FormatSamplesTest.sample(name.substring(0, name.length() - 4))) {
                        lines.add(l.text());
                    }
                }
            }
        }
        SplittableRandom r = new SplittableRandom(613);
        for (int n = 0, k = Integer.getInteger("keymem.mask.random", 8_000); n < k; n++) {
            lines.add(ShapeLines.ruleShapes(r));
        }
        for (int n = 0; n < 500; n++) {
            lines.add(ShapeLines.ids(r));
            lines.add(ShapeLines.json(r));
        }
        for (int n = 0; n < 100; n++) {
            lines.add(ShapeLines.stack(r));
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 9_000 + r.nextInt(6_000)) {
                sb.append(r.nextBoolean() ? ShapeLines.ids(r) : ShapeLines.ruleShapes(r)).append(" retry the upstream ");
            }
            lines.add(sb.toString());
        }
        String extra = System.getProperty("keymem.mask.inputs");
        if (extra != null) {
            for (String f : extra.split(",")) {
                lines.addAll(Files.readAllLines(Path.of(f), StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    /**
     * Where {@link LineMasker#mayChangeMasked} is false the miner's masked message is a fixed point of the masker;
     * where it is true masking may change it, and on some generated lines does (so the check is needed).
     */
    @Test
    void theMinersMaskedMessageIsAFixedPointWhereNoRuleMayMatchAgain() throws Exception {
        List<String> lines = lines();
        int skipped = 0;
        int changed = 0;
        int long_ = 0;
        for (boolean headers : new boolean[] {true, false}) {
            TemplateMiner miner = new TemplateMiner(MinerSettings.defaults().withHeaders(headers));
            MinerState state = new MinerState();
            for (String line : lines) {
                for (boolean bare : new boolean[] {false, true}) {
                    String m = miner.accept(state, line, bare).masked();
                    String again = masker.mask(m);
                    if (!LineMasker.mayChangeMasked(m)) {
                        assertEquals(m.strip(), again, () -> "not a fixed point: " + m + " (of " + line + ")");
                        skipped++;
                    } else if (!again.equals(m.strip())) {
                        changed++;
                    }
                    if (m.length() > 4096) {
                        long_++;
                    }
                }
            }
        }
        assertTrue(skipped > 4 * 8_000, "messages skipped: " + skipped);
        assertTrue(changed > 0, "no message that masking changes again");
        assertTrue(long_ > 0, "no message over the cut");
    }

    /** What the summarizer embeds: {@code encodeMasked} equals {@code encode}, the cut messages included. */
    @Test
    void encodingAMaskedMessageWithoutMaskingGivesTheReference() throws Exception {
        TemplateMiner miner = new TemplateMiner(MinerSettings.defaults().withHeaders(true));
        MinerState state = new MinerState();
        SplittableRandom r = new SplittableRandom(5);
        List<String> lines = lines();
        int checked = 0;
        for (String line : lines) {
            String m = miner.accept(state, line, false).masked();
            if (m.length() < 4096 && !LineMasker.mayChangeMasked(m) && r.nextInt(8) != 0) {
                continue; // a sample of the fixed points (the test above covers them all), every other one
            }
            TextFrontEnd.Encoded a = fe.encode(m);
            TextFrontEnd.Encoded b = fe.encodeMasked(m);
            assertEquals(a.template, b.template, m);
            assertArrayEquals(a.tokenIds, b.tokenIds, m);
            assertArrayEquals(a.vector, b.vector, m);
            assertEquals(a.truncated, b.truncated, m);
            checked++;
        }
        assertTrue(checked > 1_000, "checked " + checked);
    }

    /**
     * Why a message over the cut is still masked: the cut can leave a piece of a word that masks on its own (here
     * a hex run), so the cut prefix of a fixed point need not be one.
     */
    @Test
    void theCutCanMakeAFixedPointMaskable() {
        String word = "a1b2c3d4e5z";
        String text = "x ".repeat(2_043) + word + " tail";
        assertEquals(text, masker.mask(text));
        String cut = text.substring(0, 4096);
        assertTrue(cut.endsWith("a1b2c3d4e5"), cut.substring(4080));
        assertNotEquals(cut, masker.mask(cut));
        assertEquals(fe.encode(text).template, fe.encodeMasked(text).template);
    }
}
