package dev.marauder.defenses.certification;

import dev.marauder.defenses.certification.RandomizedSmoothing.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What CERTIFY found on a labelled set: each example's certificate, and the certified accuracy
 * curve, the share of all examples that the smoothed classifier labels correctly with a certified
 * radius of at least {@code r} (Cohen et al. 2019's figures and tables).
 *
 * @param settings the smoothing settings (seeded runs are reproducible experiments)
 * @param examples the number of examples certified
 * @param abstained how many the smoothed classifier abstained on
 * @param accuracy the share labelled correctly (certified radius 0 or more, abstentions wrong)
 * @param medianRadius the median certified radius of the correctly labelled examples (0 if none)
 * @param curve certified accuracy at radii from 0 to past the largest certified radius
 * @param certificates one per example, in order
 * @param labels the true labels
 * @param queries base-classifier queries spent
 * @param seconds wall-clock time
 */
public record CertificationResult(
        RandomizedSmoothing settings,
        int examples,
        int abstained,
        double accuracy,
        double medianRadius,
        List<CurvePoint> curve,
        List<Certificate> certificates,
        int[] labels,
        long queries,
        double seconds) {

    /** Radii of the curve per sigma: 0, sigma/8, 2 sigma/8, ... */
    static final int STEPS_PER_SIGMA = 8;

    /**
     * The certified accuracy at one radius.
     *
     * @param radius the L2 radius
     * @param certifiedAccuracy share of all examples labelled correctly with a radius of at least this
     */
    public record CurvePoint(double radius, double certifiedAccuracy) {}

    /** Builds the result and its curve from the certificates. */
    public static CertificationResult of(
            RandomizedSmoothing settings, List<Certificate> certificates, int[] labels, long queries, double seconds) {
        int n = certificates.size();
        int abstained = 0;
        List<Double> correctRadii = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Certificate c = certificates.get(i);
            if (c.abstained()) {
                abstained++;
            } else if (c.prediction() == labels[i]) {
                correctRadii.add(c.radius());
            }
        }
        double[] radii =
                correctRadii.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = radii.length == 0
                ? 0
                : radii.length % 2 != 0
                        ? radii[radii.length / 2]
                        : (radii[radii.length / 2 - 1] + radii[radii.length / 2]) / 2;
        return new CertificationResult(
                settings,
                n,
                abstained,
                n == 0 ? Double.NaN : (double) radii.length / n,
                median,
                curve(settings.sigma(), radii, n),
                List.copyOf(certificates),
                labels.clone(),
                queries,
                seconds);
    }

    /** The certified accuracy at radius {@code r}. */
    public double certifiedAccuracy(double r) {
        int hits = 0;
        for (int i = 0; i < certificates.size(); i++) {
            Certificate c = certificates.get(i);
            if (!c.abstained() && c.prediction() == labels[i] && c.radius() >= r) {
                hits++;
            }
        }
        return examples == 0 ? Double.NaN : (double) hits / examples;
    }

    private static List<CurvePoint> curve(double sigma, double[] sortedRadii, int n) {
        List<CurvePoint> points = new ArrayList<>();
        double step = sigma / STEPS_PER_SIGMA;
        double largest = sortedRadii.length == 0 ? 0 : sortedRadii[sortedRadii.length - 1];
        for (int k = 0; ; k++) {
            double r = k * step;
            int below = lowerBound(sortedRadii, r);
            double accuracy = n == 0 ? Double.NaN : (double) (sortedRadii.length - below) / n;
            points.add(new CurvePoint(r, accuracy));
            if (r > largest) {
                return points;
            }
        }
    }

    /** The number of values below {@code r}. */
    private static int lowerBound(double[] sorted, double r) {
        int i = Arrays.binarySearch(sorted, r);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && sorted[i - 1] >= r) {
            i--;
        }
        return i;
    }
}
