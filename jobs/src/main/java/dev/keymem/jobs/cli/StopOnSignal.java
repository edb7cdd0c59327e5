package dev.keymem.jobs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.util.ExceptionUtils;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a Kafka run: the first one stops the job with a savepoint (Flink's
 * stop-with-savepoint: the sources stop, a final savepoint is taken and its transactions committed, so every
 * result so far is visible exactly once and {@code --resume} continues from it); a second one exits at once
 * (status 130). Signal handlers (not a shutdown hook) so that the embedded cluster is still whole while the
 * savepoint is taken. Where the JVM does not let a signal be handled, that signal keeps its default.
 *
 * <p>A stop that Flink refuses because not every task is running at that moment (a task being deployed or
 * restarted) is retried for up to {@link #RETRY_FOR_MS}; a stop that still fails cancels the job, and the
 * last completed checkpoint is what {@code --resume} continues from. Either way the outcome is known once
 * and {@link #savepoint()} never waits longer than {@link #WAIT_MS}.
 */
final class StopOnSignal {
    /** How long a stop refused for tasks not running is retried, ms. */
    static final long RETRY_FOR_MS = 30_000;
    /** How long {@link #savepoint()} waits for the outcome of a stop, ms. */
    static final long WAIT_MS = 5 * 60_000;

    private JobClient client;
    private boolean stopStarted;
    private final Path savepoints;
    private final String name;
    private final PrintStream err;
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    /** The savepoint's path, or empty when the stop failed; incomplete while a stop is under way. */
    private final CompletableFuture<Optional<String>> outcome = new CompletableFuture<>();
    private volatile boolean stopping;
    /** Whether any handler of this JVM has had a signal (read by {@link LauncherWatch}, which must not add one). */
    private static volatile boolean signalled;
    /** The handlers installed now, if any: {@link #requestStop} stops through them. */
    private static volatile StopOnSignal current;
    /** Signals this instance's handlers have had: the second one exits at once. */
    private int signals;

    private StopOnSignal(Path savepoints, String name, PrintStream err) {
        this.savepoints = savepoints;
        this.name = name;
        this.err = err;
    }

    /**
     * Installs the handlers before the job is submitted; {@link #attach} gives them the job. A signal that
     * comes before that stops the job as soon as it is attached.
     */
    static StopOnSignal install(Path savepoints, String name, PrintStream err) {
        StopOnSignal s = new StopOnSignal(savepoints, name, err);
        for (String sig : new String[] {"INT", "TERM"}) {
            try {
                Signal signal = new Signal(sig);
                s.previous.add(Signal.handle(signal, s::onSignal));
                s.installed.add(signal);
            } catch (IllegalArgumentException e) {
                // not available here (e.g. ignored by the parent): keep the default
            }
        }
        current = s;
        return s;
    }

    private void onSignal(Signal sig) {
        signalled = true;
        boolean second;
        boolean started;
        synchronized (this) {
            second = signals++ > 0;
            started = stopping;
            stopping = true;
        }
        if (second) {
            err.println(name + ": second " + sig.getName() + ": exiting without a savepoint");
            Runtime.getRuntime().halt(130);
        }
        if (started) { // LauncherWatch asked first (a stop of the whole process group): the same stop, not a second
            err.println(name + ": SIG" + sig.getName() + ": a stop with a savepoint is under way (again to exit at once)");
            return;
        }
        err.println(name + ": SIG" + sig.getName() + ": stopping with a savepoint in " + savepoints
                + " (again to exit at once)");
        startStop();
    }

    /**
     * Stops the job as a first signal would, through the handlers installed now; does nothing more when a stop is
     * under way already (it never counts as a second signal). Returns whether handlers were installed.
     */
    static boolean requestStop(String why) {
        StopOnSignal s = current;
        if (s == null) {
            return false;
        }
        synchronized (s) {
            if (s.stopping) {
                return true;
            }
            s.stopping = true;
        }
        s.err.println(s.name + ": " + why + ": stopping with a savepoint in " + s.savepoints);
        s.startStop();
        return true;
    }

    /** The submitted job: a signal from now on (or one that already came) stops it. */
    void attach(JobClient job) {
        synchronized (this) {
            client = job;
        }
        if (stopping) {
            startStop();
        }
    }

    /** Starts the stop once there is a job to stop, at most once. */
    private void startStop() {
        synchronized (this) {
            if (client == null || stopStarted) {
                return;
            }
            stopStarted = true;
        }
        Thread t = new Thread(this::stop, "memctl-stop-with-savepoint");
        t.setDaemon(true);
        t.start();
    }

    private void stop() {
        long retryUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_FOR_MS);
        while (true) {
            try {
                outcome.complete(Optional.of(client.stopWithSavepoint(false, savepoints.toUri().toString(),
                        SavepointFormatType.CANONICAL).get(WAIT_MS, TimeUnit.MILLISECONDS)));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
                return;
            } catch (Exception e) {
                if (notAllTasksRunning(e) && System.nanoTime() < retryUntil) {
                    err.println(name + ": not every task is running at the moment; trying again in 1 s");
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        fail(e);
                        return;
                    }
                    continue;
                }
                fail(e);
                return;
            }
        }
    }

    private void fail(Exception e) {
        err.println(name + ": stop with savepoint failed (" + Memctl.oneLine(String.valueOf(
                e instanceof TimeoutException ? "no savepoint within " + WAIT_MS / 1000 + " s" : e))
                + "); cancelling; the last checkpoint stays");
        outcome.complete(Optional.empty());
        client.cancel();
    }

    /** Whether {@code e} is Flink refusing a savepoint because some task is not running at the moment. */
    static boolean notAllTasksRunning(Throwable e) {
        return ExceptionUtils.findThrowable(e, CheckpointException.class)
                .map(c -> c.getCheckpointFailureReason() == CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING)
                .orElse(false);
    }

    /** Whether a handler installed by {@link #install} has had a signal in this JVM. */
    static boolean signalled() {
        return signalled;
    }

    /** Whether a signal asked the job to stop. */
    boolean stopping() {
        return stopping;
    }

    /**
     * The savepoint taken on a signal; empty when no signal came or the stop failed. After a signal, waits
     * (once, at most {@link #WAIT_MS}) for the stop's outcome.
     */
    Optional<String> savepoint() {
        synchronized (this) {
            if (!stopping || !stopStarted) {
                return Optional.empty();
            }
        }
        try {
            return outcome.get(WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            outcome.complete(Optional.empty());
            return Optional.empty();
        }
    }

    /** Restores the previous handlers. */
    void uninstall() {
        if (current == this) {
            current = null;
        }
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}
