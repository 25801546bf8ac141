package dev.marauder.attacks.inference.membership;

import dev.marauder.stats.Require;
import dev.marauder.stats.StandardNormal;
import java.util.List;
import java.util.Locale;

/**
 * The Likelihood Ratio Attack, LiRA (Carlini, Chien, Nasr, Song, Terzis and Tramer 2022,
 * "Membership Inference Attacks From First Principles", IEEE S&amp;P 2022, arXiv:2112.03570).
 *
 * <p>Threat model: black-box queries to the target model, the true labels, and the ability to
 * train shadow models on data from the same distribution, each on a random subset, so that every
 * example is IN (trained on) for some shadow models and OUT for others. The statistic is the
 * logit-scaled confidence {@code phi = log(p_y / (1 - p_y))}
 * ({@link ThresholdScores#logitScaledConfidence}), which over training runs is close to
 * Gaussian. The point of the attack is per-example calibration: some examples are hard and get a
 * low {@code phi} even when trained on, others are easy and get a high one even when not, and
 * LiRA compares each example's {@code phi} with that example's own IN and OUT distributions
 * rather than with one global threshold.
 *
 * <p>Settings:
 * <ul>
 *   <li>{@link Mode#ONLINE} (default): fit {@code N(mu_in, s_in^2)} and
 *       {@code N(mu_out, s_out^2)} to the example's IN and OUT shadow statistics; the score is
 *       the log-likelihood ratio {@code log N(phi; mu_in, s_in^2) - log N(phi; mu_out, s_out^2)}.
 *       {@link Mode#OFFLINE}: only OUT statistics are used (the shadow models need not train on
 *       the targets), with the paper's one-sided test: the paper's statistic is
 *       {@code Lambda = P[Z < phi]} for {@code Z ~ N(mu_out, s_out^2)}, large when {@code phi}
 *       is above the OUT distribution; the score is {@code log(Lambda / (1 - Lambda))}, a strictly
 *       increasing function of it (so the same ROC and the same flagged sets), computed in log
 *       space so that it does not saturate at 0 or 1 in either tail.</li>
 *   <li>{@link Variance#PER_EXAMPLE} (default): each example's own sample variances (divisor
 *       {@code n - 1}). {@link Variance#GLOBAL}: the pooled within-example variance, one for IN
 *       and one for OUT, {@code sum_i sum_k (phi_ik - mean_i)^2 / sum_i (n_i - 1)}; the paper
 *       recommends it when there are few shadow models (below about 64). The means are always
 *       per example (arithmetic means; the reference code uses medians).</li>
 * </ul>
 *
 * <p>Fallbacks, counted in the result ({@link LiraScores}):
 * <ul>
 *   <li>an example with fewer than 2 IN (or OUT) observations, or with all of them equal, uses the
 *       pooled IN (or OUT) variance, as the paper does for small numbers of shadow models;</li>
 *   <li>online, an example that no shadow model trained on is scored with the offline test;</li>
 *   <li>an example that every shadow model trained on (likely when there are few of them: each
 *       example has probability {@code 2^-M} of this with {@code M} models) has no OUT mean; it
 *       is taken as its IN mean minus the average {@code mean_in - mean_out} of the examples that
 *       have both (our choice: the paper needs an OUT fit for every example).</li>
 * </ul>
 * Variances are floored at {@value #MIN_VARIANCE}. Not implemented: averaging over query
 * augmentations (average {@code phi} over augmented queries before calling, or treat them as
 * extra dimensions yourself).
 *
 * <p>Immutable; the statistics are passed at call time, so one instance can be shared.
 */
public final class Lira {
    /** The smallest variance used, so that constant statistics give finite scores. */
    public static final double MIN_VARIANCE = 1e-12;

    /** Which distributions are fitted. */
    public enum Mode {
        /** IN and OUT Gaussians, likelihood ratio (needs shadow models trained on the targets). */
        ONLINE,
        /** OUT Gaussian only, one-sided test (shadow models need not see the targets). */
        OFFLINE
    }

    /** How the Gaussians' variances are estimated. */
    public enum Variance {
        /** Each example's own IN and OUT sample variances. */
        PER_EXAMPLE,
        /** One pooled within-example variance for IN and one for OUT. */
        GLOBAL
    }

    private final Mode mode;
    private final Variance variance;

    private Lira(Mode mode, Variance variance) {
        this.mode = mode;
        this.variance = variance;
    }

