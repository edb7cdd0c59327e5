package dev.keymem.jobs.context;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.operators.MemoryAnswer;
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

    @Override
    public JobOutput map(MemoryAnswer a) {
        ContextEvent q = ContextPayload.decode(a.queryPayload);
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
            ContextEvent e = ContextPayload.decode(h.payload);
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
