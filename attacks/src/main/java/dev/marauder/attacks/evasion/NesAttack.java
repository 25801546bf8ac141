package dev.marauder.attacks.evasion;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.attacks.estimation.NesGradientEstimator;
import dev.marauder.attacks.estimation.PointLoss;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.norm.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The NES attacks of Ilyas, Engstrom, Athalye &amp; Lin 2018, "Black-box Adversarial Attacks with
 * Limited Queries and Information": L-inf projected gradient descent whose gradients are estimated
 * from queries by natural evolution strategies ({@link NesGradientEstimator}, antithetic Gaussian
 * samples).
 *
 * <p>Threat model: black-box, untargeted or targeted (the criterion decides), in three settings of
 * the paper:
 *
 * <ul>
 *   <li>query-limited: every score is visible; the loss is the margin
 *       {@code s_y - max_{j != y} s_j} on the log-probabilities;</li>
 *   <li>partial-information ({@code topK}): only the {@code k} highest scores are visible; the
 *       hidden ones are taken as equal to the {@code k}-th (their upper bound), so a label that falls
 *       out of the top {@code k} counts as beaten. This is the margin loss on top-k scores, not the
 *       paper's targeted procedure that starts from an image of the target class and shrinks
 *       epsilon;</li>
 *   <li>label-only: only the predicted label; the loss is the paper's noise-robust proxy
 *       {@code -S(x)}, with {@code S(x)} the share of {@code labelSamples} points
 *       {@code x + U[-mu, mu]^d} that are adversarial, so each loss value costs
 *       {@code labelSamples} queries; the two points of an antithetic pair share their noise
 *       (common random numbers), so their difference is the probe's effect.</li>
 * </ul>
 *
 * <p>Each iteration spends {@code 2 * samples} loss evaluations on the estimate and one query to
 * check the new point, steps by {@code step} against the sign of the estimate and projects onto
 * the epsilon ball and the model's bounds; an example stops at success or when its next
 * iteration would exceed {@code maxQueries}.
 */
public final class NesAttack extends QueryAttack {
    private final int samples;
    private final double sigma;
    private final double relativeStep;
    private final Integer topK;
    private final boolean labelOnly;
    private final int labelSamples;
    private final double mu;

    private NesAttack(Builder b) {
        super(Norm.LINF, b.maxQueries, b.seed);
        this.samples = b.samples;
        this.sigma = b.sigma;
        this.relativeStep = b.relativeStep;
        this.topK = b.topK;
        this.labelOnly = b.labelOnly;
        this.labelSamples = b.labelSamples;
        this.mu = b.mu;
    }

    /** A builder: query-limited, 25 antithetic pairs, sigma 0.001 of the range, step eps / 4, 1000 queries. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "nes";
    }

    /** {@code query-limited}, {@code partial-information} or {@code label-only}. */
    public String variant() {
        return labelOnly ? "label-only" : topK != null ? "partial-information" : "query-limited";
    }

    @Override
    public Settings settings() {
        return new Settings(
                norm(),
                variant(),
                maxQueries(),
                samples,
                sigma,
                relativeStep,
                topK,
                labelOnly ? labelSamples : null,
                labelOnly ? mu : null,
                seed());
    }

    /**
     * The settings of a NES attack.
     *
     * @param norm linf
     * @param variant query-limited, partial-information or label-only
     * @param maxQueries query budget per example
     * @param samples antithetic pairs per gradient estimate
     * @param sigma NES probe radius, relative to the input range
     * @param relativeStep step size relative to epsilon
     * @param topK partial information: scores visible, or null
     * @param labelSamples label-only: noise points per loss value, or null
     * @param mu label-only: noise radius relative to the input range, or null
     * @param seed seed of the noise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(
            Norm norm,
            String variant,
            long maxQueries,
            int samples,
            double sigma,
            double relativeStep,
            Integer topK,
            Integer labelSamples,
            Double mu,
            long seed)
            implements EvasionSettings {
        @Override
        public String toString() {
            return EvasionSettings.describe(this);
        }
    }

    @Override
    boolean minimizes() {
        return false;
    }

    @Override
    boolean needsScores() {
        return !labelOnly;
    }

    /** Queries one loss value costs. */
    private int queriesPerValue() {
        return labelOnly ? labelSamples : 1;
    }

