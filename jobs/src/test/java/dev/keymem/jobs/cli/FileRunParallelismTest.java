package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default parallelism of embedded runs ({@link JobCli#defaultParallelism}): one subtask per 16 MiB of a plain
 * file's bytes, between 1 and 2; 2 where the size is unknown (Kafka, standard input, gzip); --parallelism wins; and
 * a run's outputs are the same at the default and at an explicit parallelism 2.
 */
class FileRunParallelismTest {
    @TempDir
    Path dir;

    private static int parallelism(boolean kafka, String... args) throws Exception {
        CliOptions.Parsed p = JobCli.withJobOptions(new CliOptions().option("input", "FILE", "the input"), "in", "out")
                .parse(List.of(args));
        try (JobCli.LocalRun run = JobCli.localRun(p, "logs", kafka)) {
            return run.env().getParallelism();
        }
    }

    @Test
    void oneSubtaskPerSixteenMibOfInputBetweenOneAndTwo() {
        assertEquals(1, JobCli.defaultParallelism(0));
        assertEquals(1, JobCli.defaultParallelism(1));
        assertEquals(1, JobCli.defaultParallelism(16L << 20));
        assertEquals(2, JobCli.defaultParallelism((16L << 20) + 1));
        assertEquals(2, JobCli.defaultParallelism(1L << 40));
        assertEquals(2, JobCli.defaultParallelism(-1));
    }

    @Test
    void aSmallPlainFileRunsAtOneAndWhatIsNotAPlainFileAtTwo() throws Exception {
        Path small = Files.writeString(dir.resolve("small.log"), "a line\n");
        assertEquals(1, parallelism(false, "--input", small.toString()));
        assertEquals(2, parallelism(false, "--input", small.toString(), "--parallelism", "2"));
        assertEquals(3, parallelism(false, "--input", small.toString(), "--parallelism", "3"));
        assertEquals(2, parallelism(false, "--input", "-"));
        assertEquals(2, parallelism(false, "--input", dir.resolve("missing.log").toString()));
        assertEquals(2, parallelism(true, "--input", small.toString()));
        Path gz = dir.resolve("small.log.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("a line\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(2, parallelism(false, "--input", gz.toString()));
    }

    @Test
    void outputsAreTheSameAtTheDefaultAndAtParallelismTwo() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            lines.append("2024-05-01 10:00:").append(String.format("%02d", i % 60)).append(" INFO svc").append(i % 7)
                    .append(" request ").append(i * 31 % 97).append(i % 13 == 0 ? " failed: timeout" : " ok")
                    .append('\n');
        }
        Path in = Files.writeString(dir.resolve("in.log"), lines);
        List<String> one = run(in, dir.resolve("one.jsonl"));
        List<String> two = run(in, dir.resolve("two.jsonl"), "--parallelism", "2");
        assertEquals(one, two);
        assertEquals(true, one.size() > 0, "summaries written");
    }

    private List<String> run(Path in, Path out, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("logs", "--input", in.toString(), "--output", out.toString()));
        Collections.addAll(args, more);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Memctl.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        List<String> got = new ArrayList<>(Files.readAllLines(out));
        Collections.sort(got);
        return got;
    }
}
