package dev.keymem.models.retention;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** An {@link ArchiveStore} in a sorted map, for tests and CPU use. */
public final class InMemoryArchiveStore implements ArchiveStore {
    private final Map<Long, RetainedToken> entries = new TreeMap<>();

    @Override
    public void put(RetainedToken token) {
        if (entries.putIfAbsent(token.position(), token) != null) {
            throw new IllegalStateException("position " + token.position() + " is already archived");
        }
    }

    @Override
    public RetainedToken get(long position) {
        RetainedToken t = entries.get(position);
        if (t == null) {
            throw new IllegalStateException("no archived token at position " + position);
        }
        return t;
    }

    @Override
    public void remove(long position) {
        if (entries.remove(position) == null) {
            throw new IllegalStateException("remove of absent archived token " + position);
        }
    }

    @Override
    public void forEach(Consumer<RetainedToken> visitor) {
        entries.values().forEach(visitor);
    }

    public int size() {
        return entries.size();
    }

    /** A deep copy (what a snapshot of the backing map state holds). */
    public InMemoryArchiveStore copy() {
        InMemoryArchiveStore c = new InMemoryArchiveStore();
        entries.values().forEach(t -> c.put(t.copy()));
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InMemoryArchiveStore s && s.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.keySet().hashCode();
    }
}
