package dev.keymem.models.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without --add-modules jdk.incubator.vector the models module still runs, on the scalar backend. */
class BackendsFallbackTest {

    /** Entry point of the child JVM: prints the best pure-Java backend and a tiny product. */
    public static void main(String[] args) {
        TensorBackend b = Backends.java();
        float[] c = new float[1];
        b.gemm(false, false, 1, 1, 2, 1f, new float[] {1, 2}, 0, 2, new float[] {3, 4}, 0, 1, 0f, c, 0, 1);
        System.out.print(b.name() + " " + c[0]);
    }

    @Test
    void javaFallsBackToScalarWithoutTheIncubatorModule() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                BackendsFallbackTest.class.getName())).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out.toString(StandardCharsets.UTF_8));
        assertEquals("scalar 11.0", out.toString(StandardCharsets.UTF_8).trim());
    }
}
