package dev.marauder.core.io;

import java.nio.file.Path;

/**
 * Marauder refuses to write to a place: it would delete or overwrite something the tool did not
 * create (a non-empty directory that is not one of its outputs, the working directory, a model file
 * given as input). The message is one line naming the path and the reason.
 */
public class RefusedOutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A refusal to write {@code path}; the message becomes {@code "<path>: <reason>"}. */
    public RefusedOutputException(Path path, String reason) {
        super(path + ": " + reason);
    }
}
