package dev.keymem.jobs.cli;

import dev.keymem.jobs.kafka.KafkaRecord;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.core.fs.local.LocalDataInputStream;

/**
 * The two ends of a batch file run of the log job, in thread CPU ns a record and a KB, PASSES passes: "read"
 * ({@link FileLineFormat.LineReader}, the file split into records as the run's source reads it, from a local
 * stream) and "write" ({@link BatchFileRun#wellFormedUtf8} of each line of OUTPUTS, a run's output file, as the
 * run's writer encodes it). Prints the first pass (the cold code a run mostly sees) and the median of the passes
 * after the first two, and a hash of the records read (bytes and offsets) and of the bytes written (both made
 * outside the timing): two builds
 * that read and write the same give the same hashes. A measuring program, not a test:
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/test-classes:jobs/target/memctl.jar
 * dev.keymem.jobs.cli.FileEndsCost FILE OUTPUTS PASSES} (C1 alone, as ./memctl runs a log file of under a million
 * lines).
 */
public final class FileEndsCost {
    private FileEndsCost() {
    }

    public static void main(String[] a) throws Exception {
        File file = new File(a[0]);
        List<String> outputs = Files.readAllLines(Path.of(a[1]));
        int passes = Integer.parseInt(a[2]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double inKb = file.length() / 1024.0;
        double[] read = new double[passes];
        double[] write = new double[passes];
        long readHash = 0;
        long writeHash = 0;
        long writeBytes = 0;
        int records = 0;
        KafkaRecord[] read1 = new KafkaRecord[1 << 10];
        String[] outs = outputs.toArray(new String[0]);
        byte[][] written = new byte[outs.length][];
        for (int p = 0; p < passes; p++) {
            int n = 0;
            long t0 = mx.getCurrentThreadCpuTime();
            try (FileLineFormat.LineReader r = new FileLineFormat.LineReader(new LocalDataInputStream(file),
                    file.getName(), file.length())) {
                for (KafkaRecord k = r.read(); k != null; k = r.read()) {
                    if (n == read1.length) {
                        read1 = Arrays.copyOf(read1, 2 * n);
                    }
                    read1[n++] = k;
                }
            }
            read[p] = mx.getCurrentThreadCpuTime() - t0;
            long h = 1; // outside the timing
            for (int i = 0; i < n; i++) {
                h = h * 31 + Arrays.hashCode(read1[i].value) * 17L + read1[i].offset;
                read1[i] = null;
            }
            readHash = h;
            records = n;
            t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < outs.length; i++) {
                written[i] = BatchFileRun.wellFormedUtf8(outs[i]);
            }
            write[p] = mx.getCurrentThreadCpuTime() - t0;
            h = 1;
            long bytes = 0;
            for (int i = 0; i < outs.length; i++) {
                h = h * 31 + Arrays.hashCode(written[i]);
                bytes += written[i].length;
                written[i] = null;
            }
            writeHash = h;
            writeBytes = bytes;
        }
        double outKb = writeBytes / 1024.0;
        System.out.printf("%s: %d records, %.0f KB: read first %.0f, median %.0f ns a record (%.0f, %.0f ns a KB)"
                        + " [hash %016x]%n", file.getName(), records, inKb, read[0] / records,
                median(read) / records, read[0] / inKb, median(read) / inKb, readHash);
        System.out.printf("%s: %d outputs, %.0f KB: write first %.0f, median %.0f ns an output (%.0f, %.0f ns a KB)"
                        + " [hash %016x]%n", Path.of(a[1]).getFileName(), outputs.size(), outKb,
                write[0] / outputs.size(), median(write) / outputs.size(), write[0] / outKb, median(write) / outKb,
                writeHash);
    }

    private static double median(double[] x) {
        double[] s = Arrays.copyOfRange(x, Math.min(2, x.length - 1), x.length);
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
