package dev.keymem.jobs.logs.mining;

import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineParser;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The template miner alone, one state per source as the log job keeps them, over the lines of a file in order, on
 * one thread: per block of lines (default 5,000), the thread CPU ms of {@link TemplateMiner#accept} (masking,
 * tokens, match, widen, eviction) and the microseconds a line of the matching alone ({@link TemplateMiner#assign}
 * of the line's message, computed beforehand: match, widen, eviction), the templates created, the templates held, and the candidates a line is compared
 * with: the templates of its token count (the bucket it is matched in) and, where the bucket keeps groups, those
 * sharing a token with it ({@code TemplateIndex.Bucket#count}). A hash of the ids shows two builds assigned the
 * same. A measuring program, not a test: run it as memctl runs a file of logs, e.g. {@code java
 * -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/memctl.jar:jobs/target/test-classes
 * dev.keymem.jobs.logs.mining.MinerCost FILE [BLOCK] [REPS] [match|fields]} (minimum of REPS runs; {@code match}: the matching alone; candidates are counted in a
 * separate pass, untimed; {@code fields}: also the CPU ms of {@link LineVariant#fields} and of its reference over each
 * line's template tokens, the two in turn, REPS rounds, minimum of each).
 */
public final class MinerCost {
    private MinerCost() {
    }

    public static void main(String[] a) throws Exception {
        LogLineParser parser = new LogLineParser(null);
        List<LogLine> lines = new ArrayList<>();
        long off = 0;
        for (String s : Files.readAllLines(Path.of(a[0]))) {
            long o = off++;
            if (s.isBlank()) {
                continue;
            }
            try {
                lines.add(parser.parse(null, s, o, -1));
            } catch (Exception e) {
                // dead letter: not mined
            }
        }
        // each line's message (masked, header cut) and mined text, from a miner of its own: the matching is timed alone
        TemplateMiner probe = new TemplateMiner();
        Map<String, MinerState> probes = new HashMap<>();
        String[] masked = new String[lines.size()];
        long probeHash = 0;
        String[][] tokens = new String[lines.size()][];
        String[] mined = new String[lines.size()];
        String[][] templates = new String[lines.size()][];
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = lines.get(i);
            TemplateMiner.Match m = probe.accept(probes.computeIfAbsent(l.source, k -> new MinerState()), l.text, l.bare);
            masked[i] = m.masked();
            tokens[i] = m.tokens();
            mined[i] = m.message();
            templates[i] = m.template().split(" ", -1);
            probeHash = probeHash * 31 + m.id();
        }
        boolean matchOnly = a.length > 3 && a[3].equals("match");
        if (a.length > 3 && a[3].equals("fields")) {
            fields(templates, a.length > 2 ? Integer.parseInt(a[2]) : 3);
        }
        int block = a.length > 1 ? Integer.parseInt(a[1]) : 5000;
        int reps = a.length > 2 ? Integer.parseInt(a[2]) : 3;
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        int blocks = (lines.size() + block - 1) / block;
        long[] min = new long[blocks];
        long[] minMatch = new long[blocks];
        java.util.Arrays.fill(minMatch, Long.MAX_VALUE);
        java.util.Arrays.fill(min, Long.MAX_VALUE);
        long hash = 0;
        for (int r = 0; r < reps; r++) {
            TemplateMiner miner = new TemplateMiner();
            Map<String, MinerState> states = new HashMap<>();
            hash = probeHash;
            for (int b = 0; b < blocks && !matchOnly; b++) {
                if (b == 0) {
                    hash = 0;
                }
                long c0 = tm.getCurrentThreadCpuTime();
                for (int i = b * block; i < Math.min(lines.size(), (b + 1) * block); i++) {
                    LogLine l = lines.get(i);
                    MinerState st = states.computeIfAbsent(l.source, k -> new MinerState());
                    hash = hash * 31 + miner.accept(st, l.text, l.bare).id();
                }
                min[b] = Math.min(min[b], tm.getCurrentThreadCpuTime() - c0);
            }
            // the matching alone (template found or made, widened, evicted), the messages given
            states.clear();
            long h2 = 0;
            for (int b = 0; b < blocks; b++) {
                long c0 = tm.getCurrentThreadCpuTime();
                for (int i = b * block; i < Math.min(lines.size(), (b + 1) * block); i++) {
                    MinerState st = states.computeIfAbsent(lines.get(i).source, k -> new MinerState());
                    h2 = h2 * 31 + miner.assign(st, new TemplateMiner.Message(masked[i], tokens[i]), mined[i]).id();
                }
                minMatch[b] = Math.min(minMatch[b], tm.getCurrentThreadCpuTime() - c0);
            }
            if (h2 != hash) {
                throw new AssertionError("the matching alone assigned other ids");
            }
        }
        // candidates: the line's bucket before it is matched (an untimed pass; tokens from a first miner's match)
        TemplateMiner miner = new TemplateMiner();
        Map<String, MinerState> states = new HashMap<>();
        System.out.printf("%d lines, %d sources, ids hash %x%n", lines.size(), lines.stream().map(l -> l.source)
                .distinct().count(), hash);
        System.out.println("block  lines  cpu_ms  us/line  match_us/line  created  held(max)  bucket/line  sharing/line  grouped%");
        for (int b = 0; b < blocks; b++) {
            long created = 0;
            long bucket = 0;
            long sharing = 0;
            long grouped = 0;
            int n = 0;
            for (int i = b * block; i < Math.min(lines.size(), (b + 1) * block); i++, n++) {
                LogLine l = lines.get(i);
                MinerState st = states.computeIfAbsent(l.source, k -> new MinerState());
                if (st.index != null && tokens[i].length > 0) {
                    TemplateIndex.Bucket bk = st.index.bucket(tokens[i].length);
                    if (bk != null) {
                        bucket += bk.members;
                        if (bk.grouped) {
                            grouped++;
                            bk.count(tokens[i]);
                            sharing += bk.touched.n;
                        } else {
                            sharing += bk.members;
                        }
                    }
                }
                if (miner.accept(st, l.text, l.bare).created()) {
                    created++;
                }
            }
            int held = states.values().stream().mapToInt(MinerState::size).max().orElse(0);
            System.out.printf("%5d %6d %7.0f %8.1f %14.3f %8d %10d %12.1f %13.1f %8.1f%n", b, n, min[b] / 1e6,
                    min[b] / 1e3 / n, minMatch[b] / 1e3 / n, created, held, (double) bucket / n, (double) sharing / n,
                    100.0 * grouped / n);
        }
    }

    /** The CPU ms of {@link LineVariant#fields} and of {@link LineVariant#fieldsReference} over every line's template. */
    private static void fields(String[][] templates, int reps) {
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long fast = Long.MAX_VALUE;
        long ref = Long.MAX_VALUE;
        long marks = 0;
        for (int r = 0; r < Math.max(reps, 1); r++) {
            for (int form = 0; form < 2; form++) {
                boolean useFast = (form == 0) == (r % 2 == 0); // the order turned each round
                long m = 0;
                long c0 = tm.getCurrentThreadCpuTime();
                for (String[] t : templates) {
                    boolean[] f = useFast ? LineVariant.fields(t) : LineVariant.fieldsReference(t);
                    for (boolean b : f) {
                        m += b ? 1 : 0;
                    }
                }
                long c = tm.getCurrentThreadCpuTime() - c0;
                if (useFast) {
                    fast = Math.min(fast, c);
                } else {
                    ref = Math.min(ref, c);
                }
                if ((r > 0 || form > 0) && m != marks) {
                    throw new AssertionError("the forms marked other fields");
                }
                marks = m;
            }
        }
        System.out.printf("fields over %d templates: fast %.1f ms, reference %.1f ms (min of %d), %d marked%n",
                templates.length, fast / 1e6, ref / 1e6, reps, marks);
    }
}
