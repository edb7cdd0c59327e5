package dev.keymem.jobs.logs;

import static dev.keymem.jobs.text.Vectors.cosine;
import static dev.keymem.jobs.text.Vectors.normalized;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.jobs.text.TextFrontEnd;
import dev.keymem.models.backend.Backends;
import dev.keymem.models.bmojo.Bmojo;
import dev.keymem.models.bmojo.BmojoReport;
import dev.keymem.models.bmojo.EideticArchive;
import dev.keymem.models.bmojo.EideticEntry;
import dev.keymem.models.bmojo.EntryBuffer;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.TieredRetention;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The per-source logic of the log summarization job, free of Flink (the keyed function keeps one
 * {@link SourceMemory} per source in keyed state and calls this).
 *
 * <p><b>One line = one memory token.</b> The line is masked (variable fields become placeholders) and
 * embedded (hashing embedding of the template's tokens, d = 64 by default, L2-normalised); the token has
 * q = k = v = that embedding (identity projections), beta and a constant decay. B'MOJO over a
 * gated_delta cell computes the line's innovation ||v - S^T k|| (how badly the source's fading memory
 * predicted it: about 1 for a new template, near 0 for a routine one) and admits lines above the
 * threshold into its eidetic store when they leave the window. STR/CMP (when on) decides at each block
 * close which lines stay in its retained tier T1, by the retention probability.
 *
 * <p><b>Summaries.</b> A summary reports each line at most once: the lines since the last report whose
 * fate is final (older than the decision lag; all lines at the final flush) and that memory holds: in
 * the eidetic store, or in T1. At the final flush, lines still inside the window are reported when their
 * innovation is above the threshold. Reported lines with the same template are folded into the earliest
 * one. For each reported line, {@code similar_later} counts the later lines of the same period whose
 * embedding has cosine &gt;= the similarity setting with it (the same template gives cosine 1).
 */
public final class LogSummarizer {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** B'MOJO puts evicted eidetic entries here; the summarizer does not retrieve them (retrieveK = 0). */
    private static final EideticArchive DISCARD = new EideticArchive() {
        @Override
        public void put(EideticEntry entry) {
        }

        @Override
        public void forEach(int head, Consumer<EideticEntry> visitor) {
        }

        @Override
        public long size() {
            return 0;
        }
    };

    private final LogSummarySettings settings;
    private final TextFrontEnd frontEnd;
    private final Bmojo bmojo;
    private final TieredRetention retention;
    private final int d;
    private final float[] out;

