package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.serde.HardStrings;
import java.io.IOException;
import java.util.SplittableRandom;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** {@link LogLineSerializer} and {@link LogLineRun}'s serializer: every field back as it went, snapshots restore. */
class LogLineSerializerTest {

    static String randomString(SplittableRandom r) {
        return HardStrings.random(r, 8, 40, 26);
    }

    static String randomAscii(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(60);
        for (int i = 0; i < n; i++) {
            b.append((char) r.nextInt(128));
        }
        return b.toString();
    }

    static LogLine randomLine(SplittableRandom r) {
        boolean ascii = r.nextInt(3) == 0;
        LogLine l = new LogLine(randomString(r), ascii ? randomAscii(r) : randomString(r), r.nextLong(), r.nextLong());
        if (ascii) {
            l.markAsciiText();
        }
        l.topic = randomString(r);
        l.partition = r.nextInt();
        l.bare = r.nextBoolean();
        if (r.nextInt(3) == 0) {
            l.cri = (byte) (1 + r.nextInt(7));
            if (r.nextInt(3) == 0) { // the raw bytes at a CRI seam, either side or both
                int k = r.nextInt(3);
                l.criHead = k == 1 ? null : randomBytes(r);
                l.criTail = k == 2 ? null : randomBytes(r);
            }
        }
        return l;
    }

    private static byte[] randomBytes(SplittableRandom r) {
        byte[] b = new byte[1 + r.nextInt(3)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (0x80 + r.nextInt(128));
        }
        return b;
    }

    static void assertSameLine(LogLine e, LogLine back) {
        assertEquals(e.source, back.source);
        assertEquals(e.text, back.text);
        assertEquals(e.topic, back.topic);
        assertEquals(e.offset, back.offset);
        assertEquals(e.timestamp, back.timestamp);
        assertEquals(e.partition, back.partition);
        assertEquals(e.textIsAscii(), back.textIsAscii());
        assertEquals(e.bare, back.bare);
        assertEquals(e.cri, back.cri);
        assertEquals(java.util.Arrays.toString(e.criHead), java.util.Arrays.toString(back.criHead));
        assertEquals(java.util.Arrays.toString(e.criTail), java.util.Arrays.toString(back.criTail));
    }

    private static <T> T roundTrip(TypeSerializer<T> s, T value, DataOutputSerializer out) throws IOException {
        out.clear();
        s.serialize(value, out);
        byte[] bytes = out.getCopyOfBuffer();
        T back = s.deserialize(new DataInputDeserializer(bytes));
        // copy(in, out) writes the same bytes
        DataOutputSerializer copied = new DataOutputSerializer(bytes.length);
        s.copy(new DataInputDeserializer(bytes), copied);
        assertEquals(java.util.Arrays.toString(bytes), java.util.Arrays.toString(copied.getCopyOfBuffer()));
        return back;
    }

