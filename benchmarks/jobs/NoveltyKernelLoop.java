import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineParser;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import dev.keymem.jobs.text.TextFrontEnd;
import dev.keymem.jobs.text.Vectors;
import dev.keymem.models.novelty.Novelty;
import dev.keymem.models.novelty.NoveltySettings;
import dev.keymem.models.novelty.NoveltyState;
import dev.keymem.models.novelty.NoveltyStore;
import dev.keymem.models.novelty.NoveltyWrite;
import dev.keymem.operators.KeyedNoveltyMemory;
import dev.keymem.operators.MemoryOperatorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log job's novelty memory alone (the fading cell's step, its innovation and the eidetic admission:
 * {@link Novelty#write}) over FILE's lines: the items are made first, untimed, as the job makes them (each
 * source's template miner, then the normalized embedding of the masked line, at the job's default settings), then
 * REPS passes write each source's items in file order, sources one after another (as a batch run's sorted input
 * does), each pass from fresh states (made in the timed part, as the job makes one per source: since session 23,
 * so its ns per item are not comparable with earlier sessions' numbers, which left the new states out). Prints
 * per pass the CPU ns per item of this thread, the candidates (innovation above the threshold) and admissions,
 * and a digest of the innovations, admissions and final cells (the same digest for two builds: bit for bit the
 * same memory). For component times of the kernel and before/after
 * comparisons of it; whole-run numbers come from memctl. Usage (C1 alone, as memctl runs files up to 20 MiB;
 * -Dkeymem.novelty.kernel=packed|scalar|sparse|vector picks a kernel):
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/memctl.jar benchmarks/jobs/NoveltyKernelLoop.java FILE REPS [readback]
 * <p>{@code readback}: the key's cell is read ({@code NoveltyState.cell()}, which unpacks it) after every write, so
 * the next write packs it again, as with a state backend that serializes the state per record (RocksDB); the
 * serialization itself is not timed.
 */
public class NoveltyKernelLoop {
    public static void main(String[] a) throws Exception {
        int reps = Integer.parseInt(a[1]);
        boolean readback = a.length > 2 && a[2].equals("readback");
        LogSummarySettings settings = LogSummarySettings.defaults();
        LogLineParser parser = new LogLineParser(null);
        TextFrontEnd fe = TextFrontEnd.builder().dimension(settings.dimension()).build();
        TemplateMiner miner = new TemplateMiner(settings.miner());
        Map<String, MinerState> miners = new HashMap<>();
        Map<String, List<float[]>> items = new LinkedHashMap<>();
        long off = 0;
        int n = 0;
        int nonzero = 0;
        for (String s : Files.readAllLines(Path.of(a[0]))) {
            long o = off++;
            if (s.isBlank()) {
                continue; // a dead letter in the job
            }
            LogLine l;
            try {
                l = parser.parse(null, s, o, -1);
            } catch (Exception e) {
                continue; // a dead letter in the job
            }
            TemplateMiner.Match m = miner.accept(miners.computeIfAbsent(l.source, k -> new MinerState()), l.text,
                    l.bare);
            float[] x = Vectors.normalized(fe.encode(m.masked()).vector);
            items.computeIfAbsent(l.source, k -> new ArrayList<>()).add(x);
            n++;
            for (float v : x) {
                nonzero += v != 0 ? 1 : 0;
            }
        }
        System.out.printf("%d items, %d sources, %.1f nonzero coordinates an item%n", n, items.size(),
                nonzero / (double) n);
        NoveltySettings ns = MemoryOperatorOptions.noveltySettings(KeyedNoveltyMemory.noveltyOptions(settings.options()));
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < reps; r++) {
            Novelty memory = new Novelty(ns, null);
            long h = 0;
            int candidates = 0;
            int admitted = 0;
            long cpu = 0;
            for (Map.Entry<String, List<float[]>> e : items.entrySet()) {
                long t0 = bean.getCurrentThreadCpuTime(); // a new key's state counts (the job makes one per source)
                NoveltyState st = memory.newState(e.getKey().hashCode());
                NoveltyStore store = NoveltyStore.inMemory();
                int item = 0;
                for (float[] x : e.getValue()) {
                    NoveltyWrite w = memory.write(st, store, x, item++, null);
                    h = h * 31 + Float.floatToRawIntBits(w.innovation()) + (w.admitted() ? 7 : 0);
                    candidates += w.innovation() > ns.threshold() ? 1 : 0;
                    admitted += w.admitted() ? 1 : 0;
                    if (readback) {
                        st.cell();
                    }
                }
                cpu += bean.getCurrentThreadCpuTime() - t0;
                h = h * 31 + Arrays.hashCode(st.cell().data());
            }
            System.out.printf("pass %d: %.0f CPU ns/item, %d candidates, %d admitted, digest %016x%n", r,
                    cpu / (double) n, candidates, admitted, h);
        }
    }
}
