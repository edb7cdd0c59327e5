package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.text.TextFrontEnd;
import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EntryBuffer;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.retention.CompressedSlots;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.state.BmojoStatePiece;
import dev.keymem.state.CorruptStateException;
import dev.keymem.state.PayloadReader;
import dev.keymem.state.PayloadWriter;
import dev.keymem.state.RetentionStatePiece;
import dev.keymem.state.StateFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The log job's per-source period serializer: round trips of format 3 (the counters; synthetic and
 * job-made values), the committed format-1 and format-2 fixtures of release 0.1.0 (still restore, with their
 * B'MOJO and STR/CMP states, for the migration), the format-3 fixture (layout stable), corruption
 * detection, and that the other job state types are Flink POJOs rather than generic (Kryo) types.
 */
class SourceMemorySerializerTest {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    // ---- samples ----

    static float[] gaussians(SplittableRandom r, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return d;
    }

    static double[] doubles(SplittableRandom r, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextGaussian();
        }
        return d;
    }

    static EntryBuffer buffer(SplittableRandom r, int heads, int capacity, int keyDim, int valueDim) {
        int[] count = new int[heads];
        long[] positions = new long[heads * capacity];
        float[] innovations = new float[heads * capacity];
        for (int h = 0; h < heads; h++) {
            count[h] = r.nextInt(0, capacity + 1);
            for (int i = 0; i < count[h]; i++) {
                positions[h * capacity + i] = r.nextLong(0, 1L << 40);
                innovations[h * capacity + i] = (float) Math.abs(r.nextGaussian());
            }
        }
        return new EntryBuffer(heads, capacity, keyDim, valueDim, count, positions, innovations,
                gaussians(r, heads * capacity * keyDim), gaussians(r, heads * capacity * valueDim));
    }

    static BmojoState bmojo(SplittableRandom r, int heads, int keyDim, int valueDim, int window, int capacity) {
        int slots = 2 * window;
        long admitted = r.nextLong(0, 1000);
        return new BmojoState(new CellState(gaussians(r, heads * keyDim * valueDim), r.nextLong(0, 1L << 40)), window,
                gaussians(r, slots * heads * keyDim), gaussians(r, slots * heads * valueDim),
                gaussians(r, slots * heads * valueDim), gaussians(r, slots * heads),
                buffer(r, heads, capacity, keyDim, valueDim), buffer(r, heads, 2, keyDim, valueDim),
                buffer(r, heads, 1, keyDim, valueDim), admitted, r.nextLong(0, admitted + 1));
    }

    static RetentionState retention(SplittableRandom r, int heads, int keyDim, int valueDim, int slots) {
        long next = -1;
        List<List<RetainedToken>> lists = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            List<RetainedToken> tokens = new ArrayList<>();
            for (int i = r.nextInt(0, 3); i > 0; i--) {
                next += r.nextLong(1, 5);
                tokens.add(new RetainedToken(next, gaussians(r, heads * keyDim), gaussians(r, heads * valueDim),
                        gaussians(r, heads), null, (float) r.nextDouble(), r.nextDouble() * 5, r.nextDouble()));
            }
            lists.add(tokens);
        }
        double[] counts = new double[heads * slots];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = r.nextInt(0, 4);
        }
        return new RetentionState(r.nextLong(), next + 1 + r.nextInt(0, 3),
                new CellState(gaussians(r, heads * keyDim * valueDim), r.nextLong(0, 1L << 40)),
                doubles(r, heads * keyDim), lists.get(0), lists.get(1), lists.get(2), lists.get(3),
                new CompressedSlots(heads, slots, keyDim, valueDim, counts, doubles(r, heads * slots * keyDim),
                        doubles(r, heads * slots * valueDim)),
                new long[] {1000, 1003}, new double[] {r.nextDouble(), r.nextDouble()});
    }

    static SourceMemory memory(SplittableRandom r, boolean withRetention) {
        SourceMemory m = new SourceMemory();
        m.bmojo = bmojo(r, 1 + r.nextInt(2), 2 + r.nextInt(3), 2 + r.nextInt(3), 1 + r.nextInt(3), r.nextInt(4));
        m.retention = withRetention ? retention(r, 1, 3, 2, 2) : null;
        m.position = r.nextLong(10, 1000);
        m.reportedUpTo = r.nextLong(0, m.position + 1);
        m.linesSinceLast = r.nextLong(0, m.position + 1);
        m.fromOffset = m.linesSinceLast == 0 ? -1 : r.nextLong(0, 1L << 40);
        m.lastOffset = r.nextLong(-1, 1L << 40);
        m.summaries = r.nextLong(0, 50);
        m.timerSet = r.nextBoolean();
        return m;
    }

    /** A format-3 value: the counters only. */
    static SourceMemory counters(SplittableRandom r) {
        SourceMemory m = memory(r, false);
        m.bmojo = null;
        m.retention = null;
        return m;
    }

    static void assertSame(SourceMemory want, SourceMemory got) {
        assertEquals(want.bmojo, got.bmojo);
        assertEquals(want.retention, got.retention);
        assertEquals(want.position, got.position);
        assertEquals(want.reportedUpTo, got.reportedUpTo);
        assertEquals(want.linesSinceLast, got.linesSinceLast);
        assertEquals(want.fromOffset, got.fromOffset);
        assertEquals(want.lastOffset, got.lastOffset);
        assertEquals(want.summaries, got.summaries);
        assertEquals(want.timerSet, got.timerSet);
    }

    static byte[] bytes(TypeSerializer<SourceMemory> s, SourceMemory... values) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        out.writeInt(values.length);
        for (SourceMemory v : values) {
            s.serialize(v, out);
        }
        return out.getCopyOfBuffer();
    }

    static SourceMemory[] decode(TypeSerializer<SourceMemory> s, byte[] b) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(b);
        SourceMemory[] out = new SourceMemory[in.readInt()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.deserialize(in);
        }
        assertEquals(0, in.available(), "trailing bytes");
        return out;
    }

    // ---- tests ----

    @Test
    void syntheticStatesRoundTrip() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        SourceMemorySerializer s = new SourceMemorySerializer();
        for (int i = 0; i < 20; i++) {
            SourceMemory m = counters(r);
            SourceMemory back = decode(s, bytes(s, m))[0];
            assertSame(m, back);
            assertNull(back.bmojo);
            assertNull(back.retention);
            assertSame(m, s.copy(m));
            SourceMemory old = memory(r, i % 2 == 0); // a release-0.1.0 value: copied whole, never written
            SourceMemory copy = s.copy(old);
            assertSame(old, copy);
            assertNotSame(old.bmojo, copy.bmojo);
            assertThrows(IllegalArgumentException.class, () -> bytes(s, old));
        }
    }

    @Test
    void modelMadeStatesRoundTrip() throws Exception {
        for (LogSummarySettings.Memory memory : LogSummarySettings.Memory.values()) {
            LogSummarySettings settings = LogSummarySettings.defaults().withEvery(15, 0).withMemory(memory);
            LogSummarizer summarizer = new LogSummarizer(settings, TextFrontEnd.builder().build());
            SourceMemory m = summarizer.newMemory(42);
            SourceStores pending = SourceStores.inMemory();
            SourceMemorySerializer s = new SourceMemorySerializer();
            for (int i = 0; i < 40; i++) {
                summarizer.accept(m, pending, LogSummaryFunctionTest.line("a", i));
                assertSame(m, decode(s, bytes(s, m))[0]);
            }
            assertEquals(40, m.novelty.position(), "the novelty memory saw every line");
            assertNull(m.bmojo, memory.toString());
        }
    }

    /** The format-1 fixture's values (dense: random floats everywhere). */
    static SourceMemory[] formatOneValues() {
        SplittableRandom r = new SplittableRandom(20261123L);
        return new SourceMemory[] {memory(r, false), memory(r, true), memory(r, true)};
    }

    /** The format-2 fixture's values: dense ones and sparse ones (zero runs of every kind of length). */
    static SourceMemory[] formatTwoValues() {
        SplittableRandom r = new SplittableRandom(20261124L);
        return new SourceMemory[] {memory(r, true), sparse(r, false), sparse(r, true), sparse(r, true)};
    }

    /** A state shaped like the job's: buffers at full capacity with few entries, so mostly zeros. */
    static SourceMemory sparse(SplittableRandom r, boolean withRetention) {
        SourceMemory m = memory(r, withRetention);
        int keyDim = 4 + r.nextInt(5);
        int capacity = 3 + r.nextInt(6);
        int window = 2 + r.nextInt(3);
        int slots = 2 * window;
        float[] ring = new float[slots * keyDim];
        for (int i = 0; i < keyDim * r.nextInt(slots); i++) {
            ring[i] = (float) r.nextGaussian();
        }
        float[] cell = new float[keyDim * keyDim];
        for (int i = 0; i < cell.length; i += 1 + r.nextInt(9)) {
            cell[i] = (float) r.nextGaussian();
        }
        m.bmojo = new BmojoState(new CellState(cell, r.nextLong(0, 1000)), window, ring, ring.clone(),
                new float[slots * keyDim], new float[slots], sparseBuffer(r, capacity, keyDim),
                sparseBuffer(r, 2, keyDim), sparseBuffer(r, 1, keyDim), 3, 1);
        return m;
    }

    static EntryBuffer sparseBuffer(SplittableRandom r, int capacity, int dim) {
        int count = r.nextInt(0, capacity + 1);
        long[] positions = new long[capacity];
        float[] innovations = new float[capacity];
        float[] keys = new float[capacity * dim];
        float[] values = new float[capacity * dim];
        for (int i = 0; i < count; i++) {
            positions[i] = r.nextLong(0, 1L << 40);
            innovations[i] = (float) Math.abs(r.nextGaussian());
            for (int j = 0; j < dim; j++) {
                keys[i * dim + j] = (float) r.nextGaussian();
                values[i * dim + j] = (float) r.nextGaussian();
            }
        }
        return new EntryBuffer(1, capacity, dim, dim, new int[] {count}, positions, innovations, keys, values);
    }

    static void writeIfMissing(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.write(file, bytes);
        }
    }

    static byte[] snapshotBytes(SourceMemorySerializer serializer) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(out, serializer.snapshotConfiguration());
        return out.getCopyOfBuffer();
    }

    /** Reads a committed snapshot, checks the current serializer takes it as is, and decodes the values with both. */
    void assertRestores(Path snapshot, byte[] stored, SourceMemory[] expected) throws IOException {
        SourceMemorySerializer serializer = new SourceMemorySerializer();
        TypeSerializerSnapshot<SourceMemory> old = TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(Files.readAllBytes(snapshot)), getClass().getClassLoader());
        assertInstanceOf(SourceMemorySerializer.SourceMemorySerializerSnapshot.class, old);
        TypeSerializerSchemaCompatibility<SourceMemory> compat =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(old);
        assertTrue(compat.isCompatibleAsIs(), compat.toString());
        for (TypeSerializer<SourceMemory> s : List.of(old.restoreSerializer(), serializer)) {
            SourceMemory[] restored = decode(s, stored);
            assertEquals(expected.length, restored.length);
            for (int i = 0; i < expected.length; i++) {
                assertSame(expected[i], restored[i]);
            }
        }
    }

    @Test
    void formatOneFixtureRestores() throws IOException {
        // Written by the format-1 build (commit 8e2ba45); kept to prove that format-1 state still restores.
        Path values = FIXTURES.resolve("sourcememory-format1.bin");
        Path snapshot = FIXTURES.resolve("sourcememory-serializer-snapshot-v1.bin");
        byte[] stored = Files.readAllBytes(values);
        for (int at : frameStarts(stored)) {
            assertEquals(1, stored[at + 5], "the fixture holds format-1 frames");
        }
        assertRestores(snapshot, stored, formatOneValues());
    }

    @Test
    void formatTwoFixtureRestoresAndItsLayoutIsStable() throws IOException {
        // Written by the format-2 build (release 0.1.0); format 2 is read only since format 3.
        SourceMemory[] expected = formatTwoValues();
        Path values = FIXTURES.resolve("sourcememory-format2.bin");
        Path snapshot = FIXTURES.resolve("sourcememory-serializer-snapshot-format2.bin");
        byte[] stored = Files.readAllBytes(values);
        for (int at : frameStarts(stored)) {
            assertEquals(2, stored[at + 5], "the fixture holds format-2 frames");
        }
        assertRestores(snapshot, stored, expected);
        for (SourceMemory m : expected) {
            PayloadWriter w = new PayloadWriter(64);
            SourceMemoryPiece.writeFormat2(m, w);
            byte[] p = java.util.Arrays.copyOf(w.array(), w.size());
            assertSame(m, SourceMemoryPiece.INSTANCE.read(2, PayloadReader.over("SourceMemory", p, p.length), null));
        }
    }

    @Test
    void formatThreeFixtureRestoresAndItsLayoutIsStable() throws IOException {
        SplittableRandom r = new SplittableRandom(20261205L);
        SourceMemory[] expected = {counters(r), counters(r), counters(r)};
        SourceMemorySerializer serializer = new SourceMemorySerializer();
        Path values = FIXTURES.resolve("sourcememory-format3.bin");
        Path snapshot = FIXTURES.resolve("sourcememory-serializer-snapshot-format3.bin");
        writeIfMissing(values, bytes(serializer, expected));
        writeIfMissing(snapshot, snapshotBytes(serializer));
        byte[] stored = Files.readAllBytes(values);
        assertArrayEquals(stored, bytes(serializer, expected),
                "SourceMemory format 3 layout changed: bump the piece's format and keep a reader for format 3");
        for (int at : frameStarts(stored)) {
            assertEquals(3, stored[at + 5], "new entries carry format 3");
        }
        assertEquals(4 + expected.length * (StateFrame.OVERHEAD_BYTES + 49), stored.length, "a period is 63 bytes");
        assertRestores(snapshot, stored, expected);
    }

    /** Offsets of the frames in bytes written by {@link #bytes}. */
    static List<Integer> frameStarts(byte[] b) throws IOException {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b); // frame headers are big-endian
        int n = in.getInt(0);
        List<Integer> starts = new ArrayList<>();
        int at = 4;
        for (int i = 0; i < n; i++) {
            starts.add(at);
            at += StateFrame.OVERHEAD_BYTES + in.getInt(at + 6);
        }
        assertEquals(b.length, at, "frames cover the bytes");
        return starts;
    }

    @Test
    void formatTwoIsFormatOneWithoutItsZeroRuns() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 30; i++) {
            SourceMemory m = i % 2 == 0 ? sparse(r, i % 4 == 0) : memory(r, i % 3 == 0);
            PayloadWriter plain = new PayloadWriter(64);
            SourceMemoryPiece.writeFormat1(m, plain);
            PayloadWriter packed = new PayloadWriter(64);
            SourceMemoryPiece.writeFormat2(m, packed);
            byte[] p = java.util.Arrays.copyOf(packed.array(), packed.size());
            int n = java.nio.ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            assertEquals(plain.size(), n, "format 2 starts with the format-1 length");
            byte[] decoded = new byte[n];
            ZeroRuns.decode(java.util.Arrays.copyOfRange(p, 4, p.length), p.length - 4, decoded, n);
            assertArrayEquals(java.util.Arrays.copyOf(plain.array(), n), decoded, "value " + i);
        }
    }

    @Test
    void badZeroRunEncodingsAreCorruption() throws IOException {
        SourceMemory m = sparse(new SplittableRandom(9), true);
        PayloadWriter plain = new PayloadWriter(64);
        SourceMemoryPiece.writeFormat1(m, plain);
        int n = plain.size();
        byte[] enc = new byte[ZeroRuns.maxEncodedLength(n)];
        int len = ZeroRuns.encode(plain.array(), n, enc);
        // A payload one byte short, one byte long, with a wrong length, or a truncated encoding: each is named.
        byte[][] bad = {
            payload(n - 1, enc, len), payload(n + 1, enc, len), payload(0, enc, len), payload(n, enc, len - 1),
            payload(n, java.util.Arrays.copyOf(enc, len + 1), len + 1)};
        for (byte[] p : bad) {
            CorruptStateException e = assertThrows(CorruptStateException.class,
                    () -> SourceMemoryPiece.INSTANCE.read(2, PayloadReader.over("SourceMemory", p, p.length), null));
            assertEquals("SourceMemory", e.piece());
        }
        byte[] good = payload(n, enc, len);
        assertSame(m, SourceMemoryPiece.INSTANCE.read(2, PayloadReader.over("SourceMemory", good, good.length), null));
    }

    static byte[] payload(int n, byte[] enc, int len) {
        PayloadWriter w = new PayloadWriter(16);
        w.putInt(n).putBytes(enc, 0, len);
        return java.util.Arrays.copyOf(w.array(), w.size());
    }

    @Test
    void everyFlippedByteIsDetected() throws IOException {
        SourceMemorySerializer s = new SourceMemorySerializer();
        byte[] good = bytes(s, counters(new SplittableRandom(3)));
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 4; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) (1 << r.nextInt(8));
            IOException e = assertThrows(IOException.class, () -> decode(s, bad), "flip at byte " + i);
            if (e instanceof CorruptStateException c) {
                assertEquals("SourceMemory", c.piece());
            }
        }
    }

    @Test
    void truncatedFrameIsDetected() throws IOException {
        SourceMemorySerializer s = new SourceMemorySerializer();
        byte[] good = bytes(s, counters(new SplittableRandom(5)));
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
        assertThrows(IOException.class, () -> decode(s, cut));
    }

    @Test
    void pieceCodeIsDistinctFromTheStateSerializersPieces() {
        assertEquals(20, SourceMemoryPiece.CODE);
        for (int code : new int[] {1, 2, 3, BmojoStatePiece.CODE, 11, RetentionStatePiece.CODE, 13}) {
            assertFalse(code == SourceMemoryPiece.CODE, "code " + code + " is taken");
        }
    }

    @Test
    void otherJobStateTypesAreFlinkPojos() {
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(SourceMemory.PendingLine.class));
        assertInstanceOf(PojoTypeInfo.class, LogSummaryFunction.PENDING_LINE);
    }
}
