package dev.keymem.jobs.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.flink.api.common.JobSubmissionResult;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.client.program.PerJobMiniClusterFactory;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.core.failure.FailureEnricher;
import org.apache.flink.runtime.blob.BlobClient;
import org.apache.flink.runtime.blob.BlobServer;
import org.apache.flink.runtime.client.ClientUtils;
import org.apache.flink.runtime.blob.TransientBlobService;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.dispatcher.DispatcherId;
import org.apache.flink.runtime.dispatcher.DispatcherOperationCaches;
import org.apache.flink.runtime.dispatcher.ExecutionGraphInfoStore;
import org.apache.flink.runtime.dispatcher.PartialDispatcherServices;
import org.apache.flink.runtime.dispatcher.VoidHistoryServerArchivist;
import org.apache.flink.runtime.dispatcher.runner.DispatcherRunner;
import org.apache.flink.runtime.entrypoint.ClusterInformation;
import org.apache.flink.runtime.entrypoint.component.DispatcherResourceManagerComponent;
import org.apache.flink.runtime.heartbeat.HeartbeatServices;
import org.apache.flink.runtime.highavailability.HighAvailabilityServices;
import org.apache.flink.runtime.jobmanager.HaServicesJobPersistenceComponentFactory;
import org.apache.flink.runtime.leaderretrieval.LeaderRetrievalService;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.runtime.metrics.EventReporterSetup;
import org.apache.flink.runtime.metrics.MetricRegistry;
import org.apache.flink.runtime.metrics.MetricRegistryConfiguration;
import org.apache.flink.runtime.metrics.MetricRegistryImpl;
import org.apache.flink.runtime.metrics.ReporterSetup;
import org.apache.flink.runtime.metrics.ReporterSetupBuilder;
import org.apache.flink.runtime.metrics.TraceReporterSetup;
import org.apache.flink.runtime.metrics.filter.DefaultReporterFilters;
import org.apache.flink.runtime.metrics.groups.JobManagerMetricGroup;
import org.apache.flink.runtime.resourcemanager.ResourceManagerId;
import org.apache.flink.runtime.resourcemanager.ResourceManagerService;
import org.apache.flink.runtime.resourcemanager.ResourceManagerServiceImpl;
import org.apache.flink.runtime.rest.RestService;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.RpcUtils;
import org.apache.flink.runtime.security.token.DelegationTokenManager;
import org.apache.flink.runtime.webmonitor.retriever.MetricQueryServiceRetriever;
import org.apache.flink.runtime.webmonitor.retriever.impl.RpcGatewayRetriever;
import org.apache.flink.util.concurrent.ExponentialBackoffRetryStrategy;
import org.apache.flink.util.concurrent.FutureUtils;
import org.apache.flink.runtime.dispatcher.DispatcherGateway;
import org.apache.flink.runtime.dispatcher.SessionDispatcherFactory;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.graph.ExecutionPlan;
import org.apache.flink.util.FlinkException;
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
 * dispatcher, standalone resource manager) without a REST endpoint. A file run submits its job and reads its result
 * through the MiniCluster's own gateways, never through REST, and nothing else reaches a cluster that lives and ends
 * inside one command. Flink's ~100 REST handlers (the web monitor's job, checkpoint, metric and savepoint handlers)
 * cost every run some 0.05 CPU s of its main thread plus their classes' compilation (dropped in session 8); the
 * endpoint's netty server (its event loops, the bound port, its executor and shutdown) some 0.03-0.04 CPU s more
 * (docs/benchmarks.md, "Start-up, round 12"). So {@link RestlessComponents} starts the dispatcher and resource manager
 * as Flink's {@code DefaultDispatcherResourceManagerComponentFactory} does (the same calls, the same services), minus
 * the endpoint, its metric fetcher and the history server archivist that serves it, and its metric registry starts no
 * metric query service, which only the endpoint's metric fetcher asks ({@link NoQueryService}). What that changes:
 * {@link MiniCluster#getRestAddress()} never completes (nothing in a file run asks for it; Flink's {@code
 * MiniClusterClient}, which does, is not used) and no port is bound. Where that is not possible (another Flink whose
 * component constructor differs) or where a job archive directory is configured ({@code jobmanager.archive.fs.dir},
 * archived through the endpoint), the endpoint starts as before, bound to 127.0.0.1 on a free port and serving no
 * handlers ({@link NoHandlers}).
 *
 * <p>It plugs in through Flink's extension points: {@code MiniCluster.createDispatcherResourceManagerComponentFactory},
 * {@code MiniCluster.createMetricRegistry} and a {@link PipelineExecutorServiceLoader} whose executor (under
 * {@link LocalExecutor#NAME}) is, by default, its {@link JobGraphExecutor}: Flink's local executor's work (attached,
 * a per-job cluster of this class), but
 * submitting a job graph made on the client, without checkpoint settings ({@link #jobGraph}), where Flink's local
 * executor submits the stream graph; it notifies no job status listeners
 * ({@code execution.job-status-changed-listeners}, which file runs do not set). {@code -D}{@value
 * #STREAM_GRAPH_PROPERTY}{@code =true} gives Flink's {@link LocalExecutor} instead (made with
 * {@link LocalExecutor#createWithFactory}). {@code -Dkeymem.rest.handlers=true} gives file runs Flink's cluster with
 * its full REST API back; runs over Kafka and the other commands keep it. {@link #sizeManagedMemory} sizes its
 * managed memory (the batch job's sort buffers) by the run's input. A job graph goes to the dispatcher without the
 * Java-serialized copy that Flink's {@code submitJob} makes ({@link #submitJob}).
 */
final class FileRunCluster extends MiniCluster {
    /** System property: {@code true} gives file runs Flink's REST handlers back. */
    static final String HANDLERS_PROPERTY = "keymem.rest.handlers";

    private final Configuration configuration;
    private final PluginManager plugins;

    FileRunCluster(MiniClusterConfiguration configuration) {
        super(configuration);
        this.configuration = configuration.getConfiguration();
        this.plugins = configuration.getPluginManager();
    }

    /** Whether this cluster starts without a REST endpoint ({@link RestlessComponents}). */
    private boolean withoutRest() {
        return RestlessComponents.COMPONENT != null && !configuration.contains(JobManagerOptions.ARCHIVE_DIR);
    }

    @Override
    protected DispatcherResourceManagerComponentFactory createDispatcherResourceManagerComponentFactory() {
        if (withoutRest()) {
            return RestlessComponents.INSTANCE;
        }
        return new DefaultDispatcherResourceManagerComponentFactory(
                DefaultDispatcherRunnerFactory.createSessionRunner(SessionDispatcherFactory.INSTANCE),
                StandaloneResourceManagerFactory.getInstance(), NoHandlers.INSTANCE);
    }

    /**
     * Flink's metric registry (the same configuration and reporters as {@code MiniCluster}'s), but where the cluster
     * has no REST endpoint, without the metric query service ({@link NoQueryService}).
     */
    @Override
    protected MetricRegistryImpl createMetricRegistry(Configuration config, long maximumMessageSizeInBytes) {
        if (!withoutRest()) {
            return super.createMetricRegistry(config, maximumMessageSizeInBytes);
        }
        return new NoQueryService(MetricRegistryConfiguration.fromConfiguration(config, maximumMessageSizeInBytes),
                ReporterSetupBuilder.METRIC_SETUP_BUILDER.fromConfiguration(config,
                        DefaultReporterFilters::metricsFromConfiguration, plugins),
                ReporterSetupBuilder.TRACE_SETUP_BUILDER.fromConfiguration(config,
                        DefaultReporterFilters::tracesFromConfiguration, plugins),
                ReporterSetupBuilder.EVENT_SETUP_BUILDER.fromConfiguration(config,
                        DefaultReporterFilters::eventsFromConfiguration, plugins));
    }

    /**
     * A metric registry that starts no metric query service. The query service is an RPC endpoint that keeps a
     * copy of every metric registered (its scope worked out, the metric added through its mailbox), and serves
     * them to the REST API's metric fetcher alone; a cluster without a REST endpoint has no fetcher, and a 20-record
     * run registered some hundreds of metrics with it (~0.015 CPU s a run). Flink's registry itself runs without one
     * where it cannot start it ("No metrics will be submitted to the WebInterface"): its gateway address is then
     * null, which the dispatcher and the task executors take as "none". Reporters, if configured, get every metric
     * as before. The RPC service the cluster made for the query service is closed with the registry, as Flink's
     * registry closes it.
     */
    private static final class NoQueryService extends MetricRegistryImpl {
        private volatile RpcService unused;

        NoQueryService(MetricRegistryConfiguration configuration, Collection<ReporterSetup> reporters,
                Collection<TraceReporterSetup> traceReporters, Collection<EventReporterSetup> eventReporters) {
            super(configuration, reporters, traceReporters, eventReporters);
        }

        @Override
        public void startQueryService(RpcService rpcService, ResourceID resourceID) {
            unused = rpcService;
        }

        @Override
        public CompletableFuture<Void> closeAsync() {
            CompletableFuture<Void> registry = super.closeAsync();
            RpcService service = unused;
            return service == null ? registry : FutureUtils.completeAll(List.of(registry, service.closeAsync()));
        }
    }

    /** Whether {@link #overrideRestoreModeForChangelogStateBackend} was called (Flink's submission then runs). */
    private volatile boolean restoreModeOverridden;

    @Override
    public void overrideRestoreModeForChangelogStateBackend() {
        restoreModeOverridden = true;
        super.overrideRestoreModeForChangelogStateBackend();
    }

    /**
     * Submits {@code plan} as Flink's {@link MiniCluster#submitJob} does (its files uploaded to the blob server, the
     * dispatcher's {@code submitJob} with the cluster's infinite RPC timeout, the job's id as result), but a {@link
     * JobGraph} goes to the dispatcher as it is, not as a copy. Flink clones every plan through Java serialization
     * first, so that a caller that changes its graph afterwards does not change the dispatcher's; the plans this
     * cluster gets are {@link JobGraphExecutor}'s, made for the one submission and dropped after it (the executor
     * keeps only the job id), so the clone guards nothing here and cost a 20-record run ~0.02 CPU s (the job
     * graph's classes, vertices and configurations written and read once more, their serialization data set up
     * for this alone). A job graph's fields are all serialized ones (no transient state a clone would drop), so the
     * dispatcher sees the same graph. Stream graphs ({@value #STREAM_GRAPH_PROPERTY}) and a cluster whose
     * changelog restore mode was overridden (a Flink test hook) take Flink's path.
     */
    @Override
    public CompletableFuture<JobSubmissionResult> submitJob(ExecutionPlan plan) {
        if (!(plan instanceof JobGraph job) || restoreModeOverridden) {
            return super.submitJob(plan);
        }
        Duration timeout = RpcUtils.INF_TIMEOUT;
        CompletableFuture<DispatcherGateway> dispatcher = getDispatcherGatewayFuture();
        CompletableFuture<InetSocketAddress> blobServer = dispatcher.thenCompose(gateway -> gateway
                .getBlobServerPort(timeout).thenCombine(gateway.getBlobServerAddress(timeout),
                        (port, address) -> new InetSocketAddress(address.getHostName(), port)));
        CompletableFuture<Void> uploaded = blobServer.thenAccept(address -> {
            try {
                ClientUtils.extractAndUploadExecutionPlanFiles(job, () -> new BlobClient(address, configuration));
            } catch (FlinkException e) {
                throw new CompletionException(e);
            }
        });
        return uploaded.thenCombine(dispatcher, (done, gateway) -> gateway.submitJob(job, timeout))
                .thenCompose(Function.identity())
                .thenApply(acknowledged -> new JobSubmissionResult(job.getJobID()));
    }

    /** The dispatcher's gateway (tests). */
    CompletableFuture<DispatcherGateway> dispatcher() {
        return getDispatcherGatewayFuture();
    }

    /** Whether the cluster starts without a REST endpoint (Flink's component constructor was found). */
    static boolean restless() {
        return RestlessComponents.COMPONENT != null;
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

    /**
     * The dispatcher and resource manager of a session cluster, started as Flink 2.2's
     * {@code DefaultDispatcherResourceManagerComponentFactory.create} starts them (session dispatcher runner,
     * standalone resource manager, the same gateway retrievers, operation caches and job manager metric group), but
     * without a REST endpoint: no netty server, no REST executor or metric fetcher, and the history server archivist
     * that would archive through the endpoint is Flink's void one (no archive directory is configured where this is
     * used). The component's REST service is {@link NoRest}. A failure while starting stops what had started, as
     * Flink's does.
     */
    private enum RestlessComponents implements DispatcherResourceManagerComponentFactory {
        INSTANCE;

        /** {@code DispatcherResourceManagerComponent}'s package-private constructor, or null where it differs. */
        static final Constructor<DispatcherResourceManagerComponent> COMPONENT = componentConstructor();

        private static Constructor<DispatcherResourceManagerComponent> componentConstructor() {
            try {
                Constructor<DispatcherResourceManagerComponent> c = DispatcherResourceManagerComponent.class
                        .getDeclaredConstructor(DispatcherRunner.class, ResourceManagerService.class,
                                LeaderRetrievalService.class, LeaderRetrievalService.class, RestService.class,
                                FatalErrorHandler.class, DispatcherOperationCaches.class);
                c.setAccessible(true);
                return c;
            } catch (NoSuchMethodException | RuntimeException e) {
                return null;
            }
        }

        @Override
        public DispatcherResourceManagerComponent create(Configuration configuration, ResourceID resourceId,
                Executor ioExecutor, RpcService rpcService, HighAvailabilityServices haServices, BlobServer blobServer,
                HeartbeatServices heartbeatServices, DelegationTokenManager delegationTokenManager,
                MetricRegistry metricRegistry, ExecutionGraphInfoStore executionGraphInfoStore,
                MetricQueryServiceRetriever metricQueryServiceRetriever, Collection<FailureEnricher> failureEnrichers,
                FatalErrorHandler fatalErrorHandler) throws Exception {
            LeaderRetrievalService dispatcherRetrieval = null;
            LeaderRetrievalService resourceManagerRetrieval = null;
            ResourceManagerService resourceManager = null;
            DispatcherRunner dispatcherRunner = null;
            try {
                dispatcherRetrieval = haServices.getDispatcherLeaderRetriever();
                resourceManagerRetrieval = haServices.getResourceManagerLeaderRetriever();
                RpcGatewayRetriever<DispatcherId, DispatcherGateway> dispatcherGateway = new RpcGatewayRetriever<>(
                        rpcService, DispatcherGateway.class, DispatcherId::fromUuid,
                        new ExponentialBackoffRetryStrategy(12, Duration.ofMillis(10), Duration.ofMillis(50)));
                RpcGatewayRetriever<ResourceManagerId, ResourceManagerGateway> resourceManagerGateway =
                        new RpcGatewayRetriever<>(rpcService, ResourceManagerGateway.class,
                                ResourceManagerId::fromUuid,
                                new ExponentialBackoffRetryStrategy(12, Duration.ofMillis(10), Duration.ofMillis(50)));
                String hostname = RpcUtils.getHostname(rpcService);
                resourceManager = ResourceManagerServiceImpl.create(StandaloneResourceManagerFactory.getInstance(),
                        configuration, resourceId, rpcService, haServices, heartbeatServices, delegationTokenManager,
                        fatalErrorHandler, new ClusterInformation(hostname, blobServer.getPort()), NoRest.URL,
                        metricRegistry, hostname, ioExecutor);
                DispatcherOperationCaches caches = new DispatcherOperationCaches(
                        configuration.get(RestOptions.ASYNC_OPERATION_STORE_DURATION));
                PartialDispatcherServices services = new PartialDispatcherServices(configuration, haServices,
                        resourceManagerGateway, blobServer, heartbeatServices,
                        () -> JobManagerMetricGroup.createJobManagerMetricGroup(metricRegistry, hostname),
                        executionGraphInfoStore, fatalErrorHandler, VoidHistoryServerArchivist.INSTANCE,
                        metricRegistry.getMetricQueryServiceGatewayRpcAddress(), ioExecutor, caches, failureEnrichers);
                dispatcherRunner = DefaultDispatcherRunnerFactory.createSessionRunner(SessionDispatcherFactory.INSTANCE)
                        .createDispatcherRunner(haServices.getDispatcherLeaderElection(), fatalErrorHandler,
                                new HaServicesJobPersistenceComponentFactory(haServices), ioExecutor, rpcService,
                                services);
                resourceManager.start();
                resourceManagerRetrieval.start(resourceManagerGateway);
                dispatcherRetrieval.start(dispatcherGateway);
                return COMPONENT.newInstance(dispatcherRunner, resourceManager, dispatcherRetrieval,
                        resourceManagerRetrieval, NoRest.INSTANCE, fatalErrorHandler, caches);
            } catch (Exception e) {
                Exception failure = e instanceof InvocationTargetException i && i.getCause() instanceof Exception c
                        ? c : e;
                for (LeaderRetrievalService r : new LeaderRetrievalService[] {dispatcherRetrieval,
                        resourceManagerRetrieval}) {
                    if (r != null) {
                        try {
                            r.stop();
                        } catch (Exception stop) {
                            failure.addSuppressed(stop);
                        }
                    }
                }
                List<CompletableFuture<Void>> closing = new ArrayList<>();
                if (resourceManager != null) {
                    closing.add(resourceManager.closeAsync());
                }
                if (dispatcherRunner != null) {
                    closing.add(dispatcherRunner.closeAsync());
                }
                try {
                    FutureUtils.completeAll(closing).get();
                } catch (Exception close) {
                    failure.addSuppressed(close);
                }
                throw new FlinkException(
                        "Could not create the DispatcherResourceManagerComponent.", failure);
            }
        }
    }

    /** The REST service of a cluster that has none: no port, nothing to close. */
    private enum NoRest implements RestService {
        INSTANCE;

        /** The web interface address the resource manager is told of: none. */
        static final String URL = "";

        @Override
        public int getRestPort() {
            return -1;
        }

        @Override
        public CompletableFuture<Void> closeAsync() {
            return CompletableFuture.completedFuture(null);
        }
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
