package dev.keymem.jobs.logs;

import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The log job's runs of lines between the parse step and the keyed function, as a batch file run moves them, on one
 * thread, in thread CPU ns a line (median of the passes after the first two): "gather" (the source thread's
 * gathering of the parsed lines into runs, as {@link LogLineRuns.Gather} gathers them: its rules, with the buffer
 * limits given or its defaults; also its first pass, the cold code), "send" (the source thread's
 * serialization of each run into the exchange, {@link LogLineRun#TYPE}), "sort in" (the keyed thread's
 * deserialization of each run from the exchange and its write into the sort buffer: the key's bytes, the time
 * stamp and the run, as Flink's sorting input writes a record), "sort out" (each run read back from the sort buffer,
 * in the sorted input's order (by source, then stamp), and each of its lines taken, as {@link LogLineRuns.Unpack}
 * hands them on). The file's records are parsed as the job parses them before the passes; the runs of the last
 * gathering pass are sent. Prints the runs, and a hash of every line taken (source, text, offset, time stamp, bare, CRI byte, and
 * each run's stamp and key: two builds moving the same lines in the same runs give the same hash). A measuring
 * program, not a test:
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/test-classes:jobs/target/memctl.jar
 * dev.keymem.jobs.logs.RunExchangeCost FILE PASSES [BUFFERED_BYTES BUFFERED_LINES]}.
 */
public final class RunExchangeCost {
    private RunExchangeCost() {
    }

    public static void main(String[] a) throws Exception {
        Path file = Path.of(a[0]);
        int passes = Integer.parseInt(a[1]);
        long maxBufferedBytes = a.length > 2 ? Long.parseLong(a[2]) : LogLineRuns.MAX_BUFFERED_BYTES;
        int maxBufferedLines = a.length > 3 ? Integer.parseInt(a[3]) : LogLineRuns.MAX_BUFFERED_LINES;
        RecordParser<LogLine> parser = LogSummaryJob.parser(null);
        List<LogLine> parsed = new ArrayList<>();
        List<Long> lineStamps = new ArrayList<>();
        long lineNo = 0;
        for (String s : Files.readAllLines(file)) {
            KafkaRecord r = new KafkaRecord(file.getFileName().toString(), 0, lineNo, -1, null,
                    s.getBytes(StandardCharsets.UTF_8));
            long stamp = lineNo++;
            try {
                parsed.add(parser.parse(r));
                lineStamps.add(stamp);
            } catch (Exception e) {
                // a dead letter
            }
        }
        int lines = parsed.size();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<LogLineRun> runs = new ArrayList<>();
        List<Long> stamps = new ArrayList<>();
        double[] gathered = new double[passes];
        for (int p = 0; p < passes; p++) {
            runs.clear();
            stamps.clear();
            long t0 = mx.getCurrentThreadCpuTime();
            gather(parsed, lineStamps, maxBufferedBytes, maxBufferedLines, runs, stamps);
            gathered[p] = (mx.getCurrentThreadCpuTime() - t0) / (double) lines;
        }
        int n = runs.size();
        LogLineRun.Serializer ser = LogLineRun.Serializer.INSTANCE;
        StringSerializer keys = StringSerializer.INSTANCE;
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        DataOutputSerializer keyOut = new DataOutputSerializer(64);
        DataOutputSerializer sortBuffer = new DataOutputSerializer(1 << 20);
        DataInputDeserializer in = new DataInputDeserializer();
        byte[][] sent = new byte[n][];
        // the sorted input's order: by source, then by stamp (Flink's sort by key bytes groups the same sources)
        Integer[] sorted = new Integer[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = i;
        }
        Arrays.sort(sorted, (x, y) -> {
            int c = runs.get(x).source().compareTo(runs.get(y).source());
            return c != 0 ? c : Long.compare(stamps.get(x), stamps.get(y));
        });
        int[] at = new int[n + 1];
        double[][] t = new double[3][passes];
        long hash = 0;
        for (int p = 0; p < passes; p++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                out.clear();
                ser.serialize(runs.get(i), out);
                sent[i] = out.getCopyOfBuffer();
            }
            t[0][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) lines;
            t0 = mx.getCurrentThreadCpuTime();
            sortBuffer.clear();
            for (int i = 0; i < n; i++) {
                at[i] = sortBuffer.length();
                in.setBuffer(sent[i]);
                LogLineRun r = ser.deserialize(in);
                keyOut.clear();
                keys.serialize(r.source(), keyOut);
                sortBuffer.writeInt(keyOut.length());
                sortBuffer.write(keyOut.getSharedBuffer(), 0, keyOut.length());
                sortBuffer.writeLong(stamps.get(i));
                ser.serialize(r, sortBuffer);
            }
            t[1][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) lines;
            t0 = mx.getCurrentThreadCpuTime();
            at[n] = sortBuffer.length();
            long h = 0;
            for (int k0 = 0; k0 < n; k0++) {
                int i = sorted[k0];
                in.setBuffer(sortBuffer.getSharedBuffer(), at[i], at[i + 1] - at[i]);
                byte[] key = new byte[in.readInt()];
                in.readFully(key);
                long stamp = in.readLong();
                LogLineRun r = ser.deserialize(in);
                for (int k = 0, size = r.size(); k < size; k++) {
                    LogLine l = r.get(k);
                    h = 31 * h + l.source.hashCode();
                    h = 31 * h + (l.text == null ? 0 : l.text.hashCode());
                    h = 31 * h + Long.hashCode(l.offset) + 7 * Long.hashCode(l.timestamp) + (l.bare ? 1 : 0)
                            + 3 * l.cri + stamp;
                }
                h += key.length;
            }
            t[2][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) lines;
            hash = h;
        }
        String[] names = {"send", "sort in", "sort out"};
        StringBuilder sb = new StringBuilder(file.getFileName() + ": " + lines + " lines, " + n + " runs:");
        double[] g = Arrays.copyOfRange(gathered, Math.min(2, passes - 1), passes);
        Arrays.sort(g);
        sb.append(String.format(" gather %.0f (first %.0f)", g[g.length / 2], gathered[0]));
        for (int k = 0; k < 3; k++) {
            double[] m = Arrays.copyOfRange(t[k], Math.min(2, passes - 1), passes);
            Arrays.sort(m);
            sb.append(String.format(" %s %.0f", names[k], m[m.length / 2]));
        }
        System.out.println(sb.append(" CPU ns a line; hash ").append(Long.toHexString(hash)));
    }

    /**
     * The lines gathered into runs as {@link LogLineRuns.Gather} gathers them (its rules, with the buffer limits
     * given), each run with its first line's stamp, in the order the gatherer emits them.
     */
    static void gather(List<LogLine> parsed, List<Long> lineStamps, long maxBufferedBytes, int maxBufferedLines,
                       List<LogLineRun> runs, List<Long> stamps) {
        Map<String, LogLineRun> open = new LinkedHashMap<>();
        Map<String, long[]> sizes = new LinkedHashMap<>(); // per open run: lines, chars, stamp, bytes
        long bufferedBytes = 0;
        int bufferedLines = 0;
        for (int k = 0; k < parsed.size(); k++) {
            LogLine l = parsed.get(k);
            long stamp = lineStamps.get(k);
            LogLineRun run = open.get(l.source);
            if (run != null && !run.accepts(l)) {
                bufferedBytes -= sizes.get(l.source)[3];
                bufferedLines -= (int) sizes.get(l.source)[0];
                runs.add(open.remove(l.source));
                stamps.add(sizes.remove(l.source)[2]);
                run = null;
            }
            if (run == null) {
                run = new LogLineRun(l.source, l.topic, l.partition, 8);
                open.put(l.source, run);
                long opened = l.source.length() + LogLineRuns.RUN_BYTES;
                sizes.put(l.source, new long[] {0, 0, stamp, opened});
                bufferedBytes += opened;
            }
            run.add(l);
            long[] z = sizes.get(l.source);
            long chars = l.text == null ? 0 : l.text.length();
            long bytes = chars + LogLineRuns.LINE_BYTES;
            z[0]++;
            z[1] += chars;
            z[3] += bytes;
            bufferedBytes += bytes;
            bufferedLines++;
            if (z[0] >= LogLineRuns.MAX_LINES || z[1] >= LogLineRuns.MAX_CHARS) {
                bufferedBytes -= z[3];
                bufferedLines -= (int) z[0];
                runs.add(open.remove(l.source));
                stamps.add(sizes.remove(l.source)[2]);
            }
            if (bufferedBytes >= maxBufferedBytes || bufferedLines >= maxBufferedLines) {
                runs.addAll(open.values());
                for (long[] y : sizes.values()) {
                    stamps.add(y[2]);
                }
                open.clear();
                sizes.clear();
                bufferedBytes = 0;
                bufferedLines = 0;
            }
        }
        runs.addAll(open.values());
        for (long[] y : sizes.values()) {
            stamps.add(y[2]);
        }
    }
}