    /** A builder with the defaults: online, per-example variance. */
    public static Builder builder() {
        return new Builder();
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    /** The variance estimate. */
    public Variance variance() {
        return variance;
    }

    /**
     * Scores target examples from the target model's and the shadow models' predictions.
     *
     * @param targetPredictions the target model's predictions on the examples
     * @param shadowPredictions each shadow model's predictions on the same examples, in the same
     *     order
     * @param labels the true label of each example
     * @param shadowTrainedOn {@code [model][example]}: whether that shadow model trained on that
     *     example
     * @throws IllegalArgumentException if shapes do not match or a value is invalid, or as
     *     {@link #score(double[], double[][], boolean[][])}
     */
    public LiraScores score(
            ClassProbabilities targetPredictions,
            List<ClassProbabilities> shadowPredictions,
            int[] labels,
            boolean[][] shadowTrainedOn) {
        if (shadowPredictions == null || shadowPredictions.isEmpty()) {
            throw new IllegalArgumentException("at least one shadow model's predictions are needed");
        }
        double[] target = ThresholdScores.logitScaledConfidence(targetPredictions, labels);
        double[][] shadow = new double[shadowPredictions.size()][];
        for (int m = 0; m < shadow.length; m++) {
            ClassProbabilities predictions = shadowPredictions.get(m);
            if (predictions == null || predictions.examples() != labels.length) {
                throw new IllegalArgumentException("shadow model " + m + " must have predictions for all "
                        + labels.length + " examples, got "
                        + (predictions == null ? "null" : predictions.examples()));
            }
            shadow[m] = ThresholdScores.logitScaledConfidence(predictions, labels);
        }
        return score(target, shadow, shadowTrainedOn);
    }

    /**
     * Scores target examples from their logit-scaled confidences.
     *
     * @param targetStatistics {@code phi} of each example under the target model
     * @param shadowStatistics {@code [model][example]}: {@code phi} of each example under each
     *     shadow model
     * @param shadowTrainedOn {@code [model][example]}: whether that shadow model trained on that
     *     example
     * @throws IllegalArgumentException if an array is null or empty, shapes differ, a statistic
     *     is not finite, or a needed estimate cannot be made (online: no example has 2 or more IN
     *     observations; any mode: no example has 2 or more OUT observations, or an example has
     *     no OUT observation and no example has both)
     */
    public LiraScores score(double[] targetStatistics, double[][] shadowStatistics, boolean[][] shadowTrainedOn) {
        int n = Require.finiteScores("target statistics", targetStatistics).length;
        int models = checkShadows(shadowStatistics, shadowTrainedOn, n);
        Fits in = Fits.of(shadowStatistics, shadowTrainedOn, true, n, models);
        Fits out = Fits.of(shadowStatistics, shadowTrainedOn, false, n, models);
        double[] scores = new double[n];
        int offline = 0;
        int pooled = 0;
        int shifted = 0;
        double gap = Double.NaN;
        for (int i = 0; i < n; i++) {
            double muOut;
            if (out.count[i] > 0) {
                muOut = out.mean[i];
            } else {
                if (Double.isNaN(gap)) {
                    gap = meanGap(in, out);
                }
                muOut = in.mean[i] - gap;
                shifted++;
            }
            boolean fellBack = !out.hasOwnVariance(i);
            double varOut = out.variance(i, variance, "OUT");
            double x = targetStatistics[i];
            if (mode == Mode.ONLINE && in.count[i] > 0) {
                fellBack |= !in.hasOwnVariance(i);
                double varIn = in.variance(i, variance, "IN");
                double dIn = x - in.mean[i];
                double dOut = x - muOut;
                scores[i] = -0.5 * (Math.log(varIn) - Math.log(varOut))
                        - 0.5 * dIn * dIn / varIn
                        + 0.5 * dOut * dOut / varOut;
            } else {
                if (mode == Mode.ONLINE) {
                    offline++;
                }
                scores[i] = StandardNormal.logOdds((x - muOut) / Math.sqrt(varOut));
            }
            if (variance == Variance.PER_EXAMPLE && fellBack) {
                pooled++;
            }
        }
        return new LiraScores(scores, offline, pooled, shifted);
    }

    /**
     * The settings of a LiRA attack, for reports.
     *
     * @param mode "online" or "offline"
     * @param variance "per_example" or "global"
     */
    public record Settings(String mode, String variance) {}

    /** The settings, for reports. */
    public Settings settings() {
        return new Settings(
                mode.name().toLowerCase(Locale.ROOT), variance.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "Lira" + settings();
    }

    private static int checkShadows(double[][] statistics, boolean[][] trainedOn, int n) {
        if (statistics == null || statistics.length == 0) {
            throw new IllegalArgumentException("shadow statistics must have at least one shadow model");
        }
        if (trainedOn == null || trainedOn.length != statistics.length) {
            throw new IllegalArgumentException("need one membership row per shadow model: " + statistics.length
                    + " models, got " + (trainedOn == null ? "null" : trainedOn.length) + " rows");
        }
        for (int m = 0; m < statistics.length; m++) {
            if (statistics[m] == null || statistics[m].length != n) {
                throw new IllegalArgumentException("shadow statistics[" + m + "] must have one value per example (" + n
                        + "), got " + (statistics[m] == null ? "null" : statistics[m].length));
            }
            if (trainedOn[m] == null || trainedOn[m].length != n) {
                throw new IllegalArgumentException("shadow trained-on[" + m + "] must have one flag per example (" + n
                        + "), got " + (trainedOn[m] == null ? "null" : trainedOn[m].length));
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(statistics[m][i])) {
                    throw new IllegalArgumentException(
                            "shadow statistics[" + m + "][" + i + "] must be finite, got " + statistics[m][i]);
                }
            }
        }
        return statistics.length;
    }

    /** The average of {@code mean_in - mean_out} over the examples that have both. */
    private static double meanGap(Fits in, Fits out) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < in.count.length; i++) {
            if (in.count[i] > 0 && out.count[i] > 0) {
                sum += in.mean[i] - out.mean[i];
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("an example has no OUT observation (every shadow model trained on it)"
                    + " and no example has both IN and OUT observations to estimate its OUT mean from");
        }
        return sum / count;
    }

