package dev.keymem.jobs.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.runtime.dispatcher.DispatcherGateway;
import org.apache.flink.runtime.jobmaster.JobMasterGateway;
import org.apache.flink.runtime.resourcemanager.ResourceManagerGateway;
import org.apache.flink.runtime.rpc.RpcGateway;
import org.apache.flink.runtime.taskexecutor.TaskExecutorGateway;
import org.junit.jupiter.api.Test;

/**
 * The gateway classes written at build time answer every method of Flink's four gateway interfaces as the JDK's
 * proxy of that interface does, with the same handler behaviour: the handler sees the gateway itself, an equal
 * {@link Method} (same declaring class) and equal arguments (null for none); results, wrong result types, nulls
 * for primitives and every kind of throwable come out alike.
 */
class LocalGatewayTest {
    private static final List<Class<?>> GATEWAYS = List.of(DispatcherGateway.class, JobMasterGateway.class,
            ResourceManagerGateway.class, TaskExecutorGateway.class);

    /** What the handler does at a call. */
    private enum Answer { VALUE, NULL, WRONG_TYPE, RUNTIME, CHECKED, ERROR }

    /** Records each call and answers as told. */
    private static final class Recording implements InvocationHandler {
        Object proxy;
        Method method;
        Object[] args;
        Answer answer = Answer.VALUE;
        final RuntimeException runtime = new IllegalStateException("runtime");
        final Exception checked = new Exception("checked");
        final Error error = new AssertionError("error");
        final CompletableFuture<Object> future = new CompletableFuture<>();

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            this.proxy = proxy;
            this.method = method;
            this.args = args;
            return switch (answer) {
                case VALUE -> value(method.getReturnType());
                case NULL -> null;
                case WRONG_TYPE -> new Object();
                case RUNTIME -> throw runtime;
                case CHECKED -> throw checked;
                case ERROR -> throw error;
            };
        }

