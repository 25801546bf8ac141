package dev.marauder.gateway.log;

/**
 * The audit log's storage failed: the database cannot be opened, a commit failed, or what it holds
 * is not an audit log. When {@link AuditLog#append} throws it the record is not acknowledged, and
 * the gateway must not release the prediction (it answers 503). The message is one line.
 */
public final class AuditLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AuditLogException(String message) {
        super(message);
    }

    AuditLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
