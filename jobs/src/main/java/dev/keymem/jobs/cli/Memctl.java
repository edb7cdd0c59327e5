package dev.keymem.jobs.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code memctl} command line: a table of subcommands ({@code memctl <command> [options]}).
 * Exit codes: 0 success, 1 failure while running (e.g. the output cannot be written, or a job failed
 * after its restarts: its root cause and, when known, the record's coordinates on stderr), 2 bad usage
 * or bad input (one line on stderr naming the option or tensor). Later subcommands plug in by
 * adding a {@link Subcommand} to {@link #COMMANDS}.
 *
 * <p>After a file run that ended well, {@link #main} ends the JVM with {@code Runtime.halt(0)} instead of {@code
 * System.exit} ({@link JobCli#quickExit}). The VM's own exit work still happens ({@code -XX:ArchiveClassesAtExit}
 * and {@code -XX:AOTCacheOutput} archives are written, native agents see the VM's end, hsperfdata is removed), but
 * Java shutdown hooks do not run and files registered with {@code File.deleteOnExit} are not deleted. Flight
 * Recorder's recordings are written by such a hook (a halted run left an empty file and its repository in
 * {@code java.io.tmpdir}), as are some Java agents' results, so a JVM with either exits through {@code System.exit}
 * ({@link JobCli#exitHooksWanted()}). Nothing else in a file run relies on hooks today (its run directory is
 * deleted before, the hooks left are Flink's, for directories inside it); a change that does (e.g. a library that
 * cleans a temporary file on exit) must re-check this, or run with {@code -Dkeymem.file-run.quick-exit=false}.
 */
public final class Memctl {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    /** The subcommand table, in usage order. */
    private static final List<Subcommand> COMMANDS = List.of(new DemoCommand(), new LogsCommand(), new ContextCommand(),
            new CellCommand(), new RecallCommand(), new RetentionCommand(), new RmtEvalCommand(), new EvalCommand());

    private Memctl() {
    }

    public static void main(String[] args) {
        // memctl bundles no logging backend: say so to SLF4J instead of letting it warn on every run.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        }
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        LauncherWatch.startIfLaunched(System.err);
        Outcome outcome = execute(args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        if (JobCli.quickExit(outcome, shutdownBegun() || StopOnSignal.signalled())) {
            // a file run that ended well: its outputs are written and closed, its directory deleted
            Runtime.getRuntime().halt(outcome.code());
        }
        System.exit(outcome.code());
    }

    /**
     * Whether the JVM's shutdown has begun (a SIGTERM or SIGINT, also one {@link LauncherWatch} raised): its hooks
     * have been started, so none can be removed any more (asked with a thread that was never a hook). {@link #main}
     * then ends through {@code System.exit}, which waits for that shutdown.
     */
    private static boolean shutdownBegun() {
        try {
            Runtime.getRuntime().removeShutdownHook(new Thread());
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * How one command ended: its exit code, and whether a file run ended well in it ({@link JobCli#fileRunEnded}),
     * which {@link JobCli#quickExit} reads.
     */
    record Outcome(int code, boolean fileRunEnded) {
    }

    /** Runs memctl in-process and returns the exit code instead of exiting. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return execute(args, out, err).code();
    }

    /** Runs memctl in-process and returns how the command ended. */
    static Outcome execute(String[] args, PrintStream out, PrintStream err) {
        JobCli.takeFileRunEnded(); // nothing an earlier command on this thread left
        int code = command(args, out, err);
        return new Outcome(code, JobCli.takeFileRunEnded());
    }

    private static int command(String[] args, PrintStream out, PrintStream err) {
        Map<String, Subcommand> table = new LinkedHashMap<>();
        for (Subcommand c : COMMANDS) {
            table.put(c.name(), c);
        }
        if (args.length == 0) {
            err.print(usage(table));
            return EXIT_USAGE;
        }
        String first = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (first.equals("--help") || first.equals("-h")) {
            out.print(usage(table));
            return EXIT_OK;
        }
        if (first.equals("help")) {
            if (rest.isEmpty()) {
                out.print(usage(table));
                return EXIT_OK;
            }
            Subcommand c = table.get(rest.get(0));
            if (c == null) {
                err.println("memctl: unknown command '" + rest.get(0) + "', expected one of "
                        + String.join("|", table.keySet()));
                return EXIT_USAGE;
            }
            out.print(c.usage());
            return EXIT_OK;
        }
        Subcommand c = table.get(first);
        if (c == null) {
            err.println("memctl: unknown command '" + oneLine(first) + "', expected one of "
                    + String.join("|", table.keySet()) + " (see memctl --help)");
            return EXIT_USAGE;
        }
        if (CliOptions.wantsHelp(rest)) {
            out.print(c.usage());
            return EXIT_OK;
        }
        try {
            return c.run(rest, out, err);
        } catch (UsageException e) {
            err.println("memctl " + c.name() + ": " + oneLine(e.getMessage()));
            return EXIT_USAGE;
        } catch (JobFailure e) {
            for (String line : e.lines()) {
                err.println("memctl " + c.name() + ": " + oneLine(line));
            }
            return EXIT_FAILURE;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            err.println("memctl " + c.name() + ": failed: " + oneLine(String.valueOf(e)));
            return EXIT_FAILURE;
        }
    }

    private static String usage(Map<String, Subcommand> table) {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: memctl <command> [options]\n\ncommands:\n");
        for (Subcommand c : table.values()) {
            sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        }
        sb.append("\nRun 'memctl <command> --help' for a command's options.\n");
        sb.append("Exit codes: 0 success, 1 failure while running, 2 bad usage or bad input.\n");
        return sb.toString();
    }

    /** Keeps an error to one line. */
    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
