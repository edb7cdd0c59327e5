package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.MinerStateSerializer;
import dev.keymem.jobs.text.TextFrontEnd;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A summary over the templates changed since the last one ({@link dev.keymem.jobs.logs.mining.FollowedIds}: the
 * period's ids and the miner's record of removed templates) against the reference, a walk over the whole ledger
 * ({@code walkLedger}): generated lines of several sources with few templates held (evictions and merges every
 * period), every summary text equal, the ledgers equal entry by entry, while the fast side's sources are restored
 * now and then (its period, miner state and ledger copied apart or together, as a restore or the hot-state cache's
 * re-read gives them) and summarized by timers between the every-lines summaries.
 */
class LogSummarizerPeriodTest {
    private static final String[] FIRST = {"conn", "job", "task", "worker", "GET", "cache", "disk"};
    private static final String[] WORDS = {"open", "closed", "failed", "ok", "retry", "write", "read", "sync",
        "timeout", "user", "block", "replica", "lease", "queue", "drop", "send"};

    /** A pool of line shapes: a first word, 3-8 more of words, numbers and key=value. */
    private static List<String[]> shapes(SplittableRandom r, int n) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] t = new String[4 + r.nextInt(6)];
            t[0] = FIRST[r.nextInt(FIRST.length)];
            for (int j = 1; j < t.length; j++) {
                int k = r.nextInt(10);
                t[j] = k < 6 ? WORDS[r.nextInt(WORDS.length)] : k < 8 ? "#" : WORDS[r.nextInt(4)] + "=#";
            }
            out.add(t);
        }
        return out;
    }

    private static LogLine line(SplittableRandom r, List<String[]> shapes, String source, long offset) {
        // skewed: a few shapes most of the time, the rest now and then (so templates return after silence)
        int i = r.nextInt(4) == 0 ? r.nextInt(shapes.size()) : r.nextInt(Math.min(12, shapes.size()));
        StringBuilder b = new StringBuilder("2026-01-15T08:00:00.000Z INFO ").append(source).append("[7]: ");
        String[] t = shapes.get(i);
        for (int j = 0; j < t.length; j++) {
            if (j > 0) {
                b.append(' ');
            }
            b.append(t[j].replace("#", Integer.toString(r.nextInt(r.nextBoolean() ? 10 : 100000))));
        }
        return new LogLine(source, b.toString(), offset, -1);
    }

    /** A source's stores whose miner state and ledger can be swapped (a restore, a re-read). */
    private static final class Stores implements SourceStores {
        MinerState miner = new MinerState();
        final TemplateLedger.InMemory store = new TemplateLedger.InMemory();
        TemplateLedger ledger;
        final PendingLines pending = new PendingLines.InMemory();

        Stores(boolean writeBack) {
            ledger = writeBack ? new TemplateLedger.WriteBack(store) : store;
        }

        @Override
        public MinerState miner() {
            return miner;
        }

        @Override
        public void minerUpdated(MinerState state) {
            miner = state;
        }

        @Override
        public TemplateLedger ledger() {
            return ledger;
        }

        @Override
        public PendingLines pending() {
            return pending;
        }
    }

    private static String entries(TemplateLedger l) throws Exception {
        List<TemplateEntry> all = new ArrayList<>(l.all());
        all.sort(Comparator.comparingInt(e -> e.id));
        StringBuilder b = new StringBuilder();
        for (TemplateEntry e : all) {
            b.append(e.id).append('|').append(e.template).append('|').append(e.shown).append('|').append(e.total)
                    .append('|').append(e.lastPosition).append('|').append(e.shapes).append('|').append(e.count)
                    .append('|').append(e.firstOffset).append('|').append(e.lastOffset).append('|').append(e.params)
                    .append('|').append(e.paramsDistinct).append('|').append(e.innovation).append('|')
                    .append(e.flag).append('|').append(e.text).append('|').append(e.textOffset).append('\n');
        }
        return b.toString();
    }

    /** Restores one part or all of a fast source (kind 0: its period, 1: its miner, 2: its ledger, 3: all). */
    private static void restore(int kind, SourceMemory[] m, Stores st) throws Exception {
        if (kind == 0 || kind == 3) {
            SourceMemory c = new SourceMemorySerializer().copy(m[0]);
            c.novelty = m[0].novelty; // the memory's own state, apart
            m[0] = c;
        }
        if (kind == 1 || kind == 3) {
            st.miner = new MinerStateSerializer().copy(st.miner);
        }
        if (kind == 2 || kind == 3) {
            if (st.ledger instanceof TemplateLedger.WriteBack w) {
                w.writeBack(); // the cache writes the source back and reads it again
                st.ledger = new TemplateLedger.WriteBack(st.store);
            } else {
                TemplateEntryPiece.Serializer ser = new TemplateEntryPiece.Serializer();
                List<TemplateEntry> all = st.store.all();
                for (TemplateEntry e : all) {
                    st.store.put(ser.copy(e)); // fresh objects, as a restored MapState gives
                }
            }
        }
    }

    private static void run(long seed, int maxTemplates, int every, boolean writeBack, double restoreRate,
                            double timerRate) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        LogSummarySettings s = LogSummarySettings.defaults().withEvery(every, 0)
                .withMiner(MinerSettings.defaults().withMaxTemplates(maxTemplates));
        TextFrontEnd fe = TextFrontEnd.builder().dimension(s.dimension()).build();
        LogSummarizer fast = new LogSummarizer(s, fe);
        LogSummarizer ref = new LogSummarizer(s, fe);
        ref.walkLedger = true;
        List<String[]> shapes = shapes(r, 160);
        String[] sources = {"a", "b", "c"};
        Map<String, SourceMemory[]> fm = new LinkedHashMap<>();
        Map<String, SourceMemory> rm = new HashMap<>();
        Map<String, Stores> fs = new HashMap<>();
        Map<String, SourceStores> rs = new HashMap<>();
        for (String src : sources) {
            fm.put(src, new SourceMemory[] {fast.newMemory(src.hashCode())});
            rm.put(src, ref.newMemory(src.hashCode()));
            fs.put(src, new Stores(writeBack));
            rs.put(src, SourceStores.inMemory());
        }
        int summaries = 0;
        int restores = 0;
        for (int i = 0; i < 6000; i++) {
            String src = sources[r.nextInt(sources.length)];
            LogLine l = line(r, shapes, src, i);
            String a = fast.accept(fm.get(src)[0], fs.get(src), l);
            String b = ref.accept(rm.get(src), rs.get(src), l);
            assertEquals(b, a, "seed " + seed + " line " + i);
            if (b != null) {
                summaries++;
            }
            if (r.nextDouble() < timerRate) { // a time-based summary between the every-lines ones
                String t = sources[r.nextInt(sources.length)];
                String ta = fast.summarize(fm.get(t)[0], fs.get(t), t, false);
                String tb = ref.summarize(rm.get(t), rs.get(t), t, false);
                assertEquals(tb, ta, "seed " + seed + " timer after line " + i);
                if (tb != null) {
                    summaries++;
                }
            }
            if (r.nextDouble() < restoreRate) {
                String t = sources[r.nextInt(sources.length)];
                restore(r.nextInt(4), fm.get(t), fs.get(t));
                restores++;
            }
            if (i % 1000 == 999) {
                for (String t : sources) {
                    assertEquals(entries(rs.get(t).ledger()), entries(fs.get(t).ledger()),
                            "seed " + seed + " ledger of " + t + " after line " + i);
                }
            }
        }
        for (String t : sources) {
            String a = fast.summarize(fm.get(t)[0], fs.get(t), t, true);
            String b = ref.summarize(rm.get(t), rs.get(t), t, true);
            assertEquals(b, a, "seed " + seed + " final of " + t);
            if (b != null) {
                summaries++;
            }
            assertEquals(entries(rs.get(t).ledger()), entries(fs.get(t).ledger()), "seed " + seed + " final ledger");
            assertEquals(rs.get(t).miner(), fs.get(t).miner());
        }
        assertEquals(summaries, ref.ledgerWalks, "the reference walks at every summary");
        // the fast side walks only after a restore of its period or miner (at most once per restore)
        assertTrue(fast.ledgerWalks <= restores, "walks " + fast.ledgerWalks + " restores " + restores);
        assertTrue(summaries - fast.ledgerWalks > summaries / 2, "fast summaries " + (summaries - fast.ledgerWalks)
                + " of " + summaries);
        assertTrue(fs.get("a").miner().evicted() > 20, "evictions " + fs.get("a").miner().evicted());
    }

    @Test
    void sameSummariesAsTheWalkOverTheLedger() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            run(seed, seed % 2 == 0 ? 25 : 60, 40 + (int) seed * 17, seed % 3 != 0, 0.004, 0.01);
        }
    }

    @Test
    void sameSummariesWithoutRestores() throws Exception {
        for (long seed = 11; seed <= 13; seed++) {
            run(seed, 30, 50, seed % 2 == 0, 0, 0.02);
        }
    }
}
