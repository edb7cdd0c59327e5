package dev.keymem.models.bmojo;

import java.util.Arrays;

/**
 * One exact token kept by B'MOJO for one head: its stream position, its innovation at arrival and
 * its raw key [K] and value [V]. The pair (head, position) identifies an entry.
 */
public record EideticEntry(int head, long position, float innovation, float[] key, float[] value) {

    public EideticEntry {
        if (head < 0 || position < 0) {
            throw new IllegalArgumentException("bad entry head " + head + " position " + position);
        }
        if (key == null || value == null) {
            throw new IllegalArgumentException("entry key and value are required");
        }
    }

    /** A long that identifies (head, position) for a map keyed per key: position * heads + head. */
    public static long archiveKey(int head, long position, int heads) {
        return Math.addExact(Math.multiplyExact(position, heads), head);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EideticEntry e && e.head == head && e.position == position
                && Float.compare(e.innovation, innovation) == 0 && Arrays.equals(e.key, key)
                && Arrays.equals(e.value, value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(position) * 31 + head;
    }

    @Override
    public String toString() {
        return "EideticEntry{head=" + head + ", position=" + position + ", innovation=" + innovation + "}";
    }
}
