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
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * The log job's gathering of lines into runs ({@link LogLineRuns.Gather}, the rules and default limits of the
 * source thread's {@code ParseGather} after its parse), on one thread, in thread CPU ns a line: each pass feeds the
 * file's parsed lines (parsed before the passes, as the job parses them) to a new operator in Flink's operator test
 * harness and ends its input (the last runs flushed). The harness's own work (its output queue) is counted too, the
 * same in every build. Prints each pass, the median of the passes after the first two, the runs and a hash of every
 * run's lines in order (source, offset, text): two builds gathering the same runs give the same hash. A measuring
 * program, not a test: {@code java -XX:+UseSerialGC -cp jobs/target/test-classes:jobs/target/memctl.jar:TEST_CP
 * dev.keymem.jobs.logs.GatherCost FILE PASSES}, where TEST_CP holds Flink's test utilities (the harness).
 */
public final class GatherCost {
    private GatherCost() {
    }

    public static void main(String[] a) throws Exception {
        Path file = Path.of(a[0]);
        int passes = Integer.parseInt(a[1]);
        RecordParser<LogLine> parser = LogSummaryJob.parser(null);
        List<LogLine> lines = new ArrayList<>();
        long lineNo = 0;
        for (String s : Files.readAllLines(file)) {
            KafkaRecord r = new KafkaRecord(file.getFileName().toString(), 0, lineNo, -1, null,
                    s.getBytes(StandardCharsets.UTF_8));
            lineNo++;
            try {
                lines.add(parser.parse(r));
            } catch (Exception e) {
                // a dead letter
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ns = new long[passes];
        int runs = 0;
        long hash = 0;
        for (int p = 0; p < passes; p++) {
            try (OneInputStreamOperatorTestHarness<LogLine, LogLineRun> h =
                         new OneInputStreamOperatorTestHarness<>(new LogLineRuns.Gather())) {
                h.open();
                long t0 = mx.getCurrentThreadCpuTime();
                long stamp = 0;
                for (LogLine l : lines) {
                    h.processElement(new StreamRecord<>(l, stamp++));
                }
                h.endInput();
                ns[p] = mx.getCurrentThreadCpuTime() - t0;
                if (p == 0) {
                    for (Object o : h.getOutput()) {
                        if (o instanceof StreamRecord<?> sr && sr.getValue() instanceof LogLineRun run) {
                            runs++;
                            for (int i = 0; i < run.size(); i++) {
                                LogLine l = run.get(i);
                                hash = 31 * hash + (l.source + "\u0000" + l.offset + "\u0000" + l.text).hashCode();
                            }
                        }
                    }
                }
            }
            System.out.printf("pass %d: %.1f ns a line%n", p, ns[p] / (double) lines.size());
        }
        long[] rest = Arrays.copyOfRange(ns, Math.min(2, passes - 1), passes);
        Arrays.sort(rest);
        System.out.printf("%s: %d lines, %d runs, hash %x, gather %.1f ns a line (median of passes 3..%d)%n",
                file.getFileName(), lines.size(), runs, hash, rest[rest.length / 2] / (double) lines.size(), passes);
    }
}
