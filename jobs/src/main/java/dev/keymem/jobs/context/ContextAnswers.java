package dev.keymem.jobs.context;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.operators.MemoryAnswer;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * The context job's last step: an event memory answer as the job's JSON answer (docs/jobs.md):
 * {@code user, query, offset, ts, expect} (the query's own fields, {@code expect} unchanged), {@code position}
 * and {@code events_stored} (events the user's memory held before the query), {@code events} (best first:
 * {@code text} as written, {@code type}, {@code ts}, {@code offset}, {@code position}, {@code score},
 * {@code tiers}) and {@code read_vector} (the fading memory's read).
 */
public final class ContextAnswers implements MapFunction<MemoryAnswer, JobOutput> {
    private static final long serialVersionUID = 1L;

    @Override
    public JobOutput map(MemoryAnswer a) {
        return map(a, null);
    }

    /**
     * {@link #map} of an answer whose query payload is {@code query}'s encoding ({@link ContextPayload#encode}),
     * given as the event itself (saves decoding it; the fields are the same: an encoding that succeeded holds
     * well-formed strings, which decode to themselves); null: decoded from the payload.
     */
    JobOutput map(MemoryAnswer a, ContextEvent query) {
        // Written by hand, byte for byte what Jackson's generator writes (mapStreaming) and the tree form
        // (mapTree): the same field order, escapes (JsonText) and numbers (JsonText.appendScaled). Each hit's
        // fields up to "position" are the same in every answer it appears in: kept by the payload's identity.
        ContextEvent q = query != null ? query : ContextPayload.decode(a.queryPayload);
        StringBuilder b = builder;
        if (b == null) {
            b = builder = new StringBuilder(1024);
            digits = new char[24];
            latin1 = new byte[1024];
        }
        char[] digits = this.digits;
        b.setLength(0);
        b.append("{\"user\":");
        appendString(b, a.key);
        b.append(",\"query\":");
        appendString(b, q.text);
        b.append(",\"offset\":").append(q.offset);
        if (q.ts != null) {
            b.append(",\"ts\":");
            appendString(b, q.ts);
        }
        String expect = query == null || query.query ? q.expect : null; // the payload has it for queries only
        if (expect != null) {
            b.append(",\"expect\":");
            appendString(b, expect);
        }
        b.append(",\"position\":").append(a.position);
        b.append(",\"events_stored\":").append(a.position);
        b.append(",\"events\":[");
        for (int i = 0; i < a.hits.length; i++) {
            MemoryAnswer.Hit h = a.hits[i];
            if (i > 0) {
                b.append(',');
            }
            b.append(hitHead(h.payload)).append(h.position).append(",\"score\":");
            JsonText.appendScaled(b, Math.round(h.score * 1e4), 4, digits);
            b.append(",\"tiers\":");
            appendString(b, h.tiers);
            b.append('}');
        }
        b.append("],\"read_vector\":[");
        for (int i = 0; i < a.read.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            JsonText.appendScaled(b, Math.round(a.read[i] * 1e5), 5, digits);
        }
        b.append("]}");
        String json = b.toString();
        if (b.capacity() > 1 << 16) {
            builder = new StringBuilder(1024);
        }
        return new JobOutput(JobOutput.RESULT, a.key, json);
    }

    /**
     * {@link JsonText#appendString(StringBuilder, String, byte[])} with this function's scratch, grown to a text's
     * length up to {@link #LATIN1_MAX} chars (a longer text goes the reference's way, as there).
     */
    private void appendString(StringBuilder b, String s) {
        byte[] bs = latin1;
        if (s != null && s.length() > bs.length && s.length() <= LATIN1_MAX) {
            bs = latin1 = new byte[Math.min(LATIN1_MAX, Math.max(s.length(), bs.length * 2))];
        }
        JsonText.appendString(b, s, bs);
    }

    /** The longest text {@link #appendString} copies into its scratch. */
    static final int LATIN1_MAX = 1 << 16;

    private transient StringBuilder builder;
    /** {@link #appendString}'s scratch (made with {@link #builder}). */
    private transient byte[] latin1;
    /** {@link JsonText#appendScaled(StringBuilder, long, int, char[])}'s scratch. */
    private transient char[] digits;

    /**
     * At most this many hits' heads (or events remembered) are kept: two generations of half of it. New ones go to
     * the newer; when it is full it becomes the older (the older one's leave), and a head found in the older moves
     * back to the newer. So the heads of hits that recur from answer to answer (the eidetic tier's, a long
     * history's frequent matches) stay while every stored event passes through; emptying one table every 4,096
     * events remembered made them be decoded and written again each time.
     */
    static final int HEADS_MAX = 4096;

    /**
     * A hit's JSON up to its position, by the identity of its payload array: {@code {"text":..,"type":..,
     * "ts":..,"offset":N,"position":}. Where the state backend hands back the stored arrays (a batch run's heap
     * state, the event memory's cache) each event's is written once while kept; an array is never changed once
     * stored. The newer and the older generation ({@link #HEADS_MAX}); a value is the head (a String) or the
     * event remembered ({@link #remember}) whose head is not yet written.
     */
    private transient java.util.IdentityHashMap<byte[], Object> heads;
    private transient java.util.IdentityHashMap<byte[], Object> headsOld;
    /** Heads written (for tests). */
    transient long headsWritten;

    /**
     * Notes that {@code payload} is {@link ContextPayload#encode} of {@code e} (a stored event, not a query), so
     * that an answer holding it writes its head from {@code e} instead of decoding the payload: the same fields
     * (the encoding escapes every char, so its strings decode to themselves).
     */
    void remember(byte[] payload, ContextEvent e) {
        keep(payload, e);
    }

    /** Puts a head or a remembered event in the newer generation (it full: it becomes the older first). */
    private void keep(byte[] payload, Object value) {
        // each generation sized for its HEADS_MAX / 2 entries at once (it fills to that size: grown from the
        // default size it was rehashed seven times over)
        if (heads == null) {
            heads = new java.util.IdentityHashMap<>(HEADS_MAX / 2);
        } else if (heads.size() >= HEADS_MAX / 2) {
            headsOld = heads;
            heads = new java.util.IdentityHashMap<>(HEADS_MAX / 2);
        }
        heads.put(payload, value);
    }

    /** Whether the head of {@code payload} is kept (for tests). */
    boolean hasHead(byte[] payload) {
        return heads != null && heads.get(payload) instanceof String
                || headsOld != null && headsOld.get(payload) instanceof String;
    }

    private String hitHead(byte[] payload) {
        Object o = heads == null ? null : heads.get(payload);
        if (o instanceof String h) {
            return h;
        }
        if (o == null && headsOld != null) {
            o = headsOld.get(payload);
        }
        String s = o instanceof String h ? h : null;
        if (s == null) {
            ContextEvent e = o instanceof ContextEvent r ? r : ContextPayload.decode(payload);
            StringBuilder b = new StringBuilder(64 + (e.text == null ? 4 : e.text.length()));
            b.append("{\"text\":");
            appendString(b, e.text);
            if (e.type != null) {
                b.append(",\"type\":");
                appendString(b, e.type);
            }
            if (e.ts != null) {
                b.append(",\"ts\":");
                appendString(b, e.ts);
            }
            b.append(",\"offset\":").append(e.offset).append(",\"position\":");
            s = b.toString();
            headsWritten++;
        }
        keep(payload, s); // written, or found in the older generation or as an event: into the newer as a head
        return s;
    }

    /** {@link #map} through Jackson's streaming generator (a reference form, for tests). */
    JobOutput mapStreaming(MemoryAnswer a) {
        ContextEvent q = ContextPayload.decode(a.queryPayload);
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JacksonMapper.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("user", a.key);
            g.writeStringField("query", q.text);
            g.writeNumberField("offset", q.offset);
            if (q.ts != null) {
                g.writeStringField("ts", q.ts);
            }
            if (q.expect != null) {
                g.writeStringField("expect", q.expect);
            }
            g.writeNumberField("position", a.position);
            g.writeNumberField("events_stored", a.position);
            g.writeArrayFieldStart("events");
            for (MemoryAnswer.Hit h : a.hits) {
                ContextEvent e = ContextPayload.decode(h.payload);
                g.writeStartObject();
                g.writeStringField("text", e.text);
                if (e.type != null) {
                    g.writeStringField("type", e.type);
                }
                if (e.ts != null) {
                    g.writeStringField("ts", e.ts);
                }
                g.writeNumberField("offset", e.offset);
                g.writeNumberField("position", h.position);
                g.writeNumberField("score", Math.round(h.score * 1e4) / 1e4);
                g.writeStringField("tiers", h.tiers);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("read_vector");
            for (float f : a.read) {
                g.writeNumber(Math.round(f * 1e5) / 1e5);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new JobOutput(JobOutput.RESULT, a.key, out.toString());
    }

    /** The tree form of {@link #map} (the reference its output equals). */
    JobOutput mapTree(MemoryAnswer a) {
        ContextEvent q = ContextPayload.decodeTree(a.queryPayload);
        ObjectNode o = JacksonMapper.MAPPER.createObjectNode();
        o.put("user", a.key);
        o.put("query", q.text);
        o.put("offset", q.offset);
        if (q.ts != null) {
            o.put("ts", q.ts);
        }
        if (q.expect != null) {
            o.put("expect", q.expect);
        }
        o.put("position", a.position);
        o.put("events_stored", a.position);
        ArrayNode arr = o.putArray("events");
        for (MemoryAnswer.Hit h : a.hits) {
            ContextEvent e = ContextPayload.decodeTree(h.payload);
            ObjectNode r = arr.addObject();
            r.put("text", e.text);
            if (e.type != null) {
                r.put("type", e.type);
            }
            if (e.ts != null) {
                r.put("ts", e.ts);
            }
            r.put("offset", e.offset);
            r.put("position", h.position);
            r.put("score", Math.round(h.score * 1e4) / 1e4);
            r.put("tiers", h.tiers);
        }
        ArrayNode rv = o.putArray("read_vector");
        for (float f : a.read) {
            rv.add(Math.round(f * 1e5) / 1e5);
        }
        return new JobOutput(JobOutput.RESULT, a.key, o.toString());
    }
}
