package dev.keymem.jobs.cli;

import dev.keymem.jobs.kafka.ByteScan;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.KafkaRecordSerializer;
import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.compression.StandardDeCompressors;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * The lines of a file as records for Flink's {@code FileSource}, read inside the job: topic = the file's name,
 * partition 0, offset = the 0-based line number, the value the line's raw bytes without its line end
 * ({@code \n} or {@code \r\n}; a lone {@code \r} is no line end and stays in its line, also at the end of the
 * file), exactly the records of {@code EmbeddedJobs.fileRecords}. Bytes are not decoded:
 * a line that is not valid UTF-8 becomes a dead letter naming its line in the parse step. A last line without a
 * line end counts; an empty file has no records. Lines may be of any length; the reader holds at most
 * {@code lineBound} bytes of one (the file run's {@code BatchFileRun.lineBound}, above {@code --max-record-bytes}):
 * a longer line is the record of its first {@code lineBound} bytes, its other bytes read and dropped, so memory
 * stays bounded whatever the file (one line of 300 MB in a heap of 128 MiB failed the run with an
 * {@code OutOfMemoryError}); its record's {@link KafkaRecord#lineBytes} is the line's length (without its line end),
 * so the parse step dead-letters it as over the record limit naming that length ("value has 314572800 bytes");
 * its {@code value_bytes} counts the bytes held.
 *
 * <p>Not splittable (the run's enumerator makes one split of each whole file), and it checkpoints no offset, so a
 * restored reader starts at the file's beginning and the file source skips the records it already emitted: line
 * numbers stay right. The file is read as it was listed: up to its split's end, the file's length when the run
 * listed it, so a file that grows while it is read (a live log) gives the lines it had then (its last line cut
 * where the listing cut it, read as a last line without a line end), every attempt the same; one cut shorter since is
 * read to its end. ({@code SimpleStreamFormat} failed such a run at every attempt: its split end was not the file's
 * length.) memctl hands the source plain files only (compressed input is decompressed into a plain copy first,
 * {@code FileLines.coding} being the one rule); a file the file source would still decompress by its name
 * ({@code StandardDeCompressors}) is read to the end of its decompressed bytes: the split's end counts compressed
 * bytes.
 */
final class FileLineFormat implements StreamFormat<KafkaRecord> {
    private static final long serialVersionUID = 2L;
    private static final int CHUNK = 1 << 16;
    /** A {@code lineBound} that holds every line whole (tests, and readers of files made by the run itself). */
    static final int WHOLE = Integer.MAX_VALUE - 64;

    private final String topic;
    /** The most bytes of one line held; a longer line's record is cut to this many. */
    private final int lineBound;
    /** Whether the file source decompresses the file (by its name): its split's end is no bound on its lines. */
    private final boolean decompressed;

    /** The format of the file named {@code fileName} (its last path element), also the records' topic. */
    FileLineFormat(String fileName) {
        this(fileName, WHOLE);
    }

    /** As {@link #FileLineFormat(String)}, a line of over {@code lineBound} bytes cut to its first {@code lineBound}. */
    FileLineFormat(String fileName, int lineBound) {
        if (lineBound < 1) {
            throw new IllegalArgumentException("lineBound must be positive, got " + lineBound);
        }
        this.topic = fileName;
        this.lineBound = lineBound;
        this.decompressed = StandardDeCompressors.getDecompressorForFileName(fileName) != null;
    }

    /** A reader of the whole stream, to its end. */
    Reader<KafkaRecord> createReader(Configuration config, FSDataInputStream stream) {
        return new LineReader(stream, topic, Long.MAX_VALUE, lineBound);
    }

    /**
     * A reader of the split {@code [stream's position, splitEnd)}, the whole file as it was listed; of a
     * decompressed file, the whole decompressed stream.
     */
    @Override
    public Reader<KafkaRecord> createReader(Configuration config, FSDataInputStream stream, long fileLen,
                                            long splitEnd) throws IOException {
        return new LineReader(stream, topic, decompressed ? Long.MAX_VALUE : Math.max(0, splitEnd - stream.getPos()),
                lineBound);
    }

    /** As {@link #createReader(Configuration, FSDataInputStream, long, long)}: no offset is checkpointed. */
    @Override
    public Reader<KafkaRecord> restoreReader(Configuration config, FSDataInputStream stream, long restoredOffset,
                                             long fileLen, long splitEnd) throws IOException {
        return createReader(config, stream, fileLen, splitEnd);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<KafkaRecord> getProducedType() {
        return KafkaRecordSerializer.TYPE;
    }

    /**
     * Splits the stream at {@code \n}; a line that spans chunks is gathered in {@code line}, up to {@code bound}
     * bytes (the rest of a longer line is read and dropped).
     */
    static final class LineReader implements Reader<KafkaRecord> {
        private final FSDataInputStream in;
        private final String topic;
        private final byte[] buf = new byte[CHUNK];
        private int pos;
        private int limit;
        private boolean eof;
        private byte[] line = new byte[256];
        private int lineLen;
        private long lineNo;
        /** Bytes still to read: the split's end (the file as listed), not what was appended since. */
        private long left;
        private final int bound;
        /** Whether the line being gathered was longer than {@code bound}: its record holds the first bytes only. */
        private boolean cut;
        /** Bytes of the line being gathered read so far, held or dropped. */
        private long seen;
        /** The last of them (a {@code \r} before the line's {@code \n} is its line end's, not the line's). */
        private byte lastSeen;

        LineReader(FSDataInputStream in, String topic, long bytes) {
            this(in, topic, bytes, WHOLE);
        }

        LineReader(FSDataInputStream in, String topic, long bytes, int bound) {
            this.in = in;
            this.topic = topic;
            this.left = bytes;
            this.bound = bound;
        }

        @Override
        public KafkaRecord read() throws IOException {
            lineLen = 0;
            cut = false;
            seen = 0;
            boolean any = false;
            while (true) {
                if (pos == limit) {
                    if (eof || !fill()) {
                        // end of the file: a last line without a line end counts (a lone \r at its end is no
                        // line end and stays), nothing after a line end
                        return any ? cut(record(Arrays.copyOf(line, lineLen)), seen) : null;
                    }
                }
                any = true;
                int start = pos;
                int nl = ByteScan.indexOf(buf, pos, limit, (byte) '\n'); // eight bytes a step (C1: ~2.5x a loop's)
                if (nl < 0) {
                    append(start, limit - start);
                    pos = limit;
                    continue;
                }
                pos = nl + 1;
                if (lineLen == 0 && nl - start <= bound) {
                    int end = nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl;
                    return record(Arrays.copyOfRange(buf, start, end));
                }
                append(start, nl - start);
                return record(lineLen);
            }
        }

        private boolean fill() throws IOException {
            int n = left <= 0 ? -1 : in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n <= 0) {
                eof = true;
                pos = 0;
                limit = 0;
                return false;
            }
            pos = 0;
            limit = n;
            left -= n;
            return true;
        }

        private void append(int from, int n) {
            if (n > 0) {
                seen += n;
                lastSeen = buf[from + n - 1];
            }
            if (n > bound - lineLen) {
                cut = true; // the rest of the line is dropped: its record is over any record limit anyway
                n = bound - lineLen;
            }
            if (lineLen + n > line.length) {
                line = Arrays.copyOf(line, (int) Math.min(bound, Math.max(line.length * 2L, lineLen + n)));
            }
            System.arraycopy(buf, from, line, lineLen, n);
            lineLen += n;
        }

        /** The gathered line, which ended at a {@code \n} (a {@code \r} before it dropped, unless it was cut). */
        private KafkaRecord record(int len) {
            int end = !cut && len > 0 && line[len - 1] == '\r' ? len - 1 : len;
            return cut(record(Arrays.copyOf(line, end)), seen > 0 && lastSeen == '\r' ? seen - 1 : seen);
        }

        /** {@code r}, given the length {@code lineBytes} of the line it holds the first bytes of, where it was cut. */
        private KafkaRecord cut(KafkaRecord r, long lineBytes) {
            if (cut) {
                r.lineBytes = lineBytes;
            }
            return r;
        }

        private KafkaRecord record(byte[] value) {
            return new KafkaRecord(topic, 0, lineNo++, -1, null, value);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
