package dev.marauder.core.io;

import java.nio.file.Path;

/**
 * A data file (or a model file) that cannot be used: missing, truncated, wrong magic or header,
 * a shape that does not fit, labels that do not match, NaN or out-of-bounds values. The message
 * is a single line that names the file and the problem, fit to show a user as it is.
 */
public class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A problem with {@code file}; the message becomes {@code "<file>: <problem>"}. */
    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /** A problem with {@code file} caused by {@code cause}. */
    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }

    /** A problem not tied to a single file (for example, two files that disagree). */
    public DataFormatException(String message) {
        super(message);
    }

    /**
     * A problem described by {@code message}, which names its source (for example a class-path
     * resource, which has no {@link Path}), caused by {@code cause}.
     */
    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