    @Test
    void linesComeBackAsTheyWent() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int t = 0; t < 5000; t++) {
            LogLine e = randomLine(r);
            assertSameLine(e, roundTrip(LogLineSerializer.INSTANCE, e, out));
            assertSameLine(e, LogLineSerializer.INSTANCE.copy(e));
        }
    }

    @Test
    void aReplacedTextIsNoLongerTakenForAscii() throws Exception {
        LogLine l = new LogLine("s", "ascii", 1, 2);
        l.markAsciiText();
        l.text = "caf\u00e9 \u2026 \ud800";
        assertTrue(!l.textIsAscii());
        LogLine back = roundTrip(LogLineSerializer.INSTANCE, l, new DataOutputSerializer(64));
        assertEquals(l.text, back.text);
    }

    @Test
    void runsComeBackAsTheyWent() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int t = 0; t < 2000; t++) {
            LogLine first = randomLine(r);
            LogLineRun run = new LogLineRun(first.source, first.topic, first.partition, r.nextInt(3));
            int n = r.nextInt(20);
            for (int i = 0; i < n; i++) {
                LogLine l = randomLine(r);
                l.source = first.source;
                l.topic = first.topic;
                l.partition = first.partition;
                run.add(l);
            }
            LogLineRun back = roundTrip(LogLineRun.Serializer.INSTANCE, run, out);
            LogLineRun copy = LogLineRun.Serializer.INSTANCE.copy(run);
            for (LogLineRun b : new LogLineRun[] {back, copy}) {
                assertEquals(run.size, b.size);
                assertEquals(run.source, b.source());
                for (int i = 0; i < n; i++) {
                    assertSameLine(run.line(i), b.line(i));
                }
            }
        }
    }

    @Test
    void aRunReadFromBytesGoesOnAsThoseBytesUntilItsLinesAreTaken() throws Exception {
        // the keyed step's input reads a run from the exchange and writes it into its sort buffer: the bytes it
        // writes are those it read, without decoding the lines; a copy shares them; the lines come out as they went
        SplittableRandom r = new SplittableRandom(11);
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int t = 0; t < 500; t++) {
            LogLine first = randomLine(r);
            LogLineRun run = new LogLineRun(first.source, first.topic, first.partition, 1);
            int n = r.nextInt(12);
            boolean ascii = r.nextBoolean();
            for (int i = 0; i < n; i++) {
                LogLine l = randomLine(r);
                l.source = first.source;
                l.topic = first.topic;
                l.partition = first.partition;
                if (ascii && !l.textIsAscii()) {
                    l.text = r.nextInt(5) == 0 ? null : "ascii " + i;
                    l.markAsciiText();
                }
                run.add(l);
            }
            out.clear();
            LogLineRun.Serializer.INSTANCE.serialize(run, out);
            byte[] sent = out.getCopyOfBuffer();
            // the lines' length counted up front (ASCII texts) or their bytes buffered first: the same bytes
            out.clear();
            dev.keymem.jobs.serde.RecordRuns.Header.write(out, run.source, run.topic, run.partition, run.size, true);
            LogLineRun.Serializer.writeBuffered(run, out);
            assertEquals(java.util.Arrays.toString(sent), java.util.Arrays.toString(out.getCopyOfBuffer()));
            LogLineRun read = LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(sent));
            assertEquals(n, read.size());
            assertEquals(run.source(), read.source());
            LogLineRun copy = LogLineRun.Serializer.INSTANCE.copy(read);
            for (LogLineRun hop : new LogLineRun[] {read, copy}) {
                out.clear();
                LogLineRun.Serializer.INSTANCE.serialize(hop, out);
                assertEquals(java.util.Arrays.toString(sent), java.util.Arrays.toString(out.getCopyOfBuffer()));
            }
            LogLineRun sorted = LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(
                    out.getCopyOfBuffer()));
            for (LogLineRun b : new LogLineRun[] {sorted, copy, read}) {
                for (int i = 0; i < n; i++) {
                    assertSameLine(run.line(i), b.line(i));
                }
            }
            // decoded, it is written from its lines: the same bytes again
            out.clear();
            LogLineRun.Serializer.INSTANCE.serialize(read, out);
            assertEquals(java.util.Arrays.toString(sent), java.util.Arrays.toString(out.getCopyOfBuffer()));
        }
    }

    @Test
    void linesTakenInOrderFromARunsBytesAreThoseItsDecodedArraysGive() throws Exception {
        // get(i) in order reads each line straight from the run's bytes (Serializer.readLine); the reference is
        // the run decoded into its arrays (Serializer.readLines(byte[], ...)) and line(i); out of order, get
        // decodes the run first; the bytes written after either are those that came
        SplittableRandom r = new SplittableRandom(23);
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int t = 0; t < 3000; t++) {
            LogLine first = randomLine(r);
            LogLineRun run = new LogLineRun(first.source, r.nextInt(4) == 0 ? null : first.topic, first.partition, 1);
            int n = r.nextInt(20);
            for (int i = 0; i < n; i++) {
                LogLine l = randomLine(r);
                if (r.nextInt(8) == 0) {
                    l.text = null;
                }
                run.add(l);
            }
            out.clear();
            LogLineRun.Serializer.INSTANCE.serialize(run, out);
            byte[] sent = out.getCopyOfBuffer();
            LogLineRun reference = LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(sent));
            reference.lines();
            LogLineRun inOrder = LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(sent));
            int stop = n == 0 ? 0 : r.nextInt(n + 1); // in order up to stop, then one out of order (or again)
            for (int i = 0; i < stop; i++) {
                assertSameLine(reference.line(i), inOrder.get(i));
            }
            out.clear();
            LogLineRun.Serializer.INSTANCE.serialize(inOrder, out);
            assertEquals(java.util.Arrays.toString(sent), java.util.Arrays.toString(out.getCopyOfBuffer()));
            if (n > 0) {
                int i = r.nextInt(n);
                assertSameLine(reference.line(i), inOrder.get(i));
                for (int k = 0; k < n; k++) {
                    assertSameLine(reference.line(k), inOrder.get(k));
                }
            }
            LogLineRun copy = LogLineRun.Serializer.INSTANCE.copy(
                    LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(sent)));
            for (int k = 0; k < n; k++) {
                assertSameLine(reference.line(k), copy.get(k));
            }
        }
    }

    @Test
    void anAsciiRunPackedInAnArrayIsTheBytesItsLinesWriteOneByOne() throws Exception {
        // writePacked (ASCII texts or none, CRI bytes, no seams) against writeLines through writeBuffered, its
        // reference; every 500th run of 300 lines up to 8,000 chars, past the thread array's kept size (1 MiB)
        SplittableRandom r = new SplittableRandom(29);
        DataOutputSerializer out = new DataOutputSerializer(64);
        int largest = 0;
        for (int t = 0; t < 2000; t++) {
            LogLineRun run = new LogLineRun("s" + t, r.nextBoolean() ? null : "topic", r.nextInt(), 1);
            int n = t % 500 == 0 ? 300 : r.nextInt(30);
            int longest = t % 500 == 0 ? 8000 : t % 7 == 0 ? 3000 : 80;
            for (int i = 0; i < n; i++) {
                StringBuilder b = new StringBuilder();
                for (int k = r.nextInt(longest); k > 0; k--) {
                    b.append((char) r.nextInt(128));
                }
                LogLine l = new LogLine(run.source, r.nextInt(10) == 0 ? null : b.toString(), r.nextLong(),
                        r.nextLong());
                l.markAsciiText();
                l.bare = r.nextBoolean();
                l.cri = r.nextInt(4) == 0 ? (byte) (1 + r.nextInt(30)) : 0;
                run.add(l);
            }
            out.clear();
            LogLineRun.Serializer.INSTANCE.serialize(run, out);
            byte[] sent = out.getCopyOfBuffer();
            largest = Math.max(largest, sent.length);
            out.clear();
            dev.keymem.jobs.serde.RecordRuns.Header.write(out, run.source, run.topic, run.partition, run.size, true);
            LogLineRun.Serializer.writeBuffered(run, out);
            assertArrayEquals(out.getCopyOfBuffer(), sent);
            LogLineRun back = LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(sent));
            for (int i = 0; i < n; i++) {
                assertSameLine(run.line(i), back.get(i));
            }
        }
        assertTrue(largest > 1 << 20, "a run past the kept size: " + largest);
    }

    @Test
    void aRunsLengthCountedAsItsLinesAreAddedIsTheScansLength() throws Exception {
        // LogLineRun.asciiLength (counted in add) against Serializer.asciiLength (a scan of the run's arrays), its
        // reference, after every line added: runs of ASCII texts, null texts, texts not marked ASCII, CRI bytes and
        // seams; also a run's copy, a run read back from bytes and then added to, which are counted by the scan
        SplittableRandom r = new SplittableRandom(28);
        DataOutputSerializer out = new DataOutputSerializer(64);
        int counted = 0;
        int declined = 0;
        for (int t = 0; t < 3000; t++) {
            LogLineRun run = new LogLineRun("s", t % 3 == 0 ? null : "topic", t, 1 + r.nextInt(4));
            int n = r.nextInt(40);
            int plain = r.nextInt(4); // 0: some texts not marked ASCII, 1: some seams, else ASCII or null only
            for (int i = 0; i < n; i++) {
                run.add(randomLine(r, plain));
                assertEquals(LogLineRun.Serializer.asciiLength(run), run.asciiLength(), "run " + t + " line " + i);
                counted++;
                if (run.asciiLength() < 0) {
                    declined++;
                }
            }
            LogLineRun copy = LogLineRun.Serializer.INSTANCE.copy(run);
            assertEquals(LogLineRun.Serializer.asciiLength(run), copy.asciiLength());
            out.clear();
            LogLineRun.Serializer.INSTANCE.serialize(run, out);
            LogLineRun back = LogLineRun.Serializer.INSTANCE.deserialize(
                    new DataInputDeserializer(out.getCopyOfBuffer()));
            back.add(randomLine(r, plain));
            assertEquals(LogLineRun.Serializer.asciiLength(back), back.asciiLength());
            out.clear();
            LogLineRun.Serializer.INSTANCE.serialize(back, out);
            LogLineRun again = LogLineRun.Serializer.INSTANCE.deserialize(
                    new DataInputDeserializer(out.getCopyOfBuffer()));
            for (int i = 0; i < back.size; i++) {
                assertSameLine(back.line(i), again.get(i));
            }
        }
        assertTrue(counted > 50_000 && declined > 5_000 && declined < counted - 20_000, counted + " " + declined);
    }

    private static LogLine randomLine(SplittableRandom r, int plain) {
        StringBuilder b = new StringBuilder();
        for (int k = r.nextInt(r.nextInt(10) == 0 ? 2000 : 60); k > 0; k--) {
            b.append((char) (plain == 0 && r.nextInt(50) == 0 ? 0xe9 : r.nextInt(128)));
        }
        LogLine l = new LogLine("s", r.nextInt(8) == 0 ? null : b.toString(), r.nextLong(), r.nextLong());
        if (plain != 0 || r.nextInt(20) != 0) { // a text not marked ASCII is counted as not ASCII, whatever it holds
            boolean ascii = l.text != null && l.text.chars().allMatch(c -> c < 128);
            if (ascii) {
                l.markAsciiText();
            }
        }
        l.bare = r.nextBoolean();
        l.cri = r.nextInt(4) == 0 ? (byte) (1 + r.nextInt(30)) : 0;
        if (plain == 1 && r.nextInt(5) == 0) {
            l.criHead = r.nextBoolean() ? null : randomBytes(r);
            l.criTail = l.criHead != null && r.nextBoolean() ? null : randomBytes(r);
        }
        return l;
    }

    @Test
    void aRunWhoseLinesAreCutShortFailsWhenTakenInOrder() throws Exception {
        LogLineRun run = new LogLineRun("s", "t", 0, 2);
        run.add(new LogLine("s", "one", 1, 2));
        run.add(new LogLine("s", "two", 3, 4));
        DataOutputSerializer out = new DataOutputSerializer(64);
        LogLineRun.Serializer.INSTANCE.serialize(run, out);
        byte[] b = out.getCopyOfBuffer();
        b[8]++; // one line more than its bytes hold
        LogLineRun read = LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(b));
        assertEquals("one", read.get(0).text);
        assertEquals("two", read.get(1).text);
        java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.UncheckedIOException.class, () -> read.get(2));
        assertTrue(e.getMessage().contains("corrupt LogLineRun of source s"), e.getMessage());
    }

    @Test
    void aRunWhoseLinesAreCutShortFailsWhenItsLinesAreTaken() throws Exception {
        LogLineRun run = new LogLineRun("s", "t", 0, 2);
        run.add(new LogLine("s", "one", 1, 2));
        run.add(new LogLine("s", "two", 3, 4));
        DataOutputSerializer out = new DataOutputSerializer(64);
        LogLineRun.Serializer.INSTANCE.serialize(run, out);
        byte[] b = out.getCopyOfBuffer();
        b[8]++; // the header's line count (flags, partition, count): one line more than its bytes hold
        LogLineRun read = LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(b));
        assertEquals(3, read.size());
        java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.UncheckedIOException.class, () -> read.line(0));
        assertTrue(e.getMessage().contains("corrupt LogLineRun of source s"), e.getMessage());
    }

    @Test
    void aPackedRunWhoseByteCountIsNegativeOrPastTheBytesFailsWithAMessage() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        dev.keymem.jobs.serde.RecordRuns.Header.write(out, "s", "t", 0, 1, true);
        int at = out.length();
        out.writeInt(3);
        out.write(new byte[] {1, 2, 3});
        byte[] good = out.getCopyOfBuffer();
        LogLineRun read = LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(good));
        assertEquals(1, read.size());
        for (int length : new int[] {-1, Integer.MIN_VALUE, 4, Integer.MAX_VALUE}) {
            byte[] b = good.clone();
            java.nio.ByteBuffer.wrap(b).putInt(at, length);
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(b)));
            assertEquals("corrupt LogLineRun of source s: 1 lines in " + length + " bytes, 3 left", e.getMessage());
        }
    }

    /**
     * Bytes in the form before {@link LogLine#bare} (no bare bit: a line's flags, a run line's text byte 0, 1 or 2)
     * read as they did, each line not bare; a bare line's bytes differ from them in that bit alone.
     */
    @Test
    void theFormBeforeTheBareBitReadsAsLinesThatAreNotBare() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        // LogLineSerializer's earlier form: flags (source, text, topic, ASCII text), offset, timestamp, partition, strings
        out.writeByte(1 | 2 | 4 | 8);
        out.writeLong(42);
        out.writeLong(1768464000000L);
        out.writeInt(3);
        dev.keymem.jobs.serde.ExactStrings.write("api", out);
        dev.keymem.jobs.serde.ExactStrings.writeAscii("order paid", out);
        dev.keymem.jobs.serde.ExactStrings.write("logs", out);
        byte[] old = out.getCopyOfBuffer();
        LogLine l = LogLineSerializer.INSTANCE.deserialize(new DataInputDeserializer(old));
        assertEquals("LogLine{api@42: order paid}", l.toString());
        assertEquals("logs", l.topic);
        assertEquals(3, l.partition);
        assertEquals(1768464000000L, l.timestamp);
        assertTrue(l.textIsAscii() && !l.bare);
        l.bare = true;
        out.clear();
        LogLineSerializer.INSTANCE.serialize(l, out);
        byte[] bare = out.getCopyOfBuffer();
        assertEquals(old.length, bare.length);
        assertEquals(old[0] | 16, bare[0]);
        assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOfRange(old, 1, old.length)),
                java.util.Arrays.toString(java.util.Arrays.copyOfRange(bare, 1, bare.length)));

        // LogLineRun's earlier form: the header, then per line offset, timestamp, text byte (0, 1, 2) and text
        out.clear();
        dev.keymem.jobs.serde.RecordRuns.Header.write(out, "api", "logs", 3, 3);
        String[] texts = {null, "caf\u00e9", "ascii"};
        for (int i = 0; i < 3; i++) {
            out.writeLong(i);
            out.writeLong(100 + i);
            out.writeByte(i);
            if (i == 1) {
                dev.keymem.jobs.serde.ExactStrings.write(texts[i], out);
            } else if (i == 2) {
                dev.keymem.jobs.serde.ExactStrings.writeAscii(texts[i], out);
            }
        }
        LogLineRun run = LogLineRun.Serializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(3, run.size());
        for (int i = 0; i < 3; i++) {
            LogLine x = run.line(i);
            assertEquals(texts[i], x.text);
            assertEquals(i, x.offset);
            assertEquals(100 + i, x.timestamp);
            assertEquals(i == 2, x.textIsAscii());
            assertTrue(!x.bare);
        }
    }

    private static <T> void snapshotRestores(TypeSerializer<T> s) throws Exception {
        TypeSerializerSnapshot<T> snap = s.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snap);
        TypeSerializerSnapshot<T> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), LogLineSerializerTest.class.getClassLoader());
        assertSame(s, read.restoreSerializer());
        TypeSerializerSchemaCompatibility<T> c = s.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertTrue(c.isCompatibleAsIs(), c.toString());
    }

    /**
     * Whatever asks Flink for LogLine's type (as FaultSuiteIT's parse step did, {@code TypeInformation.of}) gets
     * {@link LogLineSerializer}: Flink's POJO serializer dropped the CRI byte (a transient field), so that a P
     * piece crossing an exchange, a checkpoint's in-flight data or a restore reached the join as a whole line.
     */
    @Test
    void typeInformationOfLogLineKeepsTheCriByte() throws Exception {
        TypeSerializer<LogLine> s = org.apache.flink.api.common.typeinfo.TypeInformation.of(LogLine.class)
                .createSerializer(new SerializerConfigImpl());
        LogLine l = new LogLine("svc", "part of a long line ", 3, 4);
        l.topic = "pods";
        l.cri = (byte) (LogLine.CRI_STDERR | LogLine.CRI_PARTIAL);
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(l, out);
        LogLine back = s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(l.cri, back.cri);
        assertSameLine(l, back);
        assertEquals(l.cri, s.copy(l).cri);
    }

    @Test
    void snapshotsRestoreTheSameSerializer() throws Exception {
        snapshotRestores(LogLineSerializer.INSTANCE);
        snapshotRestores(LogLineRun.Serializer.INSTANCE);
        assertSame(LogLineSerializer.INSTANCE, LogLineSerializer.TYPE.createSerializer(new SerializerConfigImpl()));
        assertSame(LogLineRun.Serializer.INSTANCE, LogLineRun.TYPE.createSerializer(new SerializerConfigImpl()));
    }
}
