package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.context.ContextOptions;
import dev.keymem.jobs.context.UserContextJob;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.text.RegexScan;
import dev.keymem.jobs.text.TextFrontEnd;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The file runs' start path spins no lambda class of ours that the class data archive could have held: the JVM
 * (17) never maps a lambda of a {@link Serializable} interface from the archive, so the masker's rule types are
 * not serializable (the rules are static, no serialized object holds one), and what Flink serializes with the
 * file runs' jobs (operators, functions, key selectors, the source and its watermark strategy) holds no
 * serializable lambda of ours, nor any of Flink's where it takes one of ours instead (the file source's
 * enumerator and split assigner, the watermark strategy); the file runs' outputs end in their writers, with no
 * sink behind them.
 */
class StartPathLambdasTest {
    @Test
    void theMaskersRuleTypesAreNotSerializable() throws Exception {
        for (Class<?> c : List.of(RegexScan.Start.class, RegexScan.End.class, RegexScan.CharTest.class,
                Class.forName("dev.keymem.jobs.text.LineMasker$Precheck"))) {
            assertFalse(Serializable.class.isAssignableFrom(c), c.getName());
        }
    }

    @Test
    void theLogJobsParserIsAClass() {
        Class<?> c = LogSummaryJob.parser("app").getClass();
        assertFalse(c.isHidden() || c.isSynthetic(), c.getName());
    }

    @Test
    void theContextJobsParserIsAClass() {
        Class<?> c = UserContextJob.parser(RecordLimits.defaults()).getClass();
        assertFalse(c.isHidden() || c.isSynthetic(), c.getName());
    }

    @Test
    void theContextFileRunSerializesNoLambdaAndEndsInItsWriters() throws Exception {
        StreamGraph g = fileRun((records, files) -> {
            UserContextJob.Outputs job = UserContextJob.buildParts(records, ContextOptions.defaults(),
                    RecordLimits.defaults(), true);
            files.sink(job.keyed(), "user-context");
            files.sinkDeadLetters(job.parseDeadLetters(), "parse");
        });
        assertEquals(List.of(), lambdas(g));
        // source, parse, its dead letters and their writer; the keyed step and its writer
        assertEquals(6, g.getStreamNodes().size(), names(g).toString());
        assertTrue(names(g).stream().noneMatch(n -> n.contains("Sink")), names(g).toString());
    }

    @Test
    void theLogFileRunSerializesNoLambdaAndEndsInItsWriters() throws Exception {
        TextFrontEnd fe = TextFrontEnd.builder().dimension(LogSummarySettings.defaults().dimension()).build();
        StreamGraph g = fileRun((records, files) -> {
            LogSummaryJob.Outputs job = LogSummaryJob.buildParts(records, null,
                    LogsCommand.fileRun(LogSummarySettings.defaults()), fe, RecordLimits.defaults(), true);
            files.sinkResults(job.summaries(), "summarize");
            files.sinkDeadLetters(job.parseDeadLetters(), "parse");
        });
        assertEquals(List.of(), lambdas(g));
        assertEquals(6, g.getStreamNodes().size(), names(g).toString());
    }

    /** The stream graph of a file run's job over a file that is never read. */
    private static StreamGraph fileRun(BiConsumer<DataStream<KafkaRecord>, BatchFileRun> job) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        BatchFileRun files = new BatchFileRun(Path.of("target", "start-path-lambdas"));
        job.accept(BatchFileRun.source(env, Path.of("target", "no-such-input.log")), files);
        return env.getStreamGraph();
    }

    private static List<String> names(StreamGraph g) {
        List<String> out = new ArrayList<>();
        for (StreamNode n : g.getStreamNodes()) {
            out.add(n.getOperatorName());
        }
        return out;
    }

    /**
     * The serializable lambdas met when serializing every node's operator factory and key selectors: ours (their
     * capturing class in dev.keymem) and Flink's that a file run's job could replace.
     */
    private static List<String> lambdas(StreamGraph g) throws IOException {
        TreeSet<String> found = new TreeSet<>();
        for (StreamNode n : g.getStreamNodes()) {
            List<Object> objects = new ArrayList<>();
            objects.add(n.getOperatorFactory());
            objects.addAll(List.of(n.getStatePartitioners()));
            for (Object o : objects) {
                try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream()) {
                    {
                        enableReplaceObject(true);
                    }

                    @Override
                    protected Object replaceObject(Object obj) {
                        if (obj instanceof SerializedLambda l) {
                            found.add(n.getOperatorName() + ": " + l.getCapturingClass() + "." + l.getImplMethodName());
                        }
                        return obj;
                    }
                }) {
                    out.writeObject(o);
                }
            }
        }
        return new ArrayList<>(found);
    }
}
