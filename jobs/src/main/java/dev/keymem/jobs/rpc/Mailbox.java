package dev.keymem.jobs.rpc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.runtime.rpc.FencedRpcEndpoint;
import org.apache.flink.runtime.rpc.MainThreadValidatorUtil;
import org.apache.flink.runtime.rpc.RpcEndpoint;
import org.apache.flink.runtime.rpc.exceptions.EndpointNotStartedException;
import org.apache.flink.runtime.rpc.exceptions.FencingTokenException;
import org.apache.flink.runtime.rpc.exceptions.RecipientUnreachableException;
import org.apache.flink.runtime.rpc.exceptions.RpcConnectionException;
import org.apache.flink.runtime.rpc.exceptions.RpcException;
import org.apache.flink.runtime.rpc.exceptions.RpcRuntimeException;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An endpoint's main thread: a queue of messages that the system's workers run one at a time, in the order they
 * were posted, each between {@link MainThreadValidatorUtil#enterMainThread()} and
 * {@link MainThreadValidatorUtil#exitMainThread()} and with Flink's class loader as the thread's context class
 * loader. At most {@value #BATCH} messages per turn on a worker, then the worker goes back to the pool.
 *
 * <p>States as Flink's {@code PekkoRpcActor}: STOPPED (calls fail with {@link EndpointNotStartedException},
 * runnables are dropped) until START, which runs {@link RpcEndpoint#internalCallOnStart()}; STARTED runs
 * messages; STOP goes back to STOPPED; TERMINATE of a started endpoint runs
 * {@link RpcEndpoint#internalCallOnStop()} and keeps running messages (TERMINATING) until the future it returned
 * completes; then TERMINATED: the endpoint leaves the system's address book, its termination future completes
 * (with the stop's failure, if any), and later calls fail with {@link RecipientUnreachableException}. A start that
 * throws terminates the endpoint with that failure.
 */
final class Mailbox implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    /** Messages run per turn on a worker thread. */
    static final int BATCH = 32;

    enum Control { START, STOP, TERMINATE }

    private enum State { STOPPED, STARTED, TERMINATING, TERMINATED }

    /** The fencing token a message was sent with (null field: sent with a null token). */
    record Fencing(Object token) {
    }

    /** A message that runs code of the endpoint: fenced or not, with a reply or not. */
    sealed interface Work permits Invoke, Run, Call {
        Fencing fencing();

        CompletableFuture<Object> reply();

        String describe();
    }

    /** A gateway method call; {@code reply} null for a void method. */
    record Invoke(Method method, Object[] args, CompletableFuture<Object> reply, Fencing fencing, String what)
            implements Work {
        @Override
        public String describe() {
            return what;
        }
    }

    /** runAsync. */
    record Run(Runnable runnable, Fencing fencing) implements Work {
        @Override
        public CompletableFuture<Object> reply() {
            return null;
        }

        @Override
        public String describe() {
            return "runAsync(" + runnable + ")";
        }
    }

    /** callAsync. */
    record Call(Callable<?> callable, CompletableFuture<Object> reply, Fencing fencing, String what) implements Work {
        @Override
        public String describe() {
            return what;
        }
    }

    final LocalRpcSystem system;
    final RpcEndpoint endpoint;
    final String address;
    final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final LocalRpcService service;
    private final MainThreadValidatorUtil validator;
    private final boolean fenced;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ConcurrentHashMap<Method, Method> targets = new ConcurrentHashMap<>();
    /** Written by the running turn only. */
    private volatile State state = State.STOPPED;
    /** Set once the stop's future completed: the next turn terminates the endpoint. */
    private volatile boolean finishing;
    private volatile Throwable finishFailure;

    Mailbox(LocalRpcSystem system, LocalRpcService service, RpcEndpoint endpoint, String address) {
        this.system = system;
        this.service = service;
        this.endpoint = endpoint;
        this.address = address;
        this.validator = new MainThreadValidatorUtil(endpoint);
        this.fenced = endpoint instanceof FencedRpcEndpoint;
    }

    /** Queues {@code message} (a {@link Control} or a {@link Work}). */
    void post(Object message) {
        queue.add(message);
        schedule();
    }

    /** Queues TERMINATE; the endpoint's termination future. */
    CompletableFuture<Void> terminate() {
        post(Control.TERMINATE);
        return termination;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                system.workers.execute(this);
            } catch (RejectedExecutionException closed) {
                // the system is closed: nothing runs any more; answer what waits
                scheduled.set(false);
                Object m;
                while ((m = queue.poll()) != null) {
                    if (m instanceof Work w) {
                        unreachable(w);
                    }
                }
            }
        }
    }

    /** One turn: up to {@value #BATCH} messages. */
    @Override
    public void run() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(system.flinkClassLoader);
        Throwable fatal = null;
        try {
            for (int i = 0; i < BATCH; i++) {
                if (finishing && state != State.TERMINATED) {
                    finishTermination();
                }
                Object m = queue.poll();
                if (m == null) {
                    break;
                }
                try {
                    handle(m);
                } catch (Throwable t) {
                    if (ExceptionUtils.isJvmFatalOrOutOfMemoryError(t)) {
                        fatal = t;
                        break;
                    }
                    LOG.error("Unexpected error in the main thread of {}", address, t);
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
            scheduled.set(false);
            if (!queue.isEmpty() || (finishing && state != State.TERMINATED)) {
                schedule();
            }
        }
        if (fatal != null) {
            ExceptionUtils.rethrow(fatal);
        }
    }

    private void handle(Object m) {
        if (m instanceof Control c) {
            control(c);
            return;
        }
        Work w = (Work) m;
        switch (state) {
            case STARTED, TERMINATING -> {
                if (admitted(w)) {
                    validator.enterMainThread();
                    try {
                        work(w);
                    } finally {
                        validator.exitMainThread();
                    }
                }
            }
            case STOPPED -> {
                LOG.info("The rpc endpoint {} has not been started yet. Discarding message {} until processing is "
                        + "started.", endpoint.getClass().getName(), w.describe());
                fail(w, new EndpointNotStartedException(String.format("Discard message %s, because the rpc "
                        + "endpoint %s has not been started yet.", w.describe(), address)));
            }
            case TERMINATED -> unreachable(w);
        }
    }

    private void control(Control c) {
        switch (c) {
            case START -> {
                if (state == State.STOPPED) {
                    state = State.STARTED;
                    validator.enterMainThread();
                    try {
                        endpoint.internalCallOnStart();
                    } catch (Throwable t) {
                        requestFinish(new RpcException(String.format("Could not start RpcEndpoint %s.",
                                endpoint.getEndpointId()), t));
                    } finally {
                        validator.exitMainThread();
                    }
                }
            }
            case STOP -> {
                if (state == State.STARTED) {
                    state = State.STOPPED;
                }
            }
            case TERMINATE -> {
                if (state == State.STARTED) {
                    state = State.TERMINATING;
                    CompletableFuture<Void> stopped;
                    validator.enterMainThread();
                    try {
                        stopped = endpoint.internalCallOnStop();
                    } catch (Throwable t) {
                        stopped = CompletableFuture.failedFuture(new RpcException(String.format(
                                "Failure while stopping RpcEndpoint %s.", endpoint.getEndpointId()), t));
                    } finally {
                        validator.exitMainThread();
                    }
                    stopped.whenComplete((v, t) -> requestFinish(t));
                } else if (state == State.STOPPED) {
                    state = State.TERMINATING;
                    requestFinish(null);
                }
            }
        }
    }

    private void requestFinish(Throwable failure) {
        if (!finishing) {
            finishFailure = failure;
            finishing = true;
            schedule();
        }
    }

    private void finishTermination() {
        state = State.TERMINATED;
        system.endpoints.remove(address, this);
        service.terminated(this);
        Throwable t = finishFailure;
        if (t == null) {
            LOG.debug("The RpcEndpoint {} terminated successfully.", endpoint.getEndpointId());
        } else {
            LOG.info("The RpcEndpoint {} failed.", endpoint.getEndpointId(), t);
        }
        system.completeLater(termination, null, t == null ? null : ExceptionUtils.stripCompletionException(t));
    }

    /** Whether a fenced endpoint accepts {@code w} (else its caller is told why). */
    private boolean admitted(Work w) {
        if (!fenced) {
            if (w.fencing() != null) {
                fail(w, new FencingTokenException("Ignoring fenced message " + w.describe() + " sent to "
                        + address + ", which is not a fenced endpoint."));
                return false;
            }
            return true;
        }
        if (w.fencing() == null) {
            // as Pekko's UnknownMessageException, an RpcRuntimeException
            fail(w, new RpcRuntimeException("Unknown message type: Ignoring message " + w.describe()
                    + " because it is not fenced (" + address + " is a fenced endpoint)."));
            return false;
        }
        Object expected = ((FencedRpcEndpoint<?>) endpoint).getFencingToken();
        if (expected == null) {
            fail(w, new FencingTokenException(String.format("Fencing token not set: Ignoring message %s sent to %s "
                    + "because the fencing token is null.", w.describe(), address)));
            return false;
        }
        Object token = w.fencing().token();
        if (!Objects.equals(expected, token)) {
            fail(w, new FencingTokenException("Fencing token mismatch: Ignoring message " + w.describe()
                    + " because the fencing token " + token + " did not match the expected fencing token "
                    + expected + '.'));
            return false;
        }
        return true;
    }

    private void work(Work w) {
        if (w instanceof Run r) {
            try {
                r.runnable().run();
            } catch (Throwable t) {
                LOG.error("Caught exception while executing runnable in main thread.", t);
                ExceptionUtils.rethrowIfFatalErrorOrOOM(t);
            }
        } else if (w instanceof Call c) {
            Object result;
            try {
                result = c.callable().call();
            } catch (Throwable t) {
                fail(c, t);
                return;
            }
            reply(c.reply(), result, null);
        } else {
            invoke((Invoke) w);
        }
    }

    private void invoke(Invoke m) {
        Method target;
        try {
            target = targets.computeIfAbsent(m.method(), this::target);
        } catch (IllegalStateException e) {
            LOG.error("Could not find rpc method for rpc invocation.", e.getCause());
            fail(m, new RpcConnectionException("Could not find rpc method for rpc invocation.", e.getCause()));
            return;
        }
        Object result;
        try {
            result = target.invoke(endpoint, m.args());
        } catch (InvocationTargetException e) {
            if (m.reply() == null) {
                LOG.error("Error while executing remote procedure call {}.", target, e.getTargetException());
                ExceptionUtils.rethrowIfFatalErrorOrOOM(e.getTargetException());
            } else {
                LOG.debug("Reporting back error thrown in remote procedure {}", target, e);
                fail(m, e.getTargetException());
            }
            return;
        } catch (Throwable t) {
            LOG.error("Error while executing remote procedure call {}.", target, t);
            fail(m, t);
            return;
        }
        if (m.reply() == null) {
            return;
        }
        if (result instanceof CompletableFuture<?> f) {
            f.whenComplete((v, t) -> reply(m.reply(), v, t));
        } else {
            reply(m.reply(), result, null);
        }
    }

    /** The endpoint's implementation of gateway method {@code m}, made accessible (anonymous classes). */
    private Method target(Method m) {
        try {
            Method t = endpoint.getClass().getMethod(m.getName(), m.getParameterTypes());
            t.setAccessible(true);
            return t;
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalStateException(e);
        }
    }

    private void reply(CompletableFuture<Object> reply, Object value, Throwable failure) {
        if (reply != null && !reply.isDone()) {
            system.completeLater(reply, value, failure == null ? null : LocalInvocationHandler.unwrap(failure));
        }
    }

    private void fail(Work w, Throwable failure) {
        reply(w.reply(), null, failure);
    }

    private void unreachable(Work w) {
        if (w.reply() != null) {
            fail(w, new RecipientUnreachableException("unknown", address, w.describe()));
        } else {
            LOG.debug("Dropping {} sent to the terminated endpoint {}", w.describe(), address);
        }
    }

    @Override
    public String toString() {
        return "Mailbox of " + address + " (" + state + ")";
    }
}
