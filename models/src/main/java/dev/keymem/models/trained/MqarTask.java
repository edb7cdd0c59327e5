package dev.keymem.models.trained;

import java.util.SplittableRandom;

/**
 * Multi-query associative recall with noise, as {@code training/train_mc.py} generates it (Zoology's
 * MQAR, Arora et al. 2023, with random noise tokens instead of a single filler): ids [0, keys) are keys,
 * [keys, keys + values) values, then noise. The stream opens with {@code pairs} (key, value) pairs
 * (distinct keys); the rest is noise with every key queried once at a random position; the target at a
 * query position is the key's value.
 *
 * <p>With {@code spread} ({@code mqar_spread} in training/keymem_train/tasks.py) the capacity needed grows
 * with the length: the first {@code length - 2 pairs} tokens hold {@code length / density} pairs (distinct
 * keys, at random even offsets, noise elsewhere), then {@code pairs} (query, noise) steps ask for random
 * earlier keys; {@code pairs} is then the number of queries.
 */
public record MqarTask(int pairs, int keys, int values, int noise, boolean spread, int density) {

    public MqarTask {
        if (pairs <= 0 || pairs > keys || values <= 0 || noise <= 0) {
            throw new IllegalArgumentException("MQAR needs 0 < pairs <= keys, values > 0 and noise > 0");
        }
        if (density < 2) {
            throw new IllegalArgumentException("MQAR density must be >= 2 tokens per pair, got " + density);
        }
    }

    /** The task with the spread variant's default density, one pair per 8 tokens. */
    public MqarTask(int pairs, int keys, int values, int noise, boolean spread) {
        this(pairs, keys, values, noise, spread, 8);
    }

    /** A stream of {@code length} ids and its targets (-1 where no query). */
    public record Sample(int[] ids, int[] targets) {
    }

    public Sample sample(int length, SplittableRandom r) {
        if (spread) {
            return spreadSample(length, r);
        }
        if (length < 3 * pairs) {
            throw new IllegalArgumentException("length " + length + " is too short for " + pairs + " pairs and their queries");
        }
        int[] ids = new int[length];
        int[] tgt = new int[length];
        java.util.Arrays.fill(tgt, -1);
        int[] perm = shuffled(keys, r);
        int[] ks = new int[pairs];
        int[] vs = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            ks[i] = perm[i];
            vs[i] = keys + r.nextInt(values);
            ids[2 * i] = ks[i];
            ids[2 * i + 1] = vs[i];
        }
        int rest = length - 2 * pairs;
        for (int i = 2 * pairs; i < length; i++) {
            ids[i] = keys + values + r.nextInt(noise);
        }
        int[] pos = shuffled(rest, r);
        int[] order = shuffled(pairs, r);
        for (int i = 0; i < pairs; i++) {
            int p = 2 * pairs + pos[i];
            ids[p] = ks[order[i]];
            tgt[p] = vs[order[i]];
        }
        return new Sample(ids, tgt);
    }

    private Sample spreadSample(int length, SplittableRandom r) {
        int queries = pairs;
        int ctx = length - 2 * queries;
        int total = length / density;
        if (total > keys || 2 * total > ctx || queries > total) {
            throw new IllegalArgumentException("spread MQAR of " + length + " tokens needs " + total
                    + " distinct keys (have " + keys + ") and room for " + queries + " queries");
        }
        int[] ids = new int[length];
        int[] tgt = new int[length];
        java.util.Arrays.fill(tgt, -1);
        for (int i = 0; i < length; i++) {
            ids[i] = keys + values + r.nextInt(noise);
        }
        int[] perm = shuffled(keys, r);
        int[] slots = shuffled(ctx / 2, r);
        int[] vs = new int[total];
        for (int i = 0; i < total; i++) {
            vs[i] = keys + r.nextInt(values);
            ids[2 * slots[i]] = perm[i];
            ids[2 * slots[i] + 1] = vs[i];
        }
        int[] pick = shuffled(total, r);
        for (int i = 0; i < queries; i++) {
            int p = ctx + 2 * i;
            ids[p] = perm[pick[i]];
            tgt[p] = vs[pick[i]];
        }
        return new Sample(ids, tgt);
    }

    private static int[] shuffled(int n, SplittableRandom r) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
