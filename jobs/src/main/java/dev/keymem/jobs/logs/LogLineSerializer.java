package dev.keymem.jobs.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The serializer of {@link LogLine} between the log job's parse step and its keyed step (the exchange, and a
 * batch run's sort, which writes and reads every line once more): the strings as UTF-8 byte runs, one bulk
 * encode and decode each, where Flink's POJO serializer writes and reads a string one character at a time (a
 * varint per character through the output view) and a field header per field. Format: flags (bit 0..2:
 * source, text, topic present; bit 3: the text is ASCII, {@link LogLine#textIsAscii}), offset (long),
 * timestamp (long), partition (int), then each present string as its UTF-8 length (int) and bytes (an ASCII
 * text: its chars as bytes, copied without encoding or decoding). An unpaired surrogate, which UTF-8 cannot
 * carry (the encoder writes '?' for it), makes that string go as its UTF-16 chars instead (length -1 - chars,
 * then the chars), so every string comes back as it was sent. Records only: a LogLine is in no keyed state.
 */
public final class LogLineSerializer extends TypeSerializer<LogLine> {
    private static final long serialVersionUID = 1L;

    public static final LogLineSerializer INSTANCE = new LogLineSerializer();

    /** The type information of {@link LogLine} with this serializer. */
    public static final TypeInformation<LogLine> TYPE = new SerializerTypeInfo<>(LogLine.class, INSTANCE);

    private static final int SOURCE = 1;
    private static final int TEXT = 2;
    private static final int TOPIC = 4;
    private static final int ASCII_TEXT = 8;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<LogLine> duplicate() {
        return this;
    }

    @Override
    public LogLine createInstance() {
        return new LogLine();
    }

    @Override
    public LogLine copy(LogLine from) {
        LogLine l = new LogLine(from.source, from.text, from.offset, from.timestamp);
        l.topic = from.topic;
        l.partition = from.partition;
        if (from.textIsAscii()) {
            l.markAsciiText();
        }
        return l;
    }

    @Override
    public LogLine copy(LogLine from, LogLine reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(LogLine l, DataOutputView out) throws IOException {
        boolean ascii = l.textIsAscii();
        out.writeByte((l.source != null ? SOURCE : 0) | (l.text != null ? TEXT : 0) | (l.topic != null ? TOPIC : 0)
                | (ascii ? ASCII_TEXT : 0));
        out.writeLong(l.offset);
        out.writeLong(l.timestamp);
        out.writeInt(l.partition);
        write(l.source, out);
        if (ascii) {
            writeAscii(l.text, out);
        } else {
            write(l.text, out);
        }
        write(l.topic, out);
    }

    /** A string of ASCII characters only: its length and its chars as bytes (a copy, nothing to encode). */
    static void writeAscii(String s, DataOutputView out) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.writeInt(b.length);
        out.write(b);
    }

    /** What {@link #writeAscii} wrote. */
    static String readAscii(DataInputView in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static void write(String s, DataOutputView out) throws IOException {
        if (s == null) {
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (mayBeReplaced(b) && !utf8Safe(s)) {
            out.writeInt(-1 - s.length());
            for (int i = 0; i < s.length(); i++) {
                out.writeChar(s.charAt(i));
            }
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    /** Whether the encoder may have replaced an unpaired surrogate: it writes '?' for one. */
    private static boolean mayBeReplaced(byte[] b) {
        for (byte x : b) {
            if (x == '?') {
                return true;
            }
        }
        return false;
    }

    /** False when {@code s} holds an unpaired surrogate (which UTF-8 encoding replaces). */
    static boolean utf8Safe(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public LogLine deserialize(DataInputView in) throws IOException {
        LogLine l = new LogLine();
        int flags = in.readUnsignedByte();
        l.offset = in.readLong();
        l.timestamp = in.readLong();
        l.partition = in.readInt();
        l.source = (flags & SOURCE) != 0 ? read(in) : null;
        if ((flags & ASCII_TEXT) != 0) {
            l.text = readAscii(in);
            l.markAsciiText();
        } else {
            l.text = (flags & TEXT) != 0 ? read(in) : null;
        }
        l.topic = (flags & TOPIC) != 0 ? read(in) : null;
        return l;
    }

    static String read(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            char[] c = new char[-1 - n];
            for (int i = 0; i < c.length; i++) {
                c[i] = in.readChar();
            }
            return new String(c);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public LogLine deserialize(LogLine reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        int flags = in.readUnsignedByte();
        out.writeByte(flags);
        out.write(in, 8 + 8 + 4);
        for (int bit = SOURCE; bit <= TOPIC; bit <<= 1) {
            if ((flags & bit) != 0) {
                int n = in.readInt();
                out.writeInt(n);
                out.write(in, n < 0 ? 2 * (-1 - n) : n);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogLineSerializer;
    }

    @Override
    public int hashCode() {
        return LogLineSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<LogLine> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot (no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LogLine> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
