package dev.marauder.gateway.auth;

import java.util.Locale;

/**
 * What a principal may do (least privilege): a {@link #CLIENT} queries the model and gets the
 * hardened outputs its role's policy allows; an {@link #OWNER} queries it with full outputs and
 * reads the metrics; an {@link #AUDITOR} reads the audit log and the metrics but cannot query.
 */
public enum Role {
    /** Queries the model; outputs hardened as configured. */
    CLIENT,
    /** Queries the model with full outputs; reads the metrics. */
    OWNER,
    /** Reads and verifies the audit log and reads the metrics; cannot query the model. */
    AUDITOR;

    /** The role's name in configuration files: {@code client}, {@code owner}, {@code auditor}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the role may send inference requests. */
    public boolean mayQuery() {
        return this != AUDITOR;
    }

    /** Whether the role may read the audit log. */
    public boolean mayReadAuditLog() {
        return this == AUDITOR;
    }

    /** Whether the role may read the metrics. */
    public boolean mayReadMetrics() {
        return this != CLIENT;
    }

    /**
     * The role named {@code id}.
     *
     * @throws IllegalArgumentException naming the known roles if there is none
     */
    public static Role of(String id) {
        for (Role r : values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + id + "' (known: client, owner, auditor)");
    }
}
