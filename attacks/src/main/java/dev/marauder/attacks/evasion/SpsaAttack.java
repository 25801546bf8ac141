package dev.marauder.attacks.evasion;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.attacks.estimation.SpsaGradientEstimator;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.norm.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SPSA (Uesato, O'Donoghue, van den Oord &amp; Kohli 2018, "Adversarial Risk and the Dangers of
 * Evaluating Against Weak Attacks"): the margin loss {@code s_y - max_{j != y} s_j} on the
 * log-probabilities (the logit margin of a logits model) minimised by Adam on gradients estimated
 * with {@link SpsaGradientEstimator} (Rademacher directions), projected after each step onto the
 * L-inf ball and the model's bounds.
 *
 * <p>Threat model: black-box, score-based, untargeted or targeted (the criterion decides). Each
 * iteration costs {@code 2 * samples} queries for the estimate and one to check the new point; an
 * example stops at success or when its next iteration would exceed {@code maxQueries}. Defaults
 * follow the paper's (and CleverHans's) delta 0.01 and Adam learning rate 0.01, relative to the
 * input range, with fewer samples per estimate (32 instead of 128) so that a budget of a thousand
 * queries allows some fifteen steps.
 */
public final class SpsaAttack extends QueryAttack {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPSILON = 1e-8;

    private final int samples;
    private final double delta;
    private final double learningRate;

    private SpsaAttack(Builder b) {
        super(Norm.LINF, b.maxQueries, b.seed);
        this.samples = b.samples;
        this.delta = b.delta;
        this.learningRate = b.learningRate;
    }

    /** A builder: 32 Rademacher pairs, delta 0.01, Adam learning rate 0.01 (of the range), 1000 queries. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "spsa";
    }

    @Override
    public Settings settings() {
        return new Settings(norm(), maxQueries(), samples, delta, learningRate, seed());
    }

    /**
     * The settings of an SPSA attack.
     *
     * @param norm linf
     * @param maxQueries query budget per example
     * @param samples antithetic Rademacher pairs per gradient estimate
     * @param delta probe size relative to the input range
     * @param learningRate Adam's learning rate relative to the input range
     * @param seed seed of the directions
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(Norm norm, long maxQueries, int samples, double delta, double learningRate, long seed)
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
        return true;
    }

    @Override
    float[][] attack(Oracle oracle, float[][] x, double epsilon, SplittableRandom[] random) {
        InputSpec spec = oracle.spec();
        float range = spec.smallestWidth();
        SpsaGradientEstimator estimator = new SpsaGradientEstimator(samples, (float) (delta * range));
        double lr = learningRate * range;
        long perIteration = estimator.evaluationsPerRow() + 1L;
        int n = x.length;
        int d = spec.size();
        float[][] adv = new float[n][];
        double[][] m = new double[n][d];
        double[][] v = new double[n][d];
        int[] t = new int[n];
        boolean[] done = new boolean[n];
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            adv[i] = x[i].clone();
            all[i] = i;
        }
        check(oracle, adv, all, done);
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
            float[][] g = estimator.estimate(rows, spec, streams, (points, rowOf) -> {
                int[] who = new int[points.length];
                for (int p = 0; p < points.length; p++) {
                    who[p] = owners[rowOf[p]];
                }
                float[][] scores = oracle.logScores(points, who);
                double[] values = new double[points.length];
                for (int p = 0; p < points.length; p++) {
                    values[p] = oracle.margin(scores[p], who[p]);
                }
                return values;
            });
            for (int k = 0; k < owners.length; k++) {
                int i = owners[k];
                t[i]++;
                double c1 = 1 - Math.pow(BETA1, t[i]);
                double c2 = 1 - Math.pow(BETA2, t[i]);
                float[] next = adv[i].clone();
                for (int j = 0; j < d; j++) {
                    m[i][j] = BETA1 * m[i][j] + (1 - BETA1) * g[k][j];
                    v[i][j] = BETA2 * v[i][j] + (1 - BETA2) * g[k][j] * g[k][j];
                    next[j] -= (float) (lr * (m[i][j] / c1) / (Math.sqrt(v[i][j] / c2) + ADAM_EPSILON));
                }
                projectLinf(next, x[i], epsilon, spec);
                adv[i] = next;
            }
            check(oracle, adv, owners, done);
        }
    }

    private static void check(Oracle oracle, float[][] adv, int[] owners, boolean[] done) {
        float[][] rows = new float[owners.length][];
        for (int k = 0; k < owners.length; k++) {
            rows[k] = adv[owners[k]];
        }
        boolean[] hit = oracle.adversarial(rows, owners);
        for (int k = 0; k < owners.length; k++) {
            done[owners[k]] = hit[k];
        }
    }

    /** Builds an {@link SpsaAttack}; validated in {@link #build()}. */
    public static final class Builder {
        private long maxQueries = 1000;
        private int samples = 32;
        private double delta = 0.01;
        private double learningRate = 0.01;
        private long seed;

        private Builder() {}

        /** Query budget per example (default 1000). */
        public Builder optMaxQueries(long value) {
            maxQueries = value;
            return this;
        }

        /** Antithetic Rademacher pairs per estimate (default 32). */
        public Builder optSamples(int value) {
            samples = value;
            return this;
        }

        /** Probe size relative to the input range, in (0, 1] (default 0.01). */
        public Builder optDelta(double value) {
            delta = value;
            return this;
        }

        /** Adam's learning rate relative to the input range, positive (default 0.01). */
        public Builder optLearningRate(double value) {
            learningRate = value;
            return this;
        }

        /** Seed of the directions (default 0). */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /** The attack. */
        public SpsaAttack build() {
            if (samples < 1) {
                throw new IllegalArgumentException("samples must be at least 1, got " + samples);
            }
            if (!(delta > 0 && delta <= 1)) {
                throw new IllegalArgumentException(
                        "delta must be in (0, 1] (a fraction of the input range), got " + delta);
            }
            if (!(learningRate > 0 && Double.isFinite(learningRate))) {
                throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
            }
            return new SpsaAttack(this);
        }
    }
}
