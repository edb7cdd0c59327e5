package dev.keymem.models.retention;

/**
 * The raw significance features of one token at one evaluation (a block close at position P):
 * <ul>
 *   <li>{@code mass}: attention mass the token has received from later queries: summed over the reads
 *       of the tokens after it made while it was a sink, in T0 or in T1 (its own read does not count),
 *       each read's softmax weight averaged over heads;</li>
 *   <li>{@code innovation}: relative prediction error at arrival, mean over heads of
 *       ||v - M(k)|| / (||v|| + 1e-6), where M is the innovation cell's state at the start of the
 *       token's aligned block (see {@link TieredRetention});</li>
 *   <li>{@code age}: P - position (tokens);</li>
 *   <li>{@code relevance}: mean over heads of the cosine between the token's key and the mean query of
 *       the block that just closed (0 when either is zero);</li>
 *   <li>{@code readSlots}: the most attention entries a read sees ({@link RetentionSettings#maxReadSlots()}),
 *       so that mass / age * readSlots is the token's mean attention relative to uniform attention.</li>
 * </ul>
 */
public record Features(double mass, double innovation, long age, double relevance, int readSlots) {
}
