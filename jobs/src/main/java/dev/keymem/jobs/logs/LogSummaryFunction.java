package dev.keymem.jobs.logs;

import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.MinerStateSerializer;
import dev.keymem.jobs.text.TextFrontEnd;
import org.apache.flink.api.common.functions.OpenContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The keyed step of the log summarization job: one {@link SourceMemory} per source in keyed state
 * (RocksDB in the embedded runs), advanced by {@link LogSummarizer} per line. Emits a summary every
 * {@code everyLines} lines of a source, {@code everyMillis} of processing time after a source's first
 * unsummarized line (when on), and a final one per source at the end of a bounded input (an event-time
 * timer, which only the end-of-input watermark reaches: the jobs assign no watermarks). Per source: the
 * model states in a ValueState ({@link SourceMemorySerializer}), the template miner's state in a ValueState
 * ({@link MinerStateSerializer}), the template ledger in a MapState (id to {@link TemplateEntry},
 * {@link TemplateEntryPiece}) and the lines since the last summary in a MapState (position to line,
 * {@link PendingLinePiece}): every entry is a checksummed frame; none falls back to Kryo.
 */
public class LogSummaryFunction extends KeyedProcessFunction<String, LogLine, JobOutput> {
    private static final long serialVersionUID = 1L;

    /** A pending line's type: a Flink POJO (primitives, Strings, float[]), never a generic (Kryo) type. */
    static final TypeInformation<SourceMemory.PendingLine> PENDING_LINE =
            TypeInformation.of(SourceMemory.PendingLine.class);

    private final LogSummarySettings settings;
    private final TextFrontEnd frontEnd;
    private transient LogSummarizer summarizer;
    private transient ValueState<SourceMemory> memory;
    private transient MapState<Long, SourceMemory.PendingLine> pendingState;
    private transient PendingLines pending;
    private transient ValueState<MinerState> minerState;
    private transient MapState<Integer, TemplateEntry> ledgerState;
    private transient SourceStores stores;

    public LogSummaryFunction(LogSummarySettings settings, TextFrontEnd frontEnd) {
        this.settings = settings;
        this.frontEnd = frontEnd;
    }

    @Override
    public void open(OpenContext ctx) {
        summarizer = new LogSummarizer(settings, frontEnd);
        memory = getRuntimeContext().getState(new ValueStateDescriptor<>("source-memory",
                new SourceMemorySerializer()));
        pendingState = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-lines",
                org.apache.flink.api.common.typeutils.base.LongSerializer.INSTANCE, new PendingLinePiece.Serializer()));
        minerState = getRuntimeContext().getState(new ValueStateDescriptor<>("template-miner",
                new MinerStateSerializer()));
        ledgerState = getRuntimeContext().getMapState(new MapStateDescriptor<>("template-ledger",
                org.apache.flink.api.common.typeutils.base.IntSerializer.INSTANCE, new TemplateEntryPiece.Serializer()));
        TemplateLedger ledger = new TemplateLedger() {
            @Override
            public TemplateEntry get(int id) throws Exception {
                return ledgerState.get(id);
            }

            @Override
            public void put(TemplateEntry e) throws Exception {
                ledgerState.put(e.id, e);
            }

            @Override
            public void remove(int id) throws Exception {
                ledgerState.remove(id);
            }

            @Override
            public List<TemplateEntry> all() throws Exception {
                List<TemplateEntry> all = new ArrayList<>();
                for (TemplateEntry e : ledgerState.values()) {
                    all.add(e);
                }
                return all;
            }
        };
        pending = new PendingLines() {
            @Override
            public void add(SourceMemory.PendingLine line) throws Exception {
                pendingState.put(line.position, line);
            }

            @Override
            public List<SourceMemory.PendingLine> all() throws Exception {
                List<SourceMemory.PendingLine> all = new ArrayList<>();
                for (SourceMemory.PendingLine l : pendingState.values()) {
                    all.add(l);
                }
                return PendingLines.sorted(all);
            }

            @Override
            public void removeBelow(long position) throws Exception {
                List<Long> drop = new ArrayList<>();
                for (Long k : pendingState.keys()) {
                    if (k < position) {
                        drop.add(k);
                    }
                }
                for (Long k : drop) {
                    pendingState.remove(k);
                }
            }
        };
        stores = new SourceStores() {
            @Override
            public MinerState miner() throws Exception {
                MinerState s = minerState.value();
                return s == null ? new MinerState() : s;
            }

            @Override
            public void minerUpdated(MinerState state) throws Exception {
                minerState.update(state);
            }

            @Override
            public TemplateLedger ledger() {
                return ledger;
            }

            @Override
            public PendingLines pending() {
                return pending;
            }
        };
    }

    @Override
    public void processElement(LogLine line, Context ctx, Collector<JobOutput> out) throws Exception {
        SourceMemory m = memory.value();
        if (m == null) {
            m = summarizer.newMemory(line.source.hashCode());
            // The jobs use no event-time watermarks, so only the end-of-input watermark reaches this timer. Its
            // time (the wall clock now) becomes the final summary's record timestamp, which Kafka accepts.
            ctx.timerService().registerEventTimeTimer(ctx.timerService().currentProcessingTime());
        }
        String summary = summarizer.accept(m, stores, line);
        if (summary != null) {
            out.collect(new JobOutput(JobOutput.RESULT, line.source, summary));
        }
        if (settings.everyMillis() > 0 && !m.timerSet && m.linesSinceLast > 0) {
            ctx.timerService().registerProcessingTimeTimer(
                    ctx.timerService().currentProcessingTime() + settings.everyMillis());
            m.timerSet = true;
        }
        memory.update(m);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JobOutput> out) throws Exception {
        SourceMemory m = memory.value();
        if (m == null) {
            return;
        }
        boolean last = ctx.timeDomain() == TimeDomain.EVENT_TIME;
        if (!last) {
            m.timerSet = false;
        }
        String summary = summarizer.summarize(m, stores, ctx.getCurrentKey(), last);
        if (summary != null) {
            out.collect(new JobOutput(JobOutput.RESULT, ctx.getCurrentKey(), summary));
        }
        memory.update(m);
    }
}
