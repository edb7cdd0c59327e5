package dev.keymem.models.bmojo;

import java.util.Arrays;

/**
 * A fixed-capacity list of entries per head in flat arrays (the eidetic store, the top-m candidates
 * of the open block, the retrieved long-term entries). Per head h, entries {@code 0 .. count[h]-1}
 * sit at slots {@code h*capacity + i}.
 *
 * <p>Field layout (the order a serializer writes them): {@code capacity} (int), {@code count} (int
 * [H]), {@code positions} (long [H*cap]), {@code innovations} (float [H*cap]), {@code keys} (float
 * [H*cap*K]), {@code values} (float [H*cap*V]); slots past a head's count are zero.
 */
public final class EntryBuffer {
    private final int heads;
    private final int capacity;
    private final int keyDim;
    private final int valueDim;
    private final int[] count;
    private final long[] positions;
    private final float[] innovations;
    private final float[] keys;
    private final float[] values;

    public EntryBuffer(int heads, int capacity, int keyDim, int valueDim) {
        this(heads, capacity, keyDim, valueDim, new int[heads], new long[heads * capacity],
                new float[heads * capacity], new float[heads * capacity * keyDim], new float[heads * capacity * valueDim]);
    }

    /** Wraps deserialised arrays (checked against the shape). */
    public EntryBuffer(int heads, int capacity, int keyDim, int valueDim, int[] count, long[] positions,
                       float[] innovations, float[] keys, float[] values) {
        if (heads < 1 || capacity < 0 || keyDim < 1 || valueDim < 1) {
            throw new IllegalArgumentException("bad entry buffer shape H=" + heads + " cap=" + capacity + " K="
                    + keyDim + " V=" + valueDim);
        }
        check("count", count.length, heads);
        check("positions", positions.length, (long) heads * capacity);
        check("innovations", innovations.length, (long) heads * capacity);
        check("keys", keys.length, (long) heads * capacity * keyDim);
        check("values", values.length, (long) heads * capacity * valueDim);
        for (int h = 0; h < heads; h++) {
            if (count[h] < 0 || count[h] > capacity) {
                throw new IllegalArgumentException("entry count " + count[h] + " of head " + h + " outside [0,"
                        + capacity + "]");
            }
        }
        this.heads = heads;
        this.capacity = capacity;
        this.keyDim = keyDim;
        this.valueDim = valueDim;
        this.count = count;
        this.positions = positions;
        this.innovations = innovations;
        this.keys = keys;
        this.values = values;
    }

    private static void check(String name, int have, long want) {
        if (have != want) {
            throw new IllegalArgumentException("entry buffer " + name + " has " + have + " values, expected " + want);
        }
    }

    public int heads() {
        return heads;
    }

    public int capacity() {
        return capacity;
    }

    public int keyDim() {
        return keyDim;
    }

    public int valueDim() {
        return valueDim;
    }

    public int size(int h) {
        return count[h];
    }

    public int slot(int h, int i) {
        return h * capacity + i;
    }

    public long position(int h, int i) {
        return positions[slot(h, i)];
    }

    public float innovation(int h, int i) {
        return innovations[slot(h, i)];
    }

    /** Offset of entry (h, i)'s key in {@link #keys()}. */
    public int keyOffset(int h, int i) {
        return slot(h, i) * keyDim;
    }

    public int valueOffset(int h, int i) {
        return slot(h, i) * valueDim;
    }

    public int[] counts() {
        return count;
    }

    public long[] positions() {
        return positions;
    }

    public float[] innovations() {
        return innovations;
    }

    public float[] keys() {
        return keys;
    }

    public float[] values() {
        return values;
    }

    /** Appends an entry to head h; throws when full. */
    void add(int h, long position, float innovation, float[] k, int kOff, float[] v, int vOff) {
        if (count[h] == capacity) {
            throw new IllegalStateException("entry buffer of head " + h + " is full (" + capacity + ")");
        }
        int s = slot(h, count[h]++);
        positions[s] = position;
        innovations[s] = innovation;
        System.arraycopy(k, kOff, keys, s * keyDim, keyDim);
        System.arraycopy(v, vOff, values, s * valueDim, valueDim);
    }

    /** Replaces entry (h, i). */
    void set(int h, int i, long position, float innovation, float[] k, int kOff, float[] v, int vOff) {
        int s = slot(h, i);
        positions[s] = position;
        innovations[s] = innovation;
        System.arraycopy(k, kOff, keys, s * keyDim, keyDim);
        System.arraycopy(v, vOff, values, s * valueDim, valueDim);
    }

    /** The entry (h, i) as a record with copied arrays. */
    public EideticEntry get(int h, int i) {
        int s = slot(h, i);
        return new EideticEntry(h, positions[s], innovations[s],
                Arrays.copyOfRange(keys, s * keyDim, (s + 1) * keyDim),
                Arrays.copyOfRange(values, s * valueDim, (s + 1) * valueDim));
    }

    /** Removes entry (h, i), shifting the later ones down (order kept). */
    void removeAt(int h, int i) {
        int n = count[h];
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("entry " + i + " of head " + h + " (size " + n + ")");
        }
        int s = slot(h, i);
        int rest = n - 1 - i;
        System.arraycopy(positions, s + 1, positions, s, rest);
        System.arraycopy(innovations, s + 1, innovations, s, rest);
        System.arraycopy(keys, (s + 1) * keyDim, keys, s * keyDim, rest * keyDim);
        System.arraycopy(values, (s + 1) * valueDim, values, s * valueDim, rest * valueDim);
        clearSlot(slot(h, n - 1));
        count[h] = n - 1;
    }

    void clear(int h) {
        for (int i = 0; i < count[h]; i++) {
            clearSlot(slot(h, i));
        }
        count[h] = 0;
    }

    private void clearSlot(int s) {
        positions[s] = 0;
        innovations[s] = 0;
        Arrays.fill(keys, s * keyDim, (s + 1) * keyDim, 0f);
        Arrays.fill(values, s * valueDim, (s + 1) * valueDim, 0f);
    }

    public EntryBuffer copy() {
        return new EntryBuffer(heads, capacity, keyDim, valueDim, count.clone(), positions.clone(),
                innovations.clone(), keys.clone(), values.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntryBuffer b && b.capacity == capacity && Arrays.equals(b.count, count)
                && Arrays.equals(b.positions, positions) && Arrays.equals(b.innovations, innovations)
                && Arrays.equals(b.keys, keys) && Arrays.equals(b.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(count) * 31 + Arrays.hashCode(positions);
    }

    @Override
    public String toString() {
        return "EntryBuffer{capacity=" + capacity + ", counts=" + Arrays.toString(count) + "}";
    }
}
