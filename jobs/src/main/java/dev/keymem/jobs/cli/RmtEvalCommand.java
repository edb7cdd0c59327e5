package dev.keymem.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keymem.models.backend.Backends;
import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.rmt.FactTask;
import dev.keymem.models.rmt.Rmt;
import dev.keymem.models.rmt.RmtConfig;
import dev.keymem.models.rmt.RmtEval;
import dev.keymem.models.rmt.RmtModel;
import dev.keymem.models.trained.McRecallEval;
import dev.keymem.models.trained.MqarTask;
import dev.keymem.models.trained.TrainedCellModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code memctl rmt-eval}: accuracy of trained RMT models (the artifacts {@code training/train_rmt.py}
 * exports) on their fact task vs stream length per key, with the per-key state size; a markdown table on
 * stdout and optionally a PNG plot.
 */
final class RmtEvalCommand implements Subcommand {
    static final String DEFAULT_MODELS = "training/artifacts/rmt-detect-memorize";
    private final CliOptions options = new CliOptions()
            .option("model", "DIR,DIR,...", "model directories (config.json + model.safetensors; default "
                    + DEFAULT_MODELS + ")")
            .option("lengths", "N,N,...", "tokens per key (default 32,256,4096,65536,1048576; with --mqar 1, 2, 4 and "
                    + "8 times the first model's training length)")
            .option("task", "NAME", "evaluate on this fact task instead of the one each model was trained on "
                    + "(memorize, detect_memorize, reasoning)")
            .option("samples", "N", "keys (streams) per length (default 32)")
            .option("seed", "N", "seed of the streams (default 1)")
            .option("threads", "N", "keys evaluated in parallel (default 2)")
            .option("png", "FILE", "also write a PNG plot of accuracy vs tokens per key")
            .option("mqar", "DIR,DIR,...", "instead: MQAR recall of trained gated delta models (training/train_mc.py) "
                    + "served plain and with Memory Caching GRM / SSC, learned and parameter-free gates")
            .option("reads", "R,R,...", "with --mqar: only these reads (plain, grm.param_free, ssc.param_free, "
                    + "grm.learned, ssc.learned; default all the weights serve)")
            .option("mc-segment", "L", "Memory Caching segment length for --mqar (default: the trained one)")
            .flag("quiet", "no progress lines");

    @Override
    public String name() {
        return "rmt-eval";
    }

    @Override
    public String summary() {
        return "trained RMT models: fact-task accuracy vs tokens per key, constant memory per key";
    }

