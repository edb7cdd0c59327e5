package dev.keymem.jobs.context;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The context job's one Jackson mapper, made at its first use: events, payloads and answers that take the plain
 * paths ({@link ContextEventParser}, {@link ContextPayload}, {@link ContextAnswers}) never touch this class, so a run
 * of them does not pay for databind's start-up (~45 ms of CPU a run: the first use of the record classes, median
 * 51.5 -> 7.1 ms with the class archive, docs/benchmarks.md, ctx28). {@link UserContextJob#trainJsonForms} loads it for
 * the class archive.
 */
final class JacksonMapper {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JacksonMapper() {
    }
}
