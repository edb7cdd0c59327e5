package dev.keymem.examples;

import dev.keymem.operators.BatchedMemoryOperator;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.MemoryReadout;
import dev.keymem.operators.TokenRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A DataStream job on keymem: token records of many keys (generated here, seeded) through the batched
 * memory operator, each key with its own Memory Caching memory in keyed state; prints, per key at the
 * end of the input, how many tokens its memory has seen and the norm of its last read.
 *
 * <p>The memory is configured by {@code keymem.*} options of the job's configuration, so a cluster (or
 * a FlinkDeployment's flinkConfiguration, e.g. {@code keymem.batch.advancer:
 * dev.keymem.cuda.CudaAdvancerFunction} on a GPU) can change it without a rebuild. Arguments:
 * {@code [keys] [records]} (default 50, 5000).
 */
public final class MemoryStreamJob {
    private MemoryStreamJob() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int records = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        Configuration local = new Configuration();
        local.setString("rest.bind-address", "127.0.0.1");
        local.setString("taskmanager.host", "127.0.0.1");
        // Memory Caching unless the configuration says otherwise.
        local.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.CACHING);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(local);
        ReadableConfig options = env.getConfiguration();

        List<TokenRecord> input = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < records; i++) {
            int[] tokens = new int[1 + random.nextInt(16)];
            for (int t = 0; t < tokens.length; t++) {
                tokens[t] = random.nextInt(4096);
            }
            input.add(new TokenRecord("key-" + random.nextInt(keys), tokens));
        }
        DataStream<MemoryReadout> reads = BatchedMemoryOperator.apply(
                env.fromData(input).name("tokens").keyBy(r -> r.key, Types.STRING), options).uid("keymem-memory");
        reads.keyBy(r -> r.key, Types.STRING)
                .process(new LastRead()).name("last-read").uid("last-read")
                .print();
        env.execute("keymem example: DataStream");
    }

    /** Keeps each key's last read and reports it once, at the end of the input. */
    static final class LastRead extends KeyedProcessFunction<String, MemoryReadout, String> {
        private transient ValueState<String> last;

        @Override
        public void open(OpenContext context) {
            last = getRuntimeContext().getState(new ValueStateDescriptor<>("last", Types.STRING));
        }

        @Override
        public void processElement(MemoryReadout r, Context ctx, Collector<String> out) throws Exception {
            if (last.value() == null) {
                ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE); // fires at the end of the input
            }
            last.update(String.format(Locale.ROOT, "%s tokens=%d read-norm=%.4f", r.key, r.startPosition + r.tokens,
                    norm(r.outputs, r.outputs.length - r.heads * r.valueDim)));
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) throws Exception {
            out.collect(last.value());
        }
    }

    static double norm(float[] v, int from) {
        double s = 0;
        for (int i = from; i < v.length; i++) {
            s += (double) v[i] * v[i];
        }
        return Math.sqrt(s);
    }
}
