package dev.keymem.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark mains still run end to end on tiny settings (they are not run by any other test): each
 * prints its table with a row per case, and the operators consume every record. Speed is not checked.
 */
class BenchmarksRunTest {

    private static String capture(ThrowingRunnable r) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        old.print(s);
        return s;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static long rows(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void operatorBenchPrintsARowPerBackendAndOperator(@TempDir Path dir) throws Exception {
        String out = capture(() -> OperatorBench.main(new String[] {"--keys", "50", "--tokens", "4",
                "--backends", "hashmap,rocksdb", "--operators", "keyed,batched", "--caches", "0",
                "--seconds", "0.05", "--warmup", "0.02", "--dir", dir.toString()}));
        assertEquals(4, rows(out, "| keyed | ") + rows(out, "| batched-64 | "), out);
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count(), "scratch state deleted per case");
        }
    }

    @Test
    void rmtBenchRunsBothOperatorsOverEveryRecord() throws Exception {
        Path artifact = Path.of("../training/artifacts/rmt-detect-memorize");
        Assumptions.assumeTrue(Files.isDirectory(artifact), "no RMT artifact at " + artifact.toAbsolutePath());
        List<dev.keymem.operators.TokenRecord> records = RmtBench.records(96, 8, 16, 88, 5);
        Configuration o = new Configuration();
        o.set(dev.keymem.operators.MemoryOperatorOptions.MEMORY_TYPE, dev.keymem.operators.MemoryOperatorOptions.MemoryType.RMT);
        o.set(dev.keymem.operators.MemoryOperatorOptions.RMT_ARTIFACT, artifact.toString());
        o.set(dev.keymem.operators.MemoryOperatorOptions.BATCH_MAX_KEYS, 64);
        assertEquals(96 * 16, RmtBench.run(false, o, records).tokens());
        assertEquals(96 * 16, RmtBench.run(true, o, records).tokens());
        String out = capture(() -> RmtBench.main(new String[] {"--rounds", "1", "--records", "64", "--keys", "8",
                "--backends", "scalar", "--artifact", artifact.toString()}));
        Matcher m = Pattern.compile("(?m)^\\| scalar \\| ([0-9,]+) \\| ([0-9,]+) \\| ([0-9.]+) \\|$").matcher(out);
        assertTrue(m.find(), out);
    }
}