    /** Per-example means and squared deviations of one side (IN or OUT), and the pooled variance. */
    private static final class Fits {
        final int[] count;
        final double[] mean;
        final double[] squares;
        final double pooled;

        private Fits(int[] count, double[] mean, double[] squares, double pooled) {
            this.count = count;
            this.mean = mean;
            this.squares = squares;
            this.pooled = pooled;
        }

        static Fits of(double[][] statistics, boolean[][] trainedOn, boolean side, int n, int models) {
            int[] count = new int[n];
            double[] mean = new double[n];
            double[] squares = new double[n];
            for (int m = 0; m < models; m++) {
                for (int i = 0; i < n; i++) {
                    if (trainedOn[m][i] == side) {
                        count[i]++;
                        mean[i] += statistics[m][i];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                mean[i] = count[i] > 0 ? mean[i] / count[i] : Double.NaN;
            }
            for (int m = 0; m < models; m++) {
                for (int i = 0; i < n; i++) {
                    if (trainedOn[m][i] == side) {
                        double d = statistics[m][i] - mean[i];
                        squares[i] += d * d;
                    }
                }
            }
            double sum = 0;
            long degrees = 0;
            for (int i = 0; i < n; i++) {
                if (count[i] >= 2) {
                    sum += squares[i];
                    degrees += count[i] - 1;
                }
            }
            return new Fits(count, mean, squares, degrees > 0 ? sum / degrees : Double.NaN);
        }

        boolean hasOwnVariance(int i) {
            return count[i] >= 2 && squares[i] > 0;
        }

        double variance(int i, Variance kind, String side) {
            double v;
            if (kind == Variance.PER_EXAMPLE && hasOwnVariance(i)) {
                v = squares[i] / (count[i] - 1);
            } else if (Double.isNaN(pooled)) {
                throw new IllegalArgumentException("no example has 2 or more " + side + " observations, so no " + side
                        + " variance can be estimated; train more shadow models");
            } else {
                v = pooled;
            }
            return Math.max(MIN_VARIANCE, v);
        }
    }

    /** Builds a {@link Lira}; validated in {@link #build()}. */
    public static final class Builder {
        private Mode mode = Mode.ONLINE;
        private Variance variance = Variance.PER_EXAMPLE;

        private Builder() {}

        /** Online (default) or offline. */
        public Builder optMode(Mode value) {
            mode = value;
            return this;
        }

        /** Per-example (default) or global variance. */
        public Builder optVariance(Variance value) {
            variance = value;
            return this;
        }

        /**
         * The attack.
         *
         * @throws IllegalArgumentException if a setting is null
         */
        public Lira build() {
            if (mode == null) {
                throw new IllegalArgumentException("mode must not be null");
            }
            if (variance == null) {
                throw new IllegalArgumentException("variance must not be null");
            }
            return new Lira(mode, variance);
        }
    }
}
