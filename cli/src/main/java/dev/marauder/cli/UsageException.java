package dev.marauder.cli;

import java.util.function.Supplier;

/** A command-line mistake detected after parsing (a wrong combination of options): exit code 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A usage error with a one-line message naming the offending option and value. */
    public UsageException(String message) {
        super(message);
    }

    /**
     * Runs a check or a builder whose argument came straight from an option, turning its
     * {@link IllegalArgumentException} into a usage error (exit 2) with the same message.
     */
    static <T> T wrap(Supplier<T> optionDerived) {
        try {
            return optionDerived.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
