package dev.keymem.jobs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a Kafka run: the first one stops the job with a savepoint (Flink's
 * stop-with-savepoint: the sources stop, a final savepoint is taken and its transactions committed, so every
 * result so far is visible exactly once and {@code --resume} continues from it); a second one exits at once
 * (status 130). Signal handlers (not a shutdown hook) so that the embedded cluster is still whole while the
 * savepoint is taken. Where the JVM does not let a signal be handled, that signal keeps its default.
 */
final class StopOnSignal {
    private final JobClient client;
    private final Path savepoints;
    private final String name;
    private final PrintStream err;
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String savepoint;
    private volatile boolean stopping;

    private StopOnSignal(JobClient client, Path savepoints, String name, PrintStream err) {
        this.client = client;
        this.savepoints = savepoints;
        this.name = name;
        this.err = err;
    }

    static StopOnSignal install(JobClient client, Path savepoints, String name, PrintStream err) {
        StopOnSignal s = new StopOnSignal(client, savepoints, name, err);
        for (String sig : new String[] {"INT", "TERM"}) {
            try {
                Signal signal = new Signal(sig);
                s.previous.add(Signal.handle(signal, s::onSignal));
                s.installed.add(signal);
            } catch (IllegalArgumentException e) {
                // not available here (e.g. ignored by the parent): keep the default
            }
        }
        return s;
    }

    private void onSignal(Signal sig) {
        if (stopping) {
            err.println(name + ": second " + sig.getName() + ": exiting without a savepoint");
            Runtime.getRuntime().halt(130);
        }
        stopping = true;
        err.println(name + ": SIG" + sig.getName() + ": stopping with a savepoint in " + savepoints
                + " (again to exit at once)");
        Thread t = new Thread(() -> {
            try {
                savepoint = client.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(5, TimeUnit.MINUTES);
            } catch (Exception e) {
                err.println(name + ": stop with savepoint failed (" + Memctl.oneLine(String.valueOf(e))
                        + "); cancelling; the last checkpoint stays");
                client.cancel();
            }
        }, "memctl-stop-with-savepoint");
        t.setDaemon(true);
        t.start();
    }

    /** The savepoint taken on a signal, or null. */
    String savepoint() {
        return stopping && savepoint == null ? waitForSavepoint() : savepoint;
    }

    private String waitForSavepoint() {
        for (int i = 0; i < 600 && savepoint == null; i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return savepoint == null ? "(none)" : savepoint;
    }

    /** Restores the previous handlers. */
    void uninstall() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}
