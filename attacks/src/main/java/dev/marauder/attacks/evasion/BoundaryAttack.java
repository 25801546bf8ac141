package dev.marauder.attacks.evasion;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.norm.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Boundary attack (Brendel, Rauber &amp; Bethge 2018, "Decision-Based Adversarial Attacks:
 * Reliable Attacks Against Black-Box Machine Learning Models"), L2.
 *
 * <p>Threat model: black-box, decision-based (the predicted label only), untargeted or targeted
 * (the criterion decides), minimal perturbation: it searches once, and each requested epsilon
 * restricts the result found. From an adversarial point of uniform noise moved to the boundary by
 * binary search (as HopSkipJump starts), each step draws a Gaussian direction orthogonal to the
 * line to the clean input, scaled to {@code sphericalStep} times the current distance and put back
 * on the sphere around the clean input (the orthogonal step), then moves {@code sourceStep} of
 * the way towards the clean input (the step towards the original); both points are queried (two
 * queries per step, as in foolbox 3) and the second is kept if it is adversarial. Every ten steps
 * the step sizes adapt to the success rates as in the paper: the orthogonal one (and with it the
 * source step) grows by {@code stepAdaptation} above 50% success and shrinks below 20%, the
 * source step alone grows above 25% and shrinks below 10%. An example stops when its
 * {@code maxQueries} are spent.
 */
public final class BoundaryAttack extends QueryAttack {
    private static final int STATS_EVERY = 10;

    private final double sphericalStep;
    private final double sourceStep;
    private final double stepAdaptation;
    private final int initTries;

    private BoundaryAttack(Builder b) {
        super(Norm.L2, b.maxQueries, b.seed);
        this.sphericalStep = b.sphericalStep;
        this.sourceStep = b.sourceStep;
        this.stepAdaptation = b.stepAdaptation;
        this.initTries = b.initTries;
    }

    /** A builder with foolbox 3's defaults: steps 0.01 and 0.01, adaptation 1.5; 1000 queries. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "boundary";
    }

    @Override
    public Settings settings() {
        return new Settings(norm(), maxQueries(), sphericalStep, sourceStep, stepAdaptation, initTries, seed());
    }

    /**
     * The settings of a Boundary attack.
     *
     * @param norm l2
     * @param maxQueries query budget per example
     * @param sphericalStep initial orthogonal step, relative to the distance
     * @param sourceStep initial step towards the clean input, relative to the distance
     * @param stepAdaptation factor by which steps grow or shrink
     * @param initTries most uniform-noise points tried for a start
     * @param seed seed of the directions
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(
            Norm norm,
            long maxQueries,
            double sphericalStep,
            double sourceStep,
            double stepAdaptation,
            int initTries,
            long seed)
            implements EvasionSettings {
        @Override
        public String toString() {
            return EvasionSettings.describe(this);
        }
    }

    @Override
    boolean minimizes() {
        return true;
    }

    @Override
    boolean needsScores() {
        return false;
    }

    @Override
    float[][] attack(Oracle oracle, float[][] x, double epsilon, SplittableRandom[] random) {
        InputSpec spec = oracle.spec();
        int n = x.length;
        int d = spec.size();
        double theta = 1 / (Math.sqrt(d) * d);
        boolean[] cleanAdversarial = new boolean[n];
        float[][] cur = DecisionSearch.start(oracle, x, random, initTries, theta, cleanAdversarial);
        float[][] out = new float[n][];
        double[] spherical = new double[n];
        double[] source = new double[n];
        int[] steps = new int[n];
        int[] sphericalHits = new int[n];
        int[] stepHits = new int[n];
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out[i] = cur[i] == null ? x[i] : cur[i];
            spherical[i] = sphericalStep;
            source[i] = sourceStep;
            if (cur[i] != null) {
                live.add(i);
            }
        }
        while (true) {
            List<Integer> act = new ArrayList<>();
            for (int i : live) {
                if (oracle.remaining(i) >= 2) {
                    act.add(i);
                }
            }
            if (act.isEmpty()) {
                return out;
            }
            float[][] probes = new float[2 * act.size()][];
            int[] who = new int[probes.length];
            for (int k = 0; k < act.size(); k++) {
                int i = act.get(k);
                float[][] pair = proposal(x[i], out[i], spherical[i], source[i], spec, random[i]);
                probes[2 * k] = pair[0];
                probes[2 * k + 1] = pair[1];
                who[2 * k] = i;
                who[2 * k + 1] = i;
            }
            boolean[] hit = oracle.adversarial(probes, who);
            for (int k = 0; k < act.size(); k++) {
                int i = act.get(k);
                sphericalHits[i] += hit[2 * k] ? 1 : 0;
                if (hit[2 * k + 1]
                        && DecisionSearch.distance(Norm.L2, x[i], probes[2 * k + 1])
                                < DecisionSearch.distance(Norm.L2, x[i], out[i])) {
                    out[i] = probes[2 * k + 1];
                    stepHits[i]++;
                }
                if (++steps[i] % STATS_EVERY == 0) {
                    double p = (double) sphericalHits[i] / STATS_EVERY;
                    if (p > 0.5) {
                        spherical[i] *= stepAdaptation;
                        source[i] *= stepAdaptation;
                    } else if (p < 0.2) {
                        spherical[i] /= stepAdaptation;
                        source[i] /= stepAdaptation;
                    }
                    double q = (double) stepHits[i] / STATS_EVERY;
                    if (q > 0.25) {
                        source[i] *= stepAdaptation;
                    } else if (q < 0.1) {
                        source[i] /= stepAdaptation;
                    }
                    source[i] = Math.min(source[i], 0.5);
                    sphericalHits[i] = 0;
                    stepHits[i] = 0;
                }
            }
        }
    }

    /** The orthogonal-step point and the candidate one step towards the clean input from it. */
    private static float[][] proposal(
            float[] x, float[] adv, double spherical, double source, InputSpec spec, SplittableRandom r) {
        int d = x.length;
        double[] toClean = new double[d];
        double norm = 0;
        for (int j = 0; j < d; j++) {
            toClean[j] = (double) x[j] - adv[j];
            norm += toClean[j] * toClean[j];
        }
        norm = Math.sqrt(norm);
        double[] eta = new double[d];
        double dot = 0;
        for (int j = 0; j < d; j++) {
            eta[j] = r.nextGaussian();
            dot += eta[j] * toClean[j] / norm;
        }
        double etaNorm = 0;
        for (int j = 0; j < d; j++) {
            eta[j] -= dot * toClean[j] / norm;
            etaNorm += eta[j] * eta[j];
        }
        double scale = spherical * norm / Math.sqrt(etaNorm);
        // adv + eta, put back on the sphere of radius ||adv - x|| around x.
        double[] offset = new double[d];
        double offsetNorm = 0;
        for (int j = 0; j < d; j++) {
            offset[j] = adv[j] + eta[j] * scale - x[j];
            offsetNorm += offset[j] * offset[j];
        }
        double back = norm / Math.sqrt(offsetNorm);
        float[] sphere = new float[d];
        float[] candidate = new float[d];
        for (int j = 0; j < d; j++) {
            sphere[j] = DecisionSearch.clip((float) (x[j] + offset[j] * back), spec, j);
            candidate[j] = DecisionSearch.clip((float) (x[j] + offset[j] * back * (1 - source)), spec, j);
        }
        return new float[][] {sphere, candidate};
    }

    /** Builds a {@link BoundaryAttack}; validated in {@link #build()}. */
    public static final class Builder {
        private long maxQueries = 1000;
        private double sphericalStep = 0.01;
        private double sourceStep = 0.01;
        private double stepAdaptation = 1.5;
        private int initTries = 100;
        private long seed;

        private Builder() {}

        /** Query budget per example (default 1000). */
        public Builder optMaxQueries(long value) {
            maxQueries = value;
            return this;
        }

        /** Initial orthogonal step relative to the distance, in (0, 1] (default 0.01). */
        public Builder optSphericalStep(double value) {
            sphericalStep = value;
            return this;
        }

        /** Initial step towards the clean input relative to the distance, in (0, 0.5] (default 0.01). */
        public Builder optSourceStep(double value) {
            sourceStep = value;
            return this;
        }

        /** Factor by which the steps adapt, above 1 (default 1.5). */
        public Builder optStepAdaptation(double value) {
            stepAdaptation = value;
            return this;
        }

        /** Most uniform-noise points tried for an adversarial start (default 100). */
        public Builder optInitTries(int value) {
            initTries = value;
            return this;
        }

        /** Seed of the directions (default 0). */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /** The attack. */
        public BoundaryAttack build() {
            if (!(sphericalStep > 0 && sphericalStep <= 1)) {
                throw new IllegalArgumentException("spherical step must be in (0, 1], got " + sphericalStep);
            }
            if (!(sourceStep > 0 && sourceStep <= 0.5)) {
                throw new IllegalArgumentException("source step must be in (0, 0.5], got " + sourceStep);
            }
            if (!(stepAdaptation > 1 && Double.isFinite(stepAdaptation))) {
                throw new IllegalArgumentException("step adaptation must be a number above 1, got " + stepAdaptation);
            }
            if (initTries < 1) {
                throw new IllegalArgumentException("init tries must be at least 1, got " + initTries);
            }
            return new BoundaryAttack(this);
        }
    }
}
