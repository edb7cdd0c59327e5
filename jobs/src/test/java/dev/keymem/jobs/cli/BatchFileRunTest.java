package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.rpc.LocalRpcSystem;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch file run's outputs ({@link BatchFileRun.LineFiles}): every result and dead letter once, in its writer's
 * order, also where a subtask fails after it wrote part of its file and runs again.
 */
class BatchFileRunTest {
    @TempDir
    Path dir;

    private static final int N = 400;

    private StreamExecutionEnvironment env(int restarts) {
        Configuration c = EmbeddedJobs.config(dir.resolve("chk"), 60_000, 2, restarts, dir);
        c.set(LocalRpcSystem.ENABLED, true);
        c.setString("restart-strategy.fixed-delay.delay", "10 ms");
        StreamExecutionEnvironment env = FileRunCluster.environment(c);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        return env;
    }

    /** Results r0..r(N-1) and a dead letter for every tenth, over a rebalance into 2 subtasks. */
    private static DataStream<JobOutput> outputs(StreamExecutionEnvironment env, int failAfter) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            ids.add(i);
        }
        return env.fromData(ids).setParallelism(1).rebalance().map(new Outputs(failAfter))
                .returns(EmbeddedJobs.OUTPUT).setParallelism(2);
    }

    /** Turns i into a result (and every tenth into a dead letter); the first attempt of subtask 1 fails after some. */
    static final class Outputs extends RichMapFunction<Integer, JobOutput> {
        private final int failAfter;
        private int seen;

        Outputs(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public JobOutput map(Integer i) {
            var task = getRuntimeContext().getTaskInfo();
            if (failAfter >= 0 && task.getIndexOfThisSubtask() == 1 && task.getAttemptNumber() == 0
                    && ++seen > failAfter) {
                throw new IllegalStateException("planned failure of a first attempt");
            }
            return i % 10 == 0 ? new JobOutput(JobOutput.DEAD_LETTER, "k" + i, "{\"dead\":" + i + "}")
                    : new JobOutput(JobOutput.RESULT, "k" + i, "{\"r\":" + i + "}");
        }
    }

    private record Run(List<String> results, List<String> dead, BatchFileRun.Counts counts, Path out) {
    }

    private Run run(int failAfter, int restarts) throws Exception {
        StreamExecutionEnvironment env = env(restarts);
        Path out = dir.resolve("out");
        BatchFileRun files = new BatchFileRun(out);
        files.sink(outputs(env, failAfter), "t");
        JobExecutionResult r = env.execute("t");
        Path results = dir.resolve("results.jsonl");
        Path dead = dir.resolve("dead.jsonl");
        Files.write(results, new byte[0]);
        Files.write(dead, new byte[0]);
        BatchFileRun.Counts n = files.finish(r, results, new PrintStream(new ByteArrayOutputStream()), dead,
                new PrintStream(new ByteArrayOutputStream()));
        return new Run(Files.readAllLines(results, StandardCharsets.UTF_8), Files.readAllLines(dead,
                StandardCharsets.UTF_8), n, out);
    }

    private static void assertEveryOutputOnce(Run run) {
        List<String> results = new ArrayList<>(run.results());
        List<String> dead = new ArrayList<>(run.dead());
        List<String> wantResults = new ArrayList<>();
        List<String> wantDead = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            (i % 10 == 0 ? wantDead : wantResults).add(i % 10 == 0 ? "{\"dead\":" + i + "}" : "{\"r\":" + i + "}");
        }
        results.sort(null);
        dead.sort(null);
        wantResults.sort(null);
        wantDead.sort(null);
        assertEquals(wantResults, results);
        assertEquals(wantDead, dead);
        assertEquals(new BatchFileRun.Counts(wantResults.size(), wantDead.size()), run.counts());
    }

    @Test
    void everyResultAndDeadLetterIsWrittenOnceInItsWritersOrder() throws Exception {
        Run run = run(-1, 0);
        assertEveryOutputOnce(run);
        // each subtask's lines in the order it got them (rebalance deals the ids out in turn)
        List<Integer> ids = new ArrayList<>();
        for (String l : run.results()) {
            ids.add(Integer.parseInt(l.replaceAll("\\D", "")));
        }
        int turns = 0;
        for (int i = 1; i < ids.size(); i++) {
            if (ids.get(i) < ids.get(i - 1)) {
                turns++;
            }
        }
        assertTrue(turns <= 1, "two writers' files, each in order: " + ids);
    }

    @Test
    void aSubtaskThatFailsAfterWritingPartOfItsFileAndRunsAgainLeavesEveryOutputOnce() throws Exception {
        Run run = run(30, 2);
        assertEveryOutputOnce(run);
        // the failed attempt did write a file (what the client must not read)
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.walk(run.out())) {
            s.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
        }
        assertTrue(names.contains("results-0-1-0.jsonl"), "the failed attempt's file: " + names);
        assertTrue(names.contains("results-0-1-1.jsonl"), "its second attempt's file: " + names);
    }
}
