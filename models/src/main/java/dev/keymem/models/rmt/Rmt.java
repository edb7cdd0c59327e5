package dev.keymem.models.rmt;

/**
 * RMT over an unbounded per-key stream (mechanisms.md section 4): tokens fill a segment; a full
 * segment runs through the transformer, writing the memory, when the next token arrives (or on
 * {@link #flush}); {@link #read} answers from the memory and the open segment without writing.
 *
 * <p>Outputs never depend on how the stream is cut into calls: segments are cut by token position
 * only, a segment runs exactly once with the same inputs whatever the calls were, and a read sees the
 * memory plus the open segment, which for the causal decoder gives, at every position, the logits the
 * full segment's run gives there. Running a full segment lazily (when the next token arrives) keeps at
 * least one token buffered after any input, so a read after the last token of a segment still sees
 * that segment.
 */
public final class Rmt {
    private final RmtModel model;

    public Rmt(RmtModel model) {
        this.model = model;
    }

    public RmtModel model() {
        return model;
    }

    /** A fresh state holding the model's initial memory. */
    public RmtState newState() {
        return new RmtState(model.initialMemory(), model.config().segmentSize());
    }

    /** Appends {@code tokens[off, off + len)}; returns the number of segments that ran. */
    public int advance(RmtState st, int[] tokens, int off, int len) {
        int vocab = model.config().vocabSize();
        for (int i = off; i < off + len; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i
                        + " outside the vocabulary [0, " + vocab + ")");
            }
        }
        int ran = 0;
        for (int i = off; i < off + len; i++) {
            if (st.buffered() == st.buffer().length) {
                runSegment(st);
                ran++;
            }
            st.push(tokens[i]);
        }
        return ran;
    }

    /**
     * Appends {@code tokens[b]} to {@code states[b]} for every key b, running the segments that fill
     * for all keys together ({@link RmtModel#writeSegments}: one product per layer for all ready keys).
     * Per key the same segments run with the same inputs as {@link #advance} would run them.
     */
    public void advanceBatch(RmtState[] states, int[][] tokens) {
        int vocab = model.config().vocabSize();
        for (int b = 0; b < states.length; b++) {
            for (int t : tokens[b]) {
                if (t < 0 || t >= vocab) {
                    throw new IllegalArgumentException("key " + b + ": token id " + t + " outside the vocabulary [0, "
                            + vocab + ")");
                }
            }
        }
        int[] next = new int[states.length];
        while (true) {
            boolean more = false;
            for (int b = 0; b < states.length; b++) {
                RmtState st = states[b];
                while (next[b] < tokens[b].length && st.buffered() < st.buffer().length) {
                    st.push(tokens[b][next[b]++]);
                }
                more |= next[b] < tokens[b].length;
            }
            if (!more) {
                return;
            }
            java.util.List<Integer> ready = new java.util.ArrayList<>();
            for (int b = 0; b < states.length; b++) {
                if (next[b] < tokens[b].length) {
                    ready.add(b);
                }
            }
            float[][] mems = new float[ready.size()][];
            int[][] segs = new int[ready.size()][];
            for (int i = 0; i < ready.size(); i++) {
                mems[i] = states[ready.get(i)].memory();
                segs[i] = states[ready.get(i)].buffer();
            }
            float[][] out = model.writeSegments(mems, segs);
            for (int i = 0; i < ready.size(); i++) {
                states[ready.get(i)].closeSegment(out[i]);
            }
        }
    }

    /** Runs the open segment if it is full (e.g. before measuring or exporting the memory). */
    public boolean flush(RmtState st) {
        if (st.buffered() == st.buffer().length) {
            runSegment(st);
            return true;
        }
        return false;
    }

    private void runSegment(RmtState st) {
        RmtModel.Segment s = model.forward(st.memory(), st.buffer(), 0, st.buffered(), true, RmtModel.Logits.NONE,
                false);
        st.closeSegment(s.memory());
    }

    /**
     * Reads without writing. Decoder: the logits [vocab] at the last token seen (needs at least one
     * token since the last segment ran; after any advance there is one). Encoder: the class logits
     * [num_labels] of {@code [CLS] memory [SEP] open segment [SEP]}.
     */
    public float[] read(RmtState st) {
        if (model.config().layout() == RmtConfig.Layout.DECODER && st.buffered() == 0) {
            throw new IllegalStateException("nothing to read: no token since the last segment ran (flushed, or a new key)");
        }
        return model.forward(st.memory(), st.buffer(), 0, st.buffered(), false, RmtModel.Logits.LAST, false).logits();
    }

    /** Bytes of one key's hot state: memory and open-segment buffer (4 bytes each) plus three counters. */
    public long stateBytes() {
        RmtConfig c = model.config();
        return 4L * c.memoryFloats() + 4L * c.segmentSize() + 4 + 8 + 8;
    }
}
