package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.operators.HotStateOperator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CriLineJoin} in Flink's operator harness (RocksDB, its hot-state cache on) against its reference form
 * ({@link CriLineJoin#reference}) over random CRI lines (P runs of both streams and two files interleaved, ASCII
 * and not, trailing spaces, empty messages, runs over the bound and runs cut by the end of the input), with a
 * snapshot and restore at a random point; and the parser's marks on CRI lines.
 */
class CriLineJoinTest {
    @TempDir
    Path dir;

    /** The summarizer's stand-in: each line it gets as one result, and its end-of-input timer as "END". */
    static final class Recorder extends KeyedProcessFunction<String, LogLine, JobOutput>
            implements HotStateOperator.Owner {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(LogLine l, Context ctx, Collector<JobOutput> out) {
            ctx.timerService().registerEventTimeTimer(0); // as the summarizer's final-summary timer
            out.collect(new JobOutput(JobOutput.RESULT, ctx.getCurrentKey(), show(l)));
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<JobOutput> out) {
            out.collect(new JobOutput(JobOutput.RESULT, ctx.getCurrentKey(), "END"));
        }

        @Override
        public int cacheKeys() {
            return 4;
        }

        @Override
        public void useCache(HotStateOperator.Cache cache) {
        }
    }

    static String show(LogLine l) {
        return l.offset + "|" + l.timestamp + "|" + l.topic + "-" + l.partition + "|" + l.text;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> harness(RecordLimits limits,
                                                                                      long maxJoined)
            throws Exception {
        return harness(limits, maxJoined, true);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> harness(RecordLimits limits,
                                                                                      long maxJoined, boolean on)
            throws Exception {
        Recorder inner = new Recorder();
        CriLineJoin join = new CriLineJoin(inner, inner, limits, maxJoined, on);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new HotStateOperator<>(join, join),
                (LogLine l) -> l.source, Types.STRING);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
        rocks.setDbStoragePath(Files.createTempDirectory(dir, "db").toString());
        h.setStateBackend(rocks);
        return h;
    }

    /**
     * The parsed lines of random CRI records (and a few other lines) of two sources; a fifth of the pieces begin
     * with 1 to 3 continuation bytes, and a fifth of the {@code P} pieces end with an incomplete UTF-8 sequence
     * (valid or not), as pieces cut inside a character do; one CRI record in 12 holds an invalid byte, and the
     * parser's stand-in of the refused piece takes its place.
     */
    static List<LogLine> randomLines(SplittableRandom r, int n) throws Exception {
        LogLineParser parser = new LogLineParser(null);
        String[] words = {"alpha", "beta", "\u00e9t\u00e9", "\ud83d\ude00", "x", "  ", "{\"msg\":", "42", "\t"};
        List<LogLine> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String source = r.nextBoolean() ? "pod-a" : "pod-b";
            String topic = r.nextInt(4) == 0 ? "b.log" : "a.log";
            int kind = r.nextInt(10);
            String value;
            if (kind == 0) {
                value = "2026-01-01T00:00:00Z INFO app[1]: plain line " + i;
            } else {
                StringBuilder m = new StringBuilder();
                int len = r.nextInt(8) == 0 ? 0 : r.nextInt(40);
                for (int k = 0; k < len; k++) {
                    m.append(words[r.nextInt(words.length)]);
                }
                char tag = kind <= 5 ? 'P' : 'F';
                String msg = tag == 'F' ? m.toString().strip() : m.toString();
                value = "2026-01-01T00:00:" + String.format("%02d", i % 60) + ".123456789Z "
                        + (r.nextBoolean() ? "stdout" : "stderr") + " " + tag + " " + msg;
            }
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            int message = CriLogPrefix.messageStart(value);
            if (message >= 0 && message < v.length - 1 && r.nextInt(12) == 0) {
                v[message + r.nextInt(v.length - message)] = (byte) 0xFF; // invalid inside: refused
            }
            if (message >= 0 && r.nextInt(5) == 0) {
                bytes.write(v, 0, message);
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    bytes.write(0x80 + r.nextInt(64));
                }
                bytes.write(v, message, v.length - message);
            } else {
                bytes.writeBytes(v);
            }
            if (message >= 0 && value.charAt(message - 2) == 'P' && r.nextInt(5) == 0) {
                int lead = new int[] {0xC3, 0xE2, 0xF0, 0xE0, 0xF4}[r.nextInt(5)];
                bytes.write(lead);
                for (int k = r.nextInt(lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1); k > 0; k--) {
                    bytes.write(0x80 + r.nextInt(64));
                }
            }
            KafkaRecord rec = new KafkaRecord(topic, topic.equals("a.log") ? 0 : 1, i, -1,
                    source.getBytes(StandardCharsets.UTF_8), bytes.toByteArray());
            LogLine l;
            try {
                l = parser.parse(source, rec, 1 << 20);
            } catch (dev.keymem.jobs.kafka.InvalidRecordException e) { // a refused piece: its stand-in
                l = (LogLine) e.standIn();
            }
            l.topic = rec.topic;
            l.partition = rec.partition;
            out.add(l);
        }
        return out;
    }

    /** The reference's results per source: each line shown, then END where any line went out. */
    static Map<String, List<String>> reference(List<LogLine> lines, RecordLimits limits, long maxJoined) {
        Map<String, List<LogLine>> bySource = new LinkedHashMap<>();
        for (LogLine l : lines) {
            bySource.computeIfAbsent(l.source, k -> new ArrayList<>()).add(l);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (var e : bySource.entrySet()) {
            List<String> shown = new ArrayList<>();
            for (LogLine l : CriLineJoin.reference(e.getValue(), limits, maxJoined)) {
                shown.add(show(l));
            }
            if (!shown.isEmpty()) {
                shown.add("END");
            }
            out.put(e.getKey(), shown);
        }
        return out;
    }

    static void collect(KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> h,
                        Map<String, List<String>> into) {
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> rec && rec.getValue() instanceof JobOutput j) {
                into.computeIfAbsent(j.key, k -> new ArrayList<>()).add(j.json);
            }
        }
    }

    @Test
    void theReferenceJoinWhateverTheCutAndRestore() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        for (int round = 0; round < 8; round++) {
            RecordLimits limits = RecordLimits.defaults().withMaxTextBytes(round % 2 == 0 ? 64 : 400);
            long maxJoined = new long[] {1L << 20, 300, 40, 1}[round % 4];
            List<LogLine> lines = randomLines(r, 300);
            Map<String, List<String>> want = reference(lines, limits, maxJoined);
            int cut = r.nextInt(lines.size() + 1);
            Map<String, List<String>> got = new LinkedHashMap<>();
            OperatorSubtaskState snap;
            try (var h = harness(limits, maxJoined)) {
                h.open();
                for (LogLine l : lines.subList(0, cut)) {
                    h.processElement(new StreamRecord<>(copy(l)));
                }
                snap = h.snapshot(1, 1);
                collect(h, got);
            }
            try (var h = harness(limits, maxJoined)) {
                h.initializeState(snap);
                h.open();
                for (LogLine l : lines.subList(cut, lines.size())) {
                    h.processElement(new StreamRecord<>(copy(l)));
                }
                h.processWatermark(Long.MAX_VALUE);
                collect(h, got);
            }
            assertEquals(want, got, "round " + round + " (restored after " + cut + " lines)");
        }
    }

    /**
     * A line whose held text was cut under a smaller text limit gets no later piece after the gap once restored
     * under a larger one: the held text stays the line's first bytes, the rest only counted.
     */
    @Test
    void aRestoreUnderALargerTextLimitAppendsNothingAfterAGap() throws Exception {
        LogLineParser parser = new LogLineParser("svc");
        String[] before = {"2026-01-01T00:00:01Z stdout P " + "0123456789".repeat(7)};
        String[] after = {"2026-01-01T00:00:02Z stdout P cd", "2026-01-01T00:00:03Z stdout F ef"};
        Map<String, List<String>> got = new LinkedHashMap<>();
        OperatorSubtaskState snap;
        try (var h = harness(RecordLimits.defaults().withMaxTextBytes(64), 1L << 20)) {
            h.open();
            for (String v : before) {
                LogLine l = parser.parse(null, v, 0, -1);
                l.topic = "pod.log";
                h.processElement(new StreamRecord<>(l));
            }
            snap = h.snapshot(1, 1);
            collect(h, got);
        }
        try (var h = harness(RecordLimits.defaults().withMaxTextBytes(200), 1L << 20)) {
            h.initializeState(snap);
            h.open();
            for (int i = 0; i < after.length; i++) {
                LogLine l = parser.parse(null, after[i], i + 1, -1);
                l.topic = "pod.log";
                h.processElement(new StreamRecord<>(l));
            }
            h.processWatermark(Long.MAX_VALUE);
            collect(h, got);
        }
        assertEquals(List.of("0|1767225601000|pod.log-0|" + "0123456789".repeat(6) + "0123"
                + RecordLimits.TRUNCATED_MARK + "74 bytes]",
                "END"), got.get("svc"));
    }

    /** With {@code keymem.logs.cri.join} false every CRI piece is a line of its own, its text cut. */
    @Test
    void theJoinCanBeTurnedOff() throws Exception {
        assertEquals(true, LogSummarySettings.defaults().options().get(LogOptions.CRI_JOIN));
        LogLineParser parser = new LogLineParser("svc");
        String[] values = {"2026-01-01T00:00:01Z stdout P ab ", "2026-01-01T00:00:02Z stdout P " + "x".repeat(70),
            "2026-01-01T00:00:03Z stdout F cd"};
        Map<String, List<String>> got = new LinkedHashMap<>();
        try (var h = harness(RecordLimits.defaults().withMaxTextBytes(64), 1L << 20, false)) {
            h.open();
            for (int i = 0; i < values.length; i++) {
                LogLine l = parser.parse(null, values[i], i, -1);
                l.topic = "pod.log";
                h.processElement(new StreamRecord<>(l));
            }
            h.processWatermark(Long.MAX_VALUE);
            collect(h, got);
        }
        assertEquals(List.of("0|1767225601000|pod.log-0|ab ",
                "1|1767225602000|pod.log-0|" + RecordLimits.defaults().withMaxTextBytes(64).capText("x".repeat(70)),
                "2|1767225603000|pod.log-0|cd", "END"), got.get("svc"));
    }

    /**
     * Held pieces end only at the end of the input: an ordinary watermark (the log job assigns none) fails fast
     * instead of flushing a line whose F piece may still come.
     */
    @Test
    void anOrdinaryWatermarkFailsInsteadOfFlushing() throws Exception {
        LogLineParser parser = new LogLineParser("svc");
        try (var h = harness(RecordLimits.defaults(), 1L << 20)) {
            h.open();
            LogLine l = parser.parse(null, "2026-01-01T00:00:01Z stdout P ab", 0, -1);
            l.topic = "pod.log";
            h.processElement(new StreamRecord<>(l));
            Exception e = assertThrows(Exception.class, () -> h.processWatermark(5));
            assertTrue(String.valueOf(e.getMessage()).contains("end-of-input"), String.valueOf(e));
            Map<String, List<String>> got = new LinkedHashMap<>();
            collect(h, got);
            assertEquals(Map.of(), got);
        }
    }

    private static LogLine copy(LogLine l) {
        return LogLineSerializer.INSTANCE.copy(l);
    }

    /** A line split at the bound, joined lines, one cut at the end of the input: the texts and coordinates. */
    @Test
    void joinedCutAndIncompleteLines() throws Exception {
        RecordLimits limits = RecordLimits.defaults().withMaxTextBytes(64);
        String[] values = {
            "2026-01-01T00:00:01.5Z stdout P {\"msg\":\"a long ",
            "2026-01-01T00:00:02Z stderr F oops",
            "2026-01-01T00:00:03Z stdout P line\", ",
            "2026-01-01T00:00:04Z stdout F \"n\":1}",
            "2026-01-01T00:00:05Z stderr P never ",
            "2026-01-01T00:00:06Z stderr P end",
            "2026-01-01T00:00:07Z stdout P 0123456789",
            "2026-01-01T00:00:08Z stdout P 0123456789",
            "2026-01-01T00:00:09Z stdout P 0123456789",
            "2026-01-01T00:00:10Z stdout F tail",
        };
        LogLineParser parser = new LogLineParser("svc");
        Map<String, List<String>> got = new LinkedHashMap<>();
        try (var h = harness(limits, 25)) {
            h.open();
            for (int i = 0; i < values.length; i++) {
                LogLine l = parser.parse(null, values[i], i, -1);
                l.topic = "pod.log";
                h.processElement(new StreamRecord<>(l));
            }
            h.processWatermark(Long.MAX_VALUE);
            collect(h, got);
        }
        assertEquals(List.of(
                "1|1767225602000|pod.log-0|oops",
                "0|1767225601500|pod.log-0|{\"msg\":\"a long line\", \"n\":1}",
                "6|1767225607000|pod.log-0|012345678901234567890123456789 \u2026[CRI line cut at 30 bytes]",
                "9|1767225610000|pod.log-0|tail",
                "4|1767225605000|pod.log-0|never end \u2026[incomplete CRI line, 9 bytes]",
                "END"), got.get("svc"));
    }

    @Test
    void theParserMarksCriPiecesAndKeepsAPieceAsWritten() throws Exception {
        LogLineParser parser = new LogLineParser(null);
        for (boolean bytes : new boolean[] {false, true}) {
            String[] values = {"2026-01-01T00:00:00Z stdout P ab  ", "2026-01-01T00:00:00Z stderr F ab  ",
                "2026-01-01T00:00:00Z stdout F ", "2026-01-01T00:00:00Z stderr P ", "plain line"};
            String[] texts = {"ab  ", "ab", "2026-01-01T00:00:00Z stdout F ", "", "plain line"};
            int[] cri = {LogLine.CRI_STDOUT | LogLine.CRI_PARTIAL, LogLine.CRI_STDERR,
                LogLine.CRI_STDOUT | LogLine.CRI_EMPTY, LogLine.CRI_STDERR | LogLine.CRI_PARTIAL, 0};
            for (int i = 0; i < values.length; i++) {
                LogLine l = bytes ? parser.parse(null, new KafkaRecord("t", 0, i, -1, null,
                        values[i].getBytes(StandardCharsets.UTF_8)), 1 << 16) : parser.parse(null, values[i], i, -1);
                assertEquals(texts[i], l.text, values[i]);
                assertEquals(cri[i], l.cri, values[i]);
                LogLine back = roundTrip(l);
                assertEquals(l.cri, back.cri, "serialized: " + values[i]);
            }
        }
    }

    /**
     * containerd splits at 16 KiB of bytes, so a piece may end inside a UTF-8 character and the next begin with
     * its continuation bytes: no piece is dead-lettered for that, and the joined line is the unsplit line byte
     * for byte (the function and the reference, pieces through both serializers, a restore between any two
     * pieces with a character's first bytes held, two sources' seams apart); bytes invalid inside a piece still
     * fail the parse.
     */
    /**
     * A P piece's line end is cut one way for its text and for its seam: one {@code \n} or {@code \r\n}; a
     * character cut before it joins byte for byte. A lone {@code \r}, or a second {@code \n}, is then part of the
     * message, so a character cut before it is an invalid byte inside the piece, which is refused (its stand-in
     * marks the line) rather than joined.
     */
    @Test
    void aPieceLineEndIsCutAsItsSeamIs() throws Exception {
        LogLineParser parser = new LogLineParser(null);
        byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        java.util.function.Function<byte[][], byte[]> cat = parts -> {
            java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
            for (byte[] p : parts) {
                o.writeBytes(p);
            }
            return o.toByteArray();
        };
        for (String end : new String[] {"\n", "\r\n"}) {
            for (int cut = 1; cut < 3; cut++) {
                byte[] p = cat.apply(new byte[][] {"2026-01-01T00:00:01Z stdout P price ".getBytes(StandardCharsets.UTF_8),
                    java.util.Arrays.copyOfRange(euro, 0, cut), end.getBytes(StandardCharsets.UTF_8)});
                byte[] f = cat.apply(new byte[][] {"2026-01-01T00:00:02Z stdout F ".getBytes(StandardCharsets.UTF_8),
                    java.util.Arrays.copyOfRange(euro, cut, 3), " 5\n".getBytes(StandardCharsets.UTF_8)});
                List<LogLine> lines = new ArrayList<>();
                for (byte[] v : List.of(p, f)) {
                    LogLine l = parser.parse("svc", new KafkaRecord("pod.log", 0, lines.size(), -1, null, v), 1 << 16);
                    l.topic = "pod.log";
                    lines.add(l);
                }
                List<LogLine> joined = CriLineJoin.reference(lines, RecordLimits.defaults(), 1 << 20);
                assertEquals(1, joined.size(), joined.toString());
                assertEquals("price \u20ac 5", joined.get(0).text, "cut " + cut + ", end " + end.length());
            }
        }
        for (byte[] tail : new byte[][] {{(byte) 0xE2, (byte) 0x82, '\r'}, {(byte) 0xE2, '\n', '\n'}}) {
            byte[] p = cat.apply(new byte[][] {"2026-01-01T00:00:01Z stdout P price ".getBytes(StandardCharsets.UTF_8),
                tail});
            var x = assertThrows(dev.keymem.jobs.kafka.InvalidRecordException.class,
                    () -> parser.parse("svc", new KafkaRecord("pod.log", 0, 0, -1, null, p), 1 << 16),
                    java.util.Arrays.toString(tail));
            assertTrue(((LogLine) x.standIn()).isStandIn());
        }
    }

    @Test
    void piecesSplitInsideACharacterJoinByteForByte() throws Exception {
        LogLineParser parser = new LogLineParser(null);
        String[] lines = {"\u65e5\u672c\u8a9e\ud83d\ude00 log \u00e9t\u00e9 ".repeat(12),
            "\u00e9\ud83d\ude00\u20ac x \u4e2d".repeat(15)};
        SplittableRandom r = new SplittableRandom(5);
        for (int piece : new int[] {1, 2, 3, 7, 16, 17, 29}) {
            List<LogLine> pieces = new ArrayList<>();
            int seamsInside = 0;
            for (int s = 0; s < 2; s++) {
                byte[] msg = lines[s].getBytes(StandardCharsets.UTF_8);
                int size = piece + s; // the two sources' seams fall elsewhere
                for (int from = 0, i = 0; from < msg.length; from += size, i++) {
                    int to = Math.min(msg.length, from + size);
                    char tag = to == msg.length ? 'F' : 'P';
                    byte[] head = ("2026-01-01T00:00:0" + (i % 10) + "Z stdout " + tag + " ")
                            .getBytes(StandardCharsets.UTF_8);
                    byte[] v = new byte[head.length + (to - from) + 1];
                    System.arraycopy(head, 0, v, 0, head.length);
                    System.arraycopy(msg, from, v, head.length, to - from);
                    v[v.length - 1] = '\n';
                    if (to < msg.length && (msg[to] & 0xC0) == 0x80) {
                        seamsInside++;
                    }
                    LogLine l = parser.parse("pod-" + s, new KafkaRecord("t", 0, i, -1, null, v), 1 << 16);
                    l.topic = "pod.log";
                    pieces.add(roundTrip(l));
                }
            }
            assertTrue(seamsInside > 0, "piece " + piece);
            // the two sources' pieces interleaved, each source's in order
            List<LogLine> mixed = new ArrayList<>();
            int a = 0;
            int n0 = (int) pieces.stream().filter(l -> l.source.equals("pod-0")).count();
            int b = n0;
            while (a < n0 || b < pieces.size()) {
                mixed.add(a < n0 && (b == pieces.size() || r.nextBoolean()) ? pieces.get(a++) : pieces.get(b++));
            }
            Map<String, List<String>> want = new LinkedHashMap<>();
            for (int s = 0; s < 2; s++) {
                want.put("pod-" + s, List.of("0|1767225600000|pod.log-0|" + lines[s].stripTrailing(), "END"));
            }
            assertEquals(want, reference(mixed, RecordLimits.defaults(), 1 << 20), "reference, piece " + piece);
            // the function, restored after a random piece (often with a character's first bytes held)
            int cut = r.nextInt(mixed.size() + 1);
            Map<String, List<String>> got = new LinkedHashMap<>();
            OperatorSubtaskState snap;
            try (var h = harness(RecordLimits.defaults(), 1 << 20)) {
                h.open();
                for (LogLine l : mixed.subList(0, cut)) {
                    h.processElement(new StreamRecord<>(copy(l)));
                }
                snap = h.snapshot(1, 1);
                collect(h, got);
            }
            try (var h = harness(RecordLimits.defaults(), 1 << 20)) {
                h.initializeState(snap);
                h.open();
                for (LogLine l : mixed.subList(cut, mixed.size())) {
                    h.processElement(new StreamRecord<>(copy(l)));
                }
                h.processWatermark(Long.MAX_VALUE);
                collect(h, got);
            }
            assertEquals(want, got, "function, piece " + piece + ", restored after " + cut);
        }
        byte[] bad = "2026-01-01T00:00:00Z stdout P ab\u00e9cd".getBytes(StandardCharsets.UTF_8);
        bad[bad.length - 4] = (byte) 0xFF; // invalid inside the piece
        assertThrows(dev.keymem.jobs.kafka.InvalidRecordException.class,
                () -> parser.parse(null, new KafkaRecord("t", 0, 0, -1, null, bad), 1 << 16));
    }

    /**
     * A piece the parser refuses (an invalid byte inside it) is a dead letter, and its stand-in marks the line it
     * belonged to: a refused P piece's line goes on, a refused F piece ends its line; a refused piece of no line,
     * or any with the join off, leaves nothing but its dead letter.
     */
    @Test
    void aRefusedPieceMarksTheLineThatMissesIt() throws Exception {
        String[] values = {
            "2026-01-01T00:00:01Z stdout P ab ",
            "2026-01-01T00:00:02Z stdout P c\u00e9d ",
            "2026-01-01T00:00:03Z stdout F ef",
            "2026-01-01T00:00:04Z stderr P gh ",
            "2026-01-01T00:00:05Z stderr F i\u00e9j",
            "2026-01-01T00:00:06Z stderr F k\u00e9l",
            "2026-01-01T00:00:07Z stdout P m\u00e9n",
            "2026-01-01T00:00:08Z stdout F op",
            "2026-01-01T00:00:09Z stderr P never ",
            "2026-01-01T00:00:10Z stderr P e\u00e9nd",
        };
        java.util.Set<Integer> bad = java.util.Set.of(1, 4, 5, 6, 9);
        LogLineParser parser = new LogLineParser("svc");
        List<LogLine> lines = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            byte[] v = values[i].getBytes(StandardCharsets.UTF_8);
            LogLine l;
            if (bad.contains(i)) {
                v[values[i].indexOf('\u00e9')] = (byte) 0xFF; // the first byte of the e-acute: invalid there
                KafkaRecord rec = new KafkaRecord("pod.log", 0, i, -1, null, v);
                var e = assertThrows(dev.keymem.jobs.kafka.InvalidRecordException.class,
                        () -> parser.parse(null, rec, 1 << 16));
                assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
                l = (LogLine) e.standIn();
                assertEquals("svc", l.source);
                assertEquals("", l.text);
                assertEquals("pod.log", l.topic);
                assertEquals(1767225601000L + 1000L * i, l.timestamp);
            } else {
                l = parser.parse(null, new KafkaRecord("pod.log", 0, i, -1, null, v), 1 << 16);
                l.topic = "pod.log";
            }
            lines.add(l);
        }
        List<String> want = List.of(
                "0|1767225601000|pod.log-0|ab ef \u2026[CRI line missing 1 refused piece]",
                "3|1767225604000|pod.log-0|gh  \u2026[CRI line missing 1 refused piece]",
                "6|1767225607000|pod.log-0|op \u2026[CRI line missing 1 refused piece]",
                "8|1767225609000|pod.log-0|never  \u2026[CRI line missing 1 refused piece] \u2026[incomplete CRI line, 6 bytes]",
                "END");
        Map<String, List<String>> got = new LinkedHashMap<>();
        try (var h = harness(RecordLimits.defaults(), 1L << 20)) {
            h.open();
            for (LogLine l : lines) {
                h.processElement(new StreamRecord<>(copy(l)));
            }
            h.processWatermark(Long.MAX_VALUE);
            collect(h, got);
        }
        assertEquals(Map.of("svc", want), got);
        assertEquals(Map.of("svc", want), reference(lines, RecordLimits.defaults(), 1L << 20));
        Map<String, List<String>> off = new LinkedHashMap<>();
        try (var h = harness(RecordLimits.defaults(), 1L << 20, false)) {
            h.open();
            for (LogLine l : lines) {
                h.processElement(new StreamRecord<>(copy(l)));
            }
            h.processWatermark(Long.MAX_VALUE);
            collect(h, off);
        }
        assertEquals(List.of("0|1767225601000|pod.log-0|ab ", "2|1767225603000|pod.log-0|ef",
                "3|1767225604000|pod.log-0|gh ", "7|1767225608000|pod.log-0|op",
                "8|1767225609000|pod.log-0|never ", "END"), off.get("svc"));
        // a P piece ending in a byte that starts no UTF-8 character is refused, not taken for a cut character
        for (int b : new int[] {0xFF, 0xF5, 0xC0, 0xC1}) {
            byte[] v = "2026-01-01T00:00:11Z stdout P broken x".getBytes(StandardCharsets.UTF_8);
            v[v.length - 1] = (byte) b;
            var x = assertThrows(dev.keymem.jobs.kafka.InvalidRecordException.class,
                    () -> parser.parse(null, new KafkaRecord("pod.log", 0, 11, -1, null, v), 1 << 16));
            assertEquals(LogLine.CRI_STDOUT | LogLine.CRI_PARTIAL | LogLine.CRI_REFUSED, ((LogLine) x.standIn()).cri);
        }
        // a plain line with an invalid byte has no stand-in
        var e = assertThrows(dev.keymem.jobs.kafka.InvalidRecordException.class, () -> parser.parse(null,
                new KafkaRecord("pod.log", 0, 0, -1, null, new byte[] {'o', 'k', (byte) 0xFF}), 1 << 16));
        assertEquals(null, e.standIn());
    }

    /**
     * The held pieces as session 14's format 1 wrote them (these bytes from its serializer) read as they were,
     * with no tail held; written again they read back the same (format 2), a held tail too.
     */
    @Test
    void heldPiecesOfTheFormBeforeTheTailReadAsTheyWere() throws Exception {
        byte[] old = java.util.HexFormat.of().parseHex("4b4d53541a0100000078020000000207000000706f642e6c6f6702000000"
                + "0700000000000000e8abda769b0100000006000000636166c3a920060000000000000006000000000000000200000001ff"
                + "ffffff000000000900000000000000ffffffffffffffff0103000000616263030000000000000046000000000000000300"
                + "0000c415aa13");
        var s = new CriPartialsPiece.Serializer();
        CriLineJoin.Partials p = s.deserialize(new org.apache.flink.core.memory.DataInputDeserializer(old));
        assertEquals(List.of("2|pod.log|2|7|1767225601000|false|caf\u00e9 |6|6|2|null|0",
                "1|null|0|9|-1|true|abc|3|70|3|null|0"), held(p));
        assertEquals(1, p.open.get(0).blankTail); // read from the whole line's held text
        assertEquals(0, p.open.get(1).blankTail); // not all held: none known
        p.open.get(1).blankTail = 5;
        p.open.get(0).tail = new byte[] {(byte) 0xE2, (byte) 0x82};
        p.open.get(1).missing = 2;
        var out = new org.apache.flink.core.memory.DataOutputSerializer(64);
        s.serialize(p, out);
        CriLineJoin.Partials back = s.deserialize(new org.apache.flink.core.memory.DataInputDeserializer(
                out.getCopyOfBuffer()));
        assertEquals(List.of("2|pod.log|2|7|1767225601000|false|caf\u00e9 |6|6|2|[-30, -126]|0",
                "1|null|0|9|-1|true|abc|3|70|3|null|2"), held(back));
        assertEquals(held(back), held(s.copy(back)));
        assertEquals(List.of(1L, 5L), back.open.stream().map(h -> h.blankTail).toList());
        assertEquals(List.of(1L, 5L), s.copy(back).open.stream().map(h -> h.blankTail).toList());
    }

    private static List<String> held(CriLineJoin.Partials p) {
        List<String> out = new ArrayList<>();
        for (CriLineJoin.Held h : p.open) {
            out.add(h.stream + "|" + h.topic + "|" + h.partition + "|" + h.offset + "|" + h.timestamp + "|" + h.ascii
                    + "|" + h.text + "|" + h.heldBytes + "|" + h.totalBytes + "|" + h.pieces + "|"
                    + (h.tail == null ? "null" : java.util.Arrays.toString(h.tail)) + "|" + h.missing);
        }
        return out;
    }

    private static LogLine roundTrip(LogLine l) throws Exception {
        var out = new org.apache.flink.core.memory.DataOutputSerializer(64);
        LogLineSerializer.INSTANCE.serialize(l, out);
        LogLine back = LogLineSerializer.INSTANCE.deserialize(
                new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer()));
        LogLineRun run = new LogLineRun(l.source, l.topic, l.partition, 1);
        run.add(back);
        var out2 = new org.apache.flink.core.memory.DataOutputSerializer(64);
        LogLineRun.Serializer.INSTANCE.serialize(run, out2);
        LogLineRun r2 = LogLineRun.Serializer.INSTANCE.deserialize(
                new org.apache.flink.core.memory.DataInputDeserializer(out2.getCopyOfBuffer()));
        assertEquals(l.text, r2.get(0).text);
        assertEquals(java.util.Arrays.toString(l.criHead), java.util.Arrays.toString(r2.get(0).criHead));
        assertEquals(java.util.Arrays.toString(l.criTail), java.util.Arrays.toString(r2.get(0).criTail));
        return r2.get(0);
    }

    /**
     * An {@code F} piece with an empty or blank message ends its line as the line unsplit ends: an {@code F} line's
     * text is its message stripped at its end, so the {@code P} pieces' trailing whitespace goes too (also where it
     * lies past the held text, which the cut's byte count then leaves out), in the function (restored between any
     * two pieces) and in the reference. A line all of whose pieces are blank joins to an empty text.
     */
    @Test
    void anEmptyFPieceEndsTheLineAsTheUnsplitLineEnds() throws Exception {
        LogLineParser parser = new LogLineParser("svc");
        RecordLimits limits = RecordLimits.defaults().withMaxTextBytes(64);
        String[][] cases = {
            {"hello   ", ""},
            {"a  ", " \t ", "   "},
            {"x".repeat(60) + "   ", "  ", ""},
            {"y".repeat(70) + "      ", ""},
            {"z".repeat(62) + " \u00e9  ", " "},
            {"ab \u3000", "\u2003 ", " "},
            {"keep\u00a0", ""},
            {"  ", "\t", ""},
        };
        for (String[] pieces : cases) {
            List<LogLine> lines = new ArrayList<>();
            for (int i = 0; i < pieces.length; i++) {
                String tag = i == pieces.length - 1 ? "F" : "P";
                LogLine l = parser.parse(null, new KafkaRecord("pod.log", 0, i, -1, null,
                        ("2026-01-01T00:00:0" + (i + 1) + "Z stdout " + tag + " " + pieces[i])
                                .getBytes(StandardCharsets.UTF_8)), 1 << 16);
                l.topic = "pod.log";
                lines.add(l);
            }
            String whole = String.join("", pieces);
            String text = whole.isBlank() ? "" : limits.capText(parser.parse(null,
                    "2026-01-01T00:00:01Z stdout F " + whole, 0, -1).text);
            List<String> want = List.of("0|1767225601000|pod.log-0|" + text, "END");
            assertEquals(want, reference(lines, limits, 1L << 20).get("svc"), "reference: " + List.of(pieces));
            for (int cut = 0; cut <= lines.size(); cut++) {
                Map<String, List<String>> got = new LinkedHashMap<>();
                OperatorSubtaskState snap;
                try (var h = harness(limits, 1L << 20)) {
                    h.open();
                    for (LogLine l : lines.subList(0, cut)) {
                        h.processElement(new StreamRecord<>(copy(l)));
                    }
                    snap = h.snapshot(1, 1);
                    collect(h, got);
                }
                try (var h = harness(limits, 1L << 20)) {
                    h.initializeState(snap);
                    h.open();
                    for (LogLine l : lines.subList(cut, lines.size())) {
                        h.processElement(new StreamRecord<>(copy(l)));
                    }
                    h.processWatermark(Long.MAX_VALUE);
                    collect(h, got);
                }
                assertEquals(want, got.get("svc"), List.of(pieces) + " restored after " + cut);
            }
        }
    }

    @Test
    void theBoundIsAnOptionAtLeastOne() {
        assertEquals(1L << 20, LogSummarySettings.defaults().options().get(LogOptions.CRI_MAX_JOINED_BYTES));
        assertEquals(4096L, LogSummarySettings.defaults().with(LogOptions.CRI_MAX_JOINED_BYTES, 4096L).options()
                .get(LogOptions.CRI_MAX_JOINED_BYTES));
        assertThrows(IllegalArgumentException.class,
                () -> LogSummarySettings.defaults().with(LogOptions.CRI_MAX_JOINED_BYTES, 0L));
    }
}
