package dev.keymem.operators.model;

import dev.keymem.models.bmojo.BmojoReport;
import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EideticArchive;
import dev.keymem.models.caching.CacheStore;
import dev.keymem.models.retention.ArchiveStore;
import dev.keymem.models.retention.RetentionEvent;
import dev.keymem.models.retention.RetentionState;
import java.util.List;
import dev.keymem.models.events.EventMemory;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.EventStore;
import dev.keymem.models.events.EventWrite;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.novelty.NoveltyState;
import dev.keymem.models.novelty.NoveltyStore;
import dev.keymem.models.novelty.NoveltyWrite;
import org.apache.flink.annotation.PublicEvolving;

/**
 * What the keyed operator needs from a memory model: stateless weights that advance one key's
 * memory over that key's next tokens and return the reads {@code [T,H,V]}. A model is either a
 * {@link Plain} cell (the key's memory is one {@link CellState}) or {@link Caching} (Memory Caching:
 * a small {@link CachingState} plus cached checkpoints in a {@link CacheStore}) or {@link Bmojo} (a
 * bounded {@link BmojoState} plus a long-term {@link EideticArchive}) or {@link Retention} (STR / CMP: a
 * bounded {@link RetentionState} plus a T3 {@link ArchiveStore}) or {@link Rmt} (a trained Recurrent Memory
 * Transformer: memory vectors plus the open segment). An instance may keep
 * scratch buffers (one instance per operator subtask, never shared across threads) but must not
 * carry any key's data from one call to the next.
 */
