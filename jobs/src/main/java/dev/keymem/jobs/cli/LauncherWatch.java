package dev.keymem.jobs.cli;

import java.io.PrintStream;
import java.util.Optional;
import sun.misc.Signal;

/**
 * Stops this JVM as a SIGTERM would when the {@code memctl} launcher that started it ends first. The launcher
 * runs the JVM as its child (it filters the JVM's stderr, so it cannot {@code exec} it); a signal sent to the
 * launcher alone ({@code kill PID}, a supervisor that signals one pid) ends bash but not its child, which then ran
 * on as an orphan: on a FIFO with no writer, for ever. The launcher exports its pid as
 * {@value #ENV}; a JVM whose parent is that pid at start polls its parent every {@value #POLL_MS} ms and, once the
 * parent is another process (the orphan was adopted), raises SIGTERM in itself: the same handlers run as for a
 * SIGTERM from outside ({@link StopOnSignal}'s stop with a savepoint for Kafka runs; the JVM's shutdown otherwise).
 * A JVM that has had a signal already (a stop sent to the whole process group reaches bash and the JVM alike)
 * raises nothing (nor does one already shutting down), so one stop is never counted as two. A JVM started any other way (the jar run directly, by
 * {@code nohup}, under another wrapper) is not watched.
 */
final class LauncherWatch {
    /** The environment variable the launcher sets to its own pid. */
    static final String ENV = "MEMCTL_LAUNCHER_PID";
    /** How often the parent is checked, ms. */
    static final long POLL_MS = 250;

    /** Set by a shutdown hook: a JVM already shutting down (e.g. on a SIGTERM to the group) gets no second one. */
    private static volatile boolean exiting;

    private LauncherWatch() {
    }

    /** Starts the watch when {@link #ENV} names this JVM's parent; otherwise does nothing. */
    static void startIfLaunched(PrintStream err) {
        long launcher = launcherPid(System.getenv(ENV));
        if (launcher <= 0 || parentPid() != launcher) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> exiting = true, "memctl-launcher-watch-exit"));
        Thread t = new Thread(() -> watch(launcher, err), "memctl-launcher-watch");
        t.setDaemon(true);
        t.start();
    }

    /** The launcher's pid from {@link #ENV}'s value, or -1 when it is absent or not a number. */
    static long launcherPid(String value) {
        if (value == null || value.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long parentPid() {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        return parent.map(ProcessHandle::pid).orElse(-1L);
    }

    private static void watch(long launcher, PrintStream err) {
        while (parentPid() == launcher) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (exiting || StopOnSignal.signalled()) {
            return;
        }
        err.println("memctl: the launcher (pid " + launcher + ") ended; stopping as on SIGTERM");
        Signal.raise(new Signal("TERM"));
    }
}
