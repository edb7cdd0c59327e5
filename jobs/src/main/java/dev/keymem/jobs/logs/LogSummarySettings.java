package dev.keymem.jobs.logs;

import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.models.bmojo.BmojoSettings;
import dev.keymem.models.retention.RetentionSettings;
import dev.keymem.models.retention.SignificanceWeights;
import java.io.Serializable;

/**
 * Settings of the log summarization job (see docs/jobs.md for the reference).
 *
 * @param everyLines      a source emits a summary after this many lines since its last summary
 * @param everyMillis     ... or this many milliseconds of processing time after its first unsummarized line
 *                        (0 = off)
 * @param memory          which memory decides what is retained
 * @param dimension       embedding size d of a line (one line = one token, q = k = v = its embedding)
 * @param beta            write strength of the fading cell (gated_delta)
 * @param decay           per-line decay exp(g) of the fading cell, in (0, 1]
 * @param bmojoWindow     B'MOJO window w (lines)
 * @param eideticCapacity B'MOJO eidetic entries per source
 * @param threshold       B'MOJO admission threshold on the innovation (THRESHOLD admission)
 * @param retentionWindow STR/CMP T0 window (lines)
 * @param retentionBlock  STR/CMP block (lines), at most the window
 * @param retainedCap     STR/CMP T1 capacity (lines)
 * @param compressedSlots STR/CMP T2 slots
 * @param similarity      unused since summaries report templates (kept for configuration compatibility)
 * @param miner           the template miner's settings
 * @param silenceLines    a template silent for at least this many of its source's lines "returns": its line is
 *                        shown verbatim again when the memory also finds it new (see reshowInnovation)
 * @param reshowInnovation B'MOJO innovation at or above which the memory flags a line of a template already shown
 *                        (returned, or parameters of a new kind): its line is shown verbatim again
 * @param budget          most templates a summary lists (0 = no limit, the default); over it, flagged templates
 *                        come first, then the most significant; the rest are counted as dropped
 */
