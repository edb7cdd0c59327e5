package dev.keymem.jobs.cli;

import dev.keymem.jobs.context.ContextOptions;
import dev.keymem.jobs.eval.ContextEval;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code memctl eval context} (dispatched by {@link EvalCommand}): the user context job against plain BM25 on generated multi-session
 * conversations and facts-then-filler streams ({@link ContextEval}); prints recall@1/5/10, state bytes,
 * throughput, query latency and an ablation. Exit 0 when it ran (the numbers are the result).
 */
final class ContextEvalCommand implements Subcommand {
    private final CliOptions options = new CliOptions()
            .option("lengths", "N,N,..", "events per user of each conversation group (default 100,1000,10000,100000)")
            .option("users", "N,N,..", "users of each group (default 10,10,4,1)")
            .option("fact-users", "N", "facts-then-filler users (default 10; 0 = none)")
            .option("filler", "F", "filler events after the four facts (default 10000)")
            .option("seed", "S", "generator seed (default 1)")
            .option("embedder", "NAME", "hashing (default) or minilm (needs the MiniLM jar on the classpath)")
            .option("weights", "L,D,R,N,T", "score weights lexical,dense,read,novelty,recency (default: the job's)")
            .flag("no-job", "skip the Flink job (in-process memory only, much faster)")
            .flag("no-ablation", "skip the ablation table");

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "evaluations: 'eval context' measures the context job's recall against BM25";
    }

    @Override
    public String usage() {
        return "usage: memctl eval context [options]\n\n" + options.describe()
                + "\nSee docs/benchmarks.md (user context: recall) for what it prints.\n";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || !args.get(0).equals("context")) {
            throw new UsageException("expected 'memctl eval context [options]'");
        }
        CliOptions.Parsed p = options.parse(args.subList(1, args.size()));
        List<Integer> lengths = ints(p, "lengths", "100,1000,10000,100000");
        List<Integer> users = ints(p, "users", "10,10,4,1");
        if (lengths.size() != users.size()) {
            throw new UsageException("--lengths and --users need as many values: " + lengths + " vs " + users);
        }
        int factUsers = nonNegative(p, "fact-users", 10);
        int filler = nonNegative(p, "filler", 10_000);
        long seed = nonNegative(p, "seed", 1);
        String embedder = p.choice("embedder", List.of("hashing", "minilm"), "hashing");
        String weights = p.string("weights", null);
        if (weights != null) {
            try {
                dev.keymem.models.events.EventSettings.Weights.parse(weights);
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --weights: " + e.getMessage());
            }
        }
        ContextEval.Config c = new ContextEval.Config(lengths, users, factUsers, filler, seed,
                ContextOptions.Embedder.valueOf(embedder.toUpperCase(Locale.ROOT)), !p.flag("no-job"),
                !p.flag("no-ablation"), weights);
        try (RunDir dir = RunDir.create("eval")) {
            new ContextEval(c, out, dir.io(), dir.checkpoints()).run();
        }
        return Memctl.EXIT_OK;
    }

    private static List<Integer> ints(CliOptions.Parsed p, String name, String dflt) throws UsageException {
        List<Integer> out = new ArrayList<>();
        for (String s : p.string(name, dflt).split(",")) {
            try {
                int n = Integer.parseInt(s.trim());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new UsageException("option --" + name + " has '" + s + "', expected non-negative integers");
            }
        }
        return out;
    }

    private static int nonNegative(CliOptions.Parsed p, String name, int dflt) throws UsageException {
        String v = p.string(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new UsageException("option --" + name + " has value '" + v + "', expected a non-negative integer");
    }
}