    @Override
    float[][] attack(Oracle oracle, float[][] x, double epsilon, SplittableRandom[] random) {
        InputSpec spec = oracle.spec();
        float range = spec.smallestWidth();
        NesGradientEstimator estimator = new NesGradientEstimator(samples, (float) (sigma * range));
        long perIteration = (long) estimator.evaluationsPerRow() * queriesPerValue() + 1;
        int n = x.length;
        float[][] adv = new float[n][];
        boolean[] done = new boolean[n];
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            adv[i] = x[i].clone();
            all[i] = i;
        }
        check(oracle, adv, all, done);
        double step = relativeStep * epsilon;
        while (true) {
            List<Integer> act = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!done[i] && oracle.remaining(i) >= perIteration) {
                    act.add(i);
                }
            }
            if (act.isEmpty()) {
                return adv;
            }
            int[] owners = act.stream().mapToInt(Integer::intValue).toArray();
            float[][] rows = new float[owners.length][];
            SplittableRandom[] streams = new SplittableRandom[owners.length];
            for (int k = 0; k < owners.length; k++) {
                rows[k] = adv[owners[k]];
                streams[k] = random[owners[k]];
            }
            float[][] g = estimator.estimate(rows, spec, streams, loss(oracle, owners, random, range));
            for (int k = 0; k < owners.length; k++) {
                int i = owners[k];
                float[] next = adv[i].clone();
                for (int j = 0; j < next.length; j++) {
                    next[j] -= (float) (step * Math.signum(g[k][j]));
                }
                projectLinf(next, x[i], epsilon, spec);
                adv[i] = next;
            }
            check(oracle, adv, owners, done);
        }
    }

    private void check(Oracle oracle, float[][] adv, int[] owners, boolean[] done) {
        float[][] rows = new float[owners.length][];
        for (int k = 0; k < owners.length; k++) {
            rows[k] = adv[owners[k]];
        }
        boolean[] hit = oracle.adversarial(rows, owners);
        for (int k = 0; k < owners.length; k++) {
            done[owners[k]] = hit[k];
        }
    }

    /** The loss the estimate differentiates, for rows belonging to examples {@code owners}. */
    private PointLoss loss(Oracle oracle, int[] owners, SplittableRandom[] random, float range) {
        if (labelOnly) {
            return (points, rowOf) -> {
                int z = labelSamples;
                float[][] noisy = new float[points.length * z][];
                int[] who = new int[noisy.length];
                InputSpec spec = oracle.spec();
                float[][] shared = new float[z][];
                for (int p = 0; p < points.length; p++) {
                    SplittableRandom r = random[owners[rowOf[p]]];
                    for (int q = 0; q < z; q++) {
                        // Common random numbers: both points of an antithetic pair (the estimator
                        // puts them at 2m and 2m + 1) see the same noise, so their difference
                        // measures the probe, not the Monte Carlo error.
                        if (p % 2 == 0) {
                            shared[q] = new float[points[p].length];
                            for (int j = 0; j < shared[q].length; j++) {
                                shared[q][j] = (float) ((2 * r.nextDouble() - 1) * mu * range);
                            }
                        }
                        float[] v = points[p].clone();
                        for (int j = 0; j < v.length; j++) {
                            v[j] = Math.min(spec.upperAt(j), Math.max(spec.lowerAt(j), v[j] + shared[q][j]));
                        }
                        noisy[p * z + q] = v;
                        who[p * z + q] = owners[rowOf[p]];
                    }
                }
                boolean[] hit = oracle.adversarial(noisy, who);
                double[] values = new double[points.length];
                for (int p = 0; p < points.length; p++) {
                    int count = 0;
                    for (int q = 0; q < z; q++) {
                        count += hit[p * z + q] ? 1 : 0;
                    }
                    values[p] = -(double) count / z;
                }
                return values;
            };
        }
        return (points, rowOf) -> {
            int[] who = new int[points.length];
            for (int p = 0; p < points.length; p++) {
                who[p] = owners[rowOf[p]];
            }
            float[][] scores = oracle.logScores(points, who);
            double[] values = new double[points.length];
            for (int p = 0; p < points.length; p++) {
                values[p] = oracle.margin(topK == null ? scores[p] : topK(scores[p], topK), who[p]);
            }
            return values;
        };
    }

    /** The scores an adversary sees with the top {@code k} only: the others set to the k-th highest. */
    static float[] topK(float[] scores, int k) {
        if (k >= scores.length) {
            return scores;
        }
        float[] sorted = scores.clone();
        java.util.Arrays.sort(sorted);
        float kth = sorted[sorted.length - k];
        float[] out = scores.clone();
        for (int j = 0; j < out.length; j++) {
            out[j] = Math.max(out[j], kth);
        }
        return out;
    }

    /** Builds a {@link NesAttack}; validated in {@link #build()}. */
    public static final class Builder {
        private long maxQueries = 1000;
        private int samples = 25;
        private double sigma = 0.001;
        private double relativeStep = 0.25;
        private Integer topK;
        private boolean labelOnly;
        private int labelSamples = 10;
        private double mu = 0.05;
        private long seed;

        private Builder() {}

        /** Query budget per example (default 1000). */
        public Builder optMaxQueries(long value) {
            maxQueries = value;
            return this;
        }

        /** Antithetic pairs per gradient estimate (default 25: 50 loss values). */
        public Builder optSamples(int value) {
            samples = value;
            return this;
        }

        /** NES probe radius relative to the input range, in (0, 1] (default 0.001, the paper's). */
        public Builder optSigma(double value) {
            sigma = value;
            return this;
        }

        /** Step size relative to epsilon, in (0, 1] (default 0.25). */
        public Builder optRelativeStep(double value) {
            relativeStep = value;
            return this;
        }

        /** Partial information: only the top {@code k} scores are visible (default: all). */
        public Builder optTopK(int value) {
            topK = value;
            return this;
        }

        /** Label-only: only the predicted label is used (default false). */
        public Builder optLabelOnly(boolean value) {
            labelOnly = value;
            return this;
        }

        /** Label-only: noise points per loss value (default 10). */
        public Builder optLabelSamples(int value) {
            labelSamples = value;
            return this;
        }

        /** Label-only: noise radius relative to the input range, in (0, 1] (default 0.05). */
        public Builder optMu(double value) {
            mu = value;
            return this;
        }

        /** Seed of the noise (default 0). */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /** The attack. */
        public NesAttack build() {
            if (samples < 1) {
                throw new IllegalArgumentException("samples must be at least 1, got " + samples);
            }
            if (!(sigma > 0 && sigma <= 1)) {
                throw new IllegalArgumentException(
                        "sigma must be in (0, 1] (a fraction of the input range), got " + sigma);
            }
            if (!(relativeStep > 0 && relativeStep <= 1)) {
                throw new IllegalArgumentException("relative step must be in (0, 1], got " + relativeStep);
            }
            if (topK != null && topK < 1) {
                throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
            }
            if (topK != null && labelOnly) {
                throw new IllegalArgumentException("label-only already shows one label; drop top-k");
            }
            if (labelSamples < 1) {
                throw new IllegalArgumentException("label samples must be at least 1, got " + labelSamples);
            }
            if (!(mu > 0 && mu <= 1)) {
                throw new IllegalArgumentException("mu must be in (0, 1] (a fraction of the input range), got " + mu);
            }
            return new NesAttack(this);
        }
    }
}
