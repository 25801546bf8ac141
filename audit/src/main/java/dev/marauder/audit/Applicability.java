package dev.marauder.audit;

import java.util.Objects;

/**
 * Whether an {@link AuditCheck} applies to the model and inputs under audit, and if not, why.
 *
 * @param applies true when the check can run
 * @param reason why it cannot, phrased to follow "because" (e.g. "the model gives no gradients
 *     (black-box access only)"); empty when it applies
 */
public record Applicability(boolean applies, String reason) {

    private static final Applicability YES = new Applicability(true, "");

    /** Validates: a check that does not apply gives a reason; one that applies gives none. */
    public Applicability {
        Objects.requireNonNull(reason, "reason");
        if (applies != reason.isEmpty()) {
            throw new IllegalArgumentException(
                    applies
                            ? "a check that applies has no reason, got \"" + reason + "\""
                            : "a check that does not apply needs a reason");
        }
    }

    /** The check applies. */
    public static Applicability yes() {
        return YES;
    }

    /**
     * The check does not apply.
     *
     * @param reason why, phrased to follow "because"; not blank
     */
    public static Applicability no(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a check that does not apply needs a reason, got \"" + reason + "\"");
        }
        return new Applicability(false, reason);
    }
}
