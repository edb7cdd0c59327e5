package dev.keymem.models.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 * an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON
 * {@code {"name": {"dtype": "F32", "shape": [2,3], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"key": "value"}}}, then the data buffer; offsets are relative to the start of
 * the buffer, elements are little-endian and row-major.
 *
 * <p>Reading checks everything the reference implementation checks, and a little more: a header
 * length of at most {@link #MAX_HEADER_BYTES} that fits in the file; strict UTF-8 JSON starting
 * with '{' with nothing but whitespace after it; no duplicate keys; known dtypes; non-negative
 * integer shapes and offsets; shape product times dtype size equal to {@code end - begin}; tensors
 * that, sorted by offset, cover the data buffer exactly (no gap, no overlap, no trailing bytes);
 * {@code __metadata__} mapping strings to strings. Unknown extra fields inside a tensor entry are
 * ignored, as upstream does. Any violation throws {@link SafeTensorsFormatException} naming the
 * source and the problem.
 *
 * <p>Writing is deterministic and follows upstream's layout: tensors are ordered by dtype size
 * (largest first, so every tensor is aligned to its element size), then by name (Java String
 * order); the header lists {@code __metadata__} first (keys sorted; omitted when empty), then the
 * tensors in data order, with fields dtype, shape, data_offsets; it is padded with spaces to a
 * multiple of 8 bytes so that the data buffer starts 8-byte aligned. Files are written to a
 * temporary sibling and moved into place.
 */
public final class SafeTensors {

    /** The largest header accepted (upstream's limit). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The reserved header key of the string metadata. */
    public static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private SafeTensors() {
    }

    // ------------------------------------------------------------------------------------ reading

    /** Reads a whole safetensors file. */
    public static SafeTensorsFile read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return parse(new ChannelSource(ch), path.toString());
        }
    }

    /** Parses safetensors bytes; {@code sourceName} names them in error messages. */
    public static SafeTensorsFile parse(byte[] bytes, String sourceName) throws SafeTensorsFormatException {
        try {
            return parse(new ArraySource(bytes), sourceName);
        } catch (SafeTensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("in-memory read failed", e);
        }
    }

    private record Entry(String name, SafeTensorsDtype dtype, long[] shape, long begin, long end) {
    }

    private static SafeTensorsFile parse(Source src, String name) throws IOException {
        long size = src.size();
        if (size < 8) {
            throw new SafeTensorsFormatException(name, "file is " + size
                    + " bytes long, too short for the 8-byte header length");
        }
        byte[] lengthBytes = new byte[8];
        src.read(0, lengthBytes);
        long n = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafeTensorsFormatException(name, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
        }
        if (8 + n > size) {
            throw new SafeTensorsFormatException(name, "header length " + n + " runs past the end of the file ("
                    + size + " bytes): truncated, or not a safetensors file");
        }
        byte[] headerBytes = new byte[(int) n];
        src.read(8, headerBytes);
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        parseHeader(name, headerBytes, entries, metadata);

        long bufferStart = 8 + n;
        long bufferLength = size - bufferStart;
        checkCoverage(name, entries, bufferLength);

        List<SafeTensor> tensors = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            byte[] data = new byte[(int) (e.end - e.begin)];
            src.read(bufferStart + e.begin, data);
            tensors.add(SafeTensor.ofBytes(e.name, e.dtype, e.shape, data));
        }
        return new SafeTensorsFile(name, tensors, metadata);
    }

    private static void parseHeader(String src, byte[] headerBytes, List<Entry> entries, Map<String, String> metadata)
            throws SafeTensorsFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsFormatException(src, "header is not valid UTF-8");
        }
        if (!text.startsWith("{")) {
            throw new SafeTensorsFormatException(src, "header (" + headerBytes.length
                    + " bytes) does not start with '{' (not a safetensors file?)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            if (why != null && why.startsWith("Duplicate field")) {
                throw new SafeTensorsFormatException(src, "header has a duplicate key" + where + ": "
                        + firstLine(why));
            }
            throw new SafeTensorsFormatException(src, "header is not valid JSON" + where + ": "
                    + firstLine(why));
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsFormatException(src, "header is not a JSON object");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equals(METADATA_KEY)) {
                parseMetadata(src, f.getValue(), metadata);
            } else {
                entries.add(parseEntry(src, f.getKey(), f.getValue()));
            }
        }
    }

    private static void parseMetadata(String src, JsonNode node, Map<String, String> metadata)
            throws SafeTensorsFormatException {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new SafeTensorsFormatException(src, METADATA_KEY + " must be an object of strings, got "
                    + node.getNodeType());
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new SafeTensorsFormatException(src, METADATA_KEY + " entry '" + e.getKey()
                        + "' must be a string, got " + e.getValue().getNodeType());
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static Entry parseEntry(String src, String name, JsonNode node) throws SafeTensorsFormatException {
        String what = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafeTensorsFormatException(src, what + ": entry must be an object with dtype, shape and "
                    + "data_offsets, got " + node.getNodeType());
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafeTensorsFormatException(src, what + ": missing or non-string dtype");
        }
        SafeTensorsDtype dtype = SafeTensorsDtype.fromHeaderName(dtypeNode.textValue());
        if (dtype == null) {
            throw new SafeTensorsFormatException(src, what + ": unsupported dtype '" + dtypeNode.textValue()
                    + "', expected one of " + SafeTensorsDtype.supportedNames());
        }
        long[] shape = longArray(src, what, "shape", node.get("shape"), -1);
        long[] offsets = longArray(src, what, "data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new SafeTensorsFormatException(src, what + ": data_offsets [" + begin + "," + end
                    + "] end before they begin");
        }
        long bytes;
        try {
            bytes = SafeTensor.byteCount(name, dtype, shape);
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsFormatException(src, e.getMessage());
        }
        if (bytes != end - begin) {
            throw new SafeTensorsFormatException(src, what + ": shape " + SafeTensor.shapeString(shape) + " of "
                    + dtype + " needs " + bytes + " bytes but data_offsets [" + begin + "," + end + "] span "
                    + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] longArray(String src, String what, String field, JsonNode node, int requiredLength)
            throws SafeTensorsFormatException {
        String expected = requiredLength < 0 ? "an array of non-negative integers"
                : "an array of " + requiredLength + " non-negative integers";
        if (node == null) {
            throw new SafeTensorsFormatException(src, what + ": missing " + field + " (" + expected + ")");
        }
        if (!node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw new SafeTensorsFormatException(src, what + ": " + field + " must be " + expected + ", got " + node);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafeTensorsFormatException(src, what + ": " + field + " must be " + expected + ", got "
                        + node);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static void checkCoverage(String src, List<Entry> entries, long bufferLength)
            throws SafeTensorsFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin < covered) {
                throw new SafeTensorsFormatException(src, "tensor '" + e.name + "' data_offsets [" + e.begin + ","
                        + e.end + "] overlap tensor '" + previous.name + "' [" + previous.begin + "," + previous.end
                        + "]");
            }
            if (e.begin > covered) {
                throw new SafeTensorsFormatException(src, "bytes [" + covered + "," + e.begin
                        + ") of the data buffer belong to no tensor (a gap before tensor '" + e.name + "')");
            }
            covered = e.end;
            previous = e;
        }
        if (covered > bufferLength) {
            throw new SafeTensorsFormatException(src, "tensor '" + previous.name + "' data_offsets ["
                    + previous.begin + "," + previous.end + "] run past the end of the data buffer (" + bufferLength
                    + " bytes): truncated file?");
        }
        if (covered < bufferLength) {
            throw new SafeTensorsFormatException(src, "the data buffer has " + bufferLength
                    + " bytes but the tensors cover only " + covered + " (trailing bytes)");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ------------------------------------------------------------------------------------ writing

    /** Writes tensors (and optional metadata, may be null) to {@code path}, replacing it. */
    public static void write(Path path, Collection<SafeTensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<SafeTensor> ordered = layout(tensors);
        byte[] header = header(ordered, metadata);
        Path abs = path.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
                writeTo(out, header, ordered);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes tensors without metadata. */
    public static void write(Path path, Collection<SafeTensor> tensors) throws IOException {
        write(path, tensors, null);
    }

    /** The bytes of a safetensors file holding these tensors (and optional metadata, may be null). */
    public static byte[] toBytes(Collection<SafeTensor> tensors, Map<String, String> metadata) {
        List<SafeTensor> ordered = layout(tensors);
        byte[] header = header(ordered, metadata);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out, header, ordered);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static void writeTo(OutputStream out, byte[] header, List<SafeTensor> ordered) throws IOException {
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        for (SafeTensor t : ordered) {
            out.write(t.toBytes());
        }
    }

    private static List<SafeTensor> layout(Collection<SafeTensor> tensors) {
        Set<String> names = new HashSet<>();
        for (SafeTensor t : tensors) {
            if (t.name().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor may not be named " + METADATA_KEY);
            }
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            }
        }
        List<SafeTensor> ordered = new ArrayList<>(tensors);
        ordered.sort(Comparator.comparingInt((SafeTensor t) -> -t.dtype().size()).thenComparing(SafeTensor::name));
        return ordered;
    }

    private static byte[] header(List<SafeTensor> ordered, Map<String, String> metadata) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(buf, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (metadata != null && !metadata.isEmpty()) {
                g.writeObjectFieldStart(METADATA_KEY);
                for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                    if (e.getValue() == null) {
                        throw new IllegalArgumentException("metadata '" + e.getKey() + "' has a null value");
                    }
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (SafeTensor t : ordered) {
                g.writeObjectFieldStart(t.name());
                g.writeStringField("dtype", t.dtype().headerName());
                g.writeArrayFieldStart("shape");
                for (long d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + t.byteSize());
                g.writeEndArray();
                g.writeEndObject();
                offset += t.byteSize();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        while (buf.size() % 8 != 0) {
            buf.write(' ');
        }
        return buf.toByteArray();
    }

    // ------------------------------------------------------------------------------------ sources

    private interface Source {
        long size() throws IOException;

        void read(long position, byte[] dst) throws IOException;
    }

    private record ArraySource(byte[] bytes) implements Source {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void read(long position, byte[] dst) {
            System.arraycopy(bytes, (int) position, dst, 0, dst.length);
        }
    }

    private record ChannelSource(FileChannel ch) implements Source {
        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public void read(long position, byte[] dst) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(dst);
            while (b.hasRemaining()) {
                int r = ch.read(b, position + b.position());
                if (r < 0) {
                    throw new IOException("unexpected end of file at byte " + (position + b.position()));
                }
            }
        }
    }
}
