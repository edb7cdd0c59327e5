package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import dev.keymem.jobs.testdata.Loghub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link TextFrontEnd#mayChangeMasked} (the front end's check over a message's Latin-1 bytes) gives
 * {@link LineMasker#mayChangeMasked} (the reference) on: every loghub_2k line, raw, masked and as the miner's masked
 * message (headers cut and kept, bare and not); a sample of the messages of every log input of the bench folder
 * ({@code -Dkeymem.bench=DIR}, else {@code /work/bench25/in}: its {@code MANIFEST.txt}'s {@code logs} rows, every
 * k-th line up to 3,000 a file; a JSON line's message field, else the line), raw, masked and mined; generated stack
 * traces, JSON, id-dense and rule-shape lines; and awkward text: empty, white space, non-ASCII (Latin-1, wider, lone
 * and paired surrogates next to the check's characters), placeholders ({@code <*>}, {@code <NUM>}), lines over the
 * front end's 4,096-char cut, and random strings over an alphabet dense in the check's characters.
 */
class TextFrontEndMaskCheckTest {

    private int trues;
    private int falses;

    private void same(String s) {
        boolean ref = LineMasker.mayChangeMasked(s);
        assertEquals(ref, TextFrontEnd.mayChangeMasked(s), () -> "differs on: " + s);
        if (ref) {
            trues++;
        } else {
            falses++;
        }
    }

    @Test
    void theByteCheckIsTheMaskersCheck() throws Exception {
        List<String> raw = new ArrayList<>(Loghub.lines("TextFrontEndMaskCheckTest"));
        int loghub = raw.size();
        raw.addAll(benchMessages());
        SplittableRandom r = new SplittableRandom(29);
        for (int i = 0; i < 300; i++) {
            raw.add(ShapeLines.stack(r));
            raw.add(ShapeLines.json(r));
            raw.add(ShapeLines.ids(r));
            raw.add(ShapeLines.ruleShapes(r));
        }
        StringBuilder longLine = new StringBuilder();
        while (longLine.length() < 9_000) {
            longLine.append(ShapeLines.ruleShapes(r)).append(" <*> <NUM> retry ");
        }
        raw.add(longLine.toString());
        raw.add(ShapeLines.stack(r) + ShapeLines.stack(r) + ShapeLines.stack(r));
        LineMasker masker = new LineMasker();
        List<TemplateMiner> miners = List.of(new TemplateMiner(MinerSettings.defaults().withHeaders(true)),
                new TemplateMiner(MinerSettings.defaults().withHeaders(false)));
        List<MinerState> states = List.of(new MinerState(), new MinerState());
        for (String line : raw) {
            same(line);
            same(masker.mask(line));
            for (int m = 0; m < 2; m++) {
                same(miners.get(m).accept(states.get(m), line, (line.length() & 1) == 0).masked());
            }
        }
        int real = trues + falses;
        for (String s : awkward(r)) {
            same(s);
        }
        System.out.println("TextFrontEndMaskCheckTest: " + real + " lines checked (" + loghub + " loghub), true " + trues
                + ", false " + falses);
        assertTrue(loghub == 0 || loghub >= 14 * 2_000, "loghub lines: " + loghub);
        assertTrue(real == 4 * raw.size(), "lines checked: " + real);
        assertTrue(trues > 2_000 && falses > 2_000, "true " + trues + ", false " + falses);
    }

    /** Every k-th message of each log input of the bench folder (none where it is absent, which is said). */
    private static List<String> benchMessages() throws Exception {
        Path dir = Path.of(System.getProperty("keymem.bench", "/work/bench25/in"));
        Path manifest = dir.resolve("MANIFEST.txt");
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(manifest)) {
            System.out.println("TextFrontEndMaskCheckTest: no " + manifest + "; bench inputs not checked");
            return out;
        }
        ObjectMapper json = new ObjectMapper();
        for (String row : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
            String[] f = row.split("\t");
            if (row.startsWith("#") || f.length < 4 || !f[0].equals("logs")) {
                continue;
            }
            long records = Long.parseLong(f[3]);
            long step = Math.max(1, records / 3_000);
            long k = 0;
            try (var lines = Files.lines(dir.resolve(f[2]), StandardCharsets.UTF_8)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (k++ % step != 0) {
                        continue;
                    }
                    String text = line;
                    if (line.startsWith("{")) {
                        JsonNode n = json.readTree(line);
                        for (String field : new String[] {"message", "msg", "log", "text"}) {
                            if (n.path(field).isTextual()) {
                                text = n.get(field).asText();
                                break;
                            }
                        }
                    }
                    out.add(text);
                }
            }
        }
        return out;
    }

    private static List<String> awkward(SplittableRandom r) {
        List<String> out = new ArrayList<>(List.of("", " ", "\t\n", "<*>", "<NUM>", "<*>:<*>", "<NUM>::<NUM>", "é",
                "漢字", "😀", "\uD800", "\uDC00", "a@b.c", "@b.c", "a@", "a@.", "é@b.c", "a@é.c", "a\uD83D\uDE00@b.c",
                "a@\uD83D\uDE00.c", "a+@-x.", "a:b:c:d:e:f:0", "a:b:c:d:e:f:g", "1:2:3:4:5:6", "1:2:3:4:5:6:7", ":x:",
                "::", "a:é:", "/a", "/a/b", "\\a\\", "/é\\", "http://x", "x<*>/<NUM>/y", "ÿ:ÿ::", "a\u0100:"));
        out.add("x".repeat(5_000) + "/" + "y".repeat(5_000) + "/");
        out.add("é".repeat(4_095) + "@b.c");
        out.add("<*> ".repeat(2_000) + "a@b.c");
        String alphabet = "aAfFgG09_:-./\\@+ \t<>*é漢\uD83D\uDE00\uD800?ÿ";
        for (int i = 0; i < 40_000; i++) {
            int n = r.nextInt(0, i % 100 == 0 ? 6_000 : 40);
            StringBuilder sb = new StringBuilder(n);
            for (int k = 0; k < n; k++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            out.add(sb.toString());
        }
        return out;
    }
}
