package dev.keymem.models.bmojo;

import java.util.List;

/**
 * What one {@link Bmojo} call did besides its outputs: the admission and eviction events in the order
 * they happened, and the innovation of every token {@code [T,H]} (zero when the eidetic memory is off,
 * which does not compute it).
 */
public record BmojoReport(List<BmojoEvent> events, float[] innovations) {
}
