package dev.marauder.defenses.detection;

import dev.marauder.stats.RocCurve;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Deep k-NN credibility as an admission control (Papernot &amp; McDaniel 2018, Section 5): an
 * input is refused when its credibility is below a threshold. For every threshold, the share of
 * clean inputs refused (the price) against the share of adversarial inputs caught (the benefit),
 * and the area under that curve, the ROC AUC of credibility as a detector of adversarial inputs
 * (the probability that a random adversarial input gets lower credibility than a random clean one,
 * ties counting half).
 *
 * <p>Every adversarial input counts, whether or not it fooled the model; {@link
 * #adversarialAccuracy} shows how often the DkNN itself still gives the true label.
 *
 * @param cleanInputs the number of clean inputs
 * @param adversarialInputs the number of adversarial inputs
 * @param detectorAuc the ROC AUC of low credibility as a sign of an adversarial input
 * @param meanCleanCredibility the mean credibility of the clean inputs
 * @param meanAdversarialCredibility the mean credibility of the adversarial inputs
 * @param cleanAccuracy the DkNN's accuracy on the clean inputs
 * @param adversarialAccuracy the DkNN's accuracy on the adversarial inputs (true labels)
 * @param curve one point per distinct credibility value, thresholds ascending; the first point
 *     (threshold 0) refuses nothing
 */
public record AdmissionTradeoff(
        int cleanInputs,
        int adversarialInputs,
        double detectorAuc,
        double meanCleanCredibility,
        double meanAdversarialCredibility,
        double cleanAccuracy,
        double adversarialAccuracy,
        List<Point> curve) {

    /**
     * The rule "refuse when credibility is below {@code threshold}".
     *
     * @param threshold the credibility threshold
     * @param cleanRefused the share of clean inputs refused
     * @param adversarialCaught the share of adversarial inputs refused
     */
    public record Point(double threshold, double cleanRefused, double adversarialCaught) {}

    /** Copies the curve. */
    public AdmissionTradeoff {
        curve = List.copyOf(curve);
    }

    /**
     * The trade-off of clean and adversarial scores.
     *
     * @param clean the scores of the clean inputs
     * @param adversarial the scores of the adversarial inputs
     * @param labels the true labels, of the clean inputs and, in the same order, of the adversarial ones
     * @throws IllegalArgumentException if either side is empty or the labels do not match
     */
    public static AdmissionTradeoff of(DeepKnnScores clean, DeepKnnScores adversarial, int[] labels) {
        if (clean.size() == 0 || adversarial.size() == 0) {
            throw new IllegalArgumentException("the trade-off needs clean and adversarial inputs");
        }
        double[] c = clean.credibility();
        double[] a = adversarial.credibility();
        TreeSet<Double> thresholds = new TreeSet<>();
        thresholds.add(0.0);
        for (double v : c) {
            thresholds.add(v);
        }
        for (double v : a) {
            thresholds.add(v);
        }
        double[] sortedClean = c.clone();
        double[] sortedAdversarial = a.clone();
        Arrays.sort(sortedClean);
        Arrays.sort(sortedAdversarial);
        List<Point> curve = new ArrayList<>();
        for (double t : thresholds) {
            curve.add(new Point(t, below(sortedClean, t), below(sortedAdversarial, t)));
        }
        double[] cleanSuspicion = Arrays.stream(c).map(v -> -v).toArray();
        double[] adversarialSuspicion = Arrays.stream(a).map(v -> -v).toArray();
        double auc = RocCurve.of(adversarialSuspicion, cleanSuspicion).auc();
        int[] adversarialLabels = labels.length == adversarial.size() ? labels : null;
        return new AdmissionTradeoff(
                clean.size(),
                adversarial.size(),
                auc,
                clean.meanCredibility(),
                adversarial.meanCredibility(),
                clean.accuracy(labels),
                adversarialLabels == null ? Double.NaN : adversarial.accuracy(adversarialLabels),
                curve);
    }

    /** The share of {@code sorted} strictly below {@code t}. */
    private static double below(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (double) lo / sorted.length;
    }

    /**
     * The curve's point for an arbitrary {@code threshold}: the refusal rates of the rule
     * "refuse when credibility is below {@code threshold}" (exact, since they change only at
     * credibility values).
     */
    public Point at(double threshold) {
        if (!(threshold > 0)) {
            return new Point(threshold, 0, 0);
        }
        Point chosen = curve.get(0);
        for (Point p : curve) {
            if (p.threshold() <= threshold) {
                chosen = p;
            }
        }
        if (Double.compare(chosen.threshold(), threshold) == 0) {
            return chosen;
        }
        // between two observed values, the rates are those of the next lower one, except that
        // values equal to that one are now refused too: move to the next point's rates
        int i = curve.indexOf(chosen);
        Point next = i + 1 < curve.size() ? curve.get(i + 1) : null;
        return next == null
                ? new Point(threshold, 1.0, 1.0)
                : new Point(threshold, next.cleanRefused(), next.adversarialCaught());
    }
}