        Object value(Class<?> r) {
            if (r == void.class) {
                return null;
            } else if (r.isPrimitive()) {
                return box(r, 3);
            } else if (r.isInstance(future)) {
                return future;
            } else if (r.isAssignableFrom(String.class)) {
                return "value";
            }
            return null;
        }
    }

    /** The outcome of one call: a result or the throwable and its cause. */
    private record Outcome(Object result, Class<?> thrown, Throwable cause, Throwable itself) {
    }

    private static Outcome call(Object target, Method m, Object[] args) {
        try {
            return new Outcome(m.invoke(target, args), null, null, null);
        } catch (InvocationTargetException e) {
            Throwable t = e.getTargetException();
            return new Outcome(null, t.getClass(), t.getCause(), t);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static Object box(Class<?> p, int i) {
        if (p == int.class) {
            return 10 + i;
        } else if (p == long.class) {
            return 100L + i;
        } else if (p == boolean.class) {
            return i % 2 == 0;
        } else if (p == double.class) {
            return 0.5 + i;
        } else if (p == float.class) {
            return 1.5f + i;
        } else if (p == short.class) {
            return (short) (20 + i);
        } else if (p == byte.class) {
            return (byte) (30 + i);
        } else if (p == char.class) {
            return (char) ('a' + i);
        }
        throw new IllegalArgumentException(p.getName());
    }

    private static Object[] arguments(Method m) {
        Class<?>[] ps = m.getParameterTypes();
        Object[] args = new Object[ps.length];
        for (int i = 0; i < ps.length; i++) {
            if (ps[i].isPrimitive()) {
                args[i] = box(ps[i], i);
            } else if (ps[i].isInstance(Duration.ofSeconds(i + 1))) {
                args[i] = Duration.ofSeconds(i + 1);
            } else if (ps[i].isAssignableFrom(String.class)) {
                args[i] = "arg" + i;
            }
        }
        return args;
    }

    private static List<Method> methodsOf(Class<?> iface) throws NoSuchMethodException {
        List<Method> methods = new ArrayList<>();
        for (Method m : iface.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers())) {
                methods.add(m);
            }
        }
        methods.add(Object.class.getMethod("equals", Object.class));
        methods.add(Object.class.getMethod("hashCode"));
        methods.add(Object.class.getMethod("toString"));
        return methods;
    }

    @Test
    void everyGatewayMethodIsAnsweredAsTheJdkProxyAnswersIt() throws Exception {
        int calls = 0;
        for (Class<?> iface : GATEWAYS) {
            Recording ours = new Recording();
            Recording theirs = new Recording();
            Object gateway = LocalGateway.of(iface, ours);
            Object proxy = Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, theirs);
            assertFalse(Proxy.isProxyClass(gateway.getClass()), iface.getName());
            assertEquals(LocalGateway.generatedName(iface), gateway.getClass().getName());
            for (Method m : methodsOf(iface)) {
                Object[] args = arguments(m);
                for (Answer a : Answer.values()) {
                    ours.answer = a;
                    theirs.answer = a;
                    ours.method = theirs.method = null;
                    Outcome o = call(gateway, m, args.length == 0 ? null : args.clone());
                    Outcome p = call(proxy, m, args.length == 0 ? null : args.clone());
                    String what = iface.getSimpleName() + " " + m + " " + a;
                    assertSame(gateway, ours.proxy, what);
                    assertSame(proxy, theirs.proxy, what);
                    assertEquals(theirs.method, ours.method, what);
                    assertSame(theirs.method.getDeclaringClass(), ours.method.getDeclaringClass(), what);
                    if (theirs.args == null) {
                        assertNull(ours.args, what + ": no arguments, null as the proxy's");
                    } else {
                        assertArrayEquals(theirs.args, ours.args, what);
                    }
                    assertEquals(p.thrown(), o.thrown(), what);
                    if (p.thrown() == null) {
                        assertEquals(p.result() == theirs.future ? ours.future : p.result(), o.result(), what);
                    } else if (p.itself() == theirs.runtime || p.itself() == theirs.checked
                            || p.itself() == theirs.error) {
                        assertSame(a == Answer.RUNTIME ? ours.runtime : a == Answer.CHECKED ? ours.checked
                                : ours.error, o.itself(), what + ": thrown as is");
                    } else if (p.cause() == theirs.checked) {
                        assertSame(ours.checked, o.cause(), what + ": wrapped");
                    } else {
                        assertNull(p.cause(), what + " " + p);
                    }
                    calls++;
                }
            }
        }
        // Flink 2.2.1: 136 methods over the four gateways plus Object's three each, six answers each: a new Flink
        // shows its changed method count here.
        assertEquals(6 * (136 + 4 * 3), calls, "calls");
    }

    @Test
    void theBuiltClassesAreWhatTheGeneratorWritesNow() throws IOException {
        for (Class<?> iface : GATEWAYS) {
            String resource = "/" + LocalGateway.generatedName(iface).replace('.', '/') + ".class";
            try (InputStream in = LocalGateway.class.getResourceAsStream(resource)) {
                if (in == null) {
                    fail(resource + " not built: the jobs module's process-classes step (GatewayClasses) did not run");
                }
                assertArrayEquals(GatewayClasses.classBytes(iface), in.readAllBytes(), resource);
            }
            Class<?> c = LocalGateway.of(iface, new Recording()).getClass();
            assertTrue(Modifier.isFinal(c.getModifiers()), c.getName());
            assertArrayEquals(new Class<?>[] {iface}, c.getInterfaces(), c.getName());
        }
        assertEquals(GATEWAYS.stream().map(c -> c.getName().substring(LocalGateway.FLINK.length())).toList(),
                LocalGateway.GENERATED);
    }

    @Test
    void otherInterfacesGetTheJdkProxy() {
        RpcGateway g = LocalGateway.of(RpcGateway.class, new Recording());
        assertTrue(Proxy.isProxyClass(g.getClass()));
    }

    @Test
    void theHandlersEqualityKnowsBothKinds() {
        LocalInvocationHandler h = new LocalInvocationHandler(null, null, Duration.ofSeconds(1), false, false, null);
        LocalInvocationHandler other = new LocalInvocationHandler(null, null, Duration.ofSeconds(1), false, false,
                null);
        TaskExecutorGateway a = LocalGateway.of(TaskExecutorGateway.class, h);
        TaskExecutorGateway b = LocalGateway.of(TaskExecutorGateway.class, h);
        Object proxy = Proxy.newProxyInstance(TaskExecutorGateway.class.getClassLoader(),
                new Class<?>[] {TaskExecutorGateway.class}, h);
        assertInstanceOf(LocalGateway.class, a);
        assertEquals(a, b);
        assertEquals(a, proxy);
        assertEquals(proxy, a);
        assertNotEquals(a, LocalGateway.of(TaskExecutorGateway.class, other));
        assertNotEquals(a, null);
        assertEquals(System.identityHashCode(h), a.hashCode());
        assertEquals(proxy.hashCode(), a.hashCode());
    }
}
