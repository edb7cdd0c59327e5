package dev.keymem.jobs.cli;

import dev.keymem.models.retention.bench.RetentionBenchmark;
import java.io.PrintStream;
import java.util.List;

/** {@code memctl retention}: the needle-retention benchmark (see RetentionBenchmark). */
final class RetentionCommand implements Subcommand {

    @Override
    public String name() {
        return "retention";
    }

    @Override
    public String summary() {
        return "needle retention vs memory budget: StreamingLLM, H2O, B'MOJO, STR/CMP";
    }

    @Override
    public String usage() {
        return "usage: memctl retention [--length N] [--needles N] [--dim D] [--budgets 64,128,256,512] [--seeds N]\n\n"
                + "A stream with a periodic background and rare inserted facts (needles); prints a markdown table of\n"
                + "the fraction of needles still retrievable at the end and the state bytes per key, per memory and\n"
                + "budget (slots). Defaults: " + RetentionBenchmark.describe(RetentionBenchmark.Settings.defaults())
                + "\n";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        RetentionBenchmark.Settings s;
        try {
            s = RetentionBenchmark.parse(args.toArray(new String[0]));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<RetentionBenchmark.Row> rows = RetentionBenchmark.run(s, err);
        out.println(RetentionBenchmark.describe(s));
        out.println();
        out.print(RetentionBenchmark.table(s, rows));
        return Memctl.EXIT_OK;
    }
}
