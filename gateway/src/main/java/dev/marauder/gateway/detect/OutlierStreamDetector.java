package dev.marauder.gateway.detect;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.statistics.distribution.BinomialDistribution;

/**
 * Detects a principal whose queries leave the data the model serves: the model-extraction attacks
 * of Tramer et al. 2016 (equation-solving and learning-based extraction with uniform random
 * queries) and other synthetic query streams that PRADA's distance test and stateful detection
 * miss, because their queries are neither close together nor abnormally spaced, only unlike any
 * real input.
 *
 * <p>Each query is an outlier when the distance from its encoding (the average-pooled input of
 * {@link StatefulDetector#encode}) to its nearest neighbour among a reference set of benign queries
 * exceeds a threshold set at the {@code 1 - outlierRate} quantile of the benign queries' own
 * nearest-neighbour distances (leave-one-out): the k-nearest-neighbour out-of-distribution score of
 * Sun, Ming, Zhu &amp; Li (2022), "Out-of-Distribution Detection with Deep Nearest Neighbors"
 * (ICML), on inputs rather than features, the outlier-detection approach of Seldon's Alibi Detect.
 * A benign principal sends outliers at about {@code outlierRate}; the detector counts a principal's
 * outliers among its last {@code window} queries and alerts when the count is improbable under that
 * rate: at least the smallest {@code c} with {@code P(Binomial(n, outlierRate) >= c) <=
 * significance}, where {@code n} is the number of queries in the window so far (so a stream of
 * outliers is caught after a handful of queries, not after a full window). After an alert the
 * principal's window starts again.
 *
 * <p>Memory: the reference encodings (shared) plus {@code window} bits per principal. Time per
 * query: one pass over the reference set, {@code O(references * encodedDims)}. Thread-safe.
 */
public final class OutlierStreamDetector implements QueryStreamDetector {
    /** The detector's id. */
    public static final String ID = "outlier";

    private final Settings settings;
    private final float[][] references;
    private final double threshold;
    private final int[] alertCount;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * The detector's settings.
     *
     * @param encodedDims the largest encoding (default 256)
     * @param window the number of a principal's recent queries counted (default 100)
     * @param outlierRate the share of benign queries that are outliers, which sets the distance
     *     threshold (default 0.01)
     * @param significance the false-alarm probability of one test under that rate (default 1e-6)
     */
    public record Settings(int encodedDims, int window, double outlierRate, double significance) {
        /** The defaults: 256 encoded values, a window of 100, 1% benign outliers, 1e-6. */
        public static final Settings DEFAULT = new Settings(256, 100, 0.01, 1e-6);

        public Settings {
            if (encodedDims < 1 || window < 1) {
                throw new IllegalArgumentException(
                        "outlier detection needs encodedDims >= 1 and window >= 1, got " + encodedDims + ", " + window);
            }
            if (!(outlierRate > 0 && outlierRate < 0.5)) {
                throw new IllegalArgumentException("outlier rate must be in (0, 0.5), got " + outlierRate);
            }
            if (!(significance > 0 && significance < 0.5)) {
                throw new IllegalArgumentException("significance must be in (0, 0.5), got " + significance);
            }
        }
    }

    /**
     * A detector whose reference is {@code benign}: at least 100 benign queries of one length (the
     * data the model serves, not its training set if that is secret).
     *
     * @throws IllegalArgumentException for fewer than 100 queries, queries of different lengths,
     *     or non-finite values
     */
    public OutlierStreamDetector(Settings settings, List<float[]> benign) {
        this.settings = settings;
        if (benign == null || benign.size() < 100) {
            throw new IllegalArgumentException("outlier detection needs at least 100 benign reference queries, got "
                    + (benign == null ? 0 : benign.size()));
        }
        references = new float[benign.size()][];
        for (int i = 0; i < references.length; i++) {
            references[i] = StatefulDetector.encode(Inputs.check("reference", benign.get(i)), settings.encodedDims());
            Inputs.sameLength("reference", references[0].length, references[i].length);
        }
        double[] own = new double[references.length];
        for (int i = 0; i < references.length; i++) {
            own[i] = nearest(references[i], i);
        }
        Arrays.sort(own);
        threshold = own[Math.min(own.length - 1, (int) Math.ceil((1 - settings.outlierRate()) * own.length) - 1)];
        alertCount = new int[settings.window() + 1];
        for (int n = 1; n <= settings.window(); n++) {
            BinomialDistribution b = BinomialDistribution.of(n, settings.outlierRate());
            int c = 1;
            while (c <= n && b.survivalProbability(c - 1) > settings.significance()) {
                c++;
            }
            alertCount[n] = c; // n + 1: no count of n queries is improbable enough
        }
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /** The distance beyond which a query is an outlier (calibrated on the reference). */
    public double threshold() {
        return threshold;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Alert> observe(String principal, float[] input, int predictedClass) {
        if (principal == null) {
            throw new IllegalArgumentException("a query needs a principal");
        }
        float[] e = StatefulDetector.encode(Inputs.check(principal, input), settings.encodedDims());
        Inputs.sameLength(principal, references[0].length, e.length);
        double d = nearest(e, -1);
        return Optional.ofNullable(windows.computeIfAbsent(principal, p -> new Window(settings.window()))
                .observe(principal, d > threshold, d));
    }

    @Override
    public void forget(String principal) {
        if (principal != null) {
            windows.remove(principal);
        }
    }

    @Override
    public long observed(String principal) {
        Window w = principal == null ? null : windows.get(principal);
        return w == null ? 0 : w.queries();
    }

    /** The distance from {@code e} to its nearest reference, skipping reference {@code skip}. */
    private double nearest(float[] e, int skip) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < references.length; i++) {
            if (i == skip) {
                continue;
            }
            float[] r = references[i];
            double s = 0;
            for (int j = 0; j < r.length && s < best; j++) {
                double t = (double) r[j] - e[j];
                s += t * t;
            }
            best = Math.min(best, s);
        }
        return Math.sqrt(best);
    }

    /** One principal's recent outlier flags, a ring of {@code window}. */
    private final class Window {
        private final boolean[] ring;
        private int size;
        private int next;
        private int outliers;
        private long queries;

        Window(int window) {
            this.ring = new boolean[window];
        }

        synchronized long queries() {
            return queries;
        }

        synchronized Alert observe(String principal, boolean outlier, double distance) {
            queries++;
            if (size == ring.length) {
                outliers -= ring[next] ? 1 : 0;
            } else {
                size++;
            }
            ring[next] = outlier;
            outliers += outlier ? 1 : 0;
            next = (next + 1) % ring.length;
            if (outliers >= alertCount[size]) {
                int needed = alertCount[size];
                String reason = String.format(
                        Locale.ROOT,
                        "Outliers: %d of the last %d queries lie farther than %.4g from every benign reference"
                                + " (expected rate %.3g; P <= %.1g)",
                        outliers,
                        size,
                        threshold,
                        settings.outlierRate(),
                        settings.significance());
                Arrays.fill(ring, false);
                size = 0;
                next = 0;
                int count = outliers;
                outliers = 0;
                return new Alert(ID, principal, queries, count, needed, reason);
            }
            return null;
        }
    }
}
