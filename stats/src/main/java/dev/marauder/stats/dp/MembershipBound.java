package dev.marauder.stats.dp;

import dev.marauder.stats.Require;

/**
 * The result of a classic membership-test audit (Jagielski, Ullman and Oprea 2020, "Auditing
 * Differentially Private Machine Learning: How Private is Private SGD?"; Nasr, Song, Thakurta,
 * Papernot and Carlini 2021, "Adversary Instantiation: Lower Bounds for Differentially Private
 * Machine Learning"): a lower bound on epsilon from the true and false positives of a
 * distinguishing test, holding with the stated confidence. Immutable; see {@link MembershipAudit}.
 *
 * @param epsilonLowerBound the audited lower bound, {@code >= 0}
 * @param confidence the confidence with which the bound holds
 * @param delta the delta of the (epsilon, delta) guarantee that was tested
 * @param truePositives trials with the target present that the test flagged
 * @param positives trials with the target present
 * @param falsePositives trials with the target absent that the test flagged
 * @param negatives trials with the target absent
 * @param tprLower the Clopper-Pearson lower bound on the true positive rate (at
 *     {@code (1 - confidence) / 2})
 * @param fprUpper the Clopper-Pearson upper bound on the false positive rate (at
 *     {@code (1 - confidence) / 2})
 * @param direction which of the two ratios gave the bound
 */
public record MembershipBound(
        double epsilonLowerBound,
        double confidence,
        double delta,
        int truePositives,
        int positives,
        int falsePositives,
        int negatives,
        double tprLower,
        double fprUpper,
        Direction direction) {

    /** The two inequalities an (epsilon, delta)-DP mechanism must satisfy for any test. */
    public enum Direction {
        /** {@code TPR <= e^epsilon FPR + delta}: the bound {@code log((tprLower - delta) / fprUpper)}. */
        TPR_OVER_FPR,
        /**
         * {@code TNR <= e^epsilon FNR + delta}: the bound
         * {@code log((1 - fprUpper - delta) / (1 - tprLower))}.
         */
        TNR_OVER_FNR
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is out of range or the direction is null
     */
    public MembershipBound {
        if (!(epsilonLowerBound >= 0) || Double.isInfinite(epsilonLowerBound)) {
            throw new IllegalArgumentException("epsilon lower bound must be finite and >= 0, got " + epsilonLowerBound);
        }
        Require.confidence(confidence);
        Require.delta(delta);
        if (positives < 1 || truePositives < 0 || truePositives > positives) {
            throw new IllegalArgumentException("need 0 <= true positives <= positives and positives >= 1, got "
                    + truePositives + " of " + positives);
        }
        if (negatives < 1 || falsePositives < 0 || falsePositives > negatives) {
            throw new IllegalArgumentException("need 0 <= false positives <= negatives and negatives >= 1, got "
                    + falsePositives + " of " + negatives);
        }
        if (!(tprLower >= 0 && tprLower <= 1 && fprUpper >= 0 && fprUpper <= 1)) {
            throw new IllegalArgumentException("rate bounds must be in [0, 1], got " + tprLower + " and " + fprUpper);
        }
        if (direction == null) {
            throw new IllegalArgumentException("direction must not be null");
        }
    }
}
