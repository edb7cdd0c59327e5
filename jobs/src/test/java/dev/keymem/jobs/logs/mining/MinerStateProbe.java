package dev.keymem.jobs.logs.mining;

/** Test access to a miner state's package-private parts from the tests of other packages. */
public final class MinerStateProbe {
    private MinerStateProbe() {
    }

    /** {@link MinerState#removalRecordLength}: the length of its removal record's array, -1 where none. */
    public static int removalRecordLength(MinerState s) {
        return s.removalRecordLength();
    }
}
