package dev.keymem.jobs.cli;

import dev.keymem.jobs.recall.RecallBenchmark;
import dev.keymem.jobs.recall.RecallBenchmark.Settings;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** {@code memctl recall}: the multi-query associative recall benchmark (see RecallBenchmark). */
final class RecallCommand implements Subcommand {
    private static final Settings D = Settings.defaults();
    private final CliOptions options = new CliOptions()
            .option("lengths", "N,N,...", "stream lengths in tokens (default 1024,8192,65536)")
            .option("pairs", "N", "key-value pairs written at the start (default " + D.pairs() + ")")
            .option("queries", "N", "queries at the end (default " + D.queries() + ")")
            .option("dim", "D", "key and value dimension, H = 1 (default " + D.dim() + ")")
            .option("segment", "L", "Memory Caching segment length (default " + D.segment() + ")")
            .option("chunk", "N", "tokens per chunk fed to each memory (default " + D.chunk() + ")")
            .option("seeds", "N", "streams per length, averaged (default " + D.seeds() + ")")
            .flag("quiet", "no progress lines");

    @Override
    public String name() {
        return "recall";
    }

    @Override
    public String summary() {
        return "multi-query associative recall: plain delta cell vs Memory Caching vs exact attention";
    }

    @Override
    public String usage() {
        return "usage: memctl recall [--lengths 1024,8192,65536] [--pairs N] [--queries N] [--dim D]\n"
                + "                     [--segment L] [--chunk N] [--seeds N] [--quiet]\n\n"
                + "Writes key-value pairs, then noise, then queries for the pairs' values into each memory and\n"
                + "prints a markdown table of recall accuracy and state bytes per key for each stream length.\n\n"
                + "options:\n" + options.describe();
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        CliOptions.Parsed p = options.parse(args);
        Settings d = Settings.defaults();
        int[] lengths = d.lengths();
        String ls = p.string("lengths", null);
        if (ls != null) {
            try {
                lengths = Arrays.stream(ls.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
            } catch (NumberFormatException e) {
                throw new UsageException("option --lengths has value '" + ls + "', expected positive integers "
                        + "separated by commas");
            }
        }
        Settings s = new Settings(lengths, p.positiveInt("pairs", d.pairs()), p.positiveInt("queries", d.queries()),
                p.positiveInt("dim", d.dim()), p.positiveInt("segment", d.segment()),
                p.positiveInt("chunk", d.chunk()), d.queryNorm(), p.positiveInt("seeds", d.seeds()));
        for (int l : lengths) {
            if (l < s.pairs() + s.queries()) {
                throw new UsageException("option --lengths: length " + l + " is shorter than pairs + queries ("
                        + (s.pairs() + s.queries()) + ")");
            }
        }
        List<RecallBenchmark.Row> rows = RecallBenchmark.run(s, RecallBenchmark.defaultBackend(),
                p.flag("quiet") ? null : err);
        out.print(RecallBenchmark.table(s, rows));
        return Memctl.EXIT_OK;
    }
}
