package dev.keymem.operators.model;

import dev.keymem.models.rmt.Rmt;
import dev.keymem.models.rmt.RmtConfig;
import dev.keymem.models.rmt.RmtModel;
import dev.keymem.models.rmt.RmtState;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * The Recurrent Memory Transformer as the operators' {@link MemoryModel.Rmt}: a key's tokens are cut
 * into pieces that end at segment boundaries; each piece is appended to the open segment with
 * {@link Rmt#advance} (which first runs the previous segment if it is full, writing the memory) and
 * then read without writing. So every token's read depends only on the memory at its segment's start
 * and the segment's tokens up to it, never on how records cut the stream (bit for bit with the scalar
 * backend, whose products do not depend on the number of rows).
 *
 * <p>Reads: decoder, the logits [vocab] at every token of the piece from one forward over
 * {@code [memory | segment so far]} (causal, so row t equals the full segment's row t); encoder, for
 * every token the class logits of {@code [CLS] memory [SEP] segment up to the token [SEP]} (one forward
 * per token: the encoder is bidirectional).
 *
 * <p>{@link #advanceBatch} runs the same pieces for many keys in rounds: each round appends every
 * key's next piece through one {@link Rmt#advanceBatch} call, which runs the full segments of all
 * ready keys together ({@link RmtModel#writeSegments}: one product per layer for all of them).
 */
@Internal
public final class RmtMemoryModel implements MemoryModel.Rmt {

    private final RmtModel model;
    private final dev.keymem.models.rmt.Rmt rmt;
    private final int segment;
    private final int readSize;

    public RmtMemoryModel(RmtModel model) {
        this.model = Objects.requireNonNull(model, "model");
        this.rmt = new dev.keymem.models.rmt.Rmt(model);
        RmtConfig c = model.config();
        this.segment = c.segmentSize();
        this.readSize = c.layout() == RmtConfig.Layout.DECODER ? c.vocabSize() : c.numLabels();
    }

    public RmtModel model() {
        return model;
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }

    @Override
    public int heads() {
        return 1;
    }

    /** Floats read per token: vocab (decoder logits) or num_labels (encoder class logits). */
    @Override
    public int valueDim() {
        return readSize;
    }

    /** The memory's floats ({@code m * d}); a stored state with another size fails. */
    @Override
    public int stateSize() {
        return model.config().memoryFloats();
    }

    @Override
    public RmtState newState() {
        return rmt.newState();
    }

    /** Tokens the next piece of a state may take: the open segment's room, or a whole segment when it is full. */
    private int room(RmtState s) {
        return s.buffered() == segment ? segment : segment - s.buffered();
    }

    @Override
    public void advance(RmtState state, int[] tokenIds, float[] out) {
        checkOut(tokenIds, out);
        int pos = 0;
        while (pos < tokenIds.length) {
            int len = Math.min(room(state), tokenIds.length - pos);
            rmt.advance(state, tokenIds, pos, len);
            read(state, len, out, pos);
            pos += len;
        }
    }

    @Override
    public void advanceBatch(RmtState[] states, int[][] tokenIds, float[][] outs) {
        int n = states.length;
        if (tokenIds.length != n || outs.length != n) {
            throw new IllegalArgumentException("states, token ids and outs must have the same length");
        }
        for (int b = 0; b < n; b++) {
            checkOut(tokenIds[b], outs[b]);
        }
        int[] pos = new int[n];
        int[] active = new int[n];
        while (true) {
            int k = 0;
            for (int b = 0; b < n; b++) {
                if (pos[b] < tokenIds[b].length) {
                    active[k++] = b;
                }
            }
            if (k == 0) {
                return;
            }
            RmtState[] st = new RmtState[k];
            int[][] pieces = new int[k][];
            for (int i = 0; i < k; i++) {
                int b = active[i];
                int len = Math.min(room(states[b]), tokenIds[b].length - pos[b]);
                st[i] = states[b];
                pieces[i] = Arrays.copyOfRange(tokenIds[b], pos[b], pos[b] + len);
            }
            rmt.advanceBatch(st, pieces); // the ready keys' full segments: one product per layer
            for (int i = 0; i < k; i++) {
                int b = active[i];
                read(states[b], pieces[i].length, outs[b], pos[b]);
                pos[b] += pieces[i].length;
            }
        }
    }

    /** Validates every token id and the output size up front, so a bad call leaves the state untouched. */
    private void checkOut(int[] tokenIds, float[] out) {
        int vocab = model.config().vocabSize();
        for (int i = 0; i < tokenIds.length; i++) {
            if (tokenIds[i] < 0 || tokenIds[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokenIds[i] + " at index " + i
                        + " outside the vocabulary [0, " + vocab + ")");
            }
        }
        if (out.length != tokenIds.length * readSize) {
            throw new IllegalArgumentException("out has " + out.length + " floats, expected " + tokenIds.length
                    + " tokens x " + readSize);
        }
    }

    /** Writes the reads of the last {@code len} buffered tokens at token {@code at} of {@code out}. */
    private void read(RmtState s, int len, float[] out, int at) {
        int n = s.buffered();
        if (model.config().layout() == RmtConfig.Layout.DECODER) {
            float[] logits = model.forward(s.memory(), s.buffer(), 0, n, false, RmtModel.Logits.ALL, false).logits();
            System.arraycopy(logits, (n - len) * readSize, out, at * readSize, len * readSize);
            return;
        }
        for (int i = 0; i < len; i++) {
            float[] logits = model.forward(s.memory(), s.buffer(), 0, n - len + i + 1, false, RmtModel.Logits.LAST,
                    false).logits();
            System.arraycopy(logits, 0, out, (at + i) * readSize, readSize);
        }
    }
}
