import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;

/**
 * First-use costs of a file run's start, one step per fresh JVM (the cost is paid once a JVM, so each JVM measures
 * it once): CPU ns of the step on this thread, printed as "STEP ns". Steps:
 * {@code limits} Java-serializes and reads back a {@code RecordLimits} and a {@code KeyedEventMemory.Settings} (as a
 * job graph's functions carry them); {@code rundir} makes and removes memctl's run directory ({@code RunDir.create},
 * by reflection). Run it on two builds' jars in turn, e.g.
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp JAR benchmarks/jobs/StartupFirstUseCost.java limits}
 * (or compiled, {@code -cp JAR:DIR StartupFirstUseCost STEP}), fresh JVMs alternating between the jars.
 */
public class StartupFirstUseCost {

    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        mx.getCurrentThreadCpuTime(); // the bean's own first use, before the clock
        String step = args[0];
        Object keep;
        long t0 = mx.getCurrentThreadCpuTime();
        switch (step) {
            case "limits" -> keep = limits();
            case "rundir" -> keep = rundir();
            default -> throw new IllegalArgumentException(step);
        }
        long t1 = mx.getCurrentThreadCpuTime();
        System.out.println(step + " " + (t1 - t0) + " " + keep);
    }

    private static Object limits() throws Exception {
        Object limits = Class.forName("dev.keymem.jobs.kafka.RecordLimits").getMethod("defaults").invoke(null);
        Class<?> settings = Class.forName("dev.keymem.operators.KeyedEventMemory$Settings");
        Object s = settings.getMethod("of", org.apache.flink.configuration.ReadableConfig.class)
                .invoke(null, new org.apache.flink.configuration.Configuration());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(limits);
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            Object a = in.readObject();
            Object b = in.readObject();
            if (!a.equals(limits) || !b.equals(s)) {
                throw new AssertionError("read back differs");
            }
            return a.getClass().getSimpleName() + "+" + b.getClass().getSimpleName();
        }
    }

    private static Object rundir() throws Exception {
        Class<?> c = Class.forName("dev.keymem.jobs.cli.RunDir");
        Method create = c.getDeclaredMethod("create", String.class);
        create.setAccessible(true);
        AutoCloseable dir = (AutoCloseable) create.invoke(null, "cost");
        Method d = c.getDeclaredMethod("dir");
        d.setAccessible(true);
        String name = String.valueOf(d.invoke(dir)).replaceAll(".*/", "");
        dir.close();
        return name.replaceAll("[0-9]+$", "N");
    }
}