    private int mqar(CliOptions.Parsed p, PrintStream out, PrintStream err) throws Exception {
        long[] lengths = null;
        String ls = p.string("lengths", null);
        if (ls != null) {
            try {
                lengths = Arrays.stream(ls.split(",")).mapToLong(s -> Long.parseLong(s.trim())).toArray();
            } catch (NumberFormatException e) {
                throw new UsageException("option --lengths has value '" + ls + "', expected integers separated by commas");
            }
        }
        int samples = p.positiveInt("samples", 32);
        int seed = p.positiveInt("seed", 1);
        List<String> names = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (String dir : p.string("mqar", "").split(",")) {
            Path d = Path.of(dir.trim());
            TrainedCellModel m;
            try {
                m = TrainedCellModel.load(d, Backends.java());
            } catch (IllegalArgumentException | IOException e) {
                throw new UsageException("option --mqar: " + d + ": " + e.getMessage());
            }
            JsonNode task = m.config().memory().get("task");
            JsonNode trained = m.config().memory().get("caching");
            if (task == null) {
                throw new UsageException("option --mqar: " + d + " has no memory.task in its config");
            }
            int segment = p.positiveInt("mc-segment", trained != null && trained.has("segment_length")
                    ? trained.get("segment_length").asInt() : 16);
            boolean spread = task.get("name").asText().equals("mqar_spread");
            MqarTask t = new MqarTask(task.get("pairs").asInt(), task.get("keys").asInt(), task.get("values").asInt(),
                    task.get("noise").asInt(), spread, task.has("density") ? task.get("density").asInt() : 8);
            if (lengths == null) {
                long train = task.has("train_length") ? task.get("train_length").asLong() : 64;
                lengths = new long[] {train, 2 * train, 4 * train, 8 * train};
            }
            String base = d.getFileName().toString();
            List<String> variants = new ArrayList<>(List.of("plain", "grm.param_free", "ssc.param_free"));
            if (m.hasLearnedGates()) {
                variants.addAll(List.of("grm.learned", "ssc.learned"));
            }
            String only = p.string("reads", null);
            if (only != null) {
                List<String> wanted = Arrays.stream(only.split(",")).map(String::trim).toList();
                for (String w : wanted) {
                    if (!List.of("plain", "grm.param_free", "ssc.param_free", "grm.learned", "ssc.learned").contains(w)) {
                        throw new UsageException("option --reads: unknown read '" + w + "'");
                    }
                }
                variants.retainAll(wanted);
            }
            for (String v : variants) {
                double[] r = new double[lengths.length];
                for (int i = 0; i < lengths.length; i++) {
                    long t0 = System.nanoTime();
                    r[i] = McRecallEval.recall(m, mcSettings(v, segment), t, (int) lengths[i], samples, seed, 64,
                            p.positiveInt("threads", 2));
                    if (!p.flag("quiet")) {
                        err.printf(Locale.ROOT, "rmt-eval --mqar: %s %s length %d: recall %.3f, %.1f s%n", base, v,
                                lengths[i], r[i], (System.nanoTime() - t0) / 1e9);
                    }
                }
                names.add(base + " " + v);
                rows.add(r);
            }
        }
        StringBuilder sb = new StringBuilder("| model, read | ");
        for (long l : lengths) {
            sb.append("recall @").append(l).append(" | ");
        }
        sb.append("\n|---|").append("---:|".repeat(lengths.length)).append('\n');
        for (int i = 0; i < names.size(); i++) {
            sb.append("| ").append(names.get(i)).append(" |");
            for (double r : rows.get(i)) {
                sb.append(String.format(Locale.ROOT, " %.3f |", r));
            }
            sb.append('\n');
        }
        out.print(sb);
        String png = p.string("png", null);
        if (png != null) {
            LinePlot.write(Path.of(png), "MQAR recall vs stream length", "tokens per key (log2)", "recall", lengths,
                    rows.toArray(new double[0][]), names);
        }
        return Memctl.EXIT_OK;
    }

    static CachingSettings mcSettings(String variant, int segment) {
        if (variant.equals("plain")) {
            return null;
        }
        String[] v = variant.split("\\.");
        return CachingSettings.defaults()
                .withSegmentation(CachingSettings.Segmentation.CONSTANT, segment)
                .withRead(v[0].equals("grm") ? CachingSettings.ReadVariant.GRM : CachingSettings.ReadVariant.SSC)
                .withTopK(2)
                .withGates(v[1].equals("learned") ? CachingSettings.GateSource.LEARNED
                        : CachingSettings.GateSource.PARAM_FREE, true);
    }

