package dev.keymem.models.novelty;

/**
 * One eidetic entry of the {@link Novelty} memory: an item the fading memory could not predict, kept until
 * more innovative items push it out. Written once when admitted (one store row), removed when evicted.
 *
 * @param position   the item's position in its key's stream
 * @param item       the caller's id of the item (e.g. a template id; -1 when unknown)
 * @param innovation its innovation when it arrived
 * @param payload    the caller's bytes kept with it (may be null)
 */
public record NoveltyEntry(long position, int item, float innovation, byte[] payload) {
}
