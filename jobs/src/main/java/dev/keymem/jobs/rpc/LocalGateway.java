package dev.keymem.jobs.rpc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;

/**
 * A gateway object of the in-JVM RPC ({@link LocalRpcService#connect}, {@link LocalRpcServer#selfGateway}) that
 * behaves as the {@link Proxy} of one gateway interface with a given {@link InvocationHandler} does, for the
 * gateway interfaces of {@link #GENERATED}: their classes ({@code dev.keymem.jobs.rpc.Local<simple name>}, e.g.
 * {@code LocalTaskExecutorGateway}, each a final subclass of this class implementing that one interface) are
 * written at build time by {@link GatewayClasses} from the interface as compiled against (the jobs module's
 * {@code process-classes} phase), so they are in the jar and in the class archive. JDK 17 generates a proxy's class
 * at run time ({@code ProxyGenerator}, then the class's initializer looks up every method with
 * {@code getMethod}), which no class archive can hold: ~28-30 ms of CPU per file run for the four gateways.
 *
 * <p>Contract, the same as the JDK proxy's: every public non-static method of the interface (default methods
 * included) and {@code equals}, {@code hashCode} and {@code toString} call {@code handler.invoke(this, method,
 * args)} with the {@link Method} that {@code iface.getMethod(name, parameterTypes)} gives (Object's own for the
 * three), {@code args} null for a method without parameters and primitives boxed; the result is cast or unboxed to
 * the return type (a null for a primitive: {@link NullPointerException}); a {@link RuntimeException}, an
 * {@link Error} or a checked exception the method declares is thrown as is, any other throwable wrapped in an
 * {@link UndeclaredThrowableException}. What differs: {@code Proxy.isProxyClass} is false for these classes (no
 * Flink code asks it of a gateway; {@link LocalInvocationHandler}'s {@code equals} knows both kinds), a method's
 * {@code Method} is looked up at its first call instead of in the class's initializer, and the class is not
 * {@code Serializable} (a proxy is, but its handler here is not, so neither kind can be serialized).
 *
 * <p>{@link #of} gives the JDK proxy for any other interface, or where the generated class is absent or was
 * compiled against another loader's interface. {@code LocalGatewayTest} compares every method of the four
 * gateways against the JDK proxy.
 */
abstract class LocalGateway {
    /** The gateway interfaces whose classes {@link GatewayClasses} writes (names after org.apache.flink.runtime.). */
    static final List<String> GENERATED = List.of(
            "dispatcher.DispatcherGateway",
            "jobmaster.JobMasterGateway",
            "resourcemanager.ResourceManagerGateway",
            "taskexecutor.TaskExecutorGateway");

    static final String FLINK = "org.apache.flink.runtime.";

    private static final Method EQUALS;
    private static final Method HASH_CODE;
    private static final Method TO_STRING;

    static {
        try {
            EQUALS = Object.class.getMethod("equals", Object.class);
            HASH_CODE = Object.class.getMethod("hashCode");
            TO_STRING = Object.class.getMethod("toString");
        } catch (NoSuchMethodException e) {
            throw new NoSuchMethodError(e.getMessage());
        }
    }

    /** A generated class's prototype (its handler null) per interface, or null where it has none. */
    private static final ClassValue<LocalGateway> PROTOTYPES = new ClassValue<>() {
        @Override
        protected LocalGateway computeValue(Class<?> iface) {
            return prototype(iface);
        }
    };

    /** The handler of every call, as a proxy's {@code h}. */
    final InvocationHandler gatewayHandler;

    LocalGateway(InvocationHandler handler) {
        this.gatewayHandler = handler;
    }

    /** A gateway of the same class with {@code handler} (written by {@link GatewayClasses}). */
    abstract LocalGateway newGateway(InvocationHandler handler);

    /**
     * A gateway of interface {@code iface} whose calls go to {@code handler}: an instance of the generated class
     * where there is one, else {@code Proxy.newProxyInstance(iface.getClassLoader(), {iface}, handler)}.
     */
    static <C> C of(Class<C> iface, InvocationHandler handler) {
        LocalGateway prototype = PROTOTYPES.get(iface);
        if (prototype == null) {
            return iface.cast(Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler));
        }
        return iface.cast(prototype.newGateway(handler));
    }

    /** The name of the class written for gateway interface {@code iface}. */
    static String generatedName(Class<?> iface) {
        return LocalGateway.class.getPackageName() + ".Local" + iface.getSimpleName();
    }

    /** Whether {@code iface} is one of {@link #GENERATED}. */
    static boolean generated(Class<?> iface) {
        String n = iface.getName();
        return n.startsWith(FLINK) && GENERATED.contains(n.substring(FLINK.length()));
    }

    private static LocalGateway prototype(Class<?> iface) {
        if (!iface.isInterface() || !generated(iface)) {
            return null;
        }
        Class<?> c;
        try {
            c = Class.forName(generatedName(iface), false, LocalGateway.class.getClassLoader());
        } catch (ClassNotFoundException absent) {
            return null; // not built by the jobs module's build (e.g. classes compiled by an IDE): the JDK proxy
        }
        if (!iface.isAssignableFrom(c) || !LocalGateway.class.isAssignableFrom(c)) {
            return null; // another class loader's interface
        }
        try {
            return (LocalGateway) c.getDeclaredConstructor(InvocationHandler.class).newInstance((Object) null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make " + c, e);
        }
    }

    /**
     * The method {@code k} of a generated class: {@code cache[k]}, looked up at its first call as the proxy's
     * initializer does ({@code iface.getMethod(name, parameters)}). Called by the generated classes only.
     */
    static Method method(Method[] cache, int k, Class<?> iface, String name, Class<?>[] parameters) {
        Method m = cache[k];
        if (m == null) {
            try {
                m = iface.getMethod(name, parameters);
            } catch (NoSuchMethodException e) {
                throw new NoSuchMethodError(e.getMessage());
            }
            cache[k] = m; // a benign race: every thread finds an equal Method
        }
        return m;
    }

    private Object invokeObjectMethod(Method m, Object[] args) {
        try {
            return gatewayHandler.invoke(this, m, args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UndeclaredThrowableException(t);
        }
    }

    @Override
    public final boolean equals(Object o) {
        return (Boolean) invokeObjectMethod(EQUALS, new Object[] {o});
    }

    @Override
    public final int hashCode() {
        return (Integer) invokeObjectMethod(HASH_CODE, null);
    }

    @Override
    public final String toString() {
        return (String) invokeObjectMethod(TO_STRING, null);
    }
}
