package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link OutputBounds} against its reference form {@link OutputBoundsReference}, bit for bit. */
class OutputBoundsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PIECES = {"alpha", "beta", "GET /api/v1/users", "x=1", "é", "ü", "€", "中文",
        "Привет", "\uD83D\uDE00", "\"", "\\", "\n", "\t", "\r", "\b", "\f", "\u0001", "\u001f", "\u007f", "/",
        "\u2028", "<tag>", "'", " ", "0", "  "};

    private static String text(Random r, int words) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            b.append(PIECES[r.nextInt(r.nextInt(4) == 0 ? PIECES.length : 5)]);
        }
        return b.toString();
    }

    /** A log summary as LogSummarizer builds it, with {@code templates} entries of about {@code words} words. */
    static ObjectNode summary(Random r, int templates, int words) {
        ObjectNode s = JSON.createObjectNode();
        s.put("source", "src-" + text(r, 2));
        s.put("summary", r.nextInt(50));
        s.put("from_offset", r.nextLong() >>> 20);
        s.put("to_offset", r.nextInt(1 << 30));
        s.put("lines_since_last", r.nextInt(100_000));
        s.put("lines_total", (long) r.nextInt(Integer.MAX_VALUE) * 4);
        s.put("final", r.nextBoolean());
        s.put("memory", "bmojo");
        s.put("templates_known", r.nextInt(1000));
        ArrayNode arr = s.putArray("templates");
        for (int i = 0; i < templates; i++) {
            ObjectNode o = arr.addObject();
            o.put("id", i);
            o.put("template", text(r, 1 + r.nextInt(words)));
            o.put("count", 1 + r.nextInt(1000));
            o.put("first_offset", r.nextInt(1 << 20));
            o.put("last_offset", r.nextLong() >>> 30);
            ArrayNode ps = o.putArray("params");
            for (int p = r.nextInt(4); p > 0; p--) {
                ps.add(text(r, 1 + r.nextInt(3)));
            }
            o.put("params_distinct", r.nextInt(9));
            o.put("innovation", Math.round(r.nextDouble() * 1e6) / 1e6);
            o.put("significance", r.nextInt(5) == 0 ? 0.0 : r.nextDouble() * Math.pow(10, r.nextInt(12) - 8));
            if (r.nextBoolean()) {
                o.put("flag", "new");
                o.put("text", text(r, 1 + r.nextInt(words * 2)));
                o.put("offset", r.nextInt(1 << 24));
                o.put("timestamp", Instant.ofEpochMilli(r.nextLong() >>> 24).toString());
            }
        }
        s.put("verbatim", r.nextInt(100));
        s.put("dropped", r.nextInt(10));
        s.put("dropped_lines", r.nextLong() >>> 40);
        return s;
    }

    /** Asserts both forms give the same string or the same exception (class and message). */
    private static void same(String json, int max) {
        String ref;
        try {
            ref = OutputBoundsReference.bound(json, max);
        } catch (RuntimeException e) {
            ref = "THROWS " + e.getClass().getName() + ": " + e.getMessage();
        }
        String fast;
        try {
            fast = OutputBounds.bound(json, max);
        } catch (RuntimeException e) {
            fast = "THROWS " + e.getClass().getName() + ": " + e.getMessage();
        }
        if (!ref.equals(fast)) {
            int i = 0;
            while (i < Math.min(ref.length(), fast.length()) && ref.charAt(i) == fast.charAt(i)) {
                i++;
            }
            throw new AssertionError("differs at char " + i + " of " + ref.length() + "/" + fast.length() + " (max "
                    + max + "): ref ..." + ref.substring(Math.max(0, i - 40), Math.min(ref.length(), i + 40))
                    + "... fast ..." + fast.substring(Math.max(0, i - 40), Math.min(fast.length(), i + 40))
                    + "... input " + json.substring(0, Math.min(300, json.length())));
        }
        if (!ref.startsWith("THROWS ")) {
            assertTrue(ref.getBytes(StandardCharsets.UTF_8).length <= max || json.equals(ref), "bounded");
            // the UTF-8 size passed by the writer that counted it: the same result
            long bytes = json == null ? -1 : json.getBytes(StandardCharsets.UTF_8).length;
            assertEquals(fast, OutputBounds.bound(json, max, bytes), "with the size given");
        }
    }

    @Test
    void summariesSmallAtTheLimitAndFarOverItAreCutAsTheReferenceCutsThem() {
        Random r = new Random(17);
        int over = 0;
        for (int i = 0; i < 120; i++) {
            int templates = r.nextInt(4) == 0 ? r.nextInt(5) : r.nextInt(600);
            String json = summary(r, templates, 1 + r.nextInt(40)).toString();
            assertNotNull(OutputBounds.Layout.scan(json), "a tree's text is measured without a parse");
            int bytes = json.getBytes(StandardCharsets.UTF_8).length;
            int[] limits = {4096, 8192, Math.max(4096, bytes - 1), Math.max(4096, bytes), bytes + 1,
                Math.max(4096, bytes / 2), Math.max(4096, bytes / 10), Math.max(4096, bytes - r.nextInt(2000))};
            for (int max : limits) {
                same(json, max);
                over += bytes > max ? 1 : 0;
            }
        }
        assertTrue(over > 400, over + " cases over the limit");
    }

    /**
     * A size that cannot be the text's (fewer bytes than chars) is measured again (more than 3 bytes a char is too,
     * but such a count over a text this long is over the limit either way).
     */
    @Test
    void aSizeThatCannotBeTheTextsIsMeasured() {
        String json = summary(new Random(3), 300, 20).toString();
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes > 8192, "over the limit: " + bytes);
        String cut = OutputBounds.bound(json, 8192);
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 8192);
        // counts under the limit, which a check that trusted them would let through uncut
        assertTrue(json.length() > 8192, "over the limit in chars: " + json.length());
        assertEquals(cut, OutputBounds.bound(json, 8192, 8192), "a count under the limit, fewer bytes than chars");
        assertEquals(cut, OutputBounds.bound(json, 8192, 0), "zero bytes");
    }

    @Test
    void largeSummariesAtTheJobsLimit() {
        Random r = new Random(5);
        for (int i = 0; i < 4; i++) {
            String json = summary(r, 1500 + r.nextInt(1500), 30 + r.nextInt(60)).toString();
            same(json, 512 * 1024);
            same(json, RecordLimits.defaults().maxOutputBytes());
        }
    }

    @Test
    void otherShapesAndInputsNotInJacksonsFormMatchTheReference() throws Exception {
        Random r = new Random(23);
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ObjectNode s = summary(r, 20 + r.nextInt(200), 20);
            switch (i % 10) {
                case 0 -> s.put("templates_cut", r.nextInt(100)); // an existing count, in place
                case 1 -> s.put("templates_cut", "12");
                case 2 -> s.putArray("templates_cut").add(1).add("x".repeat(3000));
                case 3 -> s.set("events", s.get("templates").deepCopy()); // two arrays
                case 4 -> s.put("query", text(r, 20_000)); // a huge string: the string step
                case 5 -> s.putArray("empty");
                case 6 -> s.putNull("templates_cut");
                case 7 -> s.put("nan", Double.NaN).put("inf", Double.NEGATIVE_INFINITY).put("neg0", -0.0)
                        .put("big", new java.math.BigInteger("123456789012345678901234567890"))
                        .put("dec", new java.math.BigDecimal("1.50"));
                case 8 -> s.set("nested", JSON.readTree("[[1,[2,[3]]],{\"a\":{\"b\":[\"" + "y".repeat(5000) + "\"]}}]"));
                default -> s.put("templates_cut_cut", 3).put("x", 1.0E-7).put("y", 1.0E21);
            }
            inputs.add(s.toString());
            inputs.add(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
        }
        String base = summary(r, 300, 20).toString();
        inputs.add(base.replace("/", "\\/"));
        inputs.add(base.replace("\"alpha", "\"\\u0061lpha"));
        inputs.add(base.replace("\\u001F", "\\u001f"));
        inputs.add(base.replace("\"count\":1", "\"count\":1.0"));
        inputs.add(base.replace("\"count\":1", "\"count\":-0,\"c\":1"));
        inputs.add(base.replace("\"count\":", "\"count\":7,\"count\":"));
        inputs.add(base.replace("{\"source\"", "{\"templates_known\":1,\"source\""));
        inputs.add(base + " ");
        inputs.add(" " + base);
        inputs.add(base + "{\"x\":1}");
        inputs.add(base.replace("\"significance\":0.0", "\"significance\":0.00"));
        inputs.add(base.replace("\"summary\":", "\"a\":\"\uD800x\",\"summary\":")); // a lone surrogate
        inputs.add(base.replace("\"summary\":", "\"a\":\"\uDC00\",\"summary\":"));
        inputs.add(base.replace("\"summary\":", "\"a\":\"tab\tinside\",\"summary\":")); // not JSON
        inputs.add(base.substring(0, base.length() - 1)); // not JSON
        inputs.add("[" + base + "]"); // not an object
        inputs.add("{\"q\":\"" + "z".repeat(600_000) + "\"}");
        inputs.add("{\"q\":[\"" + "z".repeat(600_000) + "\"]}");
        inputs.add("{\"a\":[1,2,3],\"b\":\"" + "\u00e9".repeat(10) + "\"}");
        inputs.add("{\"a\":[" + "1,".repeat(5000) + "1]}");
        for (String json : inputs) {
            for (int max : new int[] {64, 4096, 30_000, 100_000, 512 * 1024}) {
                same(json, max);
            }
        }
    }

    @Test
    void theScanAcceptsExactlyWhatJacksonWrites() throws Exception {
        for (int c = 0; c < 0x3000; c++) {
            String json = "{\"k\":" + new TextNode("a" + (char) c + "b") + ",\"n\":[" + c + "," + c * 0.5 + "]}";
            boolean lone = Character.isSurrogate((char) c);
            assertEquals(!lone, OutputBounds.Layout.scan(json) != null, "char " + c + ": " + json);
            if (!lone) {
                assertEquals(json, JSON.readTree(json).toString(), "Jackson writes it back: " + c);
            }
        }
        for (String bad : new String[] {"{\"a\":1} ", "{ \"a\":1}", "{\"a\":\"\\/\"}", "{\"a\":\"\\u0041\"}",
            "{\"a\":\"\\u000a\"}", "{\"a\":\"\\u001f\"}", "{\"a\":1.50}", "{\"a\":1e5}", "{\"a\":-0}", "{\"a\":01}",
            "{\"a\":1,\"a\":2}", "{\"b\":{\"a\":1,\"a\":2}}", "{\"a\":[1,]}", "{\"a\":tru}", "[1]", "{\"a\":\"\uD83D\"}",
            "{\"a\":NaN}", "{\"a\":1E400}"}) {
            assertNull(OutputBounds.Layout.scan(bad), bad);
        }
        for (String good : new String[] {"{}", "{\"a\":[]}", "{\"a\":{}}", "{\"a\":-0.0}", "{\"a\":1.0E21}",
            "{\"a\":\"\\u001F\\n\\\"\\\\\"}", "{\"a\":123456789012345678901234567890}", "{\"a\":null,\"b\":true}"}) {
            assertNotNull(OutputBounds.Layout.scan(good), good);
            assertEquals(good, JSON.readTree(good).toString(), good);
        }
    }

    @Test
    void utf8LengthCountsAsGetBytesDoes() {
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = r.nextInt(30); j > 0; j--) {
                b.append(r.nextInt(3) == 0 ? (char) r.nextInt(0x10000) : PIECES[r.nextInt(PIECES.length)].charAt(0));
            }
            String s = b.toString();
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, OutputBounds.utf8Length(s), s);
        }
    }

    @Test
    void keptEntriesIsWhatBoundKeepsOfTheList() throws Exception {
        // the sizes of the summary and of each of its templates' entries decide as bound's cut does
        Random r = new Random(19);
        int middle = 0;
        for (int i = 0; i < 120; i++) {
            ObjectNode s = summary(r, r.nextInt(4) == 0 ? r.nextInt(3) : r.nextInt(300), 1 + r.nextInt(30));
            String json = s.toString();
            int total = json.getBytes(StandardCharsets.UTF_8).length;
            ArrayNode list = (ArrayNode) s.get("templates");
            int n = list.size();
            long[] ends = new long[n];
            long end = 1;
            for (int k = 0; k < n; k++) {
                end += (k > 0 ? 1 : 0) + list.get(k).toString().getBytes(StandardCharsets.UTF_8).length;
                ends[k] = end;
            }
            int[] limits = {total, total - 1, total + 1, total / 2, total / 5, Math.max(1, total - r.nextInt(3000)),
                1 + r.nextInt(total), n < 20 ? 300 : total / 3}; // (strings cut over many entries: slow)
            for (int max : limits) {
                String bounded;
                try {
                    bounded = OutputBounds.bound(json, max);
                } catch (IllegalStateException e) {
                    bounded = null; // strings could not be cut short enough
                }
                int kept = OutputBounds.keptEntries(total, "\"templates\":".length(), ends, n, max);
                if (bounded == null || bounded.contains("\u2026[cut]")) {
                    assertEquals(-1, kept, "max " + max + ": strings are cut too");
                } else {
                    JsonNode b = JSON.readTree(bounded);
                    assertEquals(b.get("templates").size(), kept, "max " + max);
                    assertEquals(n - kept, b.path("templates_cut").asInt(0), "max " + max);
                    middle += kept > 0 && kept < n ? 1 : 0;
                }
            }
        }
        assertTrue(middle > 250, middle + " cuts in the middle of the list");
    }

    @Test
    void aResultWithinTheLimitIsTheSameString() {
        String json = summary(new Random(1), 50, 10).toString();
        assertSame(json, OutputBounds.bound(json, json.getBytes(StandardCharsets.UTF_8).length));
        String spaced = "{ \"a\": 1 }";
        assertSame(spaced, OutputBounds.bound(spaced, 4096));
    }
}
