package dev.marauder.core.model.remote;

/**
 * A model behind an HTTP API could not be queried: the connection failed or timed out, the server
 * answered with an error status, or its answer does not follow the protocol. The message is one
 * line that names the URL.
 */
public class RemoteModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}, which names the URL. */
    public RemoteModelException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, which names the URL, caused by {@code cause}. */
    public RemoteModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
