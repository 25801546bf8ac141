package dev.marauder.attacks.inference.membership;

import dev.marauder.stats.Require;
import dev.marauder.stats.RocCurve;
import dev.marauder.stats.dp.MembershipAudit;
import dev.marauder.stats.dp.MembershipBound;
import dev.marauder.stats.dp.OneRunAudit;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * The standard evaluation of a membership-inference attack from its scores on known members and
 * non-members: ROC AUC, balanced accuracy, TPR at low FPR (Carlini et al. 2022, "Membership
 * Inference Attacks From First Principles", IEEE S&amp;P 2022, argue that the low-FPR regime is
 * what matters), an epsilon lower bound with stated confidence, and the ROC curve thinned for
 * charts. Immutable settings; the scores are passed at call time, so one instance serves many
 * attacks and is safe to share.
 *
 * <p>Settings: the FPR targets (default 0.1, 0.01 and 0.001), the confidence of the epsilon bound
 * (default 0.95), the delta of the tested guarantee (default 0), and the largest number of ROC
 * points returned (default 500).
 *
 * <p>The epsilon lower bound. For each FPR target {@code t}, the test is the lowest threshold
 * that flags at most {@code k = floor(t N)} of the {@code N} non-members (the one that gives
 * {@link RocCurve#truePositiveRateAt}), and {@link MembershipAudit#epsilonLowerBound} turns its
 * counts into a bound through Clopper-Pearson intervals (Jagielski, Ullman and Oprea 2020; Nasr et
 * al. 2021). Choosing the threshold on the same scores does not invalidate the bound, for two
 * reasons:
 * <ul>
 *   <li>The threshold is read off the non-member scores alone, so, given it, the members flagged
 *       are binomial and the lower bound on the TPR holds as usual. For the FPR, the threshold is
 *       the (k+1)-th largest non-member score {@code v} and the rule flags scores above it; for
 *       continuous scores the true FPR {@code P[S > v]} is distributed as the (k+1)-th smallest of
 *       {@code N} uniforms, Beta(k + 1, N - k), whose upper quantile is exactly the
 *       Clopper-Pearson upper bound for {@code k} false positives. With ties the rule may flag
 *       fewer than {@code k} non-members, and the true FPR is then smaller still, so the bound is
 *       computed with {@code k} (the budget), not the observed count, and stays valid.</li>
 *   <li>The targets are fixed before the scores are seen and the best of the {@code J} bounds is
 *       reported, so each is computed at the Bonferroni confidence
 *       {@code 1 - (1 - confidence) / J} ({@link OneRunAudit#perTestConfidence}), as the one-run
 *       audit does for its splits.</li>
 * </ul>
 * What the bound means: a valid lower bound on the epsilon of the <em>training algorithm</em>
 * only when the scores are independent trials, such as one training run per scored canary (the
 * setting of {@link MembershipAudit}). Members and non-members scored against a single trained
 * model are not independent trials under differential privacy, and for them the number is an
 * empirical indicator of leakage, not a proof (use {@code OneRunAudit} for a bound from one run).
 */
public final class MembershipMetrics {
    private final double[] falsePositiveRateTargets;
    private final double confidence;
    private final double delta;
    private final int maxRocPoints;

    private MembershipMetrics(double[] falsePositiveRateTargets, double confidence, double delta, int maxRocPoints) {
        this.falsePositiveRateTargets = falsePositiveRateTargets;
        this.confidence = confidence;
        this.delta = delta;
        this.maxRocPoints = maxRocPoints;
    }

    /** A builder with the defaults: FPR targets 0.1, 0.01, 0.001; confidence 0.95; delta 0; 500 points. */
    public static Builder builder() {
        return new Builder();
    }

    /** The metrics with the default settings. */
    public static MembershipMetrics defaults() {
        return builder().build();
    }

    /** The FPR targets, in decreasing order. */
    public double[] falsePositiveRateTargets() {
        return falsePositiveRateTargets.clone();
    }

    /** The family-wise confidence of the epsilon lower bound. */
    public double confidence() {
        return confidence;
    }

    /** The delta of the tested (epsilon, delta) guarantee. */
    public double delta() {
        return delta;
    }

    /** The largest number of ROC points in a result. */
    public int maxRocPoints() {
        return maxRocPoints;
    }

    /**
     * Evaluates an attack from its scores.
     *
     * @param memberScores the score of each member, finite, higher meaning "more likely a member"
     * @param nonMemberScores the score of each non-member, finite
     * @throws IllegalArgumentException if either array is null, empty or holds a NaN or infinite
     *     score
     */
    public MembershipEvaluation evaluate(double[] memberScores, double[] nonMemberScores) {
        return evaluate(RocCurve.of(memberScores, nonMemberScores));
    }

    /**
     * Evaluates an attack from its ROC curve.
     *
     * @throws IllegalArgumentException if {@code roc} is null
     */
    public MembershipEvaluation evaluate(RocCurve roc) {
        if (roc == null) {
            throw new IllegalArgumentException("ROC curve must not be null");
        }
        int positives = roc.members();
        int negatives = roc.nonMembers();
        double perTarget = OneRunAudit.perTestConfidence(confidence, falsePositiveRateTargets.length);
        TreeMap<Double, Double> tprAt = new TreeMap<>();
        MembershipBound best = null;
        double bestTarget = Double.NaN;
        for (double target : falsePositiveRateTargets) {
            tprAt.put(target, roc.truePositiveRateAt(target));
            int truePositives = roc.truePositivesAt(target);
            int falsePositiveBudget = falsePositiveBudget(target, negatives);
            MembershipBound bound = MembershipAudit.epsilonLowerBound(
                    truePositives, positives, falsePositiveBudget, negatives, delta, perTarget);
            if (best == null || bound.epsilonLowerBound() > best.epsilonLowerBound()) {
                best = bound;
                bestTarget = target;
            }
        }
        return new MembershipEvaluation(
                positives,
                negatives,
                roc.auc(),
                roc.balancedAccuracy(),
                tprAt,
                best.epsilonLowerBound(),
                confidence,
                delta,
                bestTarget,
                best,
                roc.downsampled(maxRocPoints));
    }

    /** The largest {@code k} with {@code k / negatives <= target}, as {@link RocCurve} compares rates. */
    static int falsePositiveBudget(double target, int negatives) {
        int k = (int) Math.min(negatives, Math.floor(target * negatives));
        while (k < negatives && (double) (k + 1) / negatives <= target) {
            k++;
        }
        while (k > 0 && (double) k / negatives > target) {
            k--;
        }
        return k;
    }

    @Override
    public String toString() {
        return "MembershipMetrics[fprTargets=" + Arrays.toString(falsePositiveRateTargets) + ", confidence="
                + confidence + ", delta=" + delta + ", maxRocPoints=" + maxRocPoints + "]";
    }

    /** Builds {@link MembershipMetrics}; validated in {@link #build()}. */
    public static final class Builder {
        private double[] targets = {0.1, 0.01, 0.001};
        private double confidence = 0.95;
        private double delta = 0;
        private int maxRocPoints = 500;

        private Builder() {}

        /** The FPR targets for TPR at FPR and for the epsilon bound: a few, distinct, in (0, 1). */
        public Builder optFalsePositiveRateTargets(double... values) {
            targets = values == null ? null : values.clone();
            return this;
        }

        /** The family-wise confidence of the epsilon lower bound, in (0, 1) (default 0.95). */
        public Builder optConfidence(double value) {
            confidence = value;
            return this;
        }

        /** The delta of the tested guarantee, in [0, 1) (default 0). */
        public Builder optDelta(double value) {
            delta = value;
            return this;
        }

        /** The largest number of ROC points returned for charts, at least 8 (default 500). */
        public Builder optMaxRocPoints(int value) {
            maxRocPoints = value;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException if a setting is out of range
         */
        public MembershipMetrics build() {
            if (targets == null || targets.length == 0) {
                throw new IllegalArgumentException("at least one FPR target is needed");
            }
            double[] sorted = targets.clone();
            Arrays.sort(sorted);
            for (int k = 0; k < sorted.length; k++) {
                if (!(sorted[k] > 0 && sorted[k] < 1)) {
                    throw new IllegalArgumentException("FPR targets must be in (0, 1), got " + sorted[k]);
                }
                if (k > 0 && sorted[k] == sorted[k - 1]) {
                    throw new IllegalArgumentException("FPR target given twice: " + sorted[k]);
                }
            }
            Require.confidence(confidence);
            Require.delta(delta);
            if (maxRocPoints < 8) {
                throw new IllegalArgumentException("max ROC points must be at least 8, got " + maxRocPoints);
            }
            for (int lo = 0, hi = sorted.length - 1; lo < hi; lo++, hi--) {
                double swap = sorted[lo];
                sorted[lo] = sorted[hi];
                sorted[hi] = swap;
            }
            return new MembershipMetrics(sorted, confidence, delta, maxRocPoints);
        }
    }
}
