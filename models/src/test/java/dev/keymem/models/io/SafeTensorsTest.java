package dev.keymem.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ golden bytes from the spec

    /** The I32 [2,2] example of upstream's own tests, unpadded (a header length of 60). */
    @Test
    void readsUpstreamsUnpaddedExample() throws IOException {
        byte[] file = file("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}",
                le32(1, 2, 3, -4));
        assertEquals(60, file[0]);
        SafeTensorsFile f = SafeTensors.parse(file, "golden");
        assertEquals(List.of("test"), new ArrayList<>(f.names()));
        SafeTensor t = f.require("test");
        assertEquals(SafeTensorsDtype.I32, t.dtype());
        assertArrayEquals(new long[] {2, 2}, t.shape());
        assertArrayEquals(new long[] {1, 2, 3, -4}, t.toLongs());
        assertArrayEquals(new float[] {1, 2, 3, -4}, t.toFloats());
        assertTrue(f.metadata().isEmpty());
    }

    /** Our writer produces upstream's current output byte for byte: header padded to 64 with spaces. */
    @Test
    void writesUpstreamsLayoutByteForByte() {
        byte[] actual = SafeTensors.toBytes(List.of(SafeTensor.ofLongs("test", SafeTensorsDtype.I32,
                new long[] {2, 2}, new long[] {0, 0, 0, 1})), null);
        String header = "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}    ";
        byte[] expected = concat(new byte[] {'@', 0, 0, 0, 0, 0, 0, 0}, ascii(header),
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0});
        assertArrayEquals(expected, actual);
    }

    /** Upstream's vectors with metadata (header 96 bytes) and with mixed alignment (I32 before F16, 128 bytes). */
    @Test
    void writesUpstreamsMetadataAndAlignmentVectors() {
        byte[] withMeta = SafeTensors.toBytes(List.of(SafeTensor.ofLongs("test1", SafeTensorsDtype.I32,
                new long[] {2, 2}, new long[4])), Map.of("framework", "pt"));
        assertArrayEquals(concat(new byte[] {'`', 0, 0, 0, 0, 0, 0, 0},
                ascii("{\"__metadata__\":{\"framework\":\"pt\"},\"test1\":{\"dtype\":\"I32\",\"shape\":[2,2],"
                        + "\"data_offsets\":[0,16]}} "), new byte[16]), withMeta);

        SafeTensor i32 = SafeTensor.ofLongs("test1", SafeTensorsDtype.I32, new long[] {2, 2}, new long[4]);
        SafeTensor f16 = SafeTensor.ofFloats("test2", SafeTensorsDtype.F16, new long[] {2, 2}, new float[4]);
        byte[] expected = concat(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0},
                ascii("{\"test1\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                        + "\"test2\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[16,24]}}      "),
                new byte[24]);
        assertArrayEquals(expected, SafeTensors.toBytes(List.of(i32, f16), null));
        assertArrayEquals(expected, SafeTensors.toBytes(List.of(f16, i32), null));
    }

    /** Upstream's metadata vector for reading: a 102-byte header padded with 7 spaces. */
    @Test
    void readsUpstreamsMetadataVector() throws IOException {
        byte[] file = concat(new byte[] {'f', 0, 0, 0, 0, 0, 0, 0},
                ascii("{\"__metadata__\":{\"framework\":\"pt\"},\"test1\":{\"dtype\":\"I32\",\"shape\":[2,2],"
                        + "\"data_offsets\":[0,16]}}       "), new byte[16]);
        SafeTensorsFile f = SafeTensors.parse(file, "golden");
        assertEquals(Map.of("framework", "pt"), f.metadata());
        assertArrayEquals(new long[4], f.require("test1").toLongs());
    }

    /** A hand-built file with metadata, mixed dtypes and a gap-free buffer, decoded by hand. */
    @Test
    void readsAHandBuiltMixedFile() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[8,16]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[16,20]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[20,24]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[24,24]}}  ";
        byte[] data = concat(
                new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0x20, (byte) 0xC0},          // 1.0f, -2.5f
                new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xD0, 0x3F},                    // 0.25 (F64)
                new byte[] {(byte) 0x80, 0x3F, 0x40, (byte) 0xC0},                   // bf16 1.0, -3.0
                new byte[] {0x00, 0x3C, (byte) 0xFF, 0x7B});                           // f16 1.0, 65504
        Path p = dir.resolve("mixed.safetensors");
        Files.write(p, file(header, data));
        SafeTensorsFile f = SafeTensors.read(p);
        assertEquals(Map.of("format", "pt"), f.metadata());
        assertEquals(List.of("w", "d", "b", "h", "e"), new ArrayList<>(f.names()));
        assertArrayEquals(new float[] {1f, -2.5f}, f.require("w").toFloats());
        assertArrayEquals(new double[] {0.25}, f.require("d").toDoubles());
        assertEquals(0, f.require("d").rank());
        assertArrayEquals(new float[] {1f, -3f}, f.require("b").toFloats());
        assertArrayEquals(new long[] {1, 2}, f.require("b").shape());
        assertArrayEquals(new float[] {1f, 65504f}, f.require("h").toFloats());
        assertEquals(0, f.require("e").elementCount());
        assertArrayEquals(new long[] {0, 3}, f.require("e").shape());
    }

    // ---------------------------------------------------------------------------- round trips

    @Test
    void floatingRoundTripsPerDtype() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        long[] shape = {2, 3, 5};
        float[] f = new float[30];
        double[] d = new double[30];
        for (int i = 0; i < f.length; i++) {
            d[i] = r.nextGaussian() * 100;
            f[i] = (float) d[i];
        }
        f[0] = Float.MIN_VALUE;
        f[1] = -0f;
        List<SafeTensor> ts = List.of(
                SafeTensor.ofFloats("f32", SafeTensorsDtype.F32, shape, f),
                SafeTensor.ofDoubles("f64", SafeTensorsDtype.F64, shape, d),
                SafeTensor.ofFloats("bf16", SafeTensorsDtype.BF16, shape, f),
                SafeTensor.ofFloats("f16", SafeTensorsDtype.F16, shape, f));
        Path p = dir.resolve("rt.safetensors");
        SafeTensors.write(p, ts, Map.of("k", "v", "a", "b"));
        SafeTensorsFile back = SafeTensors.read(p);
        assertEquals(Map.of("k", "v", "a", "b"), back.metadata());
        for (SafeTensor t : ts) {
            assertEquals(t, back.require(t.name()));
            assertArrayEquals(shape, back.require(t.name()).shape());
        }
        assertArrayEquals(f, back.require("f32").toFloats());
        assertArrayEquals(d, back.require("f64").toDoubles()); // exact
        float[] bf = back.require("bf16").toFloats();
        float[] hf = back.require("f16").toFloats();
        for (int i = 0; i < f.length; i++) {
            assertEquals(ReducedFloats.bf16ToFloat(ReducedFloats.floatToBf16(f[i])), bf[i]);
            assertEquals(ReducedFloats.f16ToFloat(ReducedFloats.floatToF16(f[i])), hf[i]);
            assertEquals(f[i], bf[i], Math.abs(f[i]) * 0x1p-8 + 1e-38);
        }
        // F64 from floats is exact; F64 read as floats rounds to nearest
        SafeTensor wide = SafeTensor.ofFloats("w", SafeTensorsDtype.F64, shape, f);
        assertArrayEquals(f, wide.toFloats());
        float[] narrowed = back.require("f64").toFloats();
        for (int i = 0; i < d.length; i++) {
            assertEquals((float) d[i], narrowed[i]);
        }
    }

    @Test
    void bf16WriteRoundsToNearestEven() {
        float[] values = {1f + 0x1p-8f, 1f + 3 * 0x1p-8f, Math.nextUp(1f + 0x1p-8f), -1f - 0x1p-8f};
        SafeTensor t = SafeTensor.ofFloats("x", SafeTensorsDtype.BF16, new long[] {4}, values);
        byte[] raw = t.toBytes();
        assertArrayEquals(new byte[] {(byte) 0x80, 0x3F, (byte) 0x82, 0x3F, (byte) 0x81, 0x3F, (byte) 0x80,
                (byte) 0xBF}, raw);
        assertArrayEquals(new float[] {1f, 1f + 0x1p-6f, 1f + 0x1p-7f, -1f}, t.toFloats());
    }

    @Test
    void integerRoundTripsPerDtype() throws IOException {
        List<SafeTensor> ts = List.of(
                SafeTensor.ofLongs("i64", SafeTensorsDtype.I64, new long[] {3}, new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}),
                SafeTensor.ofLongs("i32", SafeTensorsDtype.I32, new long[] {3}, new long[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}),
                SafeTensor.ofLongs("i16", SafeTensorsDtype.I16, new long[] {2}, new long[] {-32768, 32767}),
                SafeTensor.ofLongs("i8", SafeTensorsDtype.I8, new long[] {2}, new long[] {-128, 127}),
                SafeTensor.ofLongs("u8", SafeTensorsDtype.U8, new long[] {2}, new long[] {0, 255}),
                SafeTensor.ofLongs("bool", SafeTensorsDtype.BOOL, new long[] {1, 2}, new long[] {1, 0}));
        Path p = dir.resolve("ints.safetensors");
        SafeTensors.write(p, ts);
        SafeTensorsFile back = SafeTensors.read(p);
        for (SafeTensor t : ts) {
            assertArrayEquals(t.toLongs(), back.require(t.name()).toLongs(), t.name());
        }
        assertArrayEquals(new double[] {-128, 127}, back.require("i8").toDoubles());
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensor.ofLongs("x", SafeTensorsDtype.U8, new long[] {1}, new long[] {256}));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensor.ofLongs("x", SafeTensorsDtype.BOOL, new long[] {1}, new long[] {2}));
    }

    @Test
    void writerIsDeterministicAlignedAndOrderInvariant() throws IOException {
        SafeTensor a = SafeTensor.ofFloats("a", SafeTensorsDtype.BF16, new long[] {3}, new float[] {1, 2, 3});
        SafeTensor b = SafeTensor.ofDoubles("b", SafeTensorsDtype.F64, new long[] {2}, new double[] {1, 2});
        SafeTensor c = SafeTensor.ofFloats("c", SafeTensorsDtype.F32, new long[] {1}, new float[] {1});
        SafeTensor z = SafeTensor.ofFloats("z", SafeTensorsDtype.F64, new long[] {1}, new float[] {1});
        byte[] one = SafeTensors.toBytes(List.of(a, b, c, z), Map.of("x", "1", "y", "2"));
        byte[] two = SafeTensors.toBytes(List.of(z, c, b, a), Map.of("y", "2", "x", "1"));
        assertArrayEquals(one, two);
        long n = ByteBuffer.wrap(one).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(one, 8, (int) n, StandardCharsets.UTF_8);
        // dtype size first (F64 b, z; F32 c; BF16 a), then name
        assertEquals("{\"__metadata__\":{\"x\":\"1\",\"y\":\"2\"},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"z\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]},"
                + "\"a\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[28,34]}}", header.stripTrailing());
        assertEquals(8 + n + 34, one.length);
        assertEquals(List.of("b", "z", "c", "a"), new ArrayList<>(SafeTensors.parse(one, "x").names()));
        // writing a file gives the same bytes and leaves no temporary behind
        Path p = dir.resolve("det.safetensors");
        SafeTensors.write(p, List.of(c, a, b, z), Map.of("x", "1", "y", "2"));
        SafeTensors.write(p, List.of(c, a, b, z), Map.of("x", "1", "y", "2")); // replaces
        assertArrayEquals(one, Files.readAllBytes(p));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
    }

    @Test
    void writerRejectsBadTensorSets() {
        SafeTensor a = SafeTensor.ofFloats("a", SafeTensorsDtype.F32, new long[] {1}, new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.toBytes(List.of(a, a), null));
        SafeTensor m = SafeTensor.ofFloats("__metadata__", SafeTensorsDtype.F32, new long[] {1}, new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.toBytes(List.of(m), null));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensor.ofFloats("s", SafeTensorsDtype.F32, new long[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensor.ofFloats("s", SafeTensorsDtype.I32, new long[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensor.ofFloats("s", SafeTensorsDtype.F32, new long[] {-1}, new float[0]));
    }

    // ------------------------------------------------------------------------- malformed files

    private static final String OK_HEADER = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    @Test
    void rejectsFilesTooShortForTheLength() {
        assertProblem(new byte[0], "too short for the 8-byte header length");
        assertProblem(new byte[] {1, 0, 0}, "too short for the 8-byte header length");
    }

    @Test
    void rejectsHugeDeclaredHeadersWithoutAllocating() {
        byte[] huge = le64(Long.MAX_VALUE);
        assertProblem(huge, "exceeds the limit of 100000000 bytes");
        assertProblem(le64(-1L), "header length 18446744073709551615 exceeds the limit");
        assertProblem(concat(le64(100_000_001L), ascii("{}")), "exceeds the limit");
    }

    @Test
    void rejectsAHeaderLengthPastTheEndOfTheFile() {
        byte[] good = file(OK_HEADER, new byte[8]);
        byte[] truncatedHeader = Arrays.copyOf(good, 8 + 20);
        assertProblem(truncatedHeader, "runs past the end of the file");
        assertProblem(concat(le64(1000), ascii(OK_HEADER)), "header length 1000 runs past the end of the file");
    }

    @Test
    void rejectsTruncatedAndOverlongData() {
        byte[] good = file(OK_HEADER, new byte[8]);
        assertProblem(Arrays.copyOf(good, good.length - 1), "run past the end of the data buffer (7 bytes): truncated");
        assertProblem(Arrays.copyOf(good, good.length - 8), "run past the end of the data buffer (0 bytes)");
        assertProblem(Arrays.copyOf(good, good.length + 4), "the data buffer has 12 bytes but the tensors cover only 8");
    }

    @Test
    void rejectsBadJson() {
        assertProblem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", new byte[8]),
                "header is not valid JSON");
        assertProblem(file("{\"a\": nope}", new byte[0]), "header is not valid JSON");
        assertProblem(file(OK_HEADER + " {}", new byte[8]), "header is not valid JSON");
        assertProblem(file("[1,2]", new byte[0]), "does not start with '{'");
        assertProblem(file(" " + OK_HEADER, new byte[8]), "does not start with '{'");
        assertProblem(file("", new byte[0]), "does not start with '{'");
        byte[] badUtf8 = concat(le64(4), new byte[] {'{', '"', (byte) 0xC3, '}'});
        assertProblem(badUtf8, "not valid UTF-8");
    }

    @Test
    void rejectsDuplicateNames() {
        String dup = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertProblem(file(dup, new byte[8]), "duplicate key");
    }

    @Test
    void rejectsBadDtypes() {
        assertProblem(file(OK_HEADER.replace("F32", "F8_E4M3"), new byte[8]), "tensor 'a': unsupported dtype 'F8_E4M3'");
        assertProblem(file(OK_HEADER.replace("F32", "f32"), new byte[8]), "unsupported dtype 'f32'");
        assertProblem(file(OK_HEADER.replace("\"F32\"", "4"), new byte[8]), "tensor 'a': missing or non-string dtype");
        assertProblem(file("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]), "missing or non-string dtype");
    }

    @Test
    void rejectsShapeAndOffsetMismatches() {
        assertProblem(file(OK_HEADER.replace("[2]", "[3]"), new byte[8]),
                "tensor 'a': shape [3] of F32 needs 12 bytes but data_offsets [0,8] span 8");
        assertProblem(file(OK_HEADER.replace("[0,8]", "[0,6]"), new byte[6]), "needs 8 bytes but data_offsets [0,6] span 6");
        assertProblem(file(OK_HEADER.replace("[0,8]", "[8,0]"), new byte[8]), "end before they begin");
        assertProblem(file(OK_HEADER.replace("[0,8]", "[0,8,16]"), new byte[8]), "data_offsets must be an array of 2");
        assertProblem(file(OK_HEADER.replace("[2]", "[-2]"), new byte[8]), "shape must be an array of non-negative integers");
        assertProblem(file(OK_HEADER.replace("[2]", "[2.0]"), new byte[8]), "shape must be an array");
        assertProblem(file(OK_HEADER.replace("[2]", "\"2\""), new byte[8]), "shape must be an array");
        assertProblem(file(OK_HEADER.replace("[2]", "[99999999999999999999]"), new byte[8]), "shape must be an array");
        assertProblem(file(OK_HEADER.replace("[2]", "[4294967296,4294967296]"), new byte[8]), "exceeds");
        assertProblem(file(OK_HEADER.replace(",\"data_offsets\":[0,8]", ""), new byte[8]), "missing data_offsets");
        assertProblem(file("{\"a\":[1,2]}", new byte[0]), "tensor 'a': entry must be an object");
    }

    @Test
    void rejectsOverlapsAndGaps() {
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertProblem(file(overlap, new byte[12]), "tensor 'b' data_offsets [4,12] overlap tensor 'a' [0,8]");
        String same = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertProblem(file(same, new byte[8]), "overlap");
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertProblem(file(gap, new byte[12]), "bytes [4,8) of the data buffer belong to no tensor");
        String late = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertProblem(file(late, new byte[8]), "bytes [0,4) of the data buffer belong to no tensor");
    }

    @Test
    void rejectsBadMetadata() {
        assertProblem(file("{\"__metadata__\":{\"a\":1}}", new byte[0]), "__metadata__ entry 'a' must be a string");
        assertProblem(file("{\"__metadata__\":[]}", new byte[0]), "__metadata__ must be an object");
    }

    @Test
    void acceptsEmptyFilesZeroSizedTensorsAndUnknownFields() throws IOException {
        assertEquals(0, SafeTensors.parse(file("{}", new byte[0]), "x").names().size());
        String two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"b\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1],\"extra\":true},"
                + "\"c\":{\"dtype\":\"F64\",\"shape\":[0,5],\"data_offsets\":[1,1]}}";
        SafeTensorsFile f = SafeTensors.parse(file(two, new byte[] {-5}), "x");
        assertArrayEquals(new long[] {-5}, f.require("b").toLongs());
        assertEquals(0, f.require("c").elementCount());
    }

    @Test
    void errorsNameTheFile() throws IOException {
        Path p = dir.resolve("broken.safetensors");
        byte[] good = file(OK_HEADER, new byte[8]);
        Files.write(p, Arrays.copyOf(good, good.length - 3));
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(p.toString(), e.source());
    }

    @Test
    void randomCorruptionNeverEscapesAsAnythingButAFormatError() {
        SplittableRandom r = new SplittableRandom(5);
        byte[] good = SafeTensors.toBytes(List.of(
                SafeTensor.ofFloats("q", SafeTensorsDtype.F32, new long[] {2, 3}, new float[6]),
                SafeTensor.ofFloats("k", SafeTensorsDtype.BF16, new long[] {3}, new float[3])), Map.of("m", "x"));
        int parsed = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] bad = good.clone();
            int flips = 1 + r.nextInt(3);
            for (int j = 0; j < flips; j++) {
                bad[r.nextInt(Math.min(bad.length, 8 + 140))] = (byte) r.nextInt(256);
            }
            if (r.nextInt(4) == 0) {
                bad = Arrays.copyOf(bad, r.nextInt(bad.length));
            }
            try {
                SafeTensorsFile f = SafeTensors.parse(bad, "fuzz");
                for (SafeTensor t : f.tensors()) {
                    assertEquals(t.elementCount() * t.dtype().size(), t.byteSize());
                }
                parsed++;
            } catch (SafeTensorsFormatException e) {
                assertTrue(e.getMessage().startsWith("fuzz: "), e.getMessage());
            }
        }
        assertTrue(parsed < 2000);
    }

    // --------------------------------------------------------------------------------- helpers

    private static void assertProblem(byte[] bytes, String fragment) {
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class,
                () -> SafeTensors.parse(bytes, "test.safetensors"));
        assertTrue(e.getMessage().startsWith("test.safetensors: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return concat(le64(h.length), h, data);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] le32(int... vs) {
        ByteBuffer b = ByteBuffer.allocate(4 * vs.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : vs) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
