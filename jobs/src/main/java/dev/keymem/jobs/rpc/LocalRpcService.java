package dev.keymem.jobs.rpc;

import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.rpc.FencedRpcEndpoint;
import org.apache.flink.runtime.rpc.FencedRpcGateway;
import org.apache.flink.runtime.rpc.RpcEndpoint;
import org.apache.flink.runtime.rpc.RpcGateway;
import org.apache.flink.runtime.rpc.RpcServer;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.exceptions.HandshakeException;
import org.apache.flink.runtime.rpc.exceptions.RpcConnectionException;
import org.apache.flink.runtime.rpc.exceptions.RpcRuntimeException;
import org.apache.flink.util.concurrent.FutureUtils;
import org.apache.flink.util.concurrent.ScheduledExecutor;

/**
 * One RPC service of a {@link LocalRpcSystem}: starts and stops endpoints (each with its {@link Mailbox}) and
 * connects to any endpoint of the system by address. Its address is empty and its port -1, as a local Pekko
 * service's are. Closing it terminates its endpoints; its termination future completes when all have.
 */
final class LocalRpcService implements RpcService {
    private final LocalRpcSystem system;
    private final String name;
    private final Duration timeout;
    private final Object lock = new Object();
    /** This service's running endpoints, by address; guarded by {@link #lock}. */
    private final Map<String, Mailbox> running = new LinkedHashMap<>();
    private boolean stopped;
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final ScheduledExecutor scheduled;

    LocalRpcService(LocalRpcSystem system, String name, Duration timeout) {
        this.system = system;
        this.name = name;
        this.timeout = timeout;
        this.scheduled = new Scheduled(system);
    }

    @Override
    public String getAddress() {
        return ""; // as a local Pekko service: no host
    }

    @Override
    public int getPort() {
        return -1;
    }

    @Override
    public <C extends RpcGateway> C getSelfGateway(Class<C> selfGatewayType, RpcServer rpcServer) {
        if (selfGatewayType.isInstance(rpcServer)) {
            return selfGatewayType.cast(rpcServer);
        }
        if (rpcServer instanceof LocalRpcServer s && selfGatewayType.isInterface()
                && selfGatewayType.isInstance(s.mailbox.endpoint)) {
            return s.selfGateway(selfGatewayType);
        }
        throw new ClassCastException("RpcEndpoint does not implement the RpcGateway interface of type "
                + selfGatewayType + '.');
    }

    @Override
    public <C extends RpcGateway> CompletableFuture<C> connect(String address, Class<C> clazz) {
        return connect(address, clazz, null, false);
    }

    @Override
    public <F extends Serializable, C extends FencedRpcGateway<F>> CompletableFuture<C> connect(
            String address, F fencingToken, Class<C> clazz) {
        return connect(address, clazz, fencingToken, true);
    }

    private <C extends RpcGateway> CompletableFuture<C> connect(String address, Class<C> clazz, Object token,
                                                                boolean fenced) {
        synchronized (lock) {
            if (stopped) {
                throw new IllegalStateException("RpcService is stopped");
            }
        }
        CompletableFuture<C> result = new CompletableFuture<>();
        Mailbox target = address == null ? null : system.endpoints.get(address);
        if (target == null) {
            system.completeLater(result, null, new RpcConnectionException("Could not connect to rpc endpoint under "
                    + "address " + address + '.'));
        } else if (!clazz.isInstance(target.endpoint)) {
            system.completeLater(result, null, new RpcConnectionException("Could not connect to rpc endpoint under "
                    + "address " + address + '.', new HandshakeException("The rpc endpoint does not support the "
                    + "gateway " + clazz.getSimpleName() + '.')));
        } else {
            InvocationHandler h = new LocalInvocationHandler(system, target, timeout, false, fenced,
                    fenced ? () -> token : null);
            C gateway = LocalGateway.of(clazz, h);
            system.completeLater(result, gateway, null);
        }
        return result;
    }

    @Override
    public <C extends RpcEndpoint & RpcGateway> RpcServer startServer(C endpoint, Map<String, String> loggingContext) {
        String address = LocalRpcSystem.SCHEME + "://" + name + "/" + endpoint.getEndpointId();
        Mailbox mailbox = new Mailbox(system, this, endpoint, address);
        synchronized (lock) {
            if (stopped) {
                throw new IllegalStateException("RpcService is stopped");
            }
            if (system.endpoints.putIfAbsent(address, mailbox) != null) {
                throw new RpcRuntimeException("Could not start the RPC endpoint " + endpoint.getEndpointId()
                        + ": an endpoint of that name runs in " + name);
            }
            running.put(address, mailbox);
        }
        boolean fenced = endpoint instanceof FencedRpcEndpoint;
        FencedRpcEndpoint<?> f = fenced ? (FencedRpcEndpoint<?>) endpoint : null;
        // the token read at each call: the endpoint's constructor has not set it yet while it starts its server
        return new LocalRpcServer(system, mailbox, timeout, fenced, fenced ? f::getFencingToken : null);
    }

    @Override
    public void stopServer(RpcServer server) {
        if (!(server instanceof LocalRpcServer s)) {
            return;
        }
        Mailbox mailbox;
        synchronized (lock) {
            if (stopped) {
                return;
            }
            mailbox = running.remove(s.mailbox.address);
        }
        if (mailbox != null) {
            mailbox.terminate();
        }
    }

    /** A mailbox's endpoint has terminated. */
    void terminated(Mailbox mailbox) {
        synchronized (lock) {
            running.remove(mailbox.address, mailbox);
        }
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        List<Mailbox> endpoints;
        synchronized (lock) {
            if (stopped) {
                return termination;
            }
            stopped = true;
            endpoints = new ArrayList<>(running.values());
            running.clear();
        }
        List<CompletableFuture<Void>> terminations = new ArrayList<>(endpoints.size());
        for (Mailbox m : endpoints) {
            terminations.add(m.terminate());
        }
        FutureUtils.waitForAll(terminations).whenComplete((v, t) -> {
            if (t == null) {
                termination.complete(null);
            } else {
                termination.completeExceptionally(t);
            }
        });
        return termination;
    }

    @Override
    public ScheduledExecutor getScheduledExecutor() {
        return scheduled;
    }

    @Override
    public String toString() {
        return "LocalRpcService " + name;
    }

    /**
     * The service's scheduled executor: the system's timer thread waits, the workers run (periodic tasks and
     * callables run on the timer thread itself).
     */
    private static final class Scheduled implements ScheduledExecutor {
        private final LocalRpcSystem system;

        Scheduled(LocalRpcSystem system) {
            this.system = system;
        }

        @Override
        public void execute(Runnable command) {
            system.workers.execute(command);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return system.timer.schedule(() -> system.runLater(command), delay, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return system.timer.schedule(callable, delay, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
                                                      TimeUnit unit) {
            return system.timer.scheduleAtFixedRate(command, initialDelay, period, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                         TimeUnit unit) {
            return system.timer.scheduleWithFixedDelay(command, initialDelay, delay, unit);
        }
    }
}
