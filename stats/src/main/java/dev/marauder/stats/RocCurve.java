package dev.marauder.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The receiver operating characteristic of a membership-inference attack, from the scores it
 * gives to known members and non-members (higher meaning "more likely a member"). Immutable.
 *
 * <p>The curve has one point per distinct score value, for the rule "member when
 * {@code score >= threshold}", plus the point (0, 0) that flags nothing: equal scores are never
 * split, so ties between a member and a non-member make a diagonal step. The last point is (1, 1).
 * Rates are counts divided by the number of members or non-members, and every metric here is
 * computed from the exact counts of the full curve:
 * <ul>
 *   <li>{@link #auc}: the area under the curve with straight lines between points, which equals
 *       the Mann-Whitney statistic {@code P[S_member > S_nonmember] + P[S_member = S_nonmember] / 2}
 *       over all member/non-member pairs;</li>
 *   <li>{@link #balancedAccuracy}: the best {@code (TPR + TNR) / 2} over the curve's thresholds
 *       (at least 1/2, reached by flagging nothing);</li>
 *   <li>{@link #truePositiveRateAt}: the largest TPR among the curve's points with
 *       {@code FPR <= target}, the convention of Carlini et al. 2022 ("Membership Inference
 *       Attacks From First Principles", IEEE S&amp;P 2022) for "TPR at low FPR". The threshold is
 *       the lowest one that flags at most {@code floor(target * nonMembers)} non-members, so it is
 *       read off the non-member scores alone; with fewer than {@code 1 / target} non-members
 *       only the rule that flags no non-member qualifies.</li>
 * </ul>
 * {@link #downsampled} thins the curve for charts while keeping its low-FPR end exactly.
 *
 * <p>Threat model: any attack that scores examples; the curve only describes how well the scores
 * separate the two groups. Cost: {@code O(n log n)} to build, {@code O(points)} per metric.
 */
public final class RocCurve {
    private final int members;
    private final int nonMembers;
    private final double[] thresholds;
    private final int[] truePositives;
    private final int[] falsePositives;

    private RocCurve(int members, int nonMembers, double[] thresholds, int[] truePositives, int[] falsePositives) {
        this.members = members;
        this.nonMembers = nonMembers;
        this.thresholds = thresholds;
        this.truePositives = truePositives;
        this.falsePositives = falsePositives;
    }

    /**
     * The curve of the given scores.
     *
     * @param memberScores the attack's score of each member (training example), finite
     * @param nonMemberScores the attack's score of each non-member, finite
     * @throws IllegalArgumentException if either array is null, empty or holds a NaN or infinite
     *     score
     */
    public static RocCurve of(double[] memberScores, double[] nonMemberScores) {
        double[] in = sortedDescending(Require.finiteScores("member scores", memberScores));
        double[] out = sortedDescending(Require.finiteScores("non-member scores", nonMemberScores));
        int capacity = in.length + out.length + 1;
        double[] thresholds = new double[capacity];
        int[] tp = new int[capacity];
        int[] fp = new int[capacity];
        thresholds[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        int i = 0;
        int j = 0;
        while (i < in.length || j < out.length) {
            double next = Math.max(
                    i < in.length ? in[i] : Double.NEGATIVE_INFINITY,
                    j < out.length ? out[j] : Double.NEGATIVE_INFINITY);
            while (i < in.length && in[i] == next) {
                i++;
            }
            while (j < out.length && out[j] == next) {
                j++;
            }
            thresholds[points] = next;
            tp[points] = i;
            fp[points] = j;
            points++;
        }
        return new RocCurve(
                in.length,
                out.length,
                Arrays.copyOf(thresholds, points),
                Arrays.copyOf(tp, points),
                Arrays.copyOf(fp, points));
    }

    /** The number of members scored. */
    public int members() {
        return members;
    }

    /** The number of non-members scored. */
    public int nonMembers() {
        return nonMembers;
    }

    /** The number of points, (0, 0) and (1, 1) included. */
    public int size() {
        return thresholds.length;
    }

    /** Every point of the curve, by increasing FPR and TPR. */
    public List<RocPoint> points() {
        List<RocPoint> out = new ArrayList<>(size());
        for (int k = 0; k < size(); k++) {
            out.add(point(k));
        }
        return List.copyOf(out);
    }

    /**
     * The area under the curve: the Mann-Whitney statistic with ties counted 1/2.
     */
    public double auc() {
        long twiceArea = 0;
        for (int k = 1; k < size(); k++) {
            twiceArea += (long) (falsePositives[k] - falsePositives[k - 1]) * (truePositives[k] + truePositives[k - 1]);
        }
        return twiceArea / (2.0 * members * nonMembers);
    }

    /** The best {@code (TPR + TNR) / 2} over the curve's thresholds, in [1/2, 1]. */
    public double balancedAccuracy() {
        double best = 0.5;
        for (int k = 0; k < size(); k++) {
            double tpr = (double) truePositives[k] / members;
            double tnr = 1 - (double) falsePositives[k] / nonMembers;
            best = Math.max(best, 0.5 * (tpr + tnr));
        }
        return best;
    }

    /**
     * The largest TPR among the points with {@code FPR <= targetFalsePositiveRate} (the point
     * (0, 0) always qualifies).
     *
     * @throws IllegalArgumentException if the target is outside [0, 1]
     */
    public double truePositiveRateAt(double targetFalsePositiveRate) {
        return (double) truePositives[indexAt(targetFalsePositiveRate)] / members;
    }

    /** The number of members flagged at the point {@link #truePositiveRateAt} reads. */
    public int truePositivesAt(double targetFalsePositiveRate) {
        return truePositives[indexAt(targetFalsePositiveRate)];
    }

    /**
     * The point that {@link #truePositiveRateAt} reads: the last one with
     * {@code FPR <= targetFalsePositiveRate}.
     *
     * @throws IllegalArgumentException if the target is outside [0, 1]
     */
    public RocPoint pointAt(double targetFalsePositiveRate) {
        return point(indexAt(targetFalsePositiveRate));
    }

    /**
     * At most {@code maxPoints} points of the curve for drawing, on linear or log-log axes:
     * <ol>
     *   <li>points in the middle of a vertical or horizontal run are dropped, which leaves the
     *       drawn curve unchanged; if that is few enough, the result is exact;</li>
     *   <li>otherwise every remaining point up to the largest false-positive count that fits in
     *       half the budget is kept (at least the vertical segment at FPR 0, so the low-FPR end of
     *       a log-log plot is exact), then, for log-spaced false-positive counts up to all
     *       non-members, the last point at or below each, and finally (1, 1).</li>
     * </ol>
     * For display only: the metrics come from the full curve.
     *
     * @throws IllegalArgumentException if {@code maxPoints < 8}
     */
    public List<RocPoint> downsampled(int maxPoints) {
        if (maxPoints < 8) {
            throw new IllegalArgumentException("max ROC points must be at least 8, got " + maxPoints);
        }
        int[] corners = corners();
        if (corners.length <= maxPoints) {
            return pointsAt(corners, corners.length);
        }
        // the low-FPR end: whole false-positive levels (at most two corners each) within half the budget
        int half = maxPoints / 2;
        int exact = 1;
        for (int k = 1; k <= half && k < corners.length; k++) {
            if (falsePositives[corners[k]] > falsePositives[corners[k - 1]]) {
                exact = k; // corners[0 .. k-1] end a level
            }
        }
        int[] chosen = new int[maxPoints];
        System.arraycopy(corners, 0, chosen, 0, exact);
        int count = exact;
        int lastLevel = falsePositives[corners[exact - 1]];
        int budget = maxPoints - exact - 1;
        double from = Math.max(1, lastLevel);
        double ratio = Math.log((double) nonMembers / from);
        int position = exact - 1;
        for (int r = 1; r <= budget; r++) {
            double target = from * Math.exp(ratio * r / budget);
            while (position + 1 < corners.length && falsePositives[corners[position + 1]] <= target) {
                position++;
            }
            if (corners[position] > chosen[count - 1] && position < corners.length - 1) {
                chosen[count++] = corners[position];
            }
        }
        chosen[count++] = corners[corners.length - 1];
        return pointsAt(chosen, count);
    }

    private RocPoint point(int k) {
        return new RocPoint(
                thresholds[k], (double) falsePositives[k] / nonMembers, (double) truePositives[k] / members);
    }

    private List<RocPoint> pointsAt(int[] indices, int count) {
        List<RocPoint> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            out.add(point(indices[k]));
        }
        return List.copyOf(out);
    }

    /** The index of the last point with {@code FPR <= target}. */
    private int indexAt(double target) {
        Require.falsePositiveRate(target);
        int k = 0;
        while (k + 1 < size() && (double) falsePositives[k + 1] / nonMembers <= target) {
            k++;
        }
        return k;
    }

    /** The indices of the points that are not in the middle of a vertical or horizontal run. */
    private int[] corners() {
        int[] out = new int[size()];
        int count = 0;
        for (int k = 0; k < size(); k++) {
            boolean interior = k > 0
                    && k < size() - 1
                    && ((falsePositives[k - 1] == falsePositives[k] && falsePositives[k] == falsePositives[k + 1])
                            || (truePositives[k - 1] == truePositives[k] && truePositives[k] == truePositives[k + 1]));
            if (!interior) {
                out[count++] = k;
            }
        }
        return Arrays.copyOf(out, count);
    }

    private static double[] sortedDescending(double[] scores) {
        double[] sorted = new double[scores.length];
        for (int k = 0; k < scores.length; k++) {
            sorted[k] = scores[k] + 0.0; // -0.0 becomes 0.0, so equal scores group together
        }
        Arrays.sort(sorted);
        for (int lo = 0, hi = sorted.length - 1; lo < hi; lo++, hi--) {
            double swap = sorted[lo];
            sorted[lo] = sorted[hi];
            sorted[hi] = swap;
        }
        return sorted;
    }
}
