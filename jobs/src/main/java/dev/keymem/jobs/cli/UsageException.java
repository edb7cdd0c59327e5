package dev.keymem.jobs.cli;

/**
 * A bad command line or bad input: the message is one line naming the option or tensor and what was
 * expected. {@link Memctl} prints it after the command's name and exits with
 * {@link Memctl#EXIT_USAGE}.
 */
public class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}
