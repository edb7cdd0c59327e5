package dev.keymem.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.client.program.PerJobMiniClusterFactory;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.blob.TransientBlobService;
import org.apache.flink.runtime.dispatcher.DispatcherGateway;
import org.apache.flink.runtime.dispatcher.SessionDispatcherFactory;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.dispatcher.runner.DefaultDispatcherRunnerFactory;
import org.apache.flink.runtime.entrypoint.component.DefaultDispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.entrypoint.component.DispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.leaderelection.LeaderElection;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.resourcemanager.ResourceManagerGateway;
import org.apache.flink.runtime.resourcemanager.StandaloneResourceManagerFactory;
import org.apache.flink.runtime.rest.RestEndpointFactory;
import org.apache.flink.runtime.rest.handler.RestHandlerConfiguration;
import org.apache.flink.runtime.rest.handler.RestHandlerSpecification;
import org.apache.flink.runtime.rest.handler.legacy.metrics.MetricFetcher;
import org.apache.flink.runtime.rpc.FatalErrorHandler;
import org.apache.flink.runtime.webmonitor.WebMonitorEndpoint;
import org.apache.flink.runtime.webmonitor.retriever.LeaderGatewayRetriever;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelInboundHandler;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The embedded cluster of a file run ({@code memctl logs|context --input}): Flink's {@link MiniCluster} (session
 * dispatcher, standalone resource manager) whose REST endpoint serves no handlers. A file run submits its job and
 * reads its result through the MiniCluster's own gateways, never through REST, and nothing else reaches a cluster
 * that lives and ends inside one command; building Flink's ~100 REST handlers (the web monitor's job, checkpoint,
 * metric and savepoint handlers) cost every run some 0.05 CPU s of its main thread plus their classes' compilation.
 * The endpoint itself still starts (bound to 127.0.0.1 on a free port, answering 404) and takes part in leader
 * election as before, so the cluster's life cycle, {@link MiniCluster#getRestAddress()} included, is Flink's own.
 *
 * <p>It plugs in through Flink's extension points: {@link MiniCluster#createDispatcherResourceManagerComponentFactory()}
 * (the same factory as Flink's {@code createSessionComponentFactory}, with a {@link RestEndpointFactory} of ours)
 * and a {@link PipelineExecutorServiceLoader} whose executor (under {@link LocalExecutor#NAME}) is, by default, its
 * {@link JobGraphExecutor}: Flink's local executor's work (attached, a per-job cluster of this class), but
 * submitting a job graph made on the client, without checkpoint settings ({@link #jobGraph}), where Flink's local
 * executor submits the stream graph; it notifies no job status listeners
 * ({@code execution.job-status-changed-listeners}, which file runs do not set). {@code -D}{@value
 * #STREAM_GRAPH_PROPERTY}{@code =true} gives Flink's {@link LocalExecutor} instead (made with
 * {@link LocalExecutor#createWithFactory}). {@code -Dkeymem.rest.handlers=true} gives file runs Flink's full REST
 * API back; runs over Kafka and the other commands keep it. {@link #sizeManagedMemory} sizes its managed memory
 * (the batch job's sort buffers) by the run's input.
 */
final class FileRunCluster extends MiniCluster {
    /** System property: {@code true} gives file runs Flink's REST handlers back. */
    static final String HANDLERS_PROPERTY = "keymem.rest.handlers";

    FileRunCluster(MiniClusterConfiguration configuration) {
        super(configuration);
    }

    @Override
    protected DispatcherResourceManagerComponentFactory createDispatcherResourceManagerComponentFactory() {
        return new DefaultDispatcherResourceManagerComponentFactory(
                DefaultDispatcherRunnerFactory.createSessionRunner(SessionDispatcherFactory.INSTANCE),
                StandaloneResourceManagerFactory.getInstance(), NoHandlers.INSTANCE);
    }

    /** Whether file runs get the cluster without REST handlers (unless {@value #HANDLERS_PROPERTY} is true). */
    static boolean enabled() {
        return !"true".equals(System.getProperty(HANDLERS_PROPERTY));
    }

    /**
     * A local environment on this cluster with configuration {@code c}, as {@code
     * StreamExecutionEnvironment.getExecutionEnvironment(c)} gives one on Flink's MiniCluster (execution target
     * {@code local}, attached); where a context environment is set (a test harness, a client submitting the
     * program), that one, as Flink's own method does.
     */
    static StreamExecutionEnvironment environment(Configuration c) {
        return Env.create(c);
    }

    /** Flink's managed memory of a local cluster where none is configured ({@code TaskExecutorResourceUtils}), MiB. */
    static final int FLINK_LOCAL_MANAGED_MIB = 128;

    /** The least managed memory {@link #sizeManagedMemory} gives a file run's cluster, MiB. */
    static final int MIN_MANAGED_MIB = 8;

    /** Managed memory per slot for each byte of input ({@link #sizeManagedMemory}). */
    static final int MANAGED_BYTES_PER_INPUT_BYTE = 4;

    /**
     * The managed memory of a file run's cluster, sized by its input: {@code MANAGED_BYTES_PER_INPUT_BYTE} times
     * the input's bytes per slot (one per parallel subtask), at least {@value #MIN_MANAGED_MIB} MiB and at most
     * Flink's own {@value #FLINK_LOCAL_MANAGED_MIB} MiB, which a run over a file of some 16 MiB or more (at
     * parallelism 2) still gets. A batch job's keyed steps sort their input in managed memory, and Flink's sorter
     * takes all of its share when the step starts, one 32 KiB block at a time ({@code Unsafe.allocateMemory},
     * i.e. malloc, which writes each block's header: a page fault per block), whatever the input's size: on a
     * 20-line run that was 4,000 of its ~38,000 page faults. A slot's share holds the serialized records that
     * its keyed step sorts (all of a file's records where one key has them all), which take about as many bytes as
     * their lines, plus the sorter's index; an input larger than a share spills to the run's temporary directory
     * (as one over 128 MiB did before). Nothing changes where {@code taskmanager.memory.managed.size} is set (a
     * {@code keymem.flink.} system property), where {@code inputBytes} is unknown (negative), or where {@code env}
     * is not this cluster's (a context environment).
     */
    static void sizeManagedMemory(StreamExecutionEnvironment env, long inputBytes) {
        if (!(env instanceof Env e) || inputBytes < 0 || e.conf().contains(TaskManagerOptions.MANAGED_MEMORY_SIZE)) {
            return;
        }
        e.conf().set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(managedMebiBytes(inputBytes,
                Math.max(1, e.getParallelism()))));
    }

    /** The managed memory, MiB, of {@link #sizeManagedMemory} for {@code inputBytes} at {@code parallelism}. */
    static long managedMebiBytes(long inputBytes, int parallelism) {
        // per slot, rounded up to whole MiB (an input of a TiB or more counts as one: the cap applies either way)
        long perSlot = (Math.min(inputBytes, 1L << 40) * MANAGED_BYTES_PER_INPUT_BYTE + (1 << 20) - 1) >> 20;
        long want = perSlot * parallelism;
        return Math.max(MIN_MANAGED_MIB, Math.min(FLINK_LOCAL_MANAGED_MIB, want));
    }

    /** Reaches {@code areExplicitEnvironmentsAllowed()}, which Flink keeps for subclasses. */
    private static final class Env extends StreamExecutionEnvironment {
        private Env(Configuration conf) {
            super(Executors.INSTANCE, conf, null);
        }

        /** The configuration its executor starts the cluster with. */
        Configuration conf() {
            return configuration;
        }

        static StreamExecutionEnvironment create(Configuration c) {
            if (!areExplicitEnvironmentsAllowed()) {
                return StreamExecutionEnvironment.getExecutionEnvironment(c);
            }
            Configuration conf = new Configuration(c);
            conf.set(DeploymentOptions.TARGET, "local");
            conf.set(DeploymentOptions.ATTACHED, true);
            return new Env(conf);
        }
    }

    /**
     * Every executor it gives runs the job on a {@link FileRunCluster}: a {@link JobGraphExecutor}, or, where
     * {@value #STREAM_GRAPH_PROPERTY} is {@code true}, Flink's {@link LocalExecutor}.
     */
    private enum Executors implements PipelineExecutorServiceLoader, PipelineExecutorFactory {
        INSTANCE;

        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return this;
        }

        @Override
        public java.util.stream.Stream<String> getExecutorNames() {
            return java.util.stream.Stream.of(getName());
        }

        @Override
        public String getName() {
            return LocalExecutor.NAME;
        }

        @Override
        public boolean isCompatibleWith(Configuration configuration) {
            return true;
        }

        @Override
        public PipelineExecutor getExecutor(Configuration configuration) {
            if ("true".equals(System.getProperty(STREAM_GRAPH_PROPERTY))) {
                return LocalExecutor.createWithFactory(configuration, FileRunCluster::new);
            }
            return new JobGraphExecutor(configuration);
        }
    }

    /** System property: {@code true} submits file runs' jobs as Flink's local executor does (a stream graph). */
    static final String STREAM_GRAPH_PROPERTY = "keymem.file-run.stream-graph";

    /**
     * Flink's {@link LocalExecutor} (attached, a per-job {@link FileRunCluster}), but submitting the job graph made
     * here from the program's stream graph instead of the stream graph, and without checkpoint settings. A local
     * executor submits the stream graph (Flink 2.x), which costs a file run's job two more trips through Java
     * serialization: its user objects serialized on the client, the whole graph cloned by
     * {@code MiniCluster.submitJob}, the objects deserialized by the job master and serialized again into the job
     * graph it makes there; a job graph is made once, here, its operators serialized once, and the clone copies
     * their bytes. A file run's job is bounded and runs in batch mode, where Flink takes no checkpoints, but a job
     * graph with checkpoint settings (which Flink gives every stream graph) still gets a checkpoint statistics
     * tracker at the job master (its JSON mapper and histograms made at start); without the settings the scheduler
     * takes its no-op tracker. {@code -D}{@value #STREAM_GRAPH_PROPERTY}{@code =true} submits the stream graph.
     */
    private static final class JobGraphExecutor implements PipelineExecutor {
        private final Configuration configuration;

        JobGraphExecutor(Configuration configuration) {
            this.configuration = configuration;
        }

        @Override
        public CompletableFuture<JobClient> execute(Pipeline pipeline, Configuration conf, ClassLoader classLoader)
                throws Exception {
            Configuration effective = new Configuration();
            effective.addAll(configuration);
            effective.addAll(conf);
            if (!effective.get(DeploymentOptions.ATTACHED)) {
                throw new IllegalStateException("a file run's job runs attached");
            }
            JobGraph job = jobGraph(PipelineExecutorUtils.getStreamGraph(pipeline, effective), classLoader);
            return PerJobMiniClusterFactory.createWithFactory(effective, FileRunCluster::new).submitJob(job, classLoader);
        }
    }

    /** The job graph that a file run submits for {@code streamGraph}: Flink's, without checkpoint settings. */
    static JobGraph jobGraph(StreamGraph streamGraph, ClassLoader classLoader) {
        JobGraph job = streamGraph.getJobGraph(classLoader, streamGraph.getJobID());
        job.setSnapshotSettings(null);
        return job;
    }

    /** Flink's session REST endpoint without its handlers. */
    private enum NoHandlers implements RestEndpointFactory<DispatcherGateway> {
        INSTANCE;

        @Override
        public WebMonitorEndpoint<DispatcherGateway> createRestEndpoint(Configuration configuration,
                LeaderGatewayRetriever<DispatcherGateway> dispatcherGatewayRetriever,
                LeaderGatewayRetriever<ResourceManagerGateway> resourceManagerGatewayRetriever,
                TransientBlobService transientBlobService, ScheduledExecutorService executor,
                MetricFetcher metricFetcher, LeaderElection leaderElection, FatalErrorHandler fatalErrorHandler)
                throws Exception {
            RestHandlerConfiguration handlers = RestHandlerConfiguration.fromConfiguration(configuration);
            return new WebMonitorEndpoint<>(dispatcherGatewayRetriever, configuration, handlers,
                    resourceManagerGatewayRetriever, transientBlobService, executor, metricFetcher, leaderElection,
                    RestEndpointFactory.createExecutionGraphCache(handlers), fatalErrorHandler) {
                @Override
                protected List<Tuple2<RestHandlerSpecification, ChannelInboundHandler>> initializeHandlers(
                        CompletableFuture<String> localAddressFuture) {
                    return new ArrayList<>();
                }
            };
        }
    }
}
