package dev.keymem.models.retention.bench;

import dev.keymem.models.cells.TokenChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;

/** StreamingLLM: the first {@code sinks} tokens plus the last {@code window} tokens, exact. */
public final class StreamingLlmMemory implements BenchMemory {
    private final int sinks;
    private final int window;
    private final int dim;
    private final double scale;
    private final List<ExactEntries.Entry> sinkEntries = new ArrayList<>();
    private final LinkedList<ExactEntries.Entry> recent = new LinkedList<>();
    private long position;

    public StreamingLlmMemory(int sinks, int window, int dim, double scale) {
        this.sinks = sinks;
        this.window = window;
        this.dim = dim;
        this.scale = scale;
    }

    @Override
    public String name() {
        return "StreamingLLM (sinks + window)";
    }

    @Override
    public void consume(TokenChunk c) {
        for (int t = 0; t < c.length(); t++) {
            ExactEntries.Entry e = new ExactEntries.Entry(position, Arrays.copyOfRange(c.k(), t * dim, (t + 1) * dim),
                    Arrays.copyOfRange(c.v(), t * dim, (t + 1) * dim));
            if (position < sinks) {
                sinkEntries.add(e);
            } else {
                recent.addLast(e);
                if (recent.size() > window) {
                    recent.removeFirst();
                }
            }
            position++;
        }
    }

    @Override
    public float[] probe(float[] q) {
        return ExactEntries.attend(ExactEntries.concat(sinkEntries, recent), q, 0, dim, scale, false);
    }

    @Override
    public long stateBytes() {
        return 8 + (long) (sinkEntries.size() + recent.size()) * (8 + 8L * dim);
    }
}
