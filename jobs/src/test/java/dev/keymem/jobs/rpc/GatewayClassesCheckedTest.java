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
import org.junit.jupiter.api.Test;

/**
 * The generator's paths that Flink 2.2.1's gateways do not reach (none of their methods declares a checked
 * exception): duplicate declarations with different checked exceptions (merged as the JDK proxy merges them) and
 * {@code throws Throwable}; a covariant return leaves the interface to the JDK proxy. The class written for {@link Checked} is defined in this package and
 * every method is called with each throwable the handler may throw, beside the JDK proxy under the same handler:
 * thrown as is or wrapped in an {@code UndeclaredThrowableException} alike.
 */
class GatewayClassesCheckedTest {
    /** One declaration of {@code m} and {@code io}. */
    public interface First {
        void m() throws IOException;

        int io(String s) throws IOException;
    }

    /** The other declarations: a narrower exception, a method that throws anything. */
    public interface Second {
        void m() throws FileNotFoundException;

        long anything(long x) throws Throwable;
    }

    /** The interface the class is written for. */
    public interface Checked extends First, Second {
    }

    /** A covariant return over a wider checked exception (javac adds the bridge {@code Object value()}). */
    public interface Wide {
        Object value() throws IOException;
    }

    /** The narrower declaration: the generator leaves this interface to the JDK proxy. */
    public interface Covariant extends Wide {
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
        int[] counts = compareWithTheProxy(name -> true);
        assertTrue(counts[0] > 0 && counts[1] > 0, counts[0] + " wrapped, " + counts[1] + " as is");
        List<GatewayClasses.GatewayMethod> methods = GatewayClasses.methods(Checked.class);
        assertEquals(List.of("anything", "io", "m"), methods.stream().map(g -> g.name()).toList());
        assertEquals(List.of(FileNotFoundException.class), methods.get(2).exceptions(), "m: the merged list");
        assertEquals(List.of(), GatewayClasses.catchList(List.of(Throwable.class)), "throws Throwable: none caught");
    }

    /**
     * Review 24b F3: the JDK proxy writes one method per name, parameters AND return type (its exceptions merged only
     * where the return types are equal), so javac's bridge {@code Object value() throws IOException} rethrows an
     * IOException as is; one generated method for all of them would wrap it. The generator does not write such an
     * interface's class (LocalGateway then makes the JDK proxy); no Flink 2.2.1 gateway has one.
     */
    @Test
    void covariantReturnsAreLeftToTheJdkProxy() {
        UnsupportedOperationException e = org.junit.jupiter.api.Assertions.assertThrows(
                UnsupportedOperationException.class, () -> GatewayClasses.classBytes(Covariant.class));
        assertTrue(e.getMessage().contains("Covariant#value"), e.getMessage());
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
