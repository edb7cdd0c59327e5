package dev.keymem.models.novelty;

/** Where one key's eidetic entries live (Flink MapState rows in the operators, a map in tests). */
public interface NoveltyStore {
    void put(NoveltyEntry entry) throws Exception;

    void remove(long position) throws Exception;

    /** The entry at {@code position}, or null. */
    NoveltyEntry get(long position) throws Exception;

    /** A store in a map (tests, evaluation). */
    static NoveltyStore inMemory() {
        java.util.Map<Long, NoveltyEntry> rows = new java.util.HashMap<>();
        return new NoveltyStore() {
            @Override
            public void put(NoveltyEntry entry) {
                rows.put(entry.position(), entry);
            }

            @Override
            public void remove(long position) {
                rows.remove(position);
            }

            @Override
            public NoveltyEntry get(long position) {
                return rows.get(position);
            }
        };
    }
}
