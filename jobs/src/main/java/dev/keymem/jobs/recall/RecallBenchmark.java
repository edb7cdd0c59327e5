package dev.keymem.jobs.recall;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.bench.ScoreTable;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.caching.CachingSettings.ReadVariant;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The multi-query associative recall benchmark behind {@code memctl recall}: for each stream length
 * and seed, every memory runs the same stream (see {@link RecallStream}) and is scored on its
 * queries; prints a markdown table of accuracy and state bytes per key.
 */
public final class RecallBenchmark {

    /** Benchmark settings; {@link #defaults()} is what docs/benchmarks.md reports. */
    public record Settings(int[] lengths, int pairs, int queries, int dim, int segment, int chunk,
                           double queryNorm, int seeds) {
        public static Settings defaults() {
            return new Settings(new int[] {1024, 8192, 65536}, 16, 64, 64, 16, 64, 8.0, 2);
        }
    }

    /** One table row: a memory at one stream length, averaged over seeds. */
    public record Row(String memory, int length, double accuracy, long stateBytes) {
    }

    private RecallBenchmark() {
    }

    /** The memories compared, freshly built. */
    public static List<RecallMemory> memories(Settings s, TensorBackend backend) {
        CellSpec delta = CellSpec.of(CellKind.DELTA, 1, s.dim(), s.dim(), s.chunk()).withScale(1f);
        List<RecallMemory> m = new ArrayList<>();
        m.add(new CellRecall("delta (plain cell)", Cells.chunked(delta, backend)));
        CachingSettings base = CachingSettings.defaults()
                .withSegmentation(CachingSettings.Segmentation.CONSTANT, s.segment());
        m.add(mc("MC-Residual", delta, base.withRead(ReadVariant.RESIDUAL), backend));
        m.add(mc("MC-GRM", delta, base.withRead(ReadVariant.GRM), backend));
        m.add(mc("MC-SSC k=2", delta, base.withRead(ReadVariant.SSC).withTopK(2), backend));
        m.add(mc("MC-SSC k=4", delta, base.withRead(ReadVariant.SSC).withTopK(4), backend));
        m.add(new ExactAttention());
        return m;
    }

    private static RecallMemory mc(String name, CellSpec spec, CachingSettings cs, TensorBackend backend) {
        return new CachingRecall(name, new MemoryCaching(Cells.chunked(spec, backend), cs, backend));
    }

    public static List<Row> run(Settings s, TensorBackend backend, PrintStream progress) {
        List<Row> rows = new ArrayList<>();
        for (int length : s.lengths()) {
            List<RecallMemory> mems = memories(s, backend);
            double[] acc = new double[mems.size()];
            long[] bytes = new long[mems.size()];
            for (int seed = 0; seed < s.seeds(); seed++) {
                RecallStream stream = new RecallStream(length, s.pairs(), s.queries(), s.dim(), s.queryNorm(),
                        1000L * length + seed);
                for (int i = 0; i < mems.size(); i++) {
                    acc[i] += stream.accuracy(mems.get(i).run(stream, s.chunk()));
                    bytes[i] = mems.get(i).stateBytes();
                }
                if (progress != null) {
                    progress.printf(Locale.ROOT, "recall: length %d seed %d done%n", length, seed);
                }
            }
            for (int i = 0; i < mems.size(); i++) {
                rows.add(new Row(mems.get(i).name(), length, acc[i] / s.seeds(), bytes[i]));
            }
        }
        return rows;
    }

    /** A markdown table: one row per memory, one accuracy / bytes column pair per length. */
    public static String table(Settings s, List<Row> rows) {
        List<ScoreTable.Cell> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(new ScoreTable.Cell(r.memory(), r.length(), r.accuracy(), r.stateBytes()));
        }
        return ScoreTable.markdown("acc @%d", "bytes/key @%d", s.lengths(), cells);
    }

    public static TensorBackend defaultBackend() {
        return Backends.java();
    }
}
