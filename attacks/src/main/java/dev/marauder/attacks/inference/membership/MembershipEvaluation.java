package dev.marauder.attacks.inference.membership;

import dev.marauder.stats.Require;
import dev.marauder.stats.RocCurve;
import dev.marauder.stats.RocPoint;
import dev.marauder.stats.dp.MembershipBound;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How well a membership-inference attack separated known members from non-members, as computed by
 * {@link MembershipMetrics}. Immutable.
 *
 * @param members the number of members scored
 * @param nonMembers the number of non-members scored
 * @param auc the area under the ROC curve (Mann-Whitney, ties 1/2), in [0, 1]
 * @param balancedAccuracy the best {@code (TPR + TNR) / 2} over thresholds, in [1/2, 1]
 * @param truePositiveRateAtFalsePositiveRate for each FPR target, the largest TPR with
 *     {@code FPR <= target} (see {@link RocCurve#truePositiveRateAt}); sorted, unmodifiable
 * @param epsilonLowerBound the largest of the per-target epsilon lower bounds, {@code >= 0}; it
 *     holds with {@code confidence} only under the assumptions stated in {@link MembershipMetrics}
 * @param confidence the family-wise confidence of {@code epsilonLowerBound}
 * @param delta the delta of the (epsilon, delta) guarantee that was tested
 * @param epsilonFalsePositiveRate the FPR target whose threshold gave {@code epsilonLowerBound}
 * @param epsilonBound the counts and Clopper-Pearson ends behind {@code epsilonLowerBound}, at
 *     the per-target (Bonferroni) confidence
 * @param roc the ROC curve thinned for charts ({@link RocCurve#downsampled}); unmodifiable
 */
public record MembershipEvaluation(
        int members,
        int nonMembers,
        double auc,
        double balancedAccuracy,
        SortedMap<Double, Double> truePositiveRateAtFalsePositiveRate,
        double epsilonLowerBound,
        double confidence,
        double delta,
        double epsilonFalsePositiveRate,
        MembershipBound epsilonBound,
        List<RocPoint> roc) {

    /**
     * Checks and copies the values.
     *
     * @throws IllegalArgumentException if a count is below 1, a rate is out of range, or a
     *     collection or the bound is null
     */
    public MembershipEvaluation {
        if (members < 1 || nonMembers < 1) {
            throw new IllegalArgumentException(
                    "need at least one member and one non-member, got " + members + " and " + nonMembers);
        }
        if (!(auc >= 0 && auc <= 1)) {
            throw new IllegalArgumentException("AUC must be in [0, 1], got " + auc);
        }
        if (!(balancedAccuracy >= 0.5 && balancedAccuracy <= 1)) {
            throw new IllegalArgumentException("balanced accuracy must be in [0.5, 1], got " + balancedAccuracy);
        }
        if (truePositiveRateAtFalsePositiveRate == null || epsilonBound == null || roc == null) {
            throw new IllegalArgumentException("TPR map, epsilon bound and ROC points must not be null");
        }
        if (!(epsilonLowerBound >= 0) || Double.isInfinite(epsilonLowerBound)) {
            throw new IllegalArgumentException("epsilon lower bound must be finite and >= 0, got " + epsilonLowerBound);
        }
        Require.confidence(confidence);
        Require.delta(delta);
        Require.falsePositiveRate(epsilonFalsePositiveRate);
        truePositiveRateAtFalsePositiveRate =
                Collections.unmodifiableSortedMap(new TreeMap<>(truePositiveRateAtFalsePositiveRate));
        roc = List.copyOf(roc);
    }

    /**
     * The TPR at one of the evaluated FPR targets.
     *
     * @throws IllegalArgumentException if that target was not evaluated
     */
    public double truePositiveRateAt(double falsePositiveRate) {
        Double tpr = truePositiveRateAtFalsePositiveRate.get(falsePositiveRate);
        if (tpr == null) {
            throw new IllegalArgumentException("FPR " + falsePositiveRate + " was not evaluated; evaluated: "
                    + truePositiveRateAtFalsePositiveRate.keySet());
        }
        return tpr;
    }
}
