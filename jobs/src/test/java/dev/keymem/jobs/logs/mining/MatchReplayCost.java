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
 * The miner's matching with its remembered messages, as a run meets them, with and without the replay of a bucket's
 * changes ({@link TemplateMiner#replay}): each line's masked message (header cut) is found first by a miner of its
 * own (untimed); then, per pass, a fresh miner takes each line's remembered message ({@link TemplateMiner#message})
 * and assigns it ({@link TemplateMiner#assign}: match, widen, evict), one state per source, in file order. The two
 * forms take turns, REPS passes each; prints the minimum CPU ms of each, the lines matched by a remembered match
 * (taken as it was, or replayed) and a hash of the ids (the same for both forms, and the same as the miner's own
 * {@code accept}). A measuring program, not a test: {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp
 * jobs/target/memctl.jar:jobs/target/test-classes dev.keymem.jobs.logs.mining.MatchReplayCost FILE [REPS]}.
 */
public final class MatchReplayCost {
    private MatchReplayCost() {
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
        int reps = a.length > 1 ? Integer.parseInt(a[1]) : 7;
        TemplateMiner probe = new TemplateMiner();
        Map<String, MinerState> probes = new HashMap<>();
        String[] masked = new String[lines.size()];
        String[] mined = new String[lines.size()];
        long acceptHash = 0;
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = lines.get(i);
            TemplateMiner.Match m = probe.accept(probes.computeIfAbsent(l.source, k -> new MinerState()), l.text, l.bare);
            masked[i] = m.masked();
            mined[i] = m.message();
            acceptHash = acceptHash * 31 + m.id();
        }
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
        long[] hash = new long[2];
        long[] reused = new long[2];
        long[] replayed = new long[2];
        for (int r = 0; r < reps; r++) {
            for (int f = 0; f < 2; f++) {
                int form = (r & 1) == 0 ? f : 1 - f; // order turned each round
                TemplateMiner miner = new TemplateMiner();
                miner.replay = form == 1;
                Map<String, MinerState> states = new HashMap<>();
                long h = 0;
                long c0 = tm.getCurrentThreadCpuTime();
                for (int i = 0; i < masked.length; i++) {
                    MinerState st = states.computeIfAbsent(lines.get(i).source, k -> new MinerState());
                    h = h * 31 + miner.assign(st, miner.message(masked[i], false), mined[i]).id();
                }
                best[form] = Math.min(best[form], tm.getCurrentThreadCpuTime() - c0);
                hash[form] = h;
                reused[form] = miner.reusedMatches;
                replayed[form] = miner.replayedMatches;
            }
        }
        if (hash[0] != hash[1] || hash[0] != acceptHash) {
            throw new AssertionError("ids differ: accept " + acceptHash + ", without replay " + hash[0] + ", with "
                    + hash[1]);
        }
        System.out.printf("%s: %d lines, ids hash %x; without replay %.1f ms (%d reused), with replay %.1f ms (%d reused,"
                + " %d replayed)%n", Path.of(a[0]).getFileName(), masked.length, hash[0], best[0] / 1e6, reused[0],
                best[1] / 1e6, reused[1], replayed[1]);
    }
}