@PublicEvolving
public sealed interface MemoryModel
        permits MemoryModel.Plain, MemoryModel.Caching, MemoryModel.Bmojo, MemoryModel.Retention, MemoryModel.Events,
                MemoryModel.Rmt, MemoryModel.Novelty {

    /**
     * Dispatches on the kind of model (the operators bind the matching state to it), so callers need no
     * {@code instanceof} chain and a new kind is a compile error wherever it is not handled.
     */
    <R> R accept(Visitor<R> visitor);

    /** One case per kind of model. */
    interface Visitor<R> {
        R plain(Plain model);

        R caching(Caching model);

        R bmojo(Bmojo model);

        R retention(Retention model);

        R events(Events model);

        R rmt(Rmt model);

        /**
         * The novelty memory ({@link dev.keymem.operators.KeyedNoveltyMemory}'s model). A default that refuses it, so visitors written
         * before this kind existed keep compiling; the operators that run it override this.
         */
        default R novelty(Novelty model) {
            throw new IllegalArgumentException("this operator does not run the novelty memory (memory type NOVELTY): "
                    + "use dev.keymem.operators.KeyedNoveltyMemory");
        }
    }

    /** Token ids must lie in [0, vocabSize()). */
    int vocabSize();

    int heads();

    int valueDim();

    /** Floats in the key's online cell state. */
    int stateSize();

    /** A plain memory cell. */
    non-sealed interface Plain extends MemoryModel {
        @Override
        default <R> R accept(Visitor<R> visitor) {
            return visitor.plain(this);
        }

        /** A fresh state at position 0. */
        CellState newState();

        /** Advances {@code state} in place over {@code tokenIds} (validated) and writes the reads into {@code out}. */
        void advance(CellState state, int[] tokenIds, float[] out);
    }

    /** Memory Caching over a cell. */
    non-sealed interface Caching extends MemoryModel {
        @Override
        default <R> R accept(Visitor<R> visitor) {
            return visitor.caching(this);
        }

        /** A fresh state at position 0 with no caches. */
        CachingState newState();

        /**
         * Advances {@code state} in place over {@code tokenIds}, storing, loading and removing cached
         * checkpoints through {@code caches}, and writes the reads into {@code out}.
         */
        void advance(CachingState state, CacheStore caches, int[] tokenIds, float[] out);
    }

    /** B'MOJO: fading + eidetic memory over a cell (docs/design/mechanisms.md section 3). */
    non-sealed interface Bmojo extends MemoryModel {
        @Override
        default <R> R accept(Visitor<R> visitor) {
            return visitor.bmojo(this);
        }

        /** A fresh state at position 0 with empty eidetic buffers. */
        BmojoState newState();

        /**
         * Advances {@code state} in place over {@code tokenIds}, archiving evicted entries in and
         * retrieving from {@code archive}, writes the reads into {@code out} and reports the
         * admissions, evictions and archive drops.
         */
        BmojoReport advance(BmojoState state, EideticArchive archive, int[] tokenIds, float[] out);

        /** Archived entries kept per head ({@link dev.keymem.models.bmojo.BmojoSettings#archiveCap()}; 0 = unbounded). */
        int archiveCap();
    }

    /** STR / CMP: structured retention with memory tiers (docs/design/mechanisms.md section 5). */
    non-sealed interface Retention extends MemoryModel {
        @Override
        default <R> R accept(Visitor<R> visitor) {
            return visitor.retention(this);
        }

        /** A fresh state at position 0 whose draws are seeded by {@code keySeed}. */
        RetentionState newState(long keySeed);

        /**
         * Advances {@code state} in place over {@code tokenIds} (T3 entries in {@code archive}), writes
         * the reads into {@code out} and returns what happened to tokens at the block closes.
         */
        List<RetentionEvent> advance(RetentionState state, ArchiveStore archive, int[] tokenIds, float[] out);
    }

    /**
     * The event memory (docs/design/mechanisms.md section 6): one record is one event (terms, a dense vector,
     * a payload), a query reads every tier and returns the best events. Token ids are the terms (any ints);
     * {@link #vocabSize()} is {@link Integer#MAX_VALUE}.
     */
    non-sealed interface Events extends MemoryModel {
        @Override
        default <R> R accept(Visitor<R> visitor) {
            return visitor.events(this);
        }

        /** D, the dense vectors' length. */
        int dimension();

        /** A fresh memory at position 0. */
        EventState newState();

        /**
         * A fresh memory at position 0 for a caller that holds one key's state at a time and drops it when the
         * key is done (a batch run), made in {@code dropped}'s arrays where given (a state no longer in use):
         * the same answers and state as {@link #newState()} (see {@link EventMemory#newBatchState}).
         */
        default EventState newBatchState(EventState dropped) {
            return newState();
        }

        /** Absorbs one event (vector null: the terms hashed). */
        EventWrite write(EventState state, EventStore store, int[] terms, float[] vector, byte[] payload);

        /** The {@code top} best events for a query (vector null: the terms hashed); reads only. */
        EventMemory.Answer query(EventState state, EventStore store, int[] terms, float[] vector, int top);
    }

    /**
     * The novelty memory (docs/design/mechanisms.md section 3, innovation and eidetic admission, plus the
     * optional STR / CMP retention tier of section 5): one record is one item (a D-float vector, e.g. a log
     * line's template embedding, with the caller's item id and payload); the memory says how new the item is
     * and keeps the most innovative items. The bounded hot state is a {@link NoveltyState}, the eidetic
     * entries are rows of a {@link NoveltyStore}. Token ids are not used ({@link #vocabSize()} is 0).
     */
    non-sealed interface Novelty extends MemoryModel {
        @Override
        default <R> R accept(Visitor<R> visitor) {
            return visitor.novelty(this);
        }

        /** D, an item vector's length. */
        int dimension();

        /** Whether the retention tier runs (then {@link #retained} ranks the recent items). */
        boolean retains();

        /** A fresh state at position 0 whose retention draws are seeded by {@code keySeed}. */
        NoveltyState newState(long keySeed);

        /** Absorbs one item (vector: D finite floats). */
        NoveltyWrite write(NoveltyState state, NoveltyStore store, float[] vector, int item, byte[] payload)
                throws Exception;

        /** The retention tier's retained items: position to retention probability (empty when the tier is off). */
        java.util.Map<Long, Double> retained(NoveltyState state);
    }

    /**
     * The Recurrent Memory Transformer (docs/rmt.md): a trained transformer whose per-key memory is
     * {@code m x d} memory vectors plus the open segment's tokens ({@link dev.keymem.models.rmt.RmtState});
     * a segment runs (writes the memory) when it is full and the next token arrives, so outputs never
     * depend on record cuts. The read at each token ({@link #valueDim()} floats, one head): the decoder's
     * next-token logits [vocab], the encoder's class logits [num_labels] of the segment so far.
     */
    non-sealed interface Rmt extends MemoryModel {
        @Override
        default <R> R accept(Visitor<R> visitor) {
            return visitor.rmt(this);
        }

        /** A fresh state holding the trained initial memory. */
        dev.keymem.models.rmt.RmtState newState();

        /** Advances one key's state over {@code tokenIds} (validated) and writes every token's read into {@code out}. */
        void advance(dev.keymem.models.rmt.RmtState state, int[] tokenIds, float[] out);

        /**
         * Advances many keys (distinct states) over their tokens: the same reads and states as
         * {@link #advance} key by key, with the segments that fill run together, one product per layer
         * for all keys' ready segments ({@link dev.keymem.models.rmt.Rmt#advanceBatch}).
         */
        void advanceBatch(dev.keymem.models.rmt.RmtState[] states, int[][] tokenIds, float[][] outs);
    }
}
