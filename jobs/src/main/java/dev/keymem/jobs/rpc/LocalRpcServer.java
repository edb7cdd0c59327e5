package dev.keymem.jobs.rpc;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.runtime.rpc.RpcGateway;
import org.apache.flink.runtime.rpc.RpcServer;

/**
 * An endpoint's own server in a {@link LocalRpcSystem}: a plain class, not a {@link java.lang.reflect.Proxy} of all
 * the endpoint's gateways as a Pekko server is. Its {@link RpcServer} methods post to the endpoint's
 * {@link Mailbox} as the gateways' calls do (start, stop, runAsync, scheduleRunAsync, callAsync), and
 * {@link #selfGateway} gives the endpoint's gateway of one type: a {@link LocalGateway} of that one interface (an
 * instance of the class written at build time for Flink's four gateways, else a JDK proxy), made at the first
 * request and kept, whose calls go to the mailbox with the endpoint's fencing token of the moment (as the Pekko
 * server's). Its class is the one {@link LocalRpcService#connect} uses for the same interface, so an endpoint
 * costs no gateway class of its own.
 */
final class LocalRpcServer implements RpcServer {
    private final LocalRpcSystem system;
    final Mailbox mailbox;
    /** The calls' fencing and timeouts, as a gateway's (its proxies are the self gateways). */
    private final LocalInvocationHandler calls;
    private final Map<Class<?>, RpcGateway> selfGateways = new ConcurrentHashMap<>();

    LocalRpcServer(LocalRpcSystem system, Mailbox mailbox, Duration timeout, boolean fenced, Supplier<?> token) {
        this.system = system;
        this.mailbox = mailbox;
        this.calls = new LocalInvocationHandler(system, mailbox, timeout, true, fenced, token);
    }

    /**
     * The endpoint's gateway of type {@code type} (one the endpoint implements): the same object at every request.
     */
    <C extends RpcGateway> C selfGateway(Class<C> type) {
        return type.cast(selfGateways.computeIfAbsent(type, t -> (RpcGateway) LocalGateway.of(t, calls)));
    }

    @Override
    public String getAddress() {
        return mailbox.address;
    }

    @Override
    public String getHostname() {
        return "localhost";
    }

    @Override
    public void start() {
        mailbox.post(Mailbox.Control.START);
    }

    @Override
    public void stop() {
        mailbox.post(Mailbox.Control.STOP);
    }

    @Override
    public CompletableFuture<Void> getTerminationFuture() {
        return mailbox.termination;
    }

    @Override
    public void runAsync(Runnable runnable) {
        mailbox.post(new Mailbox.Run(runnable, calls.fencing()));
    }

    @Override
    public void scheduleRunAsync(Runnable runnable, long delay) {
        if (delay < 0) {
            throw new IllegalArgumentException("delay must be zero or greater");
        }
        Mailbox.Fencing f = calls.fencing();
        if (delay == 0) {
            mailbox.post(new Mailbox.Run(runnable, f));
        } else {
            system.timer.schedule(() -> mailbox.post(new Mailbox.Run(runnable, f)), delay, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public <V> CompletableFuture<V> callAsync(Callable<V> callable, Duration callTimeout) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        String what = "callAsync(" + callable + ")";
        calls.scheduleTimeout(reply, callTimeout, what);
        mailbox.post(new Mailbox.Call(callable, reply, calls.fencing(), what));
        @SuppressWarnings("unchecked")
        CompletableFuture<V> typed = (CompletableFuture<V>) (CompletableFuture<?>) reply;
        return typed;
    }

    @Override
    public String toString() {
        return "RpcServer of " + mailbox.address;
    }
}
