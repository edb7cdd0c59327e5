package dev.keymem.jobs.cli;

import java.lang.management.OperatingSystemMXBean;
import java.lang.reflect.InvocationTargetException;

import org.apache.flink.annotation.Internal;

/**
 * The machine's physical memory as the JDK's {@code com.sun.management.OperatingSystemMXBean} reports it, called
 * directly instead of by reflection. memctl.jar's Flink {@code Hardware.getSizeOfPhysicalMemory} (which every
 * task executor start calls, through {@code HardwareDescription.extractFromSystem}) calls {@link #total} where
 * the shaded class calls that method through {@link java.lang.reflect.Method#invoke} ({@link JarRewrite}): the
 * reflective call's first use makes the JDK read the method's annotations to see whether it is caller-sensitive,
 * and its {@code @Deprecated(since = "14")} then costs two annotation proxy classes ({@code Deprecated},
 * {@code Retention}) generated at run time, ~6-7 ms of CPU of every run, which no class archive can hold.
 *
 * <p>The contract is {@code Method.invoke}'s for that method on that receiver: the same method of the same
 * object (so the same value); whatever the method throws comes out wrapped in an {@link
 * InvocationTargetException}, as from {@code Method.invoke}, so Flink's handler of that exception (a warning, then
 * its per-system fallback) sees what it saw before; a receiver that is not a {@code com.sun.management} bean (which
 * Flink's code never passes: it checks {@code isInstance} first) gives {@code Method.invoke}'s {@link
 * IllegalArgumentException}.
 */
@Internal
public final class PhysicalMemorySize {
    private PhysicalMemorySize() {
    }

    /**
     * {@code bean.getTotalPhysicalMemorySize()} of {@code com.sun.management.OperatingSystemMXBean}, what it
     * throws wrapped as {@code Method.invoke} wraps it.
     */
    public static long total(OperatingSystemMXBean bean) throws InvocationTargetException {
        if (bean == null) {
            throw new NullPointerException(); // as Method.invoke's of an instance method on null
        }
        if (!(bean instanceof com.sun.management.OperatingSystemMXBean)) {
            throw new IllegalArgumentException("object is not an instance of declaring class");
        }
        com.sun.management.OperatingSystemMXBean platform = (com.sun.management.OperatingSystemMXBean) bean;
        try {
            return platform.getTotalPhysicalMemorySize();
        } catch (Throwable thrown) {
            throw new InvocationTargetException(thrown);
        }
    }
}
