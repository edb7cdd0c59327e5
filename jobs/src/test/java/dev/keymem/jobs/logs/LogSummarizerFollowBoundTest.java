package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.jobs.logs.mining.MinerStateProbe;
import dev.keymem.jobs.text.TextFrontEnd;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The heap arrays a summary follows its period with ({@link dev.keymem.jobs.logs.mining.FollowedIds}: the period's
 * ids, the miner's removal record) stay within {@link LogSummarizer#maxFollowed} however many templates one period
 * counts or removes, shrink back after a period that used little of them, and the summaries still equal the walk
 * over the whole ledger (the reference, {@code walkLedger}); a new source's WriteBack ledger never asks its store
 * for an entry.
 */
class LogSummarizerFollowBoundTest {
    /** A word of letters only for {@code k} (digits would be masked, and the lines merge into one template). */
    private static String word(int k) {
        StringBuilder b = new StringBuilder();
        do {
            b.append((char) ('a' + k % 26));
            k /= 26;
        } while (k > 0);
        return b.toString();
    }

    /** A line of its own template (shape {@code k}). */
    private static LogLine line(int k, long offset) {
        String w = word(k);
        return new LogLine("s", "2026-01-15T08:00:00.000Z INFO s[7]: start" + w + " job" + w + " took "
                + (offset % 97) + " ms", offset, -1);
    }

    /** A store that counts its reads. */
    private static final class CountingStore implements TemplateLedger {
        final TemplateLedger.InMemory in = new TemplateLedger.InMemory();
        int gets;

        @Override
        public TemplateEntry get(int id) {
            gets++;
            return in.get(id);
        }

        @Override
        public void put(TemplateEntry e) {
            in.put(e);
        }

        @Override
        public void remove(int id) {
            in.remove(id);
        }

        @Override
        public List<TemplateEntry> all() {
            return in.all();
        }
    }

    private static String entries(TemplateLedger l) throws Exception {
        List<TemplateEntry> all = new ArrayList<>(l.all());
        all.sort(Comparator.comparingInt(e -> e.id));
        StringBuilder b = new StringBuilder();
        for (TemplateEntry e : all) {
            b.append(e.id).append('|').append(e.template).append('|').append(e.count).append('|').append(e.total)
                    .append('|').append(e.firstOffset).append('|').append(e.lastOffset).append('|').append(e.shown)
                    .append('|').append(e.params).append('\n');
        }
        return b.toString();
    }

    @Test
    void manyRemovalsInOnePeriodStayBoundedAndSummariesEqualTheWalk() throws Exception {
        int maxTemplates = 20;
        LogSummarySettings s = LogSummarySettings.defaults().withEvery(1_000_000, 0)
                .withMiner(MinerSettings.defaults().withMaxTemplates(maxTemplates));
        TextFrontEnd fe = TextFrontEnd.builder().dimension(s.dimension()).build();
        LogSummarizer fast = new LogSummarizer(s, fe);
        LogSummarizer ref = new LogSummarizer(s, fe);
        ref.walkLedger = true;
        int max = fast.maxFollowed;
        assertEquals(2 * maxTemplates + 64, max);
        CountingStore store = new CountingStore();
        SourceStores fs = SourceStores.inMemory(new TemplateLedger.WriteBack(store));
        SourceStores rs = SourceStores.inMemory();
        SourceMemory fm = fast.newMemory(7);
        SourceMemory rm = ref.newMemory(7);
        // new templates per period: a few, near the bound (the arrays grow), past it (dropped: a walk), quiet
        // (the arrays shrink back), far past it; -n: the 19 templates held besides shape 0's counted again, then n new
        // ones (more ids counted than the bound, fewer removed: only the period's ids are dropped)
        int[] periods = {5, 3, max - 4, 2, 1, max + 40, 0, 4, 700, 3, max - 10, 1, 60, -(max - 14), 2};
        int shape = 0;
        long offset = 0;
        long walks = 0;
        int grown = 0;
        for (int p = 0; p < periods.length; p++) {
            int counted = Math.abs(periods[p]) + 1;
            if (periods[p] < 0) {
                for (int k = shape - 19; k < shape; k++) {
                    LogLine l = line(k, offset++);
                    assertEquals(ref.accept(rm, rs, l), fast.accept(fm, fs, l));
                }
                counted += 19;
            }
            for (int i = 0; i < Math.abs(periods[p]); i++) {
                for (int again = 0; again < 2; again++) { // a template counted twice in its period
                    LogLine l = line(shape, offset++);
                    assertEquals(ref.accept(rm, rs, l), fast.accept(fm, fs, l));
                }
                shape++;
            }
            LogLine l = line(0, offset++); // every period counts a line
            assertEquals(ref.accept(rm, rs, l), fast.accept(fm, fs, l));
            String b = ref.summarize(rm, rs, "s", false);
            String a = fast.summarize(fm, fs, "s", false);
            assertEquals(b, a, "period " + p);
            assertEquals(entries(rs.ledger()), entries(fs.ledger()), "ledger after period " + p);
            // past the bound the period dropped its ids (and its record): that summary walked, the others did not
            if (counted > max) {
                walks++;
            }
            assertEquals(walks, fast.ledgerWalks, "walks after period " + p);
            int ids = fm.periodIds.capacity();
            int rec = MinerStateProbe.removalRecordLength(fs.miner());
            assertTrue(ids <= max && rec <= max, "period " + p + ": ids " + ids + " record " + rec + " max " + max);
            if (periods[p] >= 0 && periods[p] < 4) { // a quiet period: a long array of the period before (104 after 2 and 10) shrank
                assertTrue(ids <= 64 && rec <= 64, "period " + p + ": ids " + ids + " record " + rec);
            }
            grown = Math.max(grown, Math.max(ids, rec));
        }
        assertTrue(grown > 64, "the arrays grew past 64 once: " + grown);
        assertTrue(fs.miner().evicted() > 700, "evictions " + fs.miner().evicted());
        String b = ref.summarize(rm, rs, "s", true);
        assertEquals(b, fast.summarize(fm, fs, "s", true));
        // a source followed from its first line: its WriteBack ledger knows its store is empty (no reads)
        assertEquals(0, store.gets, "store reads");
    }
}
