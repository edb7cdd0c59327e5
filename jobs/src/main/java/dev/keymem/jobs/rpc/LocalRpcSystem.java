package dev.keymem.jobs.rpc;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RpcOptions;
import org.apache.flink.runtime.rpc.AddressResolution;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.shaded.netty4.io.netty.util.internal.logging.InternalLoggerFactory;
import org.apache.flink.shaded.netty4.io.netty.util.internal.logging.Slf4JLoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An RPC system for Flink clusters whose components all run in this JVM (an embedded MiniCluster with its
 * default shared, local RPC services): endpoints are called through gateways that behave as
 * {@link java.lang.reflect.Proxy} instances ({@code LocalGateway}: one class per gateway interface, written at
 * build time for Flink's four; an endpoint's own server is a plain {@code LocalRpcServer}) that hand
 * each call to the endpoint's mailbox, which a small pool of threads runs one message at a time
 * (the endpoint's main thread, as Flink's Pekko actors do), without Pekko's actor systems, configuration,
 * class loader or dispatchers.
 *
 * <p>The contract is that of Flink's Pekko RPC system for local calls (its {@code PekkoInvocationHandler} and
 * {@code PekkoRpcActor}): a gateway method returning {@code void} is fire and forget; one returning a
 * {@link CompletableFuture} returns at once with a future completed when the endpoint's result is (or with a
 * {@link java.util.concurrent.TimeoutException} after the call's timeout: the {@code @RpcTimeout} argument, else
 * {@link RpcOptions#ASK_TIMEOUT_DURATION}); any other result type blocks the caller for at most the timeout.
 * Messages to one endpoint run in the order they were sent, each between
 * {@link org.apache.flink.runtime.rpc.MainThreadValidatorUtil#enterMainThread()} and {@code exitMainThread()};
 * fenced endpoints reject calls without their fencing token ({@link
 * org.apache.flink.runtime.rpc.exceptions.FencingTokenException}); calls to an endpoint not yet started fail
 * with {@link org.apache.flink.runtime.rpc.exceptions.EndpointNotStartedException}, to one that has terminated
 * with {@link org.apache.flink.runtime.rpc.exceptions.RecipientUnreachableException}. Futures handed to callers
 * are completed on the system's worker threads, never inside another endpoint's main thread. Arguments and
 * results are passed by reference (as Pekko does for local calls).
 *
 * <p>Only local services: {@link #remoteServiceBuilder} refuses (a cluster across processes needs Pekko).
 * Selected by {@link #ENABLED} (memctl's file runs set it; {@code dev.keymem.jobs.cli.MemctlRpcSystemLoader}
 * loads this system when it is set) or the system property {@value #PROPERTY}{@code =true}.
 */
@Internal
public final class LocalRpcSystem implements RpcSystem {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRpcSystem.class);

    /** Whether a cluster built with this configuration uses this RPC system instead of Pekko. */
    public static final ConfigOption<Boolean> ENABLED = ConfigOptions.key("keymem.rpc.local")
            .booleanType()
            .defaultValue(false)
            .withDescription("Run the embedded cluster's RPC in this JVM without Pekko (keymem's in-JVM RPC "
                    + "system): for clusters whose components all run in one JVM (a local MiniCluster). Remote "
                    + "RPC services are refused.");

    /** The system property that selects this system where the configuration does not. */
    public static final String PROPERTY = "keymem.rpc.local";

    /** The scheme of this system's endpoint addresses. */
    static final String SCHEME = "keymem-local";

    private static final AtomicInteger SYSTEMS = new AtomicInteger();

    /** How many systems this JVM has created (tests: which RPC system a cluster got). */
    static int created() {
        return SYSTEMS.get();
    }

    /** Whether {@code config} (or, where it does not say, the system property) asks for this system. */
    public static boolean requested(Configuration config) {
        return config.getOptional(ENABLED).orElseGet(() -> Boolean.getBoolean(PROPERTY));
    }

    final ClassLoader flinkClassLoader = RpcSystem.class.getClassLoader();
    final ThreadPoolExecutor workers;
    final ScheduledThreadPoolExecutor timer;
    /** Every endpoint of every service of this system, by address. */
    final ConcurrentHashMap<String, Mailbox> endpoints = new ConcurrentHashMap<>();
    private final AtomicInteger services = new AtomicInteger();
    private final String name;

    static {
        // as Flink's PekkoUtils does when the Pekko RPC system loads: Flink's (shaded) Netty logs through SLF4J,
        // else Netty picks Log4j 2's API, which has no provider in memctl and says so on stderr
        InternalLoggerFactory.setDefaultFactory(Slf4JLoggerFactory.INSTANCE);
    }

    public LocalRpcSystem() {
        name = "keymem-rpc-" + SYSTEMS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory workerThreads = r -> thread(r, name + "-" + threads.incrementAndGet());
        // as many threads as calls in flight (a blocking call holds one), idle ones ending after 30 s
        workers = new ThreadPoolExecutor(2, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                workerThreads);
        workers.allowCoreThreadTimeOut(true);
        timer = new ScheduledThreadPoolExecutor(1, r -> thread(r, name + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timer.setKeepAliveTime(30, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    private Thread thread(Runnable r, String threadName) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        t.setContextClassLoader(flinkClassLoader);
        t.setUncaughtExceptionHandler((th, e) -> LOG.error("Uncaught error in {}", th.getName(), e));
        return t;
    }

    @Override
    public RpcServiceBuilder localServiceBuilder(Configuration config) {
        return new Builder(config);
    }

    /** Refuses: this system has no network transport. */
    @Override
    public RpcServiceBuilder remoteServiceBuilder(Configuration config, String externalAddress,
                                                  String externalPortRange) {
        throw new UnsupportedOperationException("keymem's in-JVM RPC system (" + ENABLED.key() + "=true) serves "
                + "only local RPC services of a cluster inside one JVM, not a remote one (external address "
                + externalAddress + ", ports " + externalPortRange + "): set " + ENABLED.key()
                + "=false to use Flink's Pekko RPC system");
    }

    @Override
    public String getRpcUrl(String hostname, int port, String endpointName, AddressResolution addressResolution,
                            Configuration config) {
        return SCHEME + "://" + hostname + ":" + port + "/" + endpointName;
    }

    @Override
    public InetSocketAddress getInetSocketAddressFromRpcUrl(String url) throws Exception {
        try {
            URI u = new URI(url);
            if (SCHEME.equals(u.getScheme()) && u.getHost() != null && u.getPort() >= 0) {
                return new InetSocketAddress(u.getHost(), u.getPort());
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an RPC address: " + url, e);
        }
        throw new IllegalArgumentException("the in-JVM RPC address " + url + " has no host and port");
    }

    @Override
    public long getMaximumMessageSizeInBytes(Configuration config) {
        // nothing is serialized here, but Flink bounds e.g. metric dumps by it: the same bound as Pekko's
        return MemorySize.parse(config.get(RpcOptions.FRAMESIZE)).getBytes();
    }

    /** Stops the worker and timer threads (after the services: messages still queued then are not run). */
    @Override
    public void close() {
        workers.shutdown();
        timer.shutdownNow();
    }

    /** Completes {@code f} on a worker thread (on this thread once the system is closed). */
    <T> void completeLater(CompletableFuture<T> f, T value, Throwable failure) {
        Runnable r = failure == null ? () -> f.complete(value) : () -> f.completeExceptionally(failure);
        try {
            workers.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }

    /** Runs {@code r} on a worker thread (on this thread once the system is closed). */
    void runLater(Runnable r) {
        try {
            workers.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }

    private final class Builder implements RpcServiceBuilder {
        private final Configuration config;
        private String component = "rpc";

        Builder(Configuration config) {
            this.config = config;
        }

        @Override
        public RpcServiceBuilder withComponentName(String name) {
            component = name;
            return this;
        }

        @Override
        public RpcServiceBuilder withBindAddress(String bindAddress) {
            return this; // nothing to bind
        }

        @Override
        public RpcServiceBuilder withBindPort(int bindPort) {
            return this;
        }

        @Override
        public RpcServiceBuilder withExecutorConfiguration(FixedThreadPoolExecutorConfiguration c) {
            return this; // the system's workers serve every service
        }

        @Override
        public RpcServiceBuilder withExecutorConfiguration(ForkJoinExecutorConfiguration c) {
            return this;
        }

        @Override
        public RpcService createAndStart() {
            return new LocalRpcService(LocalRpcSystem.this, name + "/" + component + "-"
                    + services.incrementAndGet(), config.get(RpcOptions.ASK_TIMEOUT_DURATION));
        }
    }
}
