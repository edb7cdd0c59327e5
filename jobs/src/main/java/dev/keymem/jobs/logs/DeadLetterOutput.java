package dev.keymem.jobs.logs;

import dev.keymem.operators.DeadLetter;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * A dead letter as the jobs' output: {@link JobOutput#DEAD_LETTER}, keyed by the dead letter's key, its JSON
 * carrying at most {@code maxValueBytes} of the record's value. A class rather than a lambda: Flink serializes the
 * function with the job, and the JVM (17) spins a serializable lambda's class at every start and again when the
 * lambda is deserialized, where a class comes from the class data archive.
 */
final class DeadLetterOutput implements MapFunction<DeadLetter, JobOutput> {
    private static final long serialVersionUID = 1L;
    private final int maxValueBytes;

    DeadLetterOutput(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    @Override
    public JobOutput map(DeadLetter d) {
        return new JobOutput(JobOutput.DEAD_LETTER, d.key, d.toJson(maxValueBytes));
    }
}
