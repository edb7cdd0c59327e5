package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link TemplateLedger.WriteBack} against writing through (the reference): the same answers to every get and
 * all, and after each write-back its store holds what the written-through ledger holds.
 */
class TemplateLedgerWriteBackTest {
    private static List<String> ids(List<TemplateEntry> all) {
        List<String> out = new ArrayList<>();
        List<TemplateEntry> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(e -> e.id));
        for (TemplateEntry e : sorted) {
            out.add(e.id + ":" + e.count);
        }
        return out;
    }

    @Test
    void sameAsWritingThrough() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        for (int run = 0; run < 200; run++) {
            TemplateLedger.InMemory through = new TemplateLedger.InMemory();
            TemplateLedger.InMemory store = new TemplateLedger.InMemory();
            for (int i = r.nextInt(5); i > 0; i--) { // a restored ledger: both start with the same entries
                TemplateEntry e = new TemplateEntry(r.nextInt(12), "t");
                e.count = 7;
                through.put(e);
                TemplateEntry c = new TemplateEntry(e.id, "t");
                c.count = 7;
                store.put(c);
            }
            TemplateLedger.WriteBack held = new TemplateLedger.WriteBack(store);
            for (int step = 0; step < 300; step++) {
                int id = r.nextInt(12);
                switch (r.nextInt(6)) {
                    case 0, 1 -> { // a line: get, change, put (through copies: a fresh object per put)
                        TemplateEntry a = through.get(id);
                        TemplateEntry b = held.get(id);
                        assertEquals(a == null, b == null, "get " + id);
                        if (a != null) {
                            assertEquals(a.count, b.count);
                        }
                        TemplateEntry na = new TemplateEntry(id, "t");
                        na.count = (a == null ? 0 : a.count) + 1;
                        through.put(na);
                        if (b == null) {
                            b = new TemplateEntry(id, "t");
                        }
                        b.count++;
                        held.put(b);
                    }
                    case 2 -> {
                        through.remove(id);
                        held.remove(id);
                    }
                    case 3 -> assertEquals(ids(through.all()), ids(held.all()));
                    case 4 -> {
                        held.writeBack();
                        assertEquals(0, held.changed());
                        assertEquals(ids(through.all()), ids(store.all()), "the store after a write-back");
                    }
                    default -> {
                        TemplateEntry b = held.get(id);
                        assertEquals(through.get(id) == null, b == null);
                        if (b != null) {
                            assertSame(b, held.get(id), "a live entry");
                        }
                    }
                }
            }
            held.writeBack();
            assertEquals(ids(through.all()), ids(store.all()));
        }
    }
}
