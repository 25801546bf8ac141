package dev.marauder.stats.dp;

import dev.marauder.stats.ClopperPearson;
import dev.marauder.stats.IncompleteBeta;
import dev.marauder.stats.Require;

/**
 * The classic statistical audit of differential privacy from a distinguishing test (Jagielski,
 * Ullman and Oprea 2020, "Auditing Differentially Private Machine Learning: How Private is Private
 * SGD?", NeurIPS 2020; Nasr, Song, Thakurta, Papernot and Carlini 2021, "Adversary Instantiation:
 * Lower Bounds for Differentially Private Machine Learning", IEEE S&amp;P 2021).
 *
 * <p>Threat model: any attack, black-box or white-box, that outputs "present" or "absent" for a
 * target (a canary or poisoning set) after each trial. A trial is one run of the audited algorithm
 * with the target included ({@code positives} of them) or not ({@code negatives}); the trials
 * must be independent, which in practice means one training run per trial. Counting the canaries
 * of a single run as independent trials is not justified by differential privacy alone: use
 * {@link OneRunAudit} for that. The test itself (for instance its score threshold) must be fixed
 * before the counted trials are seen; a threshold tuned on them needs its own correction for the
 * thresholds tried, like {@link OneRunAudit#perTestConfidence}.
 *
 * <p>An (epsilon, delta)-DP algorithm satisfies, for every test, {@code TPR <= e^epsilon FPR +
 * delta} and, applied to the complementary test, {@code TNR <= e^epsilon FNR + delta}. With
 * probability at least {@code 1 - beta} the Clopper-Pearson bounds {@code TPR >= tprLower} and
 * {@code FPR <= fprUpper} both hold, each being one-sided at {@code beta / 2} (the corresponding
 * ends of the two-sided {@code 1 - beta} intervals). On that event {@code TNR >= 1 - fprUpper}
 * and {@code FNR <= 1 - tprLower} hold too, so
 * <pre>
 *   epsilon &gt;= max( log((tprLower - delta) / fprUpper), log((1 - fprUpper - delta) / (1 - tprLower)), 0 )
 * </pre>
 * with confidence {@code 1 - beta}. Both directions rest on the same two events, so taking the
 * larger costs no further correction.
 */
public final class MembershipAudit {
    private MembershipAudit() {}

    /**
     * The epsilon lower bound from the counts of a distinguishing test.
     *
     * @param truePositives trials with the target present that the test flagged
     * @param positives trials with the target present, {@code >= 1}
     * @param falsePositives trials with the target absent that the test flagged
     * @param negatives trials with the target absent, {@code >= 1}
     * @param delta the delta of the guarantee being tested, in [0, 1)
     * @param confidence the confidence {@code 1 - beta} of the bound, in (0, 1)
     * @throws IllegalArgumentException if a count or parameter is out of range
     */
    public static MembershipBound epsilonLowerBound(
            int truePositives, int positives, int falsePositives, int negatives, double delta, double confidence) {
        Require.delta(delta);
        double halfBeta = (1 - Require.confidence(confidence)) / 2;
        IncompleteBeta.Root tpr = ClopperPearson.lower(truePositives, positives, halfBeta);
        IncompleteBeta.Root fpr = ClopperPearson.upper(falsePositives, negatives, halfBeta);
        double positive = ratio(tpr.x() - delta, fpr.x());
        double negative = ratio(fpr.oneMinusX() - delta, tpr.oneMinusX());
        MembershipBound.Direction direction =
                negative > positive ? MembershipBound.Direction.TNR_OVER_FNR : MembershipBound.Direction.TPR_OVER_FPR;
        double epsilon = Math.max(0, Math.max(positive, negative));
        return new MembershipBound(
                epsilon,
                confidence,
                delta,
                truePositives,
                positives,
                falsePositives,
                negatives,
                tpr.x(),
                fpr.x(),
                direction);
    }

    /** {@code log(numerator / denominator)}, or minus infinity when it gives no bound. */
    private static double ratio(double numerator, double denominator) {
        if (!(numerator > 0) || !(denominator > 0)) {
            return Double.NEGATIVE_INFINITY;
        }
        return Math.log(numerator) - Math.log(denominator);
    }
}
