package dev.keymem.jobs.fault;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.context.ContextEvent;
import dev.keymem.jobs.context.ContextOptions;
import dev.keymem.operators.EventMemoryFunction;
import dev.keymem.state.EventStatePiece;
import dev.keymem.state.EventStateSerializer;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.keymem.jobs.context.UserContextJob;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.text.TextFrontEnd;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The long run of the fault suite, behind a flag: {@code -Dkeymem.longrun=N} feeds lines holding N tokens in all
 * (counted by the job's own text front end) to ONE source of the log job's keyed function and N/100 events to
 * ONE user of the context job's (RocksDB, the
 * operator harness), snapshotting at every tenth. The log source's state must stay bounded: the snapshot at
 * the end may not exceed 1.5 times the one at the first tenth. The context job keeps every event of a user
 * (the event memory's archive, written once, grows by design unless keymem.events.archive-capacity / -ttl
 * bound it): there the state every event reads and writes (the hot value) must not grow at all, and the whole
 * snapshot is printed. Per-record time per tenth is printed (measured, not
 * asserted). Run once with N = 10,000,000 and reported in docs/reliability.md.
 */
class LongRunBoundedStateIT {
    static final long N = Long.getLong("keymem.longrun", 0);

    static String line(Random rnd, long i) {
        return switch (rnd.nextInt(20)) {
            case 0 -> "2026-01-15T08:00:00.000Z ERROR api[7]: upstream timeout after " + rnd.nextInt(5000) + "ms host=10.0.0."
                    + rnd.nextInt(255);
            case 1 -> "2026-01-15T08:00:00.000Z WARN api[7]: slow query " + rnd.nextInt(100) + " rows in table t"
                    + rnd.nextInt(50);
            case 2 -> "2026-01-15T08:00:00.000Z ERROR api[7]: unexpected code " + Long.toHexString(rnd.nextLong())
                    + " word" + rnd.nextInt(10_000);
            default -> "2026-01-15T08:00:00.000Z INFO api[7]: GET /v1/items/" + i + " 200 " + rnd.nextInt(90) + "ms";
        };
    }

    /**
     * A canonical savepoint: the live entries only (a checkpoint's size would count RocksDB files holding
     * overwritten and deleted entries until compaction).
     */
    static OperatorSubtaskState liveState(KeyedOneInputStreamOperatorTestHarness<String, ?, JobOutput> h, long id)
            throws Exception {
        return h.snapshotWithLocalState(id, id, org.apache.flink.runtime.checkpoint.SavepointType.savepoint(
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL)).getJobManagerOwnedState();
    }

    @Test
    void oneSourceWithTenMillionTokensKeepsItsStateBounded() throws Exception {
        Assumptions.assumeTrue(N > 0, "long run off: set -Dkeymem.longrun=N (e.g. 10000000) to run it");
        Random rnd = new Random(1);
        var h = new KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput>(new KeyedProcessOperator<>(
                LogSummaryJob.keyedFunction(LogSummarySettings.defaults().withEvery(500, 0),
                        TextFrontEnd.builder().build())), l -> l.source, Types.STRING);
        TextFrontEnd counter = TextFrontEnd.builder().build();
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.open();
        List<Long> sizes = new ArrayList<>();
        long t0 = System.nanoTime();
        long outputs = 0;
        long tokens = 0;
        long nextTenth = N / 10;
        long linesInTenth = 0;
        for (long i = 0; tokens < N; i++) {
            String text = line(rnd, i);
            tokens += counter.tokenIds(text).length;
            linesInTenth++;
            LogLine l = new LogLine("api", text, i, -1);
            l.topic = "long";
            h.processElement(new StreamRecord<>(l));
            if (tokens >= nextTenth) {
                nextTenth += N / 10;
                long t1 = System.nanoTime();
                OperatorSubtaskState s = liveState(h, i);
                sizes.add(s.getStateSize());
                outputs += h.extractOutputValues().size();
                h.getOutput().clear();
                System.out.printf("[fault-suite] long run, logs: %,d tokens (%,d lines) on one source, state %,d "
                        + "bytes, %.1f us/record over the last tenth, %,d summaries so far%n", tokens, i + 1,
                        s.getStateSize(), (t1 - t0) / 1e3 / linesInTenth, outputs);
                linesInTenth = 0;
                t0 = System.nanoTime();
            }
        }
        h.close();
        assertTrue(sizes.get(sizes.size() - 1) <= 1.5 * sizes.get(0), "state grows: " + sizes);
    }

    @Test
    void oneUserWithAMillionEventsKeepsItsStateBounded() throws Exception {
        Assumptions.assumeTrue(N > 0, "long run off: set -Dkeymem.longrun=N to run it");
        long n = Math.max(N / 100, 10);
        var op = new KeyedProcessOperator<>(UserContextJob.keyedFunction(ContextOptions.defaults()));
        var h = new KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput>(op, e -> e.user,
                Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        // The archive grows by design (written once per event, never read by ordinary events), so the whole
        // state outgrows the harness's memory-backed checkpoint storage: snapshot to files under target/.
        java.nio.file.Path snapshots = java.nio.file.Files.createTempDirectory(
                java.nio.file.Path.of("target"), "longrun-snapshots");
        h.setCheckpointStorage(new org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage(
                snapshots.toUri()));
        h.open();
        Random rnd = new Random(2);
        List<Long> sizes = new ArrayList<>();
        List<Integer> hot = new ArrayList<>();
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            ContextEvent e = new ContextEvent();
            e.user = "long-lived";
            e.text = "event " + i + " about topic " + rnd.nextInt(500) + " and item " + rnd.nextInt(10_000);
            e.query = i % 100 == 99;
            e.offset = i;
            h.processElement(new StreamRecord<>(e));
            if ((i + 1) % (n / 10) == 0) {
                long t1 = System.nanoTime();
                OperatorSubtaskState s = liveState(h, i);
                sizes.add(s.getStateSize());
                op.setCurrentKey("long-lived");
                // the capacity-sized (format 1) size: the stored one (format 2) varies with the open segment's fill
                hot.add(EventStatePiece.format1Bytes(op.getKeyedStateBackend().getPartitionedState(
                        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, new ValueStateDescriptor<>(
                                EventMemoryFunction.STATE, new EventStateSerializer())).value()));
                h.getOutput().clear();
                System.out.printf("[fault-suite] long run, context: %,d events of one user, hot state %,d bytes, "
                        + "whole state %,d bytes, %.1f us/event over the last tenth%n", i + 1, hot.get(hot.size() - 1),
                        s.getStateSize(), (t1 - t0) / 1e3 / (n / 10));
                t0 = System.nanoTime();
            }
        }
        h.close();
        assertEquals(hot.get(0), hot.get(hot.size() - 1), "the hot state grows: " + hot);
    }
}
