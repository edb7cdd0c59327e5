package dev.keymem.jobs.cli;

import dev.keymem.jobs.logs.LogEvaluation;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.logs.mining.LoghubDataset;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code memctl eval context [options]}: the user context job's recall against BM25 ({@link ContextEvalCommand}).
 * {@code memctl eval logs DATASET_DIR...}: the log job's template mining and summaries on data sets with
 * ground truth (loghub_2k layout); see {@link LogEvaluation}. A directory that holds data set folders
 * instead of being one stands for all of them. Drain's and Brain's published accuracies come from a
 * {@code README.md} next to the data set folders when there is one.
 */
final class EvalCommand implements Subcommand {

    private static final ContextEvalCommand CONTEXT = new ContextEvalCommand();

    private final CliOptions options = new CliOptions()
            .option("markdown", "FILE", "also write the table (Markdown) to FILE")
            .option("readme", "FILE", "README with the published | name | Drain | Brain | rows (default: README.md "
                    + "next to the data set folders)");

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "evaluations: 'eval logs DATASET_DIR...' (template mining and summaries on labelled logs), "
                + "'eval context' (the context job's recall against BM25)";
    }

    @Override
    public String usage() {
        return CONTEXT.usage() + "\n"
                + "usage: memctl eval logs DATASET_DIR... [options]\n\n"
                + "Per data set (a folder with NAME_2k.log and NAME_2k.log_structured.csv, as in loghub_2k): grouping\n"
                + "accuracy of the streaming template miner (logpai's definition) beside Drain's and Brain's, the\n"
                + "miner's lines/s, and the default summaries' template coverage and verbatim lines per template.\n\n"
                + options.describe();
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (!args.isEmpty() && args.get(0).equals("context")) {
            return CONTEXT.run(args, out, err);
        }
        if (args.isEmpty() || !args.get(0).equals("logs")) {
            throw new UsageException("expected 'eval logs DATASET_DIR...' or 'eval context [options]'");
        }
        List<String> opts = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        List<String> rest = args.subList(1, args.size());
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.startsWith("--")) {
                opts.add(a);
                if (!a.contains("=") && i + 1 < rest.size()) {
                    opts.add(rest.get(++i));
                }
            } else {
                dirs.add(Path.of(a));
            }
        }
        CliOptions.Parsed p = options.parse(opts);
        if (dirs.isEmpty()) {
            throw new UsageException("no data set directory given (see --help)");
        }
        List<Path> sets = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new UsageException("data set directory " + d + " not found");
            }
            if (LoghubDataset.isDataset(d)) {
                sets.add(d);
            } else {
                try (Stream<Path> s = Files.list(d)) {
                    List<Path> inside = s.filter(LoghubDataset::isDataset).sorted().toList();
                    if (inside.isEmpty()) {
                        throw new UsageException(d + " is not a data set (no *_structured.csv and *.log) and holds none");
                    }
                    sets.addAll(inside);
                }
            }
        }
        String readme = p.string("readme", null);
        Map<String, double[]> published = LogEvaluation.published(readme != null ? Path.of(readme)
                : sets.get(0).toAbsolutePath().getParent().resolve("README.md"));
        LogSummarySettings settings = LogSummarySettings.defaults();
        List<LogEvaluation.Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        for (Path d : sets) {
            LogEvaluation.Row r = LogEvaluation.evaluate(LoghubDataset.read(d), settings, published);
            rows.add(r);
            err.printf(Locale.ROOT, "[eval] %s: GA %.3f, coverage %.3f, %.2f verbatim lines per template%n", r.name(),
                    r.ga(), r.coverage(), r.verbatimPerTemplate());
        }
        String table = LogEvaluation.table(rows);
        out.print(table);
        out.printf(Locale.ROOT, "%n%d data sets in %.1f s; GA: the miner on the Content column, streaming; GA raw "
                + "lines: on whole lines; coverage: ground-truth templates with a line shown verbatim by the default "
                + "summaries (memctl logs defaults, no time-based summaries)%n", rows.size(), (System.nanoTime() - t0) / 1e9);
        String md = p.string("markdown", null);
        if (md != null) {
            Path f = Path.of(md);
            if (f.getParent() != null) {
                Files.createDirectories(f.getParent());
            }
            Files.writeString(f, table, StandardCharsets.UTF_8);
        }
        return Memctl.EXIT_OK;
    }
}
