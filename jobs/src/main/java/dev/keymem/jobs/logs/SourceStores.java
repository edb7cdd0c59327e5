package dev.keymem.jobs.logs;

import dev.keymem.jobs.logs.mining.MinerState;

/**
 * One source's stores besides its model state ({@link SourceMemory}): the template miner's state, the
 * template ledger and the lines awaiting the next summary. The Flink function backs them with keyed
 * state; {@link #inMemory()} keeps them in memory (tests, evaluation).
 */
public interface SourceStores {
    /** The miner state (a fresh one for a new source). */
    MinerState miner() throws Exception;

    /** Writes the miner state back after a line changed it. */
    void minerUpdated(MinerState state) throws Exception;

    TemplateLedger ledger();

    PendingLines pending();

    /** Stores held in memory. */
    static SourceStores inMemory() {
        return inMemory(new TemplateLedger.InMemory());
    }

    /** The miner state and pending lines held in memory, over {@code ledger}. */
    static SourceStores inMemory(TemplateLedger ledger) {
        return new SourceStores() {
            private MinerState miner = new MinerState();
            private final PendingLines pending = new PendingLines.InMemory();

            @Override
            public MinerState miner() {
                return miner;
            }

            @Override
            public void minerUpdated(MinerState state) {
                miner = state;
            }

            @Override
            public TemplateLedger ledger() {
                return ledger;
            }

            @Override
            public PendingLines pending() {
                return pending;
            }
        };
    }
}
