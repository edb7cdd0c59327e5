package dev.keymem.jobs.logs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where one source's {@link TemplateEntry}s live (the storage seam: the Flink function backs it with a
 * keyed MapState template id -&gt; entry; {@link InMemory} for direct use).
 */
public interface TemplateLedger {
    /** The entry of template {@code id}, or null. */
    TemplateEntry get(int id) throws Exception;

    /** Stores (inserts or replaces) an entry. */
    void put(TemplateEntry e) throws Exception;

    /** Removes an entry. */
    void remove(int id) throws Exception;

    /** Every entry, in any order. */
    List<TemplateEntry> all() throws Exception;

    /**
     * One source's ledger held on the heap between its lines, over its ledger in keyed state ({@code store}):
     * an entry is read from the store once, changes stay here until {@link #writeBack}, which puts every
     * changed entry (and removes every removed one) in the store, so the store then holds what writing
     * through would have left there. The keyed function keeps it in the operator's hot-state cache, which
     * writes it back when the source is evicted and before every checkpoint barrier. Entries are live
     * objects: the summarizer puts every entry it changes, as it must for a store that copies. Heap: the
     * entries of the source's current templates (the store's first {@link #all} reads them all), never
     * those of templates already removed.
     */
    final class WriteBack implements TemplateLedger {
        private final TemplateLedger store;
        /** Entries read or changed; null: no entry (removed, or absent from the store). */
        private final Map<Integer, TemplateEntry> entries = new HashMap<>();
        private final Set<Integer> changed = new HashSet<>();
        /** Whether every entry of the store is in {@link #entries} (after the first {@link #all}). */
        private boolean complete;

        WriteBack(TemplateLedger store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        @Override
        public TemplateEntry get(int id) throws Exception {
            TemplateEntry e = entries.get(id);
            if (e != null || complete || entries.containsKey(id)) {
                return e;
            }
            e = store.get(id);
            entries.put(id, e);
            return e;
        }

        @Override
        public void put(TemplateEntry e) {
            entries.put(e.id, e);
            changed.add(e.id);
        }

        @Override
        public void remove(int id) {
            entries.put(id, null);
            changed.add(id);
        }

        @Override
        public List<TemplateEntry> all() throws Exception {
            if (!complete) {
                for (TemplateEntry e : store.all()) {
                    if (!entries.containsKey(e.id)) {
                        entries.put(e.id, e);
                    }
                }
                complete = true;
            }
            List<TemplateEntry> all = new ArrayList<>(entries.size());
            for (TemplateEntry e : entries.values()) {
                if (e != null) {
                    all.add(e);
                }
            }
            return all;
        }

        /** Writes the changed entries to the store (puts, and removes for removed ones); keeps them, clean. */
        void writeBack() throws Exception {
            for (Integer id : changed) {
                TemplateEntry e = entries.get(id);
                if (e == null) {
                    store.remove(id);
                } else {
                    store.put(e);
                }
            }
            changed.clear();
            entries.values().removeIf(Objects::isNull); // what is not there is known absent, or read again
        }

        /** Entries changed since the last write-back. */
        int changed() {
            return changed.size();
        }
    }

    /** An in-memory ledger. */
    final class InMemory implements TemplateLedger {
        private final Map<Integer, TemplateEntry> entries = new TreeMap<>();

        @Override
        public TemplateEntry get(int id) {
            return entries.get(id);
        }

        @Override
        public void put(TemplateEntry e) {
            entries.put(e.id, e);
        }

        @Override
        public void remove(int id) {
            entries.remove(id);
        }

        @Override
        public List<TemplateEntry> all() {
            return new ArrayList<>(entries.values());
        }
    }
}
