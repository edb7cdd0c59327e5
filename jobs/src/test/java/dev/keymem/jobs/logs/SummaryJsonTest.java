package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.OutputBounds;
import dev.keymem.jobs.testdata.Loghub;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SummaryJson#write} against its reference, Jackson's generator ({@code LogSummarizer.writeReference}), char
 * for char: random summaries whose strings hold every char class Jackson treats apart (all controls, quotes,
 * backslashes, DEL, non-ASCII, paired and lone surrogates, the packed lists' separators), extreme numbers, every
 * cut of the template list, and the one-pass bound against {@link OutputBounds#bound} of the whole summary; and
 * summaries of real lines (loghub_2k) and multi-line stack traces as templates, texts
 * and parameters.
 */
class SummaryJsonTest {
    /** Bounded summaries the one-pass form answered (not left to the reference path). */
    private static int answered;
    /** Entries measured against the reference sizer. */
    private static int measured;

    private static final String[] ATOMS = {"a", "Z", "0", "9", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f",
        "\u0000", "\u0001", "\u000b", "\u001e", "\u001f", "\u007f", "\u0080", "\u00e9", "\u2028", "\u4e2d",
        "\ud83d\ude00", "\ud800", "\udc00", "<*>", "{", "}", ",", ":", "null", "-1", "1e9", "\ufeff",
        "at com.acme.Svc.run(Svc.java:42)"};

    @Test
    void randomSummariesAreWrittenAsJacksonWritesThem() {
        SplittableRandom r = new SplittableRandom(29);
        answered = 0;
        measured = 0;
        int escaped = 0;
        for (int round = 0; round < 1000; round++) {
            List<String> texts = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                texts.add(text(r));
            }
            String[] out = compare(r, texts);
            escaped += out[0].indexOf('\\') >= 0 ? 1 : 0;
        }
        assertTrue(escaped > 400, "summaries with an escape: " + escaped);
        assertTrue(answered > 600, "bounded summaries answered in one pass: " + answered);
        assertTrue(measured > 2000, "entries measured: " + measured);
    }

    /**
     * The remembered texts of rounded doubles are {@link Double#toString}'s: every value {@link LogSummarizer#round}
     * gives from 0 to the table's end is remembered (each asked twice: made, then read), and no other double gets a
     * text other than its own (neighbours of those values, -0.0, negatives, the table's end and beyond, NaN, the
     * infinities, random doubles).
     */
    @Test
    void roundedDoublesAreWrittenAsDoubleToStringWritesThem() {
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < SummaryJson.ROUNDED; k++) {
                double v = LogSummarizer.round(k / 1e4);
                assertEquals(Double.toString(v), SummaryJson.rounded(v), "k=" + k);
            }
        }
        SplittableRandom r = new SplittableRandom(41);
        List<Double> others = new ArrayList<>(List.of(-0.0, -1e-4, -1.0, SummaryJson.ROUNDED / 1e4, 1e300, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 1e-5, 0.49999e-4, 0.5e-4));
        for (int i = 0; i < 100_000; i++) {
            double v = LogSummarizer.round(r.nextDouble() * 4);
            others.add(v);
            others.add(Math.nextUp(v));
            others.add(Math.nextDown(v));
            others.add(r.nextDouble() * 4);
            others.add(LogSummarizer.round((float) (r.nextDouble() * 2)));
        }
        int remembered = 0;
        for (double v : others) {
            String s = SummaryJson.rounded(v);
            if (s != null) {
                assertEquals(Double.toString(v), s, "v=" + v);
                remembered++;
            }
        }
        assertTrue(remembered > 150_000, "rounded values remembered: " + remembered);
        assertEquals(null, SummaryJson.rounded(-0.0));
        assertEquals(null, SummaryJson.rounded(Double.NaN));
    }

    /**
     * Summaries of Latin-1 text (kept as bytes: '?', U+0080 .. U+00FF, controls, quotes), some with one string of a
     * char from U+0100 on at a random place (the text turns to chars there), among them chars whose low byte is
     * {@code '?'} or a letter and a surrogate pair (one {@code '?'} in Latin-1 bytes).
     */
    @Test
    void latin1SummariesAndSummariesThatTurnToCharsAreWrittenAsJacksonWritesThem() {
        SplittableRandom r = new SplittableRandom(37);
        String[] wide = {"\u013f", "\u0161", "\u0100", "a\u2028b", "\ud83d\ude00", "?\u4e3f?", "\ud800", "x\u017fy"};
        int widened = 0;
        for (int round = 0; round < 1500; round++) {
            List<String> texts = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                StringBuilder b = new StringBuilder();
                for (int i = r.nextInt(16); i > 0; i--) {
                    int pick = r.nextInt(8);
                    if (pick == 0) {
                        b.append((char) r.nextInt(0, 0x100));
                    } else if (pick == 1) {
                        b.append('?');
                    } else if (pick == 2 && round % 3 == 0 && r.nextInt(30) == 0) {
                        b.append(wide[r.nextInt(wide.length)]);
                    } else {
                        String a = ATOMS[r.nextInt(ATOMS.length)];
                        b.append(a.chars().allMatch(c -> c < 0x100) ? a : "\u00ff");
                    }
                }
                texts.add(b.toString());
            }
            String whole = compare(r, texts)[0];
            widened += whole != null && whole.chars().anyMatch(c -> c >= 0x100) ? 1 : 0;
        }
        assertTrue(widened > 20, "summaries with a char from U+0100 on: " + widened);
    }

    @Test
    void summariesOfRealLinesAndStackTracesAreWrittenAsJacksonWritesThem() throws Exception {
        List<String> texts = new ArrayList<>(Loghub.lines("SummaryJsonTest"));
        StringBuilder trace = new StringBuilder("ERROR [main] request failed\njava.io.IOException: it's \"closed\"");
        for (int k = 0; k < 60; k++) {
            trace.append("\n\tat com.acme.Svc").append(k).append(".run(Svc.java:").append(100 + k).append(')');
            texts.add(trace.toString());
        }
        SplittableRandom r = new SplittableRandom(31);
        for (int round = 0; round < 300; round++) {
            List<String> some = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                some.add(texts.get(r.nextInt(texts.size())));
            }
            compare(r, some);
        }
    }

    /**
     * Numbers at the digit-count edges (0, 9, 10, 99, 100, ... each power of ten and one below it, the int's and the
     * long's ends, their negatives) are written as Jackson writes them, in every numeric field of a summary.
     */
    @Test
    void numbersAtDigitEdgesAreWrittenAsJacksonWritesThem() {
        List<Long> edges = new ArrayList<>(List.of(0L, (long) Integer.MAX_VALUE, Integer.MAX_VALUE + 1L,
                (long) Integer.MIN_VALUE, Integer.MIN_VALUE - 1L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
        for (long p = 1; p <= Long.MAX_VALUE / 10; p *= 10) {
            edges.addAll(List.of(p, p - 1, p * 10 - 1, -p, -(p * 10 - 1)));
        }
        for (long v : edges) {
            SourceMemory m = new SourceMemory();
            m.summaries = v;
            m.fromOffset = v;
            m.lastOffset = v;
            m.linesSinceLast = v;
            m.position = v;
            TemplateEntry t = new TemplateEntry((int) v, "GET <*> took <*> ms");
            t.count = v;
            t.firstOffset = v;
            t.lastOffset = v;
            t.paramsDistinct = (int) v;
            t.text = "GET /a took 3 ms";
            t.textOffset = v;
            List<TemplateEntry> listed = List.of(t);
            LogSummarizer.Counts c = new LogSummarizer.Counts(listed, listed);
            int known = (int) v;
            LogSummarySettings.Memory memory = LogSummarySettings.Memory.values()[0];
            assertEquals(LogSummarizer.writeReference(m, known, "edge", true, listed, 1, Map.of(), memory, c, 256),
                    SummaryJson.write(m, known, "edge", true, listed, 1, Map.of(), memory, c, 256), () -> "at " + v);
        }
    }

    /** One random summary over {@code texts}, written by both for every cut; returns the whole text. */
    private static String[] compare(SplittableRandom r, List<String> texts) {
        SourceMemory m = new SourceMemory();
        m.summaries = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(100);
        m.fromOffset = r.nextInt(4) == 0 ? -1 : r.nextInt(4) == 0 ? Long.MIN_VALUE : r.nextLong(1L << 40);
        m.lastOffset = r.nextLong(-1, Long.MAX_VALUE);
        m.linesSinceLast = r.nextInt(100_000);
        m.position = r.nextInt(5) == 0 ? Long.MAX_VALUE : r.nextLong(Long.MAX_VALUE);
        List<TemplateEntry> period = new ArrayList<>();
        Map<Integer, Double> significance = new HashMap<>();
        int n = r.nextInt(7);
        for (int i = 0; i < n; i++) {
            TemplateEntry t = new TemplateEntry(r.nextInt(3) == 0 ? Integer.MIN_VALUE + i : i,
                    r.nextInt(10) == 0 ? null : pick(r, texts));
            t.count = r.nextInt(4) == 0 ? Long.MIN_VALUE : r.nextLong(Long.MAX_VALUE);
            t.firstOffset = r.nextLong(-1, 1L << 40);
            t.lastOffset = r.nextLong(-1, 1L << 40);
            StringBuilder packed = new StringBuilder();
            for (int k = r.nextInt(4); k > 0; k--) {
                packed.append(packed.length() == 0 ? "" : String.valueOf(TemplateEntry.SEP)).append('+')
                        .append(pick(r, texts).replace(TemplateEntry.SEP, ' '));
            }
            t.params = packed.toString();
            t.paramsDistinct = r.nextInt(4) == 0 ? Integer.MIN_VALUE : r.nextInt(1000);
            t.innovation = switch (r.nextInt(7)) {
                case 0 -> Float.NaN;
                case 1 -> Float.POSITIVE_INFINITY;
                case 2 -> -0.0f;
                case 3 -> Float.MIN_VALUE;
                case 4 -> -(float) r.nextDouble();
                default -> (float) (r.nextDouble() * 1e6);
            };
            if (r.nextBoolean()) {
                t.text = pick(r, texts);
                t.flag = r.nextInt(5) == 0 ? null : r.nextBoolean() ? "new" : "returned";
                t.textOffset = r.nextLong(-1, 1L << 40);
                t.textTimestamp = r.nextInt(3) == 0 ? -1 : r.nextInt(8) == 0 ? 0 : r.nextLong(1L << 45); // 0: 1970-01-01T00:00:00Z, written
            }
            if (r.nextBoolean()) {
                significance.put(t.id, r.nextInt(4) == 0 ? Double.NaN : r.nextDouble() * 10);
            }
            period.add(t);
        }
        List<TemplateEntry> listed = new ArrayList<>();
        for (TemplateEntry t : period) {
            if (r.nextInt(4) != 0) {
                listed.add(t);
            }
        }
        // an entry measured (the bound's entries past the limit) against the reference sizer, comma included
        for (int i = 0; i < period.size(); i++) {
            TemplateEntry t = period.get(i);
            LogSummarizer.Sizer z = new LogSummarizer.Sizer();
            long want = (i > 0 ? 1 : 0) + z.entry(t, significance);
            assertEquals(z.unpaired ? -1 : want, SummaryJson.entryBytesForTest(t, i, significance), t::toString);
            measured++;
        }
        String source = r.nextInt(10) == 0 ? null : pick(r, texts);
        boolean last = r.nextBoolean();
        int known = r.nextInt(4) == 0 ? Integer.MIN_VALUE : r.nextInt(Integer.MAX_VALUE);
        LogSummarizer.Counts c = new LogSummarizer.Counts(period, listed);
        String whole = null;
        for (LogSummarySettings.Memory memory : LogSummarySettings.Memory.values()) {
            for (int kept = listed.size(); kept >= 0; kept--) {
                int capacity = r.nextInt(3) == 0 ? 1 : 256;
                String want = LogSummarizer.writeReference(m, known, source, last, listed, kept, significance, memory,
                        c, capacity);
                assertEquals(want, SummaryJson.write(m, known, source, last, listed, kept, significance, memory, c,
                        capacity));
                if (whole == null) {
                    whole = want;
                }
            }
            if (memory != LogSummarySettings.Memory.values()[0]) {
                continue; // (the bound's cases do not depend on the memory's name)
            }
            // the one-pass bound: where it answers, what OutputBounds.bound makes of the whole summary
            String all = LogSummarizer.writeReference(m, known, source, last, listed, listed.size(), significance,
                    memory, c, 256);
            int size = all.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            for (int max : new int[] {size, size - 1, size / 2, size / 4, 300, 50}) {
                long[] bytes = {-1};
                String got = SummaryJson.bounded(m, known, source, last, listed, significance, memory, c, max, bytes);
                if (got != null) {
                    answered++;
                    assertEquals(OutputBounds.bound(all, max), got, () -> "bounded to " + max + ": " + all);
                    // the bytes counted as it was written: what the output's bound would measure, cut or not
                    assertEquals(got.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, bytes[0],
                            () -> "bytes of " + got);
                    assertEquals(OutputBounds.bound(got, max), OutputBounds.bound(got, max, bytes[0]));
                } else {
                    assertEquals(-1, bytes[0]);
                }
            }
        }
        return new String[] {whole};
    }

    private static String pick(SplittableRandom r, List<String> texts) {
        return texts.get(r.nextInt(texts.size()));
    }

    private static String text(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            b.append(r.nextInt(4) == 0 ? String.valueOf((char) r.nextInt(0, 0x10000)) : ATOMS[r.nextInt(ATOMS.length)]);
        }
        return b.toString();
    }

    /**
     * The one-pass Latin-1 string writer against the two-pass one it replaced (text, UTF-8 bytes beyond one a char,
     * and whether it declines): every kind of byte (plain, each escape, {@code '?'} for itself and for a char from
     * U+0100 on, above 0x7F) at every place of strings up to 70 chars, any substring, after a prefix of 0-9 chars,
     * into a text of 1-80 bytes to start with (so escapes grow it at every place); and runs of escapes and long plain
     * runs between them.
     */
    @Test
    void latin1OnePassIsTheTwoPassForm() {
        char[] kinds = {'a', ' ', '~', 0x7f, '"', '\\', '\n', '\t', '\r', 0x1f, 0, 0x0b, '?', 0x80, 0xe9, 0xff, 0x20,
            '<', '*', '>', '\u013f', '\u4e3f', '\u2028'};
        SplittableRandom r = new SplittableRandom(53);
        int declined = 0;
        int escaped = 0;
        for (int n = 0; n < 60_000; n++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(71);
            int mode = r.nextInt(3); // 0: sparse stops, 1: dense stops, 2: a run of escapes
            for (int i = 0; i < len; i++) {
                boolean stop = mode == 1 ? r.nextInt(2) == 0 : r.nextInt(12) == 0;
                char c = stop ? kinds[r.nextInt(kinds.length)] : (char) ('a' + r.nextInt(26));
                if (c >= 0x100 && r.nextInt(4) != 0) {
                    c = '"';
                }
                b.append(mode == 2 && i > len / 3 && i < len / 2 ? '\n' : c);
            }
            String t = b.toString();
            int from = r.nextInt(t.length() + 1);
            int to = from + r.nextInt(t.length() - from + 1);
            String before = "x".repeat(r.nextInt(10));
            int capacity = 1 + r.nextInt(80);
            String want = SummaryJson.latin1ForTest(before, t, from, to, true, capacity);
            assertEquals(want, SummaryJson.latin1ForTest(before, t, from, to, false, capacity),
                    t + " " + from + ".." + to + " cap " + capacity);
            declined += want == null ? 1 : 0;
            escaped += want != null && want.indexOf('\\') >= 0 ? 1 : 0;
        }
        assertTrue(declined > 2_000, "declined: " + declined);
        assertTrue(escaped > 20_000, "escaped: " + escaped);
    }

    /**
     * The Latin-1 string sizer ({@link SummaryJson#latin1StringBytes}, eight bytes a step) against the reference
     * sizer ({@link LogSummarizer.Sizer}): every kind of char (plain, each escape, each control, DEL, {@code '?'} for
     * itself and for a char from U+0100 on, U+0080 to U+00FF) at every place of strings up to 70 chars and of any
     * substring, -1 exactly where a {@code '?'} byte of the substring stands for a char from U+0100 on; and every
     * byte value alone at each lane of a word.
     */
    @Test
    void latin1SizesAreTheSizersCount() {
        char[] kinds = {'a', ' ', '~', 0x7f, '"', '\\', '\n', '\t', '\r', '\b', '\f', 0x1f, 0, 0x0b, '?', 0x80, 0xa0,
            0xe9, 0xff, 0x20, 0x21, '!', '#', '[', ']', '\u013f', '\u4e3f', '\u2028', '\u0122', '\u015c'};
        SplittableRandom r = new SplittableRandom(59);
        LogSummarizer.Sizer z = new LogSummarizer.Sizer();
        int declined = 0;
        for (int n = 0; n < 60_000; n++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(71);
            boolean dense = r.nextBoolean();
            for (int i = 0; i < len; i++) {
                boolean stop = dense ? r.nextInt(2) == 0 : r.nextInt(12) == 0;
                char c = stop ? kinds[r.nextInt(kinds.length)] : (char) ('a' + r.nextInt(26));
                if (c >= 0x100 && r.nextInt(3) != 0) {
                    c = '?';
                }
                b.append(c);
            }
            String t = b.toString();
            int from = r.nextInt(t.length() + 1);
            int to = from + r.nextInt(t.length() - from + 1);
            boolean wide = false;
            for (int i = from; i < to; i++) {
                wide |= t.charAt(i) >= 0x100;
            }
            long got = SummaryJson.latin1StringBytes(t, SummaryJson.latin1Bytes(t), from, to);
            assertEquals(wide ? -1 : z.string(t, from, to), got, () -> t + " " + from + ".." + to);
            declined += wide ? 1 : 0;
        }
        assertTrue(declined > 5_000, "declined: " + declined);
        for (int c = 0; c < 256; c++) { // each char alone among plain ones, at each lane of the first two words
            for (int k = 0; k <= 17; k++) {
                String t = "x".repeat(k) + (char) c + "xx";
                assertEquals(z.string(t), SummaryJson.latin1StringBytes(t, SummaryJson.latin1Bytes(t), 0, t.length()),
                        "char " + c + " at " + k);
            }
        }
        assertTrue(!z.unpaired);
    }

    @Test
    void nextStopIsThePlainLoops() {
        // every class of byte (plain, escaped, '?', above 0x7F) at every place of texts 0-40 bytes long, any start
        byte[] kinds = {'a', ' ', '~', 0x7f, '"', '\\', '\n', '\t', 0x1f, 0, '?', (byte) 0x80, (byte) 0xe9, (byte) 0xff,
            0x20, 0x21, '>', '@'};
        java.util.Random r = new java.util.Random(13);
        int stops = 0;
        for (int n = 0; n < 20000; n++) {
            byte[] b = new byte[r.nextInt(41)];
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextInt(4) == 0 ? kinds[r.nextInt(kinds.length)] : (byte) ('a' + r.nextInt(26));
            }
            int from = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            int to = from + r.nextInt(b.length - from + 1);
            int want = SummaryJson.nextStopReference(b, from, to);
            org.junit.jupiter.api.Assertions.assertEquals(want, SummaryJson.nextStop(b, from, to),
                    java.util.Arrays.toString(b) + " " + from + ".." + to);
            stops += want < to ? 1 : 0;
        }
        org.junit.jupiter.api.Assertions.assertTrue(stops > 5000, "texts with a stop: " + stops);
        for (int c = 0; c < 256; c++) { // each byte value alone after plain runs of every length up to 17
            for (int k = 0; k <= 17; k++) {
                byte[] b = new byte[k + 3];
                java.util.Arrays.fill(b, (byte) 'x');
                b[k] = (byte) c;
                org.junit.jupiter.api.Assertions.assertEquals(SummaryJson.nextStopReference(b, 0, b.length),
                        SummaryJson.nextStop(b, 0, b.length), c + " at " + k);
            }
        }
    }
}
