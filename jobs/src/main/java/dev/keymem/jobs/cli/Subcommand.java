package dev.keymem.jobs.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One {@code memctl} subcommand. {@link Memctl} owns the table of subcommands, prints the overall
 * usage, and turns a {@link UsageException} into one line on stderr and exit code 2.
 */
public interface Subcommand {

    /** The word on the command line, e.g. "cell". */
    String name();

    /** One line for the overall usage. */
    String summary();

    /** The full usage text of this subcommand (printed for {@code --help}). */
    String usage();

    /**
     * Runs with the arguments after the subcommand's name; {@code --help} has already been handled.
     * Returns the exit code (0 on success).
     *
     * @throws UsageException bad options or bad input (exit 2)
     * @throws Exception any other failure (exit 1)
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
