package dev.marauder.gateway.detect;

import dev.marauder.stats.ShapiroWilk;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PRADA: detection of model extraction from the distribution of distances between a principal's
 * successive queries (Juuti, Szyller, Marchal and Asokan 2019, "PRADA: Protecting against DNN
 * Model Stealing Attacks", IEEE EuroS&amp;P, Algorithm 1). Threat model: a black-box adversary
 * who queries the model to train a copy of it, with synthetic queries (Jacobian-based
 * augmentation, random or line-search perturbations of a few seeds) that lie much closer to
 * earlier queries than natural inputs do; the distances of natural queries are close to normally
 * distributed, those of such a stream are not.
 *
 * <p>Per principal, and per predicted class {@code c}, a growing set {@code G_c} of earlier
 * queries, the minimum distances {@code D_Gc} with which its members joined it, and a threshold
 * {@code T_c} (0 at first). For each query {@code x} predicted as {@code c}:
 * <ol>
 *   <li>if {@code G_c} is empty, {@code x} joins it with distance 0 ({@code D_Gc = {0}}) and no
 *       distance is recorded;</li>
 *   <li>otherwise {@code d_min}, the smallest L2 distance from {@code x} to {@code G_c}, is added
 *       to the principal's distance set {@code D}; if {@code d_min > T_c}, {@code x} joins
 *       {@code G_c}, {@code d_min} joins {@code D_Gc}, and
 *       {@code T_c = max(T_c, mean(D_Gc) - std(D_Gc))} (population standard deviation);</li>
 *   <li>once {@code |D| >= minDistances}, the values of {@code D} more than three standard
 *       deviations from its mean are set aside and the Shapiro-Wilk statistic {@code W} of the
 *       rest is computed ({@link ShapiroWilk}); {@code W < delta} raises an alert. The outlier
 *       removal is the authors' published code's, and as we read it the paper's.</li>
 * </ol>
 * The test sees the last 5000 distances ({@link ShapiroWilk#MAX_SIZE}, where Royston's
 * approximation stops); a window whose distances (outliers set aside) are all equal, as when one
 * input is repeated, has no {@code W} and raises nothing. After an alert, the next one needs
 * {@code minDistances} more distances, so that a stream is reported about once per
 * {@code minDistances} queries rather than on every query once it is suspicious.
 *
 * <p>{@code delta}: the paper tunes it per model on benign streams so that they raise no alarm;
 * the default 0.95 separates the streams of {@code PradaDetectorTest} (two Gaussian classes in 50
 * dimensions): over ten seeded natural streams of 2000 queries the lowest W was 0.965 to 0.992,
 * while Jacobian-augmentation extraction streams fell to about 0.2 and were flagged at the first
 * test (query 102). The margin below benign streams is thin, so each deployment should measure its
 * own benign streams with {@link #replay} and set {@code delta} below the lowest W they reach.
 *
 * <p>Memory per principal: at most {@code maxKept} inputs per class seen (the oldest is dropped),
 * so about {@code classesSeen * maxKept * (4 * inputLength + 16)} bytes, plus 40 kB for the
 * distance window and a few hundred bytes of bookkeeping; with the defaults, 10 classes and
 * 28x28 inputs that is up to 63 MB, so a gateway serving many principals should lower
 * {@code maxKept} or {@link #forget} idle ones. Time per query: {@code O(maxKept * inputLength)}
 * for the distances and {@code O(5000 log 5000)} for the test (about 1 ms per query on one core
 * for 50-value inputs with full growing sets and window; while the window grows, the test also
 * recomputes up to 2500 normal quantiles for its coefficients). Thread-safe: each principal's
 * state is guarded by its own lock.
 */
public final class PradaDetector implements QueryStreamDetector {
    /** The detector's id. */
    public static final String ID = "prada";

    private static final int WINDOW = ShapiroWilk.MAX_SIZE;

    private final Settings settings;
    private final ConcurrentHashMap<String, PrincipalStream> streams = new ConcurrentHashMap<>();

    /**
     * The detector's settings.
     *
     * @param delta alert when the Shapiro-Wilk W of the distances is below this, in (0, 1)
     * @param minDistances the number of distances from which W is computed, and the number of new
     *     distances between two alerts, in [3, 5000]
     * @param maxKept the largest growing set kept per class and principal (the oldest input is
     *     dropped), at least 1
     */
    public record Settings(double delta, int minDistances, int maxKept) {
        /** The default {@code delta}; see the class comment. */
        public static final double DEFAULT_DELTA = 0.95;
        /** The paper's minimum number of distances before the test. */
        public static final int DEFAULT_MIN_DISTANCES = 100;
        /** The default bound on each growing set. */
        public static final int DEFAULT_MAX_KEPT = 2000;

        /** @throws IllegalArgumentException if a setting is outside its range */
        public Settings {
            if (!(delta > 0 && delta < 1)) {
                throw new IllegalArgumentException("PRADA delta must be in (0, 1), got " + delta);
            }
            if (minDistances < ShapiroWilk.MIN_SIZE || minDistances > WINDOW) {
                throw new IllegalArgumentException("PRADA minDistances must be in [" + ShapiroWilk.MIN_SIZE + ", "
                        + WINDOW + "], got " + minDistances);
            }
            if (maxKept < 1) {
                throw new IllegalArgumentException("PRADA maxKept must be at least 1, got " + maxKept);
            }
        }

        /** delta 0.95, 100 distances, 2000 kept per class. */
        public static Settings defaults() {
            return new Settings(DEFAULT_DELTA, DEFAULT_MIN_DISTANCES, DEFAULT_MAX_KEPT);
        }

        /** These settings with another {@code delta}. */
        public Settings withDelta(double newDelta) {
            return new Settings(newDelta, minDistances, maxKept);
        }
    }

    /**
     * What a stream did to the detector, for measuring false alarms on benign streams.
     *
     * @param queries the queries replayed
     * @param tests how many queries had a W (the distance set was large enough and not constant)
     * @param alerts the alerts raised
     * @param firstAlert the 1-based query of the first alert, 0 if none
     * @param lowestStatistic the lowest W over the stream (NaN if never tested); a benign stream
     *     raises no alert with any {@code delta} at or below it
     */
    public record Replay(long queries, long tests, int alerts, long firstAlert, double lowestStatistic) {
        /** Alerts per query replayed (0 for an empty replay). */
        public double alertRate() {
            return queries == 0 ? 0 : (double) alerts / queries;
        }
    }

    /** A detector with these settings. */
    public PradaDetector(Settings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("PRADA settings must not be null");
        }
        this.settings = settings;
    }

    /** A detector with {@link Settings#defaults}. */
    public PradaDetector() {
        this(Settings.defaults());
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Alert> observe(String principal, float[] input, int predictedClass) {
        Inputs.check(principal, input);
        checkClass(predictedClass);
        PrincipalStream stream = streams.computeIfAbsent(principal, p -> new PrincipalStream());
        return Optional.ofNullable(
                stream.observe(settings, principal, input, predictedClass).alert());
    }

    @Override
    public void forget(String principal) {
        if (principal != null) {
            streams.remove(principal);
        }
    }

    @Override
    public long observed(String principal) {
        PrincipalStream stream = principal == null ? null : streams.get(principal);
        return stream == null ? 0 : stream.queries();
    }

    /**
     * Replays one principal's stream through a fresh detector with {@code settings} and reports
     * its alerts and lowest W: on benign streams, the measured false-alarm rate and the margin
     * below which {@code delta} must lie.
     *
     * @param inputs the queries, in order, all of one length
     * @param predictedClasses the class the model predicted for each
     * @throws IllegalArgumentException if the lists differ in length or a query is invalid
     */
    public static Replay replay(Settings settings, List<float[]> inputs, int[] predictedClasses) {
        if (settings == null || inputs == null || predictedClasses == null) {
            throw new IllegalArgumentException("PRADA replay needs settings, inputs and predicted classes");
        }
        if (inputs.size() != predictedClasses.length) {
            throw new IllegalArgumentException("PRADA replay needs one predicted class per input, got "
                    + predictedClasses.length + " for " + inputs.size());
        }
        PrincipalStream stream = new PrincipalStream();
        long tests = 0;
        int alerts = 0;
        long first = 0;
        double lowest = Double.NaN;
        for (int i = 0; i < inputs.size(); i++) {
            Inputs.check("replay", inputs.get(i));
            checkClass(predictedClasses[i]);
            Step step = stream.observe(settings, "replay", inputs.get(i), predictedClasses[i]);
            if (!Double.isNaN(step.w())) {
                tests++;
                lowest = Double.isNaN(lowest) ? step.w() : Math.min(lowest, step.w());
            }
            if (step.alert() != null) {
                alerts++;
                first = first == 0 ? i + 1 : first;
            }
        }
        return new Replay(inputs.size(), tests, alerts, first, lowest);
    }

    private static void checkClass(int predictedClass) {
        if (predictedClass < 0) {
            throw new IllegalArgumentException("predicted class must be >= 0, got " + predictedClass);
        }
    }

    /** One query's outcome: W (NaN if not tested) and the alert, if any. */
    private record Step(double w, Alert alert) {}

    /** The growing set of one class: its inputs, the distances they joined with, and T_c. */
    private static final class GrowingSet {
        final ArrayDeque<float[]> kept = new ArrayDeque<>();
        long joined;
        double mean;
        double sumSquaredDeviations; // Welford's M2 over D_Gc
        double threshold;

        void join(float[] input, double distance, int maxKept) {
            if (kept.size() == maxKept) {
                kept.pollFirst();
            }
            kept.addLast(input.clone());
            joined++;
            double delta = distance - mean;
            mean += delta / joined;
            sumSquaredDeviations += delta * (distance - mean);
            double std = Math.sqrt(sumSquaredDeviations / joined);
            threshold = Math.max(threshold, mean - std);
        }

        double minimumDistance(float[] input) {
            double best = Double.POSITIVE_INFINITY;
            for (float[] y : kept) {
                best = Math.min(best, Inputs.distance(y, input));
            }
            return best;
        }
    }

    /** One principal's state; every method holds its lock. */
    private static final class PrincipalStream {
        private final Map<Integer, GrowingSet> sets = new HashMap<>();
        private final double[] window = new double[WINDOW];
        private long queries;
        private long distances;
        private long lastAlertDistances = -1;
        private int length = -1;

        synchronized long queries() {
            return queries;
        }

        synchronized Step observe(Settings settings, String principal, float[] input, int predictedClass) {
            Inputs.sameLength(principal, length, input.length);
            length = input.length;
            queries++;
            GrowingSet set = sets.computeIfAbsent(predictedClass, c -> new GrowingSet());
            if (set.kept.isEmpty()) {
                set.join(input, 0, settings.maxKept());
                return new Step(Double.NaN, null);
            }
            double dMin = set.minimumDistance(input);
            window[(int) (distances % WINDOW)] = dMin;
            distances++;
            if (dMin > set.threshold) {
                set.join(input, dMin, settings.maxKept());
            }
            if (distances < settings.minDistances()) {
                return new Step(Double.NaN, null);
            }
            double[] tested = withoutOutliers(window, (int) Math.min(distances, WINDOW));
            if (tested.length < ShapiroWilk.MIN_SIZE || !distinct(tested)) {
                return new Step(Double.NaN, null);
            }
            double w = ShapiroWilk.test(tested).w();
            boolean due = lastAlertDistances < 0 || distances - lastAlertDistances >= settings.minDistances();
            if (w >= settings.delta() || !due) {
                return new Step(w, null);
            }
            lastAlertDistances = distances;
            String reason = String.format(
                    Locale.ROOT,
                    "PRADA: Shapiro-Wilk W %.3f of %d minimum distances is below %.3f",
                    w,
                    tested.length,
                    settings.delta());
            return new Step(w, new Alert(ID, principal, queries, w, settings.delta(), reason));
        }

        /** The first {@code n} values, without those more than 3 standard deviations from their mean. */
        private static double[] withoutOutliers(double[] values, int n) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += values[i];
            }
            mean /= n;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                squares += (values[i] - mean) * (values[i] - mean);
            }
            double limit = 3 * Math.sqrt(squares / n);
            double[] kept = new double[n];
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (Math.abs(values[i] - mean) <= limit) {
                    kept[count++] = values[i];
                }
            }
            return count == n ? kept : Arrays.copyOf(kept, count);
        }

        private static boolean distinct(double[] values) {
            for (double v : values) {
                if (v != values[0]) {
                    return true;
                }
            }
            return false;
        }
    }
}
