package dev.keymem.models.retention.bench;

import dev.keymem.models.bench.ScoreTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The retention benchmark: for each memory budget (attention slots per key) and seed, every memory
 * consumes the same {@link NeedleStream} in chunks and is then asked for every needle; prints a
 * markdown table of the fraction of needles retrievable and the state bytes per key.
 *
 * <p>Memories, all with the same attention sharpness (scale) and budget B:
 * StreamingLLM (4 sinks + the last B - 4 tokens); H2O (B tokens: the B/2 most recent plus the
 * heavy hitters by accumulated attention mass); B'MOJO's innovation store ({@link BmojoMemory});
 * STR/CMP ({@link TieredMemory#forBudget}); and STR/CMP with a T3 archive of 8 x budget entries kept
 * outside the per-key state (the operator's map state), from which each probe adds its 4 best matches
 * (its bytes column counts the state only, the archive's position index included).
 *
 * <p>Run: {@code java -cp models/target/classes dev.keymem.models.retention.bench.RetentionBenchmark
 * [--length N] [--needles N] [--dim D] [--budgets 64,128,256,512] [--seeds S]}.
 */
public final class RetentionBenchmark {

    /** Benchmark settings; {@link #defaults()} is what the table in docs reports. */
    public record Settings(int length, int needles, int dim, int period, double noise, double scale, int chunk,
                           int[] budgets, int seeds) {
        public static Settings defaults() {
            return new Settings(16384, 64, 32, 16, 0.03, 16.0, 64, new int[] {64, 128, 256, 512}, 3);
        }

        /** Needles are placed before the last {@code tail} positions, outside every memory's recent window. */
        public int tail() {
            int max = 0;
            for (int b : budgets) {
                max = Math.max(max, b);
            }
            return Math.min(length / 4, 2 * max);
        }
    }

    /** One table row: a memory at one budget, averaged over seeds. */
    public record Row(String memory, int budget, double recall, long stateBytes) {
    }

    /** B'MOJO's innovation store for a budget ({@link BmojoMemory#forBudget}). */
    static IntFunction<BenchMemory> bmojoHook(Settings s) {
        return budget -> new BmojoMemory(BmojoMemory.forBudget(budget), s.dim(), s.scale());
    }

    private RetentionBenchmark() {
    }

    /** The memories compared at one budget, freshly built. */
    public static List<BenchMemory> memories(Settings s, int budget, long seed) {
        List<BenchMemory> m = new ArrayList<>();
        m.add(new StreamingLlmMemory(4, budget - 4, s.dim(), s.scale()));
        m.add(new HeavyHitterMemory(budget, budget / 2, s.dim(), s.scale()));
        IntFunction<BenchMemory> bmojo = bmojoHook(s);
        if (bmojo != null) {
            m.add(bmojo.apply(budget));
        }
        m.add(new TieredMemory("STR/CMP (tiers)", TieredMemory.forBudget(budget, s.dim(), s.scale()), s.dim(),
                seed * 0x9e3779b97f4a7c15L + 1));
        m.add(new TieredMemory("STR/CMP + T3 archive (8x budget, off-state; top-4 per probe)",
                TieredMemory.forBudget(budget, s.dim(), s.scale()).withArchive(8 * budget, 0), s.dim(),
                seed * 0x9e3779b97f4a7c15L + 1, 4));
        return m;
    }

    public static List<Row> run(Settings s, PrintStream progress) {
        List<Row> rows = new ArrayList<>();
        for (int budget : s.budgets()) {
            List<String> names = new ArrayList<>();
            double[] recall = null;
            long[] bytes = null;
            for (int seed = 0; seed < s.seeds(); seed++) {
                NeedleStream stream = new NeedleStream(s.length(), s.needles(), s.dim(), s.period(), s.noise(), s.tail(),
                        1000L * s.length() + seed);
                List<BenchMemory> mems = memories(s, budget, seed);
                if (recall == null) {
                    recall = new double[mems.size()];
                    bytes = new long[mems.size()];
                    mems.forEach(mm -> names.add(mm.name()));
                }
                for (int i = 0; i < mems.size(); i++) {
                    BenchMemory mm = mems.get(i);
                    stream.feed(mm, s.chunk());
                    recall[i] += stream.recall(mm);
                    bytes[i] = Math.max(bytes[i], mm.stateBytes());
                }
                if (progress != null) {
                    progress.printf(Locale.ROOT, "retention: budget %d seed %d done%n", budget, seed);
                }
            }
            for (int i = 0; i < names.size(); i++) {
                rows.add(new Row(names.get(i), budget, recall[i] / s.seeds(), bytes[i]));
            }
        }
        return rows;
    }

    /** A markdown table: one row per memory, a recall / bytes column pair per budget. */
    public static String table(Settings s, List<Row> rows) {
        List<ScoreTable.Cell> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(new ScoreTable.Cell(r.memory(), r.budget(), r.recall(), r.stateBytes()));
        }
        return ScoreTable.markdown("needles @%d slots", "bytes/key @%d", s.budgets(), cells);
    }

    /** A one-line description of the settings, printed above the table. */
    public static String describe(Settings s) {
        return String.format(Locale.ROOT, "stream %d tokens, %d needles, dim %d, background period %d, noise %.2f, "
                        + "attention scale %.1f, chunks of %d, %d seed(s); needles at positions [16, %d)",
                s.length(), s.needles(), s.dim(), s.period(), s.noise(), s.scale(), s.chunk(), s.seeds(),
                s.length() - s.tail());
    }

    /** Parses {@code --length --needles --dim --budgets --seeds} over the defaults. */
    public static Settings parse(String[] args) {
        Settings d = Settings.defaults();
        int length = d.length();
        int needles = d.needles();
        int dim = d.dim();
        int seeds = d.seeds();
        int[] budgets = d.budgets();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String val = args[++i];
            switch (a) {
                case "--length" -> length = positive(a, val);
                case "--needles" -> needles = positive(a, val);
                case "--dim" -> dim = positive(a, val);
                case "--seeds" -> seeds = positive(a, val);
                case "--budgets" -> {
                    String[] p = val.split(",");
                    budgets = new int[p.length];
                    for (int j = 0; j < p.length; j++) {
                        budgets[j] = positive(a, p[j].trim());
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a
                        + " (expected --length, --needles, --dim, --budgets, --seeds)");
            }
        }
        return new Settings(length, needles, dim, d.period(), d.noise(), d.scale(), d.chunk(), budgets, seeds);
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("option " + option + " has value '" + value
                + "', expected a positive integer");
    }

    public static void main(String[] args) {
        Settings s = parse(args);
        long t0 = System.nanoTime();
        List<Row> rows = run(s, System.err);
        System.out.println(describe(s));
        System.out.println();
        System.out.print(table(s, rows));
        System.err.printf(Locale.ROOT, "retention: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
