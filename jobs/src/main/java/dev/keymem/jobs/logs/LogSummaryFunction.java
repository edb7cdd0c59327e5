package dev.keymem.jobs.logs;

import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.MinerStateSerializer;
import dev.keymem.jobs.text.TextFrontEnd;
import dev.keymem.operators.HotStateOperator;
import dev.keymem.operators.KeyedNoveltyMemory;
import org.apache.flink.configuration.ReadableConfig;
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
 * The keyed step of the log summarization job: per line, the template miner (front end), the operators'
 * novelty memory ({@link KeyedNoveltyMemory}, memory type NOVELTY) and the job's summary logic
 * ({@link LogSummarizer}). Emits a summary every {@code everyLines} lines of a source, {@code everyMillis} of
 * processing time after a source's first unsummarized line (when on), and a final one per source at the end
 * of a bounded input (an event-time timer, which only the end-of-input watermark reaches: the jobs assign no
 * watermarks).
 *
 * <p>State per source, all in checksummed frames (none falls back to Kryo): the novelty memory's own
 * ({@link KeyedNoveltyMemory}: a ValueState with the fading cell, and a MapState row per eidetic line, written
 * only when one is admitted); the summary period's counters in a ValueState ({@link SourceMemorySerializer},
 * a few dozen bytes); the template miner's state in a ValueState ({@link MinerStateSerializer}); the
 * template ledger in a MapState (id to {@link TemplateEntry}, {@link TemplateEntryPiece}, a line rewrites
 * its own template's entry only); and, when the memory ranks lines (retention tier on), the lines since
 * the last summary in a MapState (position to line, {@link PendingLinePiece}).
 *
 * <p>Run by a {@link HotStateOperator} ({@link LogSummaryJob#build}), the value states (novelty cell, miner,
 * period) and the template ledger ({@link TemplateLedger.WriteBack}) of the most recently used
 * {@code keymem.logs.cache-sources} sources stay deserialized on the heap between lines and are written back
 * to keyed state (the ledger's changed entries only) on eviction and before every checkpoint barrier.
 *
 * <p>A source restored from release 0.1.0 holds its B'MOJO and STR/CMP states in the period's ValueState:
 * on its first line or timer the fading cell (and the STR/CMP state, when the tier runs) move into the
 * novelty memory, and the value is written back without them.
 */
public class LogSummaryFunction extends KeyedProcessFunction<String, LogLine, JobOutput>
        implements HotStateOperator.Owner {
    private static final long serialVersionUID = 1L;

    /** A pending line's type: a Flink POJO (primitives, Strings, float[]), never a generic (Kryo) type. */
    static final TypeInformation<SourceMemory.PendingLine> PENDING_LINE =
            TypeInformation.of(SourceMemory.PendingLine.class);

    private final LogSummarySettings settings;
    private final TextFrontEnd frontEnd;
    private final int maxOutputBytes;
    private transient LogSummarizer summarizer;
    private transient ValueState<SourceMemory> memory;
    private transient MapState<Long, SourceMemory.PendingLine> pendingState;
    private transient PendingLines pending;
    private transient ValueState<MinerState> minerState;
    private transient MapState<Integer, TemplateEntry> ledgerState;
    private transient SourceStores stores;
    private transient KeyedNoveltyMemory novelty;
    private transient HotStateOperator.Cache cache;
    /** {@code settings.everyMillis()}, read once ({@link LogSummarySettings}' getters look the option up each time). */
    private transient long everyMillis;

    public LogSummaryFunction(LogSummarySettings settings, TextFrontEnd frontEnd) {
        this(settings, frontEnd, Integer.MAX_VALUE);
    }

    /**
     * The step whose summaries are bounded to {@code maxOutputBytes} as the job's {@link GuardedKeyedFunction}
     * bounds them (the same text, written without the templates the bound would drop: {@link LogSummarizer}).
     */
    public LogSummaryFunction(LogSummarySettings settings, TextFrontEnd frontEnd, int maxOutputBytes) {
        this.settings = settings;
        this.frontEnd = frontEnd;
        this.maxOutputBytes = maxOutputBytes;
    }

    /** The step over the job's options ({@link LogOptions}, resolved and checked now). */
    public LogSummaryFunction(ReadableConfig options, TextFrontEnd frontEnd) {
        this(LogSummarySettings.of(options), frontEnd);
    }

    @Override
    public void open(OpenContext ctx) {
        summarizer = new LogSummarizer(settings, frontEnd, maxOutputBytes);
        everyMillis = settings.everyMillis();
        novelty = KeyedNoveltyMemory.open(getRuntimeContext(), summarizer.models(), cache);
        memory = cached(getRuntimeContext().getState(new ValueStateDescriptor<>("source-memory",
                new SourceMemorySerializer())));
        pendingState = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-lines",
                org.apache.flink.api.common.typeutils.base.LongSerializer.INSTANCE, new PendingLinePiece.Serializer()));
        minerState = cached(getRuntimeContext().getState(new ValueStateDescriptor<>("template-miner",
                new MinerStateSerializer())));
        ledgerState = getRuntimeContext().getMapState(new MapStateDescriptor<>("template-ledger",
                org.apache.flink.api.common.typeutils.base.IntSerializer.INSTANCE, new TemplateEntryPiece.Serializer()));
        TemplateLedger direct = new TemplateLedger() {
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
        TemplateLedger ledger = cache == null ? direct : hotLedger(direct);
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

    /**
     * The ledger through the hot-state cache: a source's {@link TemplateLedger.WriteBack} is its cached value,
     * read from the MapState entry by entry and written back to it (the changed entries) when the cache writes
     * the source back; the MapState's contents at every checkpoint are those of the uncached ledger.
     */
    private TemplateLedger hotLedger(TemplateLedger direct) {
        ValueState<TemplateLedger.WriteBack> held = cache.wrap(new ValueState<TemplateLedger.WriteBack>() {
            @Override
            public TemplateLedger.WriteBack value() {
                return new TemplateLedger.WriteBack(direct);
            }

            @Override
            public void update(TemplateLedger.WriteBack value) throws java.io.IOException {
                try {
                    value.writeBack();
                } catch (java.io.IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new java.io.IOException("writing the template ledger back failed", e);
                }
            }

            @Override
            public void clear() {
                ledgerState.clear();
            }
        });
        return new TemplateLedger() {
            @Override
            public TemplateEntry get(int id) throws Exception {
                return held.value().get(id);
            }

            @Override
            public void put(TemplateEntry e) throws Exception {
                TemplateLedger.WriteBack w = held.value();
                w.put(e);
                held.update(w);
            }

            @Override
            public void remove(int id) throws Exception {
                TemplateLedger.WriteBack w = held.value();
                w.remove(id);
                held.update(w);
            }

            @Override
            public List<TemplateEntry> all() throws Exception {
                return held.value().all();
            }
        };
    }

    @Override
    public int cacheKeys() {
        return settings.cacheSources();
    }

    @Override
    public void useCache(HotStateOperator.Cache cache) {
        this.cache = cache;
    }

    private <T> ValueState<T> cached(ValueState<T> state) {
        return cache == null ? state : cache.wrap(state);
    }

    @Override
    public void processElement(LogLine line, Context ctx, Collector<JobOutput> out) throws Exception {
        SourceMemory m = current(ctx.getCurrentKey());
        if (m == null) {
            m = new SourceMemory();
            m.novelty = novelty.of(ctx.getCurrentKey());
            // The jobs use no event-time watermarks, so only the end-of-input watermark reaches this timer. Its
            // time (the wall clock now) becomes the final summary's record timestamp, which Kafka accepts.
            ctx.timerService().registerEventTimeTimer(ctx.timerService().currentProcessingTime());
        }
        String summary = summarizer.accept(m, stores, line);
        if (summary != null) {
            // counted as written: the bound does not measure it again
            out.collect(JobOutput.counted(JobOutput.RESULT, line.source, summary, summarizer.utf8Bytes(summary)));
        }
        if (everyMillis > 0 && !m.timerSet && m.linesSinceLast > 0) {
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + everyMillis);
            m.timerSet = true;
        }
        memory.update(m);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JobOutput> out) throws Exception {
        SourceMemory m = current(ctx.getCurrentKey());
        if (m == null) {
            return;
        }
        boolean last = ctx.timeDomain() == TimeDomain.EVENT_TIME;
        if (!last) {
            m.timerSet = false;
        }
        String summary = summarizer.summarize(m, stores, ctx.getCurrentKey(), last);
        if (summary != null) {
            // counted as written: the bound does not measure it again
            out.collect(JobOutput.counted(JobOutput.RESULT, ctx.getCurrentKey(), summary,
                    summarizer.utf8Bytes(summary)));
        }
        memory.update(m);
    }

    /** The current source's period (null for a new source), its release-0.1.0 model state migrated. */
    private SourceMemory current(String key) throws Exception {
        SourceMemory m = memory.value();
        if (m == null) {
            return null;
        }
        if (m.bmojo != null) {
            if (!novelty.exists()) {
                novelty.adopt(key, m.bmojo.cell(), m.retention);
            }
            m.bmojo = null;
            m.retention = null;
        }
        m.novelty = novelty.of(key);
        return m;
    }
}
