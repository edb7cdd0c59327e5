package dev.keymem.jobs.context;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    /** At most this many decoded payloads are kept (then they are all dropped). */
    private static final int DECODED_MAX = 4096;

    /**
     * Payloads decoded for earlier answers, by the identity of the payload array: a key's events come back in
     * many of its answers, and where the state backend hands back the stored arrays (a batch run's heap state,
     * the event memory's cache) each is decoded once. An array is never changed once stored, so a hit decodes
     * to the same fields.
     */
    private transient java.util.IdentityHashMap<byte[], ContextEvent> decoded;

    private ContextEvent decoded(byte[] payload) {
        if (decoded == null) {
            decoded = new java.util.IdentityHashMap<>();
        }
        ContextEvent e = decoded.get(payload);
        if (e == null) {
            if (decoded.size() >= DECODED_MAX) {
                decoded.clear();
            }
            e = ContextPayload.decode(payload);
            decoded.put(payload, e);
        }
        return e;
    }

    @Override
    public JobOutput map(MemoryAnswer a) {
        // Written with a streaming generator, field for field what the tree form (mapTree) writes.
        ContextEvent q = ContextPayload.decode(a.queryPayload);
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
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
                ContextEvent e = decoded(h.payload);
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
        ObjectNode o = JSON.createObjectNode();
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