public record LogSummarySettings(int everyLines, long everyMillis, Memory memory, int dimension, float beta,
                                 float decay, int bmojoWindow, int eideticCapacity, float threshold,
                                 int retentionWindow, int retentionBlock, int retainedCap, int compressedSlots,
                                 double similarity, MinerSettings miner, long silenceLines, float reshowInnovation,
                                 int budget)
        implements Serializable {

    /** Which memory decides what a summary retains. */
    public enum Memory {
        /** B'MOJO innovation and eidetic admission, plus STR/CMP tiered retention (the default). */
        BMOJO_RETENTION("bmojo+retention"),
        /** B'MOJO alone: lines its eidetic store admitted. */
        BMOJO("bmojo");

        private final String configName;

        Memory(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static Memory parse(String s) {
            for (Memory m : values()) {
                if (m.configName.equals(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown memory '" + s + "', expected bmojo+retention or bmojo");
        }
    }

    public LogSummarySettings {
        if (everyLines < 1) {
            throw new IllegalArgumentException("everyLines must be >= 1: " + everyLines);
        }
        if (everyMillis < 0) {
            throw new IllegalArgumentException("everyMillis must be >= 0 (0 = off): " + everyMillis);
        }
        if (memory == null) {
            throw new IllegalArgumentException("memory must be set");
        }
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay must be in (0, 1]: " + decay);
        }
        if (!(beta > 0 && beta <= 1)) {
            throw new IllegalArgumentException("beta must be in (0, 1]: " + beta);
        }
        if (!(similarity > 0 && similarity <= 1)) {
            throw new IllegalArgumentException("similarity must be in (0, 1]: " + similarity);
        }
        if (miner == null) {
            throw new IllegalArgumentException("miner settings must be set");
        }
        if (silenceLines < 1) {
            throw new IllegalArgumentException("silenceLines must be >= 1: " + silenceLines);
        }
        if (!(reshowInnovation > 0)) {
            throw new IllegalArgumentException("reshowInnovation must be > 0: " + reshowInnovation);
        }
        if (budget < 0) {
            throw new IllegalArgumentException("budget must be >= 0 (0 = no limit): " + budget);
        }
        bmojo(bmojoWindow, eideticCapacity, threshold);
        if (memory == Memory.BMOJO_RETENTION) {
            retention(retentionWindow, retentionBlock, retainedCap, compressedSlots, dimension);
        }
    }

    /**
     * Summary every 500 lines or 30 s; B'MOJO + STR/CMP; d = 64; miner defaults; a template returns after
     * 5000 silent lines; a line is shown again at innovation 0.75 or more; no budget.
     */
    public static LogSummarySettings defaults() {
        return new LogSummarySettings(500, 30_000, Memory.BMOJO_RETENTION, 64, 0.5f, 0.98f, 16, 64, 0.5f, 32, 16,
                32, 8, 0.9, MinerSettings.defaults(), 5000, 0.75f, 0);
    }

    public LogSummarySettings withBudget(int templates) {
        return new LogSummarySettings(everyLines, everyMillis, memory, dimension, beta, decay, bmojoWindow,
                eideticCapacity, threshold, retentionWindow, retentionBlock, retainedCap, compressedSlots, similarity,
                miner, silenceLines, reshowInnovation, templates);
    }

    public LogSummarySettings withSilenceLines(long lines) {
        return new LogSummarySettings(everyLines, everyMillis, memory, dimension, beta, decay, bmojoWindow,
                eideticCapacity, threshold, retentionWindow, retentionBlock, retainedCap, compressedSlots, similarity,
                miner, lines, reshowInnovation, budget);
    }

    public LogSummarySettings withMiner(MinerSettings m) {
        return new LogSummarySettings(everyLines, everyMillis, memory, dimension, beta, decay, bmojoWindow,
                eideticCapacity, threshold, retentionWindow, retentionBlock, retainedCap, compressedSlots, similarity,
                m, silenceLines, reshowInnovation, budget);
    }

    public LogSummarySettings withEvery(int lines, long millis) {
        return new LogSummarySettings(lines, millis, memory, dimension, beta, decay, bmojoWindow, eideticCapacity,
                threshold, retentionWindow, retentionBlock, retainedCap, compressedSlots, similarity,
                miner, silenceLines, reshowInnovation, budget);
    }

    public LogSummarySettings withMemory(Memory m) {
        return new LogSummarySettings(everyLines, everyMillis, m, dimension, beta, decay, bmojoWindow,
                eideticCapacity, threshold, retentionWindow, retentionBlock, retainedCap, compressedSlots, similarity,
                miner, silenceLines, reshowInnovation, budget);
    }

    public LogSummarySettings withThreshold(float t) {
        return new LogSummarySettings(everyLines, everyMillis, memory, dimension, beta, decay, bmojoWindow,
                eideticCapacity, t, retentionWindow, retentionBlock, retainedCap, compressedSlots, similarity,
                miner, silenceLines, reshowInnovation, budget);
    }

    /** B'MOJO settings: THRESHOLD admission, no long-term archive retrieval. */
    public BmojoSettings bmojoSettings() {
        return bmojo(bmojoWindow, eideticCapacity, threshold);
    }

    /** STR/CMP settings: no sinks, no T3 archive. */
    public RetentionSettings retentionSettings() {
        return retention(retentionWindow, retentionBlock, retainedCap, compressedSlots, dimension);
    }

    /** Lines after which every decision about a line is final. */
    public int decisionLag() {
        int lag = bmojoWindow;
        if (memory == Memory.BMOJO_RETENTION) {
            lag = Math.max(lag, retentionWindow + retentionBlock);
        }
        return lag;
    }

    private static BmojoSettings bmojo(int window, int capacity, float threshold) {
        if (capacity < 1) {
            throw new IllegalArgumentException("eideticCapacity must be >= 1: " + capacity);
        }
        return new BmojoSettings(window, capacity, BmojoSettings.Admission.THRESHOLD, threshold, 0, 1, 0, 1);
    }

    private static RetentionSettings retention(int window, int block, int cap, int slots, int dimension) {
        return new RetentionSettings(0, window, block, cap, slots, 0, 0, (float) (1.0 / Math.sqrt(dimension)),
                SignificanceWeights.defaults());
    }
}
