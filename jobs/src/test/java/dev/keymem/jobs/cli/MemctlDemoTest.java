package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MemctlDemoTest {

    @Test
    void demoRunsOnTheBundledSampleAndFormsAgree() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Memctl.run(new String[] {"demo", "--sample", "../samples/cell-example.safetensors"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        for (String kind : new String[] {"linear", "gated_linear", "delta", "gated_delta"}) {
            String line = text.lines().filter(l -> l.startsWith(kind + " ")).findFirst().orElseThrow();
            double diff = Double.parseDouble(line.substring(kind.length()).trim().split("\\s+")[0]);
            assertTrue(diff < 1e-4, line);
        }
        assertTrue(text.contains("| exact attention (KV cache) | 1.000 |"), text);
    }

    @Test
    void missingSampleIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Memctl.run(new String[] {"demo", "--sample", "no/such/file"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no/such/file"));
    }
}
