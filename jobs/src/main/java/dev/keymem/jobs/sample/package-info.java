/**
 * Seeded sample generators: {@link dev.keymem.jobs.sample.LogGenerator} (multi-service log with
 * injected incidents at known lines; bundled as {@code samples/logs/}) and
 * {@link dev.keymem.jobs.sample.UserEventGenerator} (per-user JSON events with queries and expected
 * answers; bundled as {@code samples/events/users.jsonl}), and the {@link dev.keymem.jobs.sample.UserEvent}
 * format.
 */
package dev.keymem.jobs.sample;
