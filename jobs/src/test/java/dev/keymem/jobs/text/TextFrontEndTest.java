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
    void theVectorAloneIsTheEncodingsVector() {
        // vectorOfMasked skips the kept text of a cut line (the hashing embedder reads ids only): same values, bit
        // for bit, on long stack traces cut at several limits, short lines and, for a text-reading embedder, the text's
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        LineMasker masker = new LineMasker();
        List<String> lines = new java.util.ArrayList<>(List.of("", "x 7", "a b c d e f g h i j k l m n o p"));
        for (int i = 0; i < 40; i++) {
            String s = ShapeLines.stack(r);
            lines.add(s);
            lines.add(masker.mask(s));
            lines.add(s.repeat(3));
        }
        int cut = 0;
        for (int limit : new int[] {512, 64, 5}) {
            TextFrontEnd fe = TextFrontEnd.builder().maxTokensPerLine(limit).build();
            for (String line : lines) {
                TextFrontEnd.Encoded e = fe.encodeMasked(line);
                float[] v = fe.vectorOfMasked(line);
                assertEquals(e.vector.length, v.length);
                for (int j = 0; j < v.length; j++) {
                    assertEquals(Float.floatToRawIntBits(e.vector[j]), Float.floatToRawIntBits(v[j]), line);
                }
                cut += e.truncated ? 1 : 0;
            }
        }
        assertTrue(cut > 100, "lines cut: " + cut);
        LineEmbedder lengths = new LineEmbedder() {
            @Override
            public int dimension() {
                return 1;
            }

            @Override
            public float[] embed(String template, int[] tokenIds) {
                return new float[] {template.length()};
            }

            @Override
            public String name() {
                return "length";
            }
        };
        TextFrontEnd fe = TextFrontEnd.builder().maxTokensPerLine(4).embedder(lengths).build();
        String line = "this line has far too many tokens for the limit";
        assertArrayEquals(fe.encodeMasked(line).vector, fe.vectorOfMasked(line), "a text-reading embedder sees the kept text");
        assertEquals("this line has far".length(), fe.vectorOfMasked(line)[0]);
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
