package dev.keymem.operators.model;

import dev.keymem.operators.MemoryOperatorOptions;

import dev.keymem.models.cells.CellSpec;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;

/**
 * Loads the classes the batched operator's plug-in options name ({@link MemoryOperatorOptions#BATCH_ADVANCER},
 * {@link MemoryOperatorOptions#BATCH_CACHE_READER}): a provider interface of the operators, or (for
 * modules that must not depend on the operators, such as {@code cuda/}) a
 * {@code java.util.function.Function<CellSpec, product>}. The class needs a public no-argument
 * constructor and is loaded through the thread's context class loader (the user-code class loader on
 * a task manager). Every error names the option and the class.
 */
final class Plugins {

    private Plugins() {
    }

    /**
     * Instantiates {@code className}: the instance itself when it implements {@code provider}, else the
     * {@code Function<CellSpec, product>} it is, turned into a provider by {@code adapt}.
     */
    static <P> P load(ConfigOption<String> option, String className, Class<P> provider, Class<?> product,
                      Function<Function<Object, Object>, P> adapt) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = Plugins.class.getClassLoader();
        }
        Class<?> c;
        try {
            c = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(option.key() + ": class '" + className + "' not found (expected 'cpu' or a "
                    + provider.getSimpleName() + " class name)", e);
        }
        boolean function = Function.class.isAssignableFrom(c);
        if (!provider.isAssignableFrom(c) && !function) {
            throw new IllegalArgumentException(option.key() + ": class '" + className + "' does not implement "
                    + provider.getName() + " nor java.util.function.Function<CellSpec, " + product.getSimpleName() + ">");
        }
        Object instance;
        try {
            instance = c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(option.key() + ": cannot instantiate '" + className
                    + "' (it needs a public no-argument constructor)", e);
        }
        if (provider.isInstance(instance)) {
            return provider.cast(instance);
        }
        @SuppressWarnings("unchecked")
        Function<Object, Object> f = (Function<Object, Object>) instance;
        return adapt.apply(f);
    }

    /** What the function named by {@code option} returns for {@code spec}, checked to be a {@code product}. */
    static <T> T apply(ConfigOption<String> option, String className, Function<Object, Object> f, CellSpec spec,
                       Class<T> product) {
        Object made = f.apply(spec);
        if (!product.isInstance(made)) {
            throw new IllegalArgumentException(option.key() + ": '" + className + "' returned "
                    + (made == null ? "null" : made.getClass().getName()) + ", not a " + product.getSimpleName());
        }
        return product.cast(made);
    }
}
