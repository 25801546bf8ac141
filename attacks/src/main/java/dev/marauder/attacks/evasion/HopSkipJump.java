package dev.marauder.attacks.evasion;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.norm.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * HopSkipJump (Chen, Jordan &amp; Wainwright 2020, "HopSkipJumpAttack: A Query-Efficient
 * Decision-Based Attack"), L2 and L-inf.
 *
 * <p>Threat model: black-box, decision-based (the predicted label only), untargeted or targeted
 * (the criterion decides), minimal perturbation: it searches once, and each requested epsilon
 * restricts the result found. Starting from uniform noise that is adversarial (up to
 * {@code initTries} queries) moved to the boundary by binary search, each iteration {@code t}
 * estimates the boundary's normal from {@code min(initEvals sqrt(t), maxEvals)} probes at radius
 * {@code delta_t} (variance-reduced by the mean decision, the paper's baseline), steps along it with
 * a step {@code ||x_t - x|| / sqrt(t)} halved until the point is adversarial (the geometric
 * progression), and returns to the boundary by binary search down to the paper's {@code theta}
 * ({@code gamma / d^(3/2)} for L2, {@code gamma / d^2} for L-inf). Every stage stops an example
 * whose {@code maxQueries} are spent; its last boundary point, always adversarial, is its result.
 */
public final class HopSkipJump extends QueryAttack {
    private final int initEvals;
    private final int maxEvals;
    private final int initTries;
    private final double gamma;

    private HopSkipJump(Builder b) {
        super(b.norm, b.maxQueries, b.seed);
        this.initEvals = b.initEvals;
        this.maxEvals = b.maxEvals;
        this.initTries = b.initTries;
        this.gamma = b.gamma;
    }

    /** A builder with the paper's defaults: 100 initial probes, at most 10,000, gamma 1; 1000 queries. */
    public static Builder builder(Norm norm) {
        return new Builder(norm);
    }

    @Override
    public String name() {
        return "hsj";
    }

    @Override
    public Settings settings() {
        return new Settings(norm(), maxQueries(), initEvals, maxEvals, initTries, gamma, seed());
    }

    /**
     * The settings of a HopSkipJump attack.
     *
     * @param norm l2 or linf
     * @param maxQueries query budget per example
     * @param initEvals probes of the first gradient estimate
     * @param maxEvals most probes of one estimate
     * @param initTries most uniform-noise points tried for a start
     * @param gamma the binary search's precision factor
     * @param seed seed of the noise and probes
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(
            Norm norm, long maxQueries, int initEvals, int maxEvals, int initTries, double gamma, long seed)
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
        double theta = norm() == Norm.L2 ? gamma / (Math.sqrt(d) * d) : gamma / ((double) d * d);
        boolean[] cleanAdversarial = new boolean[n];
        float[][] cur = DecisionSearch.start(oracle, x, random, initTries, theta, cleanAdversarial);
        float[][] out = new float[n][];
        double[] dist = new double[n];
        int[] t = new int[n];
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out[i] = cur[i] == null ? x[i] : cur[i];
            if (cur[i] != null) {
                dist[i] = DecisionSearch.distance(norm(), x[i], cur[i]);
                t[i] = 1;
                live.add(i);
            }
        }
        double range = spec.smallestWidth();
        while (true) {
            // An iteration needs probes and room for a few steps of the searches that follow.
            List<Integer> act = new ArrayList<>();
            int[] evals = new int[n];
            for (int i : live) {
                long room = oracle.remaining(i) - 2;
                int wanted = (int) Math.min(maxEvals, Math.round(initEvals * Math.sqrt(t[i])));
                evals[i] = (int) Math.min(wanted, room);
                if (evals[i] >= 1) {
                    act.add(i);
                }
            }
            if (act.isEmpty()) {
                return out;
            }
            // 1. The boundary's normal at each example's current point, from one batch of probes.
            List<float[]> probes = new ArrayList<>();
            List<Integer> who = new ArrayList<>();
            double[] delta = new double[n];
            float[][][] directions = new float[n][][];
            for (int i : act) {
                delta[i] = t[i] == 1
                        ? 0.1 * range
                        : (norm() == Norm.L2 ? Math.sqrt(d) * theta * dist[i] : d * theta * dist[i]);
                directions[i] = new float[evals[i]][];
                for (int e = 0; e < evals[i]; e++) {
                    float[] u = new float[d];
                    double sum = 0;
                    for (int j = 0; j < d; j++) {
                        u[j] = (float) (norm() == Norm.L2 ? random[i].nextGaussian() : 2 * random[i].nextDouble() - 1);
                        sum += (double) u[j] * u[j];
                    }
                    double scale = 1 / Math.sqrt(sum);
                    float[] p = new float[d];
                    for (int j = 0; j < d; j++) {
                        p[j] = DecisionSearch.clip((float) (out[i][j] + delta[i] * u[j] * scale), spec, j);
                        u[j] = (float) ((p[j] - out[i][j]) / delta[i]);
                    }
                    directions[i][e] = u;
                    probes.add(p);
                    who.add(i);
                }
            }
            boolean[] hit = oracle.adversarial(probes.toArray(float[][]::new), DecisionSearch.toArray(who));
            float[][] update = new float[n][];
            int at = 0;
            for (int i : act) {
                int m = evals[i];
                double mean = 0;
                for (int e = 0; e < m; e++) {
                    mean += hit[at + e] ? 1 : -1;
                }
                mean /= m;
                double[] g = new double[d];
                for (int e = 0; e < m; e++) {
                    double f = hit[at + e] ? 1 : -1;
                    double w = Math.abs(mean) == 1 ? f : f - mean;
                    for (int j = 0; j < d; j++) {
                        g[j] += w * directions[i][e][j] / m;
                    }
                }
                at += m;
                update[i] = new float[d];
                if (norm() == Norm.L2) {
                    double s = 0;
                    for (double v : g) {
                        s += v * v;
                    }
                    double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
                    for (int j = 0; j < d; j++) {
                        update[i][j] = (float) (g[j] * inv);
                    }
                } else {
                    for (int j = 0; j < d; j++) {
                        update[i][j] = (float) Math.signum(g[j]);
                    }
                }
            }
            // 2. Geometric progression: halve the step until the moved point is adversarial.
            double[] step = new double[n];
            float[][] moved = new float[n][];
            List<Integer> searching = new ArrayList<>();
            for (int i : act) {
                step[i] = dist[i] / Math.sqrt(t[i]);
                searching.add(i);
            }
            while (!searching.isEmpty()) {
                List<Integer> now = new ArrayList<>();
                for (int i : searching) {
                    if (oracle.remaining(i) > 1 && step[i] * range > 1e-12) {
                        now.add(i);
                    }
                }
                if (now.isEmpty()) {
                    break;
                }
                float[][] candidates = new float[now.size()][];
                for (int k = 0; k < candidates.length; k++) {
                    int i = now.get(k);
                    float[] c = new float[d];
                    for (int j = 0; j < d; j++) {
                        c[j] = DecisionSearch.clip((float) (out[i][j] + step[i] * update[i][j]), spec, j);
                    }
                    candidates[k] = c;
                }
                boolean[] ok = oracle.adversarial(candidates, DecisionSearch.toArray(now));
                searching = new ArrayList<>();
                for (int k = 0; k < candidates.length; k++) {
                    int i = now.get(k);
                    if (ok[k]) {
                        moved[i] = candidates[k];
                    } else {
                        step[i] /= 2;
                        searching.add(i);
                    }
                }
            }
            // 3. Back to the boundary.
            List<Integer> found = new ArrayList<>();
            for (int i : act) {
                if (moved[i] != null) {
                    found.add(i);
                }
                t[i]++;
            }
            int[] owners = DecisionSearch.toArray(found);
            float[][] cleanRows = new float[owners.length][];
            float[][] advRows = new float[owners.length][];
            for (int k = 0; k < owners.length; k++) {
                cleanRows[k] = x[owners[k]];
                advRows[k] = moved[owners[k]];
            }
            float[][] boundary = DecisionSearch.binarySearch(oracle, norm(), cleanRows, advRows, owners, theta);
            for (int k = 0; k < owners.length; k++) {
                int i = owners[k];
                double nd = DecisionSearch.distance(norm(), x[i], boundary[k]);
                if (nd < dist[i]) {
                    out[i] = boundary[k];
                    dist[i] = nd;
                }
            }
        }
    }

    /** Builds a {@link HopSkipJump}; validated in {@link #build()}. */
    public static final class Builder {
        private final Norm norm;
        private long maxQueries = 1000;
        private int initEvals = 100;
        private int maxEvals = 10_000;
        private int initTries = 100;
        private double gamma = 1.0;
        private long seed;

        private Builder(Norm norm) {
            this.norm = norm;
        }

        /** Query budget per example (default 1000). */
        public Builder optMaxQueries(long value) {
            maxQueries = value;
            return this;
        }

        /** Probes of the first gradient estimate, growing with sqrt(t) (default 100). */
        public Builder optInitEvals(int value) {
            initEvals = value;
            return this;
        }

        /** Most probes of one gradient estimate (default 10,000). */
        public Builder optMaxEvals(int value) {
            maxEvals = value;
            return this;
        }

        /** Most uniform-noise points tried for an adversarial start (default 100). */
        public Builder optInitTries(int value) {
            initTries = value;
            return this;
        }

        /** The binary search's precision factor gamma (default 1). */
        public Builder optGamma(double value) {
            gamma = value;
            return this;
        }

        /** Seed of the noise and probes (default 0). */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /** The attack. */
        public HopSkipJump build() {
            if (norm != Norm.L2 && norm != Norm.LINF) {
                throw new IllegalArgumentException("hsj attacks in l2 or linf, not " + norm);
            }
            if (initEvals < 1 || maxEvals < initEvals) {
                throw new IllegalArgumentException(
                        "need 1 <= init evals <= max evals, got " + initEvals + " and " + maxEvals);
            }
            if (initTries < 1) {
                throw new IllegalArgumentException("init tries must be at least 1, got " + initTries);
            }
            if (!(gamma > 0 && Double.isFinite(gamma))) {
                throw new IllegalArgumentException("gamma must be a positive number, got " + gamma);
            }
            return new HopSkipJump(this);
        }
    }
}
