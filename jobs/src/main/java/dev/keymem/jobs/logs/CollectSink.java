package dev.keymem.jobs.logs;

import java.time.Duration;
import java.util.UUID;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RpcOptions;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorEventDispatcher;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.operators.collect.CollectResultIterator;
import org.apache.flink.streaming.api.operators.collect.CollectSinkFunction;
import org.apache.flink.streaming.api.operators.collect.CollectSinkOperator;
import org.apache.flink.streaming.api.operators.collect.CollectSinkOperatorFactory;
import org.apache.flink.streaming.api.operators.collect.CollectStreamSink;
import org.apache.flink.util.CloseableIterator;

/**
 * Flink's collect sink ({@code DataStream#collectAsync}, the same wire protocol, coordinator and iterator),
 * with one difference: an operator closed before it was opened does nothing.
 *
 * <p>Why: Flink 2.2's {@code CollectSinkOperator#close} always calls {@code accumulateFinalResults}, which
 * dereferences state that only {@code initializeState}/{@code open} create. When a failover cancels the sink's
 * task while it is still INITIALIZING (another task failed at start, e.g. its state backend), the
 * resulting NullPointerException happens in the task's cleanup, which Flink treats as fatal: it kills the
 * TaskManager. An embedded MiniCluster has one and does not replace it, so every later attempt waits for
 * slots and the job ends with {@code NoResourceAvailableException} instead of its real cause (FLINK-39330,
 * open upstream). A sink that was never opened holds no results, so skipping its close loses nothing.
 */
@Internal
final class CollectSink {
    private CollectSink() {
    }

    /**
     * Adds a collect sink to {@code stream}'s job and returns the iterator over its results; the job must
     * then be started with {@code env.executeAsync} (which hands the iterator its client).
     */
    static <T> CloseableIterator<T> collectAsync(DataStream<T> stream) {
        StreamExecutionEnvironment env = stream.getExecutionEnvironment();
        TypeSerializer<T> serializer = stream.getType().createSerializer(env.getConfig().getSerializerConfig());
        String accumulatorName = "dataStreamCollect_" + UUID.randomUUID();
        MemorySize maxBatch = env.getConfiguration().get(CollectSinkOperatorFactory.MAX_BATCH_SIZE);
        Duration socketTimeout = env.getConfiguration().get(CollectSinkOperatorFactory.SOCKET_TIMEOUT);
        Factory<T> factory = new Factory<>(serializer, accumulatorName, maxBatch, socketTimeout);
        CollectStreamSink<T> sink = new CollectStreamSink<>(stream, factory);
        sink.name("Data stream collect sink");
        String uid = "dataStreamCollect_" + sink.getTransformation().getId();
        sink.uid(uid);
        long askTimeout = env.getConfiguration().get(RpcOptions.ASK_TIMEOUT_DURATION).toMillis();
        CollectResultIterator<T> iterator = new CollectResultIterator<>(uid, serializer, accumulatorName,
                env.getCheckpointConfig(), askTimeout);
        env.addOperator(sink.getTransformation());
        env.registerCollectIterator(iterator);
        return iterator;
    }

    /** Flink's factory, creating {@link Operator} instead of {@link CollectSinkOperator}. */
    static final class Factory<T> extends CollectSinkOperatorFactory<T> {
        private static final long serialVersionUID = 1L;

        private final TypeSerializer<T> serializer;
        private final long maxBatchBytes;
        private final String accumulatorName;

        Factory(TypeSerializer<T> serializer, String accumulatorName, MemorySize maxBatch, Duration socketTimeout) {
            super(serializer, accumulatorName, maxBatch, socketTimeout);
            this.serializer = serializer;
            this.maxBatchBytes = maxBatch.getBytes();
            this.accumulatorName = accumulatorName;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <O extends StreamOperator<Object>> O createStreamOperator(StreamOperatorParameters<Object> parameters) {
            Operator<T> operator = new Operator<>(serializer, maxBatchBytes, accumulatorName);
            operator.setUp(parameters);
            OperatorID id = parameters.getStreamConfig().getOperatorID();
            OperatorEventDispatcher events = parameters.getOperatorEventDispatcher();
            ((CollectSinkFunction<T>) operator.getUserFunction()).setOperatorEventGateway(events.getOperatorEventGateway(id));
            events.registerEventHandler(id, operator);
            return (O) operator;
        }
    }

    /** Flink's collect sink operator whose close is a no-op when its open was never called. */
    static final class Operator<T> extends CollectSinkOperator<T> {
        private static final long serialVersionUID = 1L;

        private transient boolean opened;

        Operator(TypeSerializer<T> serializer, long maxBatchBytes, String accumulatorName) {
            super(serializer, maxBatchBytes, accumulatorName);
        }

        void setUp(StreamOperatorParameters<Object> parameters) {
            setProcessingTimeService(parameters.getProcessingTimeService());
            setup(parameters.getContainingTask(), parameters.getStreamConfig(), parameters.getOutput());
        }

        @Override
        public void open() throws Exception {
            // before: an open that fails half way (its server socket started) is closed as Flink's would be
            opened = true;
            super.open();
        }

        @Override
        public void close() throws Exception {
            if (opened) {
                super.close();
            }
        }
    }
}
