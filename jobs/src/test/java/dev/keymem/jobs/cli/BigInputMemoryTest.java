package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A file larger than the heap runs with bounded memory through {@code memctl logs|context --input} (its own JVM,
 * {@code -Xmx128m}): behind {@code -Dkeymem.bigInput=MIB} (the file's size in MiB, e.g. 300; it is written under
 * {@code target/big-input} and left there for a rerun), since it writes and reads hundreds of MB. The file: two good
 * lines, lines of 70 KiB (over the 64 KiB record limit: dead letters, cheap to run), one line of half the file
 * without a line end until its end, a last good line; and its gzip. Each run must end with exit 0, every line an
 * output or a dead letter. Before the reader's line bound the one long line failed the run ("root cause:
 * java.lang.OutOfMemoryError: Java heap space", exit 1, no output).
 */
class BigInputMemoryTest {
    private static final int LONG = 70 * 1024;

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFileLargerThanTheHeapRunsInBoundedMemory() throws Exception {
        String mib = System.getProperty("keymem.bigInput");
        Assumptions.assumeTrue(mib != null, "skipped: set -Dkeymem.bigInput=MIB (e.g. 300) to run it");
        long bytes = Long.parseLong(mib) << 20;
        Path dir = Files.createDirectories(Path.of("target", "big-input"));
        Path big = dir.resolve("big.log");
        long longLines = bytes / 2 / LONG;
        byte[] good = "2026-12-06T10:00:00Z INFO svc[1]: request ok id=1\n".getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[LONG + 1];
        java.util.Arrays.fill(line, (byte) 'y');
        line[LONG] = '\n';
        byte[] mb = new byte[1 << 20];
        java.util.Arrays.fill(mb, (byte) 'z');
        long lines = 0;
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(big), 1 << 16)) {
            o.write(good);
            o.write(good);
            for (long i = 0; i < longLines; i++) {
                o.write(line);
            }
            for (long i = 0; i < bytes / 2 >> 20; i++) {
                o.write(mb);
            }
            o.write('\n');
            o.write(good);
            lines = 2 + longLines + 2;
        }
        Path gz = dir.resolve("big.log.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz), 1 << 16)) {
            Files.copy(big, o);
        }
        // the long line first, in a gzip: the plain copy passed a first line (no line end seen yet) a byte at a time
        Path first = dir.resolve("first.log.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(first), 1 << 16)) {
            for (long i = 0; i < bytes / 2 >> 20; i++) {
                o.write(mb);
            }
            o.write('\n');
            o.write(good);
        }
        for (String[] run : List.of(new String[] {"logs", big.toString()}, new String[] {"context", big.toString()},
                new String[] {"logs", gz.toString()}, new String[] {"logs", first.toString()})) {
            String tag = run[0] + "-" + Path.of(run[1]).getFileName();
            Path out = dir.resolve(tag + ".out");
            Path dead = dir.resolve(tag + ".dead");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + dir.toAbsolutePath(),
                    "-cp", System.getProperty("java.class.path"), Memctl.class.getName(), run[0], "--input", run[1],
                    "--output", out.toString(), "--dead-letters", dead.toString()));
            Path log = dir.resolve(tag + ".err");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertFalse(!p.waitFor(600, TimeUnit.SECONDS) && p.destroyForcibly() != null, "ended by itself");
            String err = Files.readString(log);
            assertEquals(0, p.exitValue(), () -> String.join(" ", run) + ": " + err);
            assertFalse(err.contains("OutOfMemoryError"), err);
            long deadLetters = Files.readAllLines(dead).size();
            if (run[1].equals(first.toString())) {
                List<String> d = Files.readAllLines(dead);
                assertEquals(1, d.size(), err);
                // the line's length, not the bytes the reader held of it (8 MiB at -Xmx128m)
                assertEquals("value has " + (bytes / 2 >> 20 << 20) + " bytes, over the limit of 65536",
                        MemctlAwkwardInputTest.JSON.readTree(d.get(0)).get("reason").asText());
                assertEquals(1, MemctlAwkwardInputTest.JSON.readTree(Files.readAllLines(out).get(0))
                        .get("lines_since_last").asLong(), "the good line after it");
                continue;
            }
            long accounted = deadLetters;
            if (run[0].equals("logs")) {
                for (String s : Files.readAllLines(out)) {
                    accounted += MemctlAwkwardInputTest.JSON.readTree(s).get("lines_since_last").asLong();
                }
                assertEquals(longLines + 1, deadLetters, String.join(" ", run));
            }
            assertEquals(lines, accounted, String.join(" ", run) + ": every line an output or a dead letter");
        }
    }
}
