package dev.keymem.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-iteration totals kept beside JMH's wall-clock score: benchmark calls, the FLOPs they did, and
 * the benchmark thread's CPU time. On a shared machine the wall-clock score counts the time other
 * processes hold the core; {@code flops / cpuNanos} and {@code calls / cpuNanos} count only the time
 * this thread ran (benchmarks/summarize.py prints both). Reading the thread CPU clock costs a
 * system call (well under a microsecond) per call, inside the measured time.
 */
@AuxCounters(AuxCounters.Type.EVENTS)
@State(Scope.Thread)
public class CpuCounters {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public long calls;
    public long flops;
    public long cpuNanos;

    @Setup(Level.Iteration)
    public void reset() {
        calls = 0;
        flops = 0;
        cpuNanos = 0;
    }

    static long now() {
        return THREADS.getCurrentThreadCpuTime();
    }

    void add(long startCpu, long callFlops) {
        cpuNanos += now() - startCpu;
        flops += callFlops;
        calls++;
    }
}
