package dev.keymem.models.novelty;

/**
 * What one item did to its key's {@link Novelty} memory.
 *
 * @param position   the item's position
 * @param innovation ||x - S^T x|| against the fading memory just before the item (about 1 for what the key's
 *                   recent items cannot predict, near 0 for routine items)
 * @param admitted   whether it joined the eidetic store
 * @param evicted    the position of the eidetic entry it pushed out, or -1
 */
public record NoveltyWrite(long position, float innovation, boolean admitted, long evicted) {
}