    @Override
    public String usage() {
        return "usage: memctl rmt-eval [--model DIR,...] [--task NAME] [--lengths N,...] [--samples N] [--seed N]\n"
                + "                       [--threads N] [--png FILE] [--quiet]\n"
                + "       memctl rmt-eval --mqar DIR,... [--lengths N,...] [--samples N] [--reads R,...] [--mc-segment L] [--png FILE]\n\n"
                + "Streams each key's fact task (facts hidden in noise, the question at the end) through the\n"
                + "model segment by segment and reads the answer at the last token; prints accuracy per length\n"
                + "and the bytes of one key's state (memory + open segment), which do not grow with length.\n\n"
                + "options:\n" + options.describe();
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CliOptions.Parsed p = options.parse(args);
        if (p.string("mqar", null) != null) {
            return mqar(p, out, err);
        }
        long[] lengths = {32, 256, 4096, 65536, 1048576};
        String ls = p.string("lengths", null);
        if (ls != null) {
            try {
                lengths = Arrays.stream(ls.split(",")).mapToLong(s -> Long.parseLong(s.trim())).toArray();
            } catch (NumberFormatException e) {
                throw new UsageException("option --lengths has value '" + ls + "', expected integers separated by commas");
            }
            for (long l : lengths) {
                if (l < 12) {
                    throw new UsageException("option --lengths: " + l + " is shorter than a fact task (12 tokens)");
                }
            }
        }
        int samples = p.positiveInt("samples", 32);
        int threads = p.positiveInt("threads", 2);
        int seed = p.positiveInt("seed", 1);
        boolean quiet = p.flag("quiet");
        List<String> names = new ArrayList<>();
        List<Rmt> models = new ArrayList<>();
        List<FactTask.Kind> tasks = new ArrayList<>();
        List<Integer> noises = new ArrayList<>();
        for (String dir : p.string("model", DEFAULT_MODELS).split(",")) {
            Path d = Path.of(dir.trim());
            if (!Files.isRegularFile(d.resolve("config.json")) || !Files.isRegularFile(d.resolve("model.safetensors"))) {
                throw new UsageException("option --model: " + d + " holds no config.json + model.safetensors");
            }
            RmtModel m;
            try {
                m = RmtModel.load(d);
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --model: " + e.getMessage());
            }
            RmtConfig c = m.config();
            if (c.layout() != RmtConfig.Layout.DECODER || !c.task().has("name") || !c.task().has("noise")) {
                throw new UsageException("option --model: " + d + " is not a fact-task RMT decoder (config.task)");
            }
            models.add(new Rmt(m));
            String trained = c.task().get("name").asText();
            String taskName = p.string("task", trained);
            try {
                tasks.add(FactTask.Kind.fromName(taskName));
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --task: " + e.getMessage());
            }
            noises.add(c.task().get("noise").asInt());
            String arch = c.arch() == RmtConfig.Arch.ARMT ? "ARMT " : "";
            names.add(arch + (taskName.equals(trained) ? taskName : taskName + " (model trained on " + trained + ")"));
        }
        double[][] acc = new double[models.size()][lengths.length];
        StringBuilder table = new StringBuilder();
        table.append("| tokens per key | segments |");
        for (int i = 0; i < models.size(); i++) {
            table.append(' ').append(names.get(i)).append(" accuracy |");
        }
        table.append(" state bytes per key | seconds |\n|---:|---:|");
        table.append("---:|".repeat(models.size())).append("---:|---:|\n");
        for (int li = 0; li < lengths.length; li++) {
            long len = lengths[li];
            StringBuilder row = new StringBuilder();
            List<Long> bytes = new ArrayList<>();
            double seconds = 0;
            int segSize = models.get(0).model().config().segmentSize();
            row.append("| ").append(len).append(" | ").append(String.format(Locale.ROOT, "%.1f", (double) len / segSize))
                    .append(" |");
            for (int i = 0; i < models.size(); i++) {
                RmtEval.Point pt = RmtEval.run(models.get(i), tasks.get(i), noises.get(i), len, samples, seed, threads);
                acc[i][li] = pt.accuracy();
                bytes.add(pt.stateBytes());
                seconds += pt.seconds();
                row.append(String.format(Locale.ROOT, " %.3f (%d/%d) |", pt.accuracy(), pt.correct(), pt.samples()));
                if (!quiet) {
                    err.printf(Locale.ROOT, "rmt-eval: %s length %d: %d/%d correct, %.1f s%n", names.get(i), len,
                            pt.correct(), pt.samples(), pt.seconds());
                }
            }
            // one number when every model keeps the same state; else each model's, in column order
            row.append(' ').append(bytes.stream().distinct().count() == 1 ? String.valueOf(bytes.get(0))
                    : bytes.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" / ")))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", seconds)).append(" |\n");
            table.append(row);
        }
        out.print(table);
        String png = p.string("png", null);
        if (png != null) {
            try {
                LinePlot.write(Path.of(png), "RMT accuracy vs tokens per key", "tokens per key (log2)", "accuracy",
                        lengths, acc, names);
            } catch (IOException e) {
                err.println("memctl rmt-eval: cannot write " + png + ": " + e.getMessage());
                return Memctl.EXIT_FAILURE;
            }
        }
        return Memctl.EXIT_OK;
    }
}
