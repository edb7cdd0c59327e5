package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutionException;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.junit.jupiter.api.Test;

/** Which refused stops are retried: only a savepoint refused because some task is not running yet. */
class StopOnSignalTest {
    @Test
    void aSavepointRefusedForTasksNotRunningIsRetriedOthersAreNot() {
        assertTrue(StopOnSignal.notAllTasksRunning(new ExecutionException(
                new CheckpointException(CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING))));
        assertFalse(StopOnSignal.notAllTasksRunning(new ExecutionException(
                new CheckpointException(CheckpointFailureReason.CHECKPOINT_DECLINED))));
        assertFalse(StopOnSignal.notAllTasksRunning(new IllegalStateException("job not running")));
    }
}
