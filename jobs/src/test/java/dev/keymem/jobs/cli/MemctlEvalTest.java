package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memctl eval logs} on a small labelled data set written here (no shared data needed). */
class MemctlEvalTest {

    static int run(List<String> args, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return Memctl.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void evaluatesALabelledDataSetAndWritesTheTable(@TempDir Path dir) throws Exception {
        Path set = dir.resolve("Tiny");
        Files.createDirectories(set);
        List<String> raw = new ArrayList<>();
        StringBuilder csv = new StringBuilder("LineId,Content,EventId,EventTemplate\n");
        for (int i = 0; i < 60; i++) {
            String content = switch (i % 3) {
                case 0 -> "session opened for user u" + (i % 7) + "x by (uid=" + i + ")";
                case 1 -> "disk /dev/sd" + (char) ('a' + i % 4) + "1 is " + (50 + i) + "% full";
                default -> "worker " + i + " finished, took " + (i * 3) + " ms";
            };
            raw.add("2026-01-15T08:00:" + String.format("%02d", i % 60) + ".000Z INFO app[7]: " + content);
            csv.append(i + 1).append(",\"").append(content.replace("\"", "\"\"")).append("\",E").append(i % 3 + 1)
                    .append(",t\n");
        }
        Files.write(set.resolve("Tiny_2k.log"), raw);
        Files.writeString(set.resolve("Tiny_2k.log_structured.csv"), csv.toString());
        Files.writeString(dir.resolve("README.md"), "| Tiny | 0.500 | 0.900 |\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path md = dir.resolve("out/table.md");
        int code = run(List.of("eval", "logs", dir.toString(), "--markdown", md.toString()), out, err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8) + text);
        assertTrue(text.contains("| Tiny | 60 | 3 | 1.000 | 0.500 | 0.900 | 1.000 |"), text);
        assertTrue(text.contains("| 1.000 | 1.00 |"), "full coverage, one line per template: " + text);
        assertTrue(Files.readString(md).startsWith("| data set |"));
    }

    @Test
    void usageErrors(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(List.of("eval"), new ByteArrayOutputStream(), err));
        assertEquals(2, run(List.of("eval", "logs"), new ByteArrayOutputStream(), err));
        assertEquals(2, run(List.of("eval", "logs", dir.resolve("none").toString()), new ByteArrayOutputStream(), err));
        assertEquals(2, run(List.of("eval", "logs", dir.toString()), new ByteArrayOutputStream(), err));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not a data set"), err.toString(StandardCharsets.UTF_8));
    }
}
