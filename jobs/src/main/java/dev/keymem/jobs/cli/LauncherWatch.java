package dev.keymem.jobs.cli;

import java.io.PrintStream;
import java.util.Optional;
import sun.misc.Signal;

/**
 * Stops this JVM as a SIGTERM would when the {@code memctl} launcher that started it ends first. The launcher
 * runs the JVM as its child (it filters the JVM's stderr, so it cannot {@code exec} it); a signal sent to the
 * launcher alone ({@code kill PID}, a supervisor that signals one pid) ends bash but not its child, which then ran
 * on as an orphan: on a FIFO with no writer, for ever. The launcher exports its pid as
 * {@value #ENV}; the JVM polls its parent every {@value #POLL_MS} ms and, once the parent is another process (the
 * orphan was adopted; also when that is so already at start), stops: a Kafka run through {@link
 * StopOnSignal#requestStop} (a stop with a savepoint, at most once: a SIGTERM that reaches the JVM too, as a stop of
 * the whole process group does, joins that stop instead of counting as a second signal), any other run by raising
 * SIGTERM in itself (the JVM's shutdown) unless it had a signal already or is shutting down. A JVM started any other
 * way (the jar run directly, by {@code nohup}, under another wrapper) has no {@value #ENV} and is not watched; a
 * launcher that is PID 1 (a container without an init) never ends first, and bash as PID 1 ignores SIGTERM.
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

    /**
     * Starts the watch when {@link #ENV} is set; a launcher that is no longer this JVM's parent at start (killed
     * between starting the JVM and this call) counts as ended at once.
     */
    static void startIfLaunched(PrintStream err) {
        long launcher = launcherPid(System.getenv(ENV));
        if (launcher <= 0) {
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
        String why = "the launcher (pid " + launcher + ") ended";
        if (exiting || StopOnSignal.requestStop(why) || StopOnSignal.signalled()) {
            return; // shutting down already, or stopped through the Kafka run's handlers (at most once)
        }
        err.println("memctl: " + why + "; stopping as on SIGTERM");
        Signal.raise(new Signal("TERM"));
    }
}
