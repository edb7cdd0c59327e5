package dev.keymem.jobs.context;

import dev.keymem.jobs.text.MiniLmEmbedder;
import dev.keymem.jobs.text.TermAnalyzer;
import dev.keymem.operators.MemoryRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * The context job's front end: a {@link ContextEvent} becomes a {@link MemoryRecord} for the event memory.
 * Terms: the stems of the text and of the type (e.g. a speaker's name) through {@link TermAnalyzer}.
 * Vector: the hashed dense vector of the stems (default), or all-MiniLM-L6-v2 of the text
 * ({@link ContextOptions#EMBEDDER} = minilm, which needs the MiniLM jar on the classpath). Payload: the
 * event's fields ({@link ContextPayload}), so answers give back the text as written.
 */
public final class ContextFrontEnd implements MapFunction<ContextEvent, MemoryRecord> {
    private static final long serialVersionUID = 1L;

    private final TermAnalyzer analyzer;
    private final ContextText text;
    private final MiniLmEmbedder minilm;

    public ContextFrontEnd(ContextOptions.Embedder embedder, int dimension) {
        this.analyzer = new TermAnalyzer(dimension);
        this.text = new ContextText(dimension);
        this.minilm = embedder == ContextOptions.Embedder.MINILM ? new MiniLmEmbedder() : null;
        if (minilm != null && dimension != MiniLmEmbedder.DIMENSION) {
            throw new IllegalArgumentException("the MiniLM embedder gives " + MiniLmEmbedder.DIMENSION
                    + "-d vectors; keymem.events.dimension is " + dimension);
        }
    }

    @Override
    public MemoryRecord map(ContextEvent e) {
        return map(e, false);
    }

    /**
     * {@link #map}, the same record, whose vector may be this front end's scratch array: overwritten by the next
     * call of this method, so for a caller that is done with the record's vector (and lets nothing keep it)
     * before it maps the next event, as the keyed step is (the event memory copies what it keeps of a vector).
     */
    MemoryRecord mapForOneUse(ContextEvent e) {
        return map(e, true);
    }

    private MemoryRecord map(ContextEvent e, boolean scratch) {
        // ContextText gives TermAnalyzer's words, ids and vector, each distinct word analysed once
        ContextText.Analysed a = text.analyse(e.text, e.ascii);
        float[] vector = minilm != null ? minilm.embed(e.text, null)
                : scratch ? text.vectorInScratch(a) : text.vector(a);
        int[] terms = ContextText.termIds(a.words, e.type != null && !e.query ? text.analyse(e.type, e.ascii).words : null);
        byte[] payload = ContextPayload.encode(e);
        return e.query ? MemoryRecord.query(e.user, terms, vector, payload)
                : MemoryRecord.event(e.user, terms, vector, payload);
    }

    /** {@link #map} through {@link TermAnalyzer} and Jackson (the reference form, for tests). */
    MemoryRecord mapReference(ContextEvent e) {
        List<String> words = new ArrayList<>(analyzer.words(e.text));
        List<String> lexical = words;
        if (e.type != null && !e.query) {
            lexical = new ArrayList<>(words);
            lexical.addAll(analyzer.words(e.type));
        }
        float[] vector = minilm != null ? minilm.embed(e.text, null) : analyzer.vector(words);
        int[] terms = TermAnalyzer.termIds(lexical);
        byte[] payload = ContextPayload.encodeStreaming(e);
        return e.query ? MemoryRecord.query(e.user, terms, vector, payload)
                : MemoryRecord.event(e.user, terms, vector, payload);
    }
}
