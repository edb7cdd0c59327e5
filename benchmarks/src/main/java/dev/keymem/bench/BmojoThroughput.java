package dev.keymem.bench;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.bmojo.Bmojo;
import dev.keymem.models.bmojo.BmojoSettings;
import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.InMemoryEideticArchive;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.RandomInputs;

/**
 * A quick timing loop (not a test, not a benchmark of record): tokens/s, in this thread's CPU time, of
 * the chunked gated_delta cell alone, B'MOJO-F and full B'MOJO (fast form) and full B'MOJO (reference
 * form) at H=4, K=V=64, C=64, w=64, 64 eidetic entries, top-4 of every 64 positions, 4 retrieved every 64.
 * Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * dev.keymem.bench.BmojoThroughput [seconds]}.
 */
public final class BmojoThroughput {
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private BmojoThroughput() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        int H = 4;
        int K = 64;
        int V = 64;
        int T = 1024;
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, H, K, V, 64);
        TokenChunk chunk = RandomInputs.chunk(spec, T, 42);
        float[] out = new float[T * H * V];
        MemoryCell fastCell = Cells.chunked(spec, Backends.java());
        BmojoSettings full = BmojoSettings.fading(64).withCapacity(64).withTopM(4, 64).withRetrieval(4, 64);
        System.out.printf("backend %s, H=%d K=%d V=%d, calls of %d tokens%n", Backends.java().name(), H, K, V, T);
        CellState cs = fastCell.newState();
        report("cell alone (chunked)", seconds, T, () -> fastCell.forward(cs, chunk, out));
        for (var named : new Object[][] {{"B'MOJO-F fast", BmojoSettings.fading(64), true},
                {"B'MOJO fast", full, true}, {"B'MOJO reference", full, false}}) {
            BmojoSettings s = (BmojoSettings) named[1];
            boolean fast = (Boolean) named[2];
            Bmojo m = new Bmojo(fast ? fastCell : Cells.recurrent(spec), s);
            BmojoState st = m.newState();
            InMemoryEideticArchive ar = new InMemoryEideticArchive();
            report((String) named[0], fast ? seconds : seconds / 4, T, () -> {
                if (fast) {
                    m.forward(st, ar, chunk, out);
                } else {
                    m.forwardReference(st, ar, chunk, out);
                }
            });
        }
    }

    private static void report(String name, double seconds, int tokens, Runnable call) {
        call.run(); // warm
        long start = THREADS.getCurrentThreadCpuTime();
        long calls = 0;
        while (THREADS.getCurrentThreadCpuTime() - start < seconds * 1e9) {
            call.run();
            calls++;
        }
        double s = (THREADS.getCurrentThreadCpuTime() - start) / 1e9;
        System.out.printf("%-22s %10.0f tokens/s (cpu)%n", name, calls * tokens / s);
    }
}
