package dev.keymem.jobs.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The generator's paths that Flink 2.2.1's gateways do not reach (none of their methods declares a checked
 * exception): duplicate declarations with different checked exceptions (merged as the JDK proxy merges them), a
 * covariant return and {@code throws Throwable}. The class written for {@link Checked} is defined in this package and
 * every method is called with each throwable the handler may throw, beside the JDK proxy under the same handler:
 * thrown as is or wrapped in an {@code UndeclaredThrowableException} alike.
 */
class GatewayClassesCheckedTest {
    /** One declaration of {@code m}, {@code value} and {@code io}. */
    public interface First {
        Object value() throws IOException;

        void m() throws IOException;

        int io(String s) throws IOException;
    }

    /** The other declarations: a narrower exception, a covariant return, a method that throws anything. */
    public interface Second {
        void m() throws FileNotFoundException;

        CharSequence value() throws FileNotFoundException;

        long anything(long x) throws Throwable;
    }

    /** The interface the class is written for. */
    public interface Checked extends First, Second {
        @Override
        String value() throws FileNotFoundException;
    }

    /** Throws the throwable it is given; else answers a value of the return type. */
    private static final class Throwing implements InvocationHandler {
        Throwable next;
        Method method;

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            this.method = method;
            if (next != null) {
                throw next;
            }
            Class<?> r = method.getReturnType();
            return r == void.class ? null : r == int.class ? 7 : r == long.class ? 8L : "v";
        }
    }

    private static Object outcome(Object target, Method m, Object[] args) {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            return e.getTargetException();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void checkedExceptionsAreRethrownOrWrappedAsByTheJdkProxy() throws Exception {
        int[] counts = compareWithTheProxy(name -> !name.equals("value"));
        assertTrue(counts[0] > 0 && counts[1] > 0, counts[0] + " wrapped, " + counts[1] + " as is");
        List<GatewayClasses.GatewayMethod> methods = GatewayClasses.methods(Checked.class);
        assertEquals(List.of("anything", "io", "m", "value"), methods.stream().map(g -> g.name()).toList());
        assertEquals(List.of(FileNotFoundException.class), methods.get(2).exceptions(), "m: the merged list");
        assertEquals(String.class, methods.get(3).returns(), "value: the covariant return");
        assertEquals(List.of(), GatewayClasses.catchList(List.of(Throwable.class)), "throws Throwable: none caught");
    }

    /**
     * Fails today (review 24b F3, found by this test): the JDK proxy writes one method per name, parameters AND
     * return type (ProxyGenerator merges exceptions only where the return types are equal), so javac's bridge
     * {@code Object value() throws IOException} in {@link Checked} is overridden by the proxy and rethrows an
     * IOException as is; the generator merges all three {@code value()} into one ({@code String value() throws
     * FileNotFoundException}), the bridge calls it and the IOException comes out wrapped in an
     * UndeclaredThrowableException. No Flink 2.2.1 gateway method declares a checked exception, so today's
     * gateways do not meet it; enable this test with the generator's fix.
     */
    @Disabled("review 24b F3: covariant returns with different checked exceptions differ from the JDK proxy")
    @Test
    void covariantReturnsAreAnsweredAsByTheJdkProxy() throws Exception {
        compareWithTheProxy(name -> name.equals("value"));
    }

    /** Calls the methods named as {@code which} accepts, through each interface; {wrapped, thrown as is}. */
    private static int[] compareWithTheProxy(Predicate<String> which) throws Exception {
        Class<?> c = CLASS.get();
        assertEquals(LocalGateway.generatedName(Checked.class), c.getName());
        Throwing ours = new Throwing();
        Throwing theirs = new Throwing();
        Object gateway = ((LocalGateway) c.getDeclaredConstructor(InvocationHandler.class)
                .newInstance((Object) null)).newGateway(ours);
        Object proxy = Proxy.newProxyInstance(Checked.class.getClassLoader(), new Class<?>[] {Checked.class}, theirs);
        assertFalse(Proxy.isProxyClass(gateway.getClass()));

        List<Throwable> throwables = List.of(new FileNotFoundException("fnf"), new IOException("io"),
                new Exception("plain"), new Throwable("throwable"), new IllegalStateException("runtime"),
                new AssertionError("error"));
        List<Method> calls = new ArrayList<>();
        for (Class<?> i : List.of(Checked.class, First.class, Second.class)) {
            for (Method m : i.getMethods()) {
                if (which.test(m.getName())) {
                    calls.add(m);
                }
            }
        }
        int[] counts = new int[2];
        for (Method m : calls) {
            Object[] args = m.getParameterCount() == 0 ? null
                    : new Object[] {m.getParameterTypes()[0] == long.class ? (Object) 5L : "s"};
            ours.next = theirs.next = null;
            assertEquals(outcome(proxy, m, args), outcome(gateway, m, args), m.toString());
            assertEquals(theirs.method, ours.method, m.toString());
            for (Throwable t : throwables) {
                ours.next = theirs.next = t;
                Object p = outcome(proxy, m, args);
                Object o = outcome(gateway, m, args);
                String what = m + " " + t;
                assertEquals(p.getClass(), o.getClass(), what);
                if (p == t) {
                    counts[1]++;
                    assertSame(t, o, what + ": thrown as is");
                } else {
                    counts[0]++;
                    assertSame(t, ((Throwable) p).getCause(), what);
                    assertSame(t, ((Throwable) o).getCause(), what + ": wrapped");
                }
            }
        }
        return counts;
    }

    /** The class written for {@link Checked}, defined once in this package. */
    private static final Supplier<Class<?>> CLASS = new Supplier<>() {
        private Class<?> defined;

        @Override
        public synchronized Class<?> get() {
            if (defined == null) {
                try {
                    defined = MethodHandles.lookup().defineClass(GatewayClasses.classBytes(Checked.class));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
            return defined;
        }
    };
}
