package dev.keymem.models.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * One archived event, as written once at its arrival: its position, its distinct terms (ascending) with
 * their counts, its length in terms, its dense vector quantised to signed bytes ({@code vector[i] * scale}
 * is the unit vector's component), its innovation at arrival and its payload (may be empty, never null).
 */
public record EventEntry(long position, int[] terms, int[] counts, int length, byte[] vector, float scale,
                         float innovation, byte[] payload) {

    public EventEntry {
        Objects.requireNonNull(terms, "terms");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(payload, "payload");
        if (terms.length != counts.length) {
            throw new IllegalArgumentException("terms and counts differ in length: " + terms.length + " vs " + counts.length);
        }
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("impossible position " + position + " or length " + length);
        }
    }

    /** The count of {@code term} in the event (0 when absent). */
    public int count(int term) {
        int i = Arrays.binarySearch(terms, term);
        return i < 0 ? 0 : counts[i];
    }

    /** The dequantised vector. */
    public float[] dense() {
        float[] out = new float[vector.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = vector[i] * scale;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventEntry e && position == e.position && length == e.length
                && Float.compare(scale, e.scale) == 0 && Float.compare(innovation, e.innovation) == 0
                && Arrays.equals(terms, e.terms) && Arrays.equals(counts, e.counts)
                && Arrays.equals(vector, e.vector) && Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(position) * 31 + Arrays.hashCode(terms);
    }

    @Override
    public String toString() {
        return "EventEntry{position=" + position + ", terms=" + terms.length + ", payload=" + payload.length + "B}";
    }
}
