package dev.keymem.jobs.cli;

import dev.keymem.jobs.logs.GuardedKeyedFunction;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.ExceptionUtils;

/**
 * A job that failed for good (after its restarts), summarized for stderr: the root cause, and where it
 * happened when the keyed step knows (the record's coordinates and key, or the corrupt state's name, key
 * and piece). {@link Memctl} prints {@link #lines()} and exits with 1.
 */
final class JobFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> lines;

    private JobFailure(List<String> lines, Throwable cause) {
        super(lines.get(0), cause);
        this.lines = lines;
    }

    static JobFailure of(Throwable t) {
        if (t instanceof JobFailure f) {
            return f;
        }
        List<String> lines = new ArrayList<>();
        Throwable root = ExceptionUtils.stripExecutionException(t);
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        lines.add("job failed; root cause: " + root);
        ExceptionUtils.findThrowable(t, GuardedKeyedFunction.KeyedFailure.class)
                .ifPresent(k -> lines.add("where: " + k.getMessage()));
        return new JobFailure(lines, t);
    }

    /** A failure before any job ran, told in one line. */
    static JobFailure before(String line, Throwable cause) {
        return new JobFailure(List.of(line), cause);
    }

    /** One-line messages, most important first. */
    List<String> lines() {
        return lines;
    }
}
