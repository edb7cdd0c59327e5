package dev.keymem.jobs.logs;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import dev.keymem.jobs.serde.ExactStrings;
import dev.keymem.jobs.serde.RecordSerializer;
import dev.keymem.jobs.serde.SerializerTypeInfo;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The serializer of {@link LogLine} between the log job's parse step and its keyed step (the exchange, and a
 * batch run's sort, which writes and reads every line once more): the strings as UTF-8 byte runs, one bulk
 * encode and decode each, where Flink's POJO serializer writes and reads a string one character at a time (a
 * varint per character through the output view) and a field header per field. Format: flags (bit 0..2:
 * source, text, topic present; bit 3: the text is ASCII, {@link LogLine#textIsAscii}; bit 4: the text is a bare
 * message, {@link LogLine#bare}, a bit the form before it left 0, so its bytes read as lines that are not bare, as
 * they were; bit 5: a CRI byte follows, {@link LogLine#cri}, likewise 0 before; bit 6: a CRI seam's raw bytes
 * follow, {@link LogLine#criHead} and {@link LogLine#criTail}, likewise 0 before), offset (long),
 * timestamp (long), partition (int), the CRI byte where bit 5 says so, the seam bytes where bit 6 says so (head,
 * tail: each a length byte, 0 to 3, and the bytes), then each present string as its UTF-8 length (int) and bytes
 * (an ASCII text: its chars as bytes, copied without encoding or decoding). An unpaired surrogate, which UTF-8 cannot
 * carry (the encoder writes '?' for it), makes that string go as its UTF-16 chars instead (length -1 - chars,
 * then the chars), so every string comes back as it was sent. Records only: a LogLine is in no keyed state.
 */
public final class LogLineSerializer extends RecordSerializer<LogLine> {
    private static final long serialVersionUID = 1L;

    public static final LogLineSerializer INSTANCE = new LogLineSerializer();

    /** The type information of {@link LogLine} with this serializer. */
    public static final TypeInformation<LogLine> TYPE = new SerializerTypeInfo<>(LogLine.class, INSTANCE);

    private static final int SOURCE = 1;
    private static final int TEXT = 2;
    private static final int TOPIC = 4;
    private static final int ASCII_TEXT = 8;
    private static final int BARE = 16;
    private static final int CRI = 32;
    private static final int SEAMS = 64;

    @Override
    public LogLine createInstance() {
        return new LogLine();
    }

    @Override
    public LogLine copy(LogLine from) {
        LogLine l = new LogLine(from.source, from.text, from.offset, from.timestamp);
        l.topic = from.topic;
        l.partition = from.partition;
        l.bare = from.bare;
        l.cri = from.cri;
        l.criHead = from.criHead;
        l.criTail = from.criTail;
        if (from.textIsAscii()) {
            l.markAsciiText();
        }
        return l;
    }

    @Override
    public void serialize(LogLine l, DataOutputView out) throws IOException {
        boolean ascii = l.textIsAscii();
        out.writeByte((l.source != null ? SOURCE : 0) | (l.text != null ? TEXT : 0) | (l.topic != null ? TOPIC : 0)
                | (ascii ? ASCII_TEXT : 0) | (l.bare ? BARE : 0) | (l.cri != 0 ? CRI : 0) | (seams(l) ? SEAMS : 0));
        out.writeLong(l.offset);
        out.writeLong(l.timestamp);
        out.writeInt(l.partition);
        if (l.cri != 0) {
            out.writeByte(l.cri);
        }
        if (seams(l)) {
            writeSeams(l, out);
        }
        ExactStrings.write(l.source, out);
        if (ascii) {
            ExactStrings.writeAscii(l.text, out);
        } else {
            ExactStrings.write(l.text, out);
        }
        ExactStrings.write(l.topic, out);
    }

    @Override
    public LogLine deserialize(DataInputView in) throws IOException {
        LogLine l = new LogLine();
        int flags = in.readUnsignedByte();
        l.offset = in.readLong();
        l.timestamp = in.readLong();
        l.partition = in.readInt();
        if ((flags & CRI) != 0) {
            l.cri = in.readByte();
        }
        if ((flags & SEAMS) != 0) {
            readSeams(l, in);
        }
        l.bare = (flags & BARE) != 0;
        l.source = (flags & SOURCE) != 0 ? ExactStrings.read(in) : null;
        if ((flags & ASCII_TEXT) != 0) {
            l.text = ExactStrings.readAscii(in);
            l.markAsciiText();
        } else {
            l.text = (flags & TEXT) != 0 ? ExactStrings.read(in) : null;
        }
        l.topic = (flags & TOPIC) != 0 ? ExactStrings.read(in) : null;
        return l;
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        int flags = in.readUnsignedByte();
        out.writeByte(flags);
        out.write(in, 8 + 8 + 4 + ((flags & CRI) != 0 ? 1 : 0));
        if ((flags & SEAMS) != 0) {
            for (int k = 0; k < 2; k++) {
                int n = in.readUnsignedByte();
                out.writeByte(n);
                out.write(in, n);
            }
        }
        for (int bit = SOURCE; bit <= TOPIC; bit <<= 1) {
            if ((flags & bit) != 0) {
                ExactStrings.copy(in, out);
            }
        }
    }

    /** Whether {@code l} carries raw bytes at a CRI seam ({@link LogLine#criHead}, {@link LogLine#criTail}). */
    static boolean seams(LogLine l) {
        return l.criHead != null || l.criTail != null;
    }

    /** {@link LogLine#criHead} and {@link LogLine#criTail}: each as its length (a byte, 0 for null) and bytes. */
    static void writeSeams(LogLine l, DataOutputView out) throws IOException {
        for (byte[] b : new byte[][] {l.criHead, l.criTail}) {
            out.writeByte(b == null ? 0 : b.length);
            if (b != null) {
                out.write(b);
            }
        }
    }

    /** Reads what {@link #writeSeams} wrote into {@code l}. */
    static void readSeams(LogLine l, DataInputView in) throws IOException {
        l.criHead = readSeam(in);
        l.criTail = readSeam(in);
    }

    private static byte[] readSeam(DataInputView in) throws IOException {
        int n = in.readUnsignedByte();
        if (n > 3) {
            throw new IOException("corrupt LogLine: " + n + " bytes of a UTF-8 character at a CRI seam");
        }
        if (n == 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    @Override
    public TypeSerializerSnapshot<LogLine> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * {@link #TYPE} for {@code TypeInformation.of(LogLine.class)} and type extraction ({@link LogLine}'s
     * {@code @TypeInfo}), so that no job gets Flink's POJO serializer for it, which drops {@link LogLine#cri}.
     */
    @Internal
    public static final class TypeFactory extends TypeInfoFactory<LogLine> {
        @Override
        public TypeInformation<LogLine> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }

    /** The serializer's snapshot (no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LogLine> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
