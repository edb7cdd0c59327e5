import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineRun;
import dev.keymem.jobs.logs.LogSummaryJob;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Session 28 (source28): the source thread's runs of lines in a FRESH JVM, as a file run meets them: the file's real
 * records parsed as the job parses them (not timed), then the lines added to runs (per source, topic and
 * partition, {@code MAX_LINES} lines or {@code MAX_CHARS} chars a run, as the gatherer cuts them: "add", timed),
 * then every run serialized once into an output view (as the record writer does: "serialize", timed), in thread CPU
 * ms. Both passes are the first (cold) ones: under C1 ({@code -XX:TieredStopAtLevel=1}, the file runs' JIT) a loop
 * per run stays interpreted for most of a 50k-line file's ~200 runs. Prints the runs, the bytes, an md5 of all the
 * serialized bytes (equal for two builds that send the same runs) and the ms. One build per JVM: compare builds by
 * alternating JVMs (A B B A ...), and run A against A for the control:
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp JAR benchmarks/jobs/Source28Cost.java FILE}.
 */
public final class Source28Cost {
    public static void main(String[] a) throws Exception {
        Path file = Path.of(a[0]);
        RecordParser<LogLine> parser = LogSummaryJob.parser(null);
        Field fSource = LogLine.class.getDeclaredField("source");
        Field fTopic = LogLine.class.getDeclaredField("topic");
        Field fPartition = LogLine.class.getDeclaredField("partition");
        Field fText = LogLine.class.getDeclaredField("text");
        for (Field f : new Field[] {fSource, fTopic, fPartition, fText}) {
            f.setAccessible(true);
        }
        Constructor<LogLineRun> make = LogLineRun.class.getDeclaredConstructor(String.class, String.class, int.class,
                int.class);
        make.setAccessible(true);
        int maxLines = LogLineRunsLimits.field("MAX_LINES");
        int maxChars = LogLineRunsLimits.field("MAX_CHARS");
        List<LogLine> parsed = new ArrayList<>();
        long lineNo = 0;
        for (String s : Files.readAllLines(file)) {
            KafkaRecord r = new KafkaRecord(file.getFileName().toString(), 0, lineNo++, -1, null,
                    s.getBytes(StandardCharsets.UTF_8));
            try {
                parsed.add(parser.parse(r));
            } catch (Exception e) {
                // a dead letter
            }
        }
        String[] sources = new String[parsed.size()];
        String[] topics = new String[parsed.size()];
        int[] partitions = new int[parsed.size()];
        int[] chars = new int[parsed.size()];
        for (int i = 0; i < sources.length; i++) {
            LogLine l = parsed.get(i);
            sources[i] = (String) fSource.get(l);
            topics[i] = (String) fTopic.get(l);
            partitions[i] = fPartition.getInt(l);
            String t = (String) fText.get(l);
            chars[i] = t == null ? 0 : t.length();
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<LogLineRun> runs = new ArrayList<>();
        long t0 = mx.getCurrentThreadCpuTime();
        Map<String, LogLineRun> open = new HashMap<>();
        Map<String, int[]> openSize = new HashMap<>();
        for (int i = 0; i < sources.length; i++) {
            String key = sources[i] + '\u0000' + topics[i] + '\u0000' + partitions[i];
            LogLineRun run = open.get(key);
            int[] size = openSize.get(key);
            if (run == null) {
                run = make.newInstance(sources[i], topics[i], partitions[i], 8);
                size = new int[2];
                open.put(key, run);
                openSize.put(key, size);
            }
            run.add(parsed.get(i));
            size[0]++;
            size[1] += chars[i];
            if (size[0] >= maxLines || size[1] >= maxChars) {
                runs.add(open.remove(key));
                openSize.remove(key);
            }
        }
        runs.addAll(open.values());
        long t1 = mx.getCurrentThreadCpuTime();
        TypeSerializer<LogLineRun> ser = LogLineRun.TYPE.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        long bytes = 0;
        long serializeNs = 0;
        for (LogLineRun run : runs) {
            out.clear();
            long s0 = mx.getCurrentThreadCpuTime();
            ser.serialize(run, out);
            serializeNs += mx.getCurrentThreadCpuTime() - s0;
            md5.update(out.getSharedBuffer(), 0, out.length());
            bytes += out.length();
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : md5.digest()) {
            hex.append(String.format("%02x", b));
        }
        System.out.printf("%s lines %d runs %d bytes %d md5 %s add_ms %.2f serialize_ms %.2f sum_ms %.2f%n",
                file.getFileName(), sources.length, runs.size(), bytes, hex.substring(0, 12), (t1 - t0) / 1e6,
                serializeNs / 1e6, (t1 - t0 + serializeNs) / 1e6);
    }

    /** The gatherer's public limits, read by name. */
    static final class LogLineRunsLimits {
        static int field(String name) throws Exception {
            return Class.forName("dev.keymem.jobs.logs.LogLineRuns").getField(name).getInt(null);
        }
    }
}
