package dev.marauder.privacy.audit;

/**
 * Checks of the two numbers every empirical bound takes, shared by the audits here and the
 * membership-inference metrics: the confidence of the bound and the delta of the (epsilon, delta)
 * guarantee it tests. Messages name the value.
 */
public final class AuditParameters {
    private AuditParameters() {}

    /**
     * @return {@code confidence}
     * @throws IllegalArgumentException unless it is in (0, 1)
     */
    public static double confidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        return confidence;
    }

    /**
     * @return {@code delta}
     * @throws IllegalArgumentException unless it is in [0, 1)
     */
    public static double delta(double delta) {
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
        }
        return delta;
    }
}
