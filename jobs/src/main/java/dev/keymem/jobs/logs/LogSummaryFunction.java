package dev.keymem.jobs.logs;

import dev.keymem.jobs.text.TextFrontEnd;
import org.apache.flink.api.common.functions.OpenContext;
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
 * timer at the end of time, which only the end-of-input watermark reaches).
 */
public class LogSummaryFunction extends KeyedProcessFunction<String, LogLine, JobOutput> {
    private static final long serialVersionUID = 1L;
    private static final long END_OF_INPUT = Long.MAX_VALUE - 1;

    private final LogSummarySettings settings;
    private final TextFrontEnd frontEnd;
    private transient LogSummarizer summarizer;
    private transient ValueState<SourceMemory> memory;

    public LogSummaryFunction(LogSummarySettings settings, TextFrontEnd frontEnd) {
        this.settings = settings;
        this.frontEnd = frontEnd;
    }

    @Override
    public void open(OpenContext ctx) {
        summarizer = new LogSummarizer(settings, frontEnd);
        memory = getRuntimeContext().getState(new ValueStateDescriptor<>("source-memory",
                TypeInformation.of(SourceMemory.class)));
    }

    @Override
    public void processElement(LogLine line, Context ctx, Collector<JobOutput> out) throws Exception {
        SourceMemory m = memory.value();
        if (m == null) {
            m = summarizer.newMemory(line.source.hashCode());
            ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
        }
        String summary = summarizer.accept(m, line);
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
        String summary = summarizer.summarize(m, ctx.getCurrentKey(), last);
        if (summary != null) {
            out.collect(new JobOutput(JobOutput.RESULT, ctx.getCurrentKey(), summary));
        }
        memory.update(m);
    }
}