    public LogSummarizer(LogSummarySettings settings, TextFrontEnd frontEnd) {
        this.settings = settings;
        this.frontEnd = frontEnd;
        this.d = settings.dimension();
        if (frontEnd.dimension() != d) {
            throw new IllegalArgumentException("the text front end embeds into " + frontEnd.dimension()
                    + " dimensions, the settings say " + d);
        }
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 1, d, d, 64);
        this.bmojo = new Bmojo(Cells.chunked(spec, Backends.java()), settings.bmojoSettings());
        this.retention = settings.memory() == LogSummarySettings.Memory.BMOJO_RETENTION
                ? new TieredRetention(Cells.recurrent(spec), settings.retentionSettings()) : null;
        this.out = new float[d];
    }

    public LogSummarySettings settings() {
        return settings;
    }

    /** A fresh source memory; {@code seed} seeds the retention draws (e.g. the source's hash). */
    public SourceMemory newMemory(long seed) {
        SourceMemory m = new SourceMemory();
        m.bmojo = bmojo.newState();
        m.retention = retention == null ? null : retention.newState(seed);
        return m;
    }

    /** Advances the source's memory over one line; returns a summary (JSON) when everyLines is reached, else null. */
    public String accept(SourceMemory m, PendingLines pending, LogLine line) throws Exception {
        TextFrontEnd.Encoded e = frontEnd.encode(line.text);
        float[] x = normalized(e.vector);
        TokenChunk chunk = new TokenChunk(1, 1, d, d, x, x, x, new float[] {settings.beta()},
                new float[] {(float) Math.log(settings.decay())});
        BmojoReport r = bmojo.forward(m.bmojo, DISCARD, chunk, out);
        float innovation = r.innovations()[0];
        if (retention != null) {
            retention.forward(m.retention, null, chunk, out);
        }
        pending.add(new SourceMemory.PendingLine(m.position, line.text, e.template, line.offset, line.timestamp,
                innovation, x));
        m.position++;
        if (m.linesSinceLast == 0) {
            m.fromOffset = line.offset;
        }
        m.linesSinceLast++;
        m.lastOffset = line.offset;
        return m.linesSinceLast >= settings.everyLines() ? summarize(m, pending, source(line), false) : null;
    }

    private static String source(LogLine line) {
        return line.source;
    }

    /**
     * The summary of the lines since the last one, or null when there were none. {@code last} reports
     * every line (end of input) instead of leaving the undecided ones to the next summary.
     */
    public String summarize(SourceMemory m, PendingLines pendingLines, String source, boolean last) throws Exception {
        if (m.linesSinceLast == 0) {
            return null;
        }
        List<SourceMemory.PendingLine> pending = pendingLines.all();
        long to = m.position;
        long decidedEnd = last ? to : Math.max(m.reportedUpTo, to - settings.decisionLag());
        Map<Long, Held> held = held(m);
        List<SourceMemory.PendingLine> reported = new ArrayList<>();
        List<Held> why = new ArrayList<>();
        long undecidedFrom = Math.max(m.reportedUpTo, to - settings.decisionLag());
        for (SourceMemory.PendingLine p : pending) {
            if (p.position < m.reportedUpTo || p.position >= decidedEnd) {
                continue;
            }
            Held h = held.get(p.position);
            if (h == null && last && p.position >= undecidedFrom && p.innovation > settings.threshold()) {
                h = new Held("window", p.innovation);
            }
            if (h != null) {
                reported.add(p);
                why.add(h);
            }
        }
        ObjectNode s = JSON.createObjectNode();
        s.put("source", source);
        s.put("summary", m.summaries);
        s.put("from_offset", m.fromOffset);
        s.put("to_offset", m.lastOffset);
        s.put("lines_since_last", m.linesSinceLast);
        s.put("lines_total", to);
        s.put("final", last);
        s.put("memory", settings.memory().configName());
        ArrayNode arr = s.putArray("retained");
        Map<String, ObjectNode> byTemplate = new LinkedHashMap<>();
        for (int i = 0; i < reported.size(); i++) {
            SourceMemory.PendingLine p = reported.get(i);
            ObjectNode prev = byTemplate.get(p.template);
            if (prev != null) {
                prev.put("significance", Math.max(prev.get("significance").asDouble(), round(why.get(i).significance)));
                continue;
            }
            ObjectNode o = arr.addObject();
            o.put("text", p.text);
            o.put("offset", p.offset);
            if (p.timestamp >= 0) {
                o.put("timestamp", Instant.ofEpochMilli(p.timestamp).toString());
            }
            o.put("significance", round(why.get(i).significance));
            o.put("innovation", round(p.innovation));
            o.put("kept_by", why.get(i).tier);
            o.put("template", p.template);
            o.put("similar_later", similarLater(pending, p, to));
            byTemplate.put(p.template, o);
        }
        // Drop reported and decided lines; keep the undecided tail for the next summary.
        pendingLines.removeBelow(decidedEnd);
        m.reportedUpTo = decidedEnd;
        m.linesSinceLast = 0;
        m.fromOffset = -1;
        m.summaries++;
        return s.toString();
    }

    private int similarLater(List<SourceMemory.PendingLine> pending, SourceMemory.PendingLine p, long to) {
        int n = 0;
        for (SourceMemory.PendingLine q : pending) {
            if (q.position > p.position && q.position < to
                    && (q.template.equals(p.template) || cosine(q.vector, p.vector) >= settings.similarity())) {
                n++;
            }
        }
        return n;
    }

    /** Why memory holds a line, and how significant it is. */
    private record Held(String tier, double significance) {
    }

    private Map<Long, Held> held(SourceMemory m) {
        Map<Long, Held> held = new HashMap<>();
        EntryBuffer eid = m.bmojo.eidetic();
        for (int i = 0; i < eid.size(0); i++) {
            held.put(eid.position(0, i), new Held("eidetic", eid.innovation(0, i)));
        }
        if (m.retention != null) {
            for (RetainedToken t : m.retention.retained()) {
                Held e = held.get(t.position());
                double p = t.probability();
                held.put(t.position(), e == null ? new Held("retained", p)
                        : new Held("eidetic+retained", Math.max(p, e.significance)));
            }
        }
        return held;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : 0;
    }
}
