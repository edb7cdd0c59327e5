package dev.keymem.jobs.logs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where one source's not-yet-reported lines live (the storage seam: the Flink function backs it with a
 * keyed MapState position -&gt; line, so a line is written once instead of with every state update).
 */
public interface PendingLines {
    /** Adds a line (positions increase). */
    void add(SourceMemory.PendingLine line) throws Exception;

    /** Every line, in position order. */
    List<SourceMemory.PendingLine> all() throws Exception;

    /** Drops the lines before {@code position}. */
    void removeBelow(long position) throws Exception;

    /** Sorts by position (for stores that iterate in another order). */
    static List<SourceMemory.PendingLine> sorted(List<SourceMemory.PendingLine> lines) {
        lines.sort(Comparator.comparingLong(l -> l.position));
        return lines;
    }

    /** An in-memory store (tests, direct use). */
    final class InMemory implements PendingLines {
        private final List<SourceMemory.PendingLine> lines = new ArrayList<>();

        @Override
        public void add(SourceMemory.PendingLine line) {
            lines.add(line);
        }

        @Override
        public List<SourceMemory.PendingLine> all() {
            return new ArrayList<>(lines);
        }

        @Override
        public void removeBelow(long position) {
            lines.removeIf(l -> l.position < position);
        }
    }
}
