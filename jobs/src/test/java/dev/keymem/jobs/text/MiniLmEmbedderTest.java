package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The optional MiniLM embedder (its jar is on the test classpath through the provided scope). */
class MiniLmEmbedderTest {

    @Test
    void embedsTemplatesSemantically() {
        assertTrue(MiniLmEmbedder.available(), "langchain4j MiniLM on the test classpath");
        TextFrontEnd fe = TextFrontEnd.builder().embedder(new MiniLmEmbedder()).build();
        assertEquals(384, fe.dimension());
        float[][] x = fe.embedLines(List.of(
                "ERROR db[991]: connection pool exhausted active=50/50 waiting=12",
                "ERROR db[991]: no free database connections left in the pool, 12 waiting",
                "INFO cache[4120]: stats hit_ratio=0.93 keys=21000 evictions=3"));
        double norm = 0;
        for (float v : x[0]) {
            norm += v * v;
        }
        assertEquals(1.0, norm, 1e-5);
        double near = dot(x[0], x[1]), far = dot(x[0], x[2]);
        assertTrue(near > far + 0.1, "paraphrase closer than an unrelated line: near=" + near + " far=" + far);
        assertArrayEquals(x[0], fe.embedLine("ERROR db[991]: connection pool exhausted active=50/50 waiting=99"),
                "same template, same vector");
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
