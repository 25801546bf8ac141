package dev.marauder.serve;

import java.util.Map;
import java.util.Objects;

/**
 * A request the server refuses: the HTTP status, the one-line message sent as {@code {"error":
 * "..."}} and any headers the refusal carries (for example {@code Retry-After} with 429).
 */
public final class OipException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Map<String, String> headers;

    /** A refusal with {@code status} and {@code message}. */
    public OipException(int status, String message) {
        this(status, message, Map.of());
    }

    /** A refusal with {@code status}, {@code message} and response {@code headers}. */
    public OipException(int status, String message, Map<String, String> headers) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a refusal's status is 4xx or 5xx, got " + status);
        }
        this.status = status;
        this.headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The response headers of the refusal. */
    public Map<String, String> headers() {
        return headers;
    }
}
