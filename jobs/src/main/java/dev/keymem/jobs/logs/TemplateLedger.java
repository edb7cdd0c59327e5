package dev.keymem.jobs.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
