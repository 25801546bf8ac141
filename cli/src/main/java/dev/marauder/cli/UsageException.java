package dev.marauder.cli;

/** A command-line mistake detected after parsing (a wrong combination of options): exit code 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A usage error with a one-line message naming the offending option and value. */
    public UsageException(String message) {
        super(message);
    }
}
