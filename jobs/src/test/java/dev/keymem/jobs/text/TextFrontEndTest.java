package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class TextFrontEndTest {

    @Test
    void embedsLinesAsRowsOfTheTemplateEmbedding() {
        TextFrontEnd fe = TextFrontEnd.builder().dimension(48).build();
        List<String> lines = List.of(
                "2024-05-01T10:00:00Z db: connection pool exhausted (active=50 waiting=12)",
                "2024-05-01T10:00:01Z db: connection pool exhausted (active=50 waiting=19)",
                "2024-05-01T10:00:02Z auth: login ok for user 4411 from 10.2.3.4");
        float[][] x = fe.embedLines(lines);
        assertEquals(3, x.length);
        for (int i = 0; i < 3; i++) {
            assertEquals(48, x[i].length);
            String t = fe.template(lines.get(i));
            int[] ids = fe.tokenizer().encode(t);
            assertArrayEquals(ids, fe.tokenIds(lines.get(i)));
            assertArrayEquals(new HashingEmbedder(48).embedTokens(ids), x[i]);
        }
        assertArrayEquals(x[0], x[1], "same template, same vector");
    }

    @Test
    void maskingCanBeSwitchedOff() {
        TextFrontEnd raw = TextFrontEnd.builder().masking(false).build();
        assertEquals("order 42 shipped", raw.template("  order 42 shipped "));
        assertEquals("order <NUM> shipped", TextFrontEnd.builder().build().template("order 42 shipped"));
    }

    @Test
    void tokenLimitNamesTheLineWhenRejecting() {
        TextFrontEnd fe = TextFrontEnd.builder().maxTokensPerLine(4).rejectOverLimit(true).build();
        TokenLimitException e = assertThrows(TokenLimitException.class,
                () -> fe.embedLines(List.of("ok", "this line has far too many tokens for the limit")));
        assertTrue(e.getMessage().startsWith("line 1: "), e.getMessage());
    }

    @Test
    void aLineOverTheTokenLimitIsCutByDefault() {
        TextFrontEnd fe = TextFrontEnd.builder().maxTokensPerLine(4).build();
        TextFrontEnd.Encoded e = fe.encode("this line has far too many tokens for the limit");
        assertTrue(e.truncated);
        assertEquals(4, e.tokenIds.length);
        assertEquals("this line has far", e.template);
        assertArrayEquals(fe.encode("this line has far").vector, e.vector, "the embedding of the tokens kept");
        assertTrue(!fe.encode("short one").truncated);
        assertEquals(2, fe.embedLines(List.of("ok", "this line has far too many tokens for the limit")).length);
    }

    @Test
    void otherEmbeddersPlugIn() {
        LineEmbedder lengths = new LineEmbedder() {
            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public float[] embed(String template, int[] tokenIds) {
                return new float[] {template.length(), tokenIds.length};
            }

            @Override
            public String name() {
                return "lengths";
            }
        };
        TextFrontEnd fe = TextFrontEnd.builder().embedder(lengths).build();
        assertEquals(2, fe.dimension());
        assertArrayEquals(new float[] {"x <NUM>".length(), fe.tokenIds("x 7").length}, fe.embedLine("x 7"));
    }
}
