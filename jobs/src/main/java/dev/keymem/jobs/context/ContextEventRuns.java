package dev.keymem.jobs.context;

import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.serde.RecordRuns;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * The context job's events gathered into {@link ContextEventRun}s before the exchange to the keyed step and taken
 * apart again in it ({@link RecordRuns}): each user's events reach the keyed function one by one, in the order
 * they came, so a query sees every earlier event of its user and none later. {@link Gather} keeps one open run
 * per user and emits it at {@link #MAX_EVENTS} events or {@link #MAX_CHARS} characters, when an event of the
 * user comes from another topic or partition, and all open runs (in the order they were opened) at
 * {@link #MAX_BUFFERED_CHARS} characters or {@link #MAX_BUFFERED_EVENTS} events in all, before any watermark
 * or checkpoint barrier, and at the end of the input.
 */
public final class ContextEventRuns {
    /** Most events in one run. */
    public static final int MAX_EVENTS = 256;
    /** A run is emitted once its text reaches this many characters. */
    public static final int MAX_CHARS = 64 * 1024;
    /**
     * All open runs are emitted once their strings reach this many characters together (the runs hold their
     * events encoded, about a byte per character of ASCII text plus some 20 bytes an event).
     */
    public static final long MAX_BUFFERED_CHARS = 16L * 1024 * 1024;
    /**
     * All open runs are emitted once they hold this many events together. Many users with few events each (the
     * generated users: 10 events a user) need a large buffer for runs of more than one event; measured on
     * 300,000 events of 30,000 users, 8k, 32k, 128k and 512k events buffered gave the same CPU time within noise
     * or a little less for the larger ones (docs/benchmarks.md, "Context job file runs: the Flink path").
     */
    public static final int MAX_BUFFERED_EVENTS = 256 * 1024;

    private ContextEventRuns() {
    }

    /** How events make runs: per user, one topic and partition a run. */
    private static final class Events implements RecordRuns.Shape<ContextEvent, ContextEventRun> {
        private static final long serialVersionUID = 1L;

        @Override
        public String key(ContextEvent e) {
            return e.user;
        }

        @Override
        public ContextEventRun open(ContextEvent first) {
            return new ContextEventRun(first.user, first.topic, first.partition, 2);
        }

        @Override
        public long chars(ContextEvent e) {
            return len(e.text) + len(e.type) + len(e.expect) + len(e.ts);
        }

        private static int len(String s) {
            return s == null ? 0 : s.length();
        }
    }

    /** Gathers events into runs per user (see {@link ContextEventRuns}). */
    public static final class Gather extends RecordRuns.Gather<ContextEvent, ContextEventRun> {
        private static final long serialVersionUID = 1L;

        /** With the default limits. */
        public Gather() {
            this(MAX_EVENTS, MAX_CHARS, MAX_BUFFERED_CHARS, MAX_BUFFERED_EVENTS);
        }

        /** With the given limits (each at least 1). */
        public Gather(int maxEvents, long maxChars, long maxBufferedChars, int maxBufferedEvents) {
            super(new Events(), maxEvents, maxChars, maxBufferedChars, maxBufferedEvents);
        }
    }

    /** The keyed function over runs: {@code inner} on each event of a run. */
    public static final class Unpack extends RecordRuns.Unpack<ContextEvent, ContextEventRun, JobOutput> {
        private static final long serialVersionUID = 1L;

        public Unpack(KeyedProcessFunction<String, ContextEvent, JobOutput> inner) {
            super(inner);
        }
    }
}
