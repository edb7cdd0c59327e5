package dev.keymem.jobs.rpc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.flink.runtime.rpc.FencedRpcGateway;
import org.apache.flink.runtime.rpc.RpcGateway;
import org.apache.flink.runtime.rpc.RpcGatewayUtils;
import org.apache.flink.runtime.rpc.exceptions.RpcException;
import org.apache.flink.util.ExceptionUtils;

/**
 * The gateways' handler ({@link LocalGateway}s and JDK proxies; and the calls of an endpoint's {@link LocalRpcServer}): methods of
 * {@link RpcGateway} are answered here; every other method becomes a message to the endpoint's {@link Mailbox}.
 * Methods returning {@code void} are sent and forgotten, those returning {@link CompletableFuture} return the
 * reply's future, others wait for the reply at most the call's timeout (a {@link TimeoutException}; a failure of
 * the call becomes an {@link RpcException} with its cause, as with Pekko). A call's timeout is its
 * {@code @RpcTimeout} argument where it has one ({@link GatewayTimeouts}), else the service's.
 */
final class LocalInvocationHandler implements java.lang.reflect.InvocationHandler {
    /** Timeouts at least this long are not scheduled (Flink's "infinite" timeouts). */
    private static final long NO_TIMEOUT_MILLIS = TimeUnit.DAYS.toMillis(365);

    private final LocalRpcSystem system;
    private final Mailbox mailbox;
    private final Duration timeout;
    /** Whether the proxy is an endpoint's self gateway (only its toString says so). */
    private final boolean server;
    private final boolean fenced;
    private final Supplier<?> token;

    LocalInvocationHandler(LocalRpcSystem system, Mailbox mailbox, Duration timeout, boolean server, boolean fenced,
                           Supplier<?> token) {
        this.system = system;
        this.mailbox = mailbox;
        this.timeout = timeout;
        this.server = server;
        this.fenced = fenced;
        this.token = token;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Class<?> declaring = method.getDeclaringClass();
        if (declaring == Object.class) {
            return switch (method.getName()) {
                case "equals" -> args[0] instanceof LocalGateway g ? g.gatewayHandler == this
                        : args[0] != null && Proxy.isProxyClass(args[0].getClass())
                        && Proxy.getInvocationHandler(args[0]) == this;
                case "hashCode" -> System.identityHashCode(this);
                case "toString" -> (server ? "self gateway" : "RpcGateway") + " of " + mailbox.address;
                default -> method.invoke(this, args);
            };
        }
        if (declaring == RpcGateway.class) {
            return method.getName().equals("getAddress") ? mailbox.address : "localhost";
        }
        if (declaring == FencedRpcGateway.class) {
            if (!fenced) {
                throw new UnsupportedOperationException("FencedRpcGateway#" + method.getName() + " on a gateway "
                        + "retrieved without a fencing token: use RpcService#connect(String, F, Class)");
            }
            return token.get();
        }
        return call(method, args);
    }

    Mailbox.Fencing fencing() {
        return fenced ? new Mailbox.Fencing(token.get()) : null;
    }

    private Object call(Method method, Object[] args) throws Exception {
        Class<?> returns = method.getReturnType();
        String what = method.getDeclaringClass().getSimpleName() + "." + method.getName();
        if (returns == Void.TYPE) {
            mailbox.post(new Mailbox.Invoke(method, args, null, fencing(), what));
            return null;
        }
        Duration callTimeout = RpcGatewayUtils.extractRpcTimeout(GatewayTimeouts.parameterAnnotations(method), args,
                timeout);
        CompletableFuture<Object> reply = new CompletableFuture<>();
        scheduleTimeout(reply, callTimeout, what);
        mailbox.post(new Mailbox.Invoke(method, args, reply, fencing(), what));
        if (returns == CompletableFuture.class) {
            return reply;
        }
        try {
            return reply.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new RpcException("Failure while obtaining synchronous RPC result.",
                    ExceptionUtils.stripExecutionException(e));
        }
    }

    /** Fails {@code reply} with a {@link TimeoutException} when it is not completed within {@code t}. */
    void scheduleTimeout(CompletableFuture<Object> reply, Duration t, String what) {
        long ms = t.toMillis();
        if (ms >= NO_TIMEOUT_MILLIS) {
            return;
        }
        try {
            ScheduledFuture<?> timer = system.timer.schedule(() -> system.completeLater(reply, null,
                    new TimeoutException("Invocation of [" + what + "] at recipient [" + mailbox.address
                            + "] timed out after " + ms + " ms.")), ms, TimeUnit.MILLISECONDS);
            reply.whenComplete((v, e) -> timer.cancel(false));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the system is closed: the mailbox rejects the call
        }
    }

    static Throwable unwrap(Throwable t) {
        Throwable s = ExceptionUtils.stripCompletionException(t);
        return s instanceof InvocationTargetException i && i.getTargetException() != null ? i.getTargetException() : s;
    }
}
