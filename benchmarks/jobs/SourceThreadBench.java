import dev.keymem.jobs.context.UserContextJob;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineSerializer;
import dev.keymem.jobs.logs.LogSummaryJob;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The per-record work of a file run's source thread, in thread CPU ns per record: the copy of a file record
 * from the source to the parse step (the file records' serializer, else Flink's POJO serializer where that build
 * has none), the parse, and (logs) the line's serialization. First pass (cold code) and the least of PASSES.
 * Usage: java -XX:TieredStopAtLevel=1 -cp memctl.jar benchmarks/jobs/SourceThreadBench.java logs|context FILE PASSES
 */
public class SourceThreadBench {
    public static void main(String[] a) throws Exception {
        boolean logs = a[0].equals("logs");
        List<String> lines = Files.readAllLines(Path.of(a[1]));
        int passes = Integer.parseInt(a[2]);
        int n = lines.size();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        TypeSerializer<KafkaRecord> copier;
        String which;
        try {
            @SuppressWarnings("unchecked")
            TypeInformation<KafkaRecord> t = (TypeInformation<KafkaRecord>) Class
                    .forName("dev.keymem.jobs.kafka.KafkaRecordSerializer").getField("TYPE").get(null);
            copier = t.createSerializer(new SerializerConfigImpl());
            which = "own serializer";
        } catch (ClassNotFoundException e) {
            copier = TypeInformation.of(KafkaRecord.class).createSerializer(new SerializerConfigImpl());
            which = "POJO serializer";
        }
        RecordParser<LogLine> lp = LogSummaryJob.parser(null);
        RecordParser<?> cp = UserContextJob.parser();
        KafkaRecord[] recs = new KafkaRecord[n];
        for (int i = 0; i < n; i++) {
            recs[i] = new KafkaRecord(Path.of(a[1]).getFileName().toString(), 0, i, -1, null,
                    lines.get(i).getBytes(StandardCharsets.UTF_8));
        }
        Object[] parsed = new Object[n];
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        long sink = 0;
        for (int p = 0; p < passes; p++) {
            double[] t = new double[3];
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += copier.copy(recs[i]).offset;
            }
            t[0] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                try {
                    parsed[i] = logs ? lp.parse(recs[i]) : cp.parse(recs[i]);
                } catch (Exception e) {
                    parsed[i] = null; // a dead letter
                }
            }
            t[1] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            t0 = mx.getCurrentThreadCpuTime();
            if (logs) {
                for (int i = 0; i < n; i++) {
                    if (parsed[i] != null) {
                        out.clear();
                        LogLineSerializer.INSTANCE.serialize((LogLine) parsed[i], out);
                        sink += out.length();
                    }
                }
            }
            t[2] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            if (p == 0) {
                System.out.printf("first pass: copy %.0f, parse %.0f, serialize %.0f CPU ns a record%n", t[0], t[1], t[2]);
            }
            for (int k = 0; k < 3; k++) {
                best[k] = Math.min(best[k], t[k]);
            }
        }
        System.out.printf("least of %d passes: copy (%s) %.0f, parse %.0f, serialize %.0f CPU ns a record (%d)%n",
                passes, which, best[0], best[1], best[2], sink & 1);
    }
}
