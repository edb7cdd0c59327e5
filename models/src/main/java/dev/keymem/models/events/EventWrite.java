package dev.keymem.models.events;

/**
 * What one {@link EventMemory#write} did: the event's position and innovation, whether it entered the
 * eidetic tier and which event it pushed out (-1: none), the archived event a cap dropped (-1: none),
 * the segment it closed (-1: none), and the state rows it read and wrote beyond the hot state.
 */
public record EventWrite(long position, float innovation, boolean admitted, long evicted, long archiveDropped,
                         long segmentClosed, int rowsRead, int rowsWritten) {
}
