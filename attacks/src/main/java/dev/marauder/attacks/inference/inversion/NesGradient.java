package dev.marauder.attacks.inference.inversion;

import ai.djl.ndarray.NDManager;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;

/**
 * Black-box gradients estimated from queries with natural evolution strategies and antithetic
 * Gaussian sampling (Ilyas, Engstrom, Athalye &amp; Lin 2018, "Black-box Adversarial Attacks with
 * Limited Queries and Information"; Salimans et al. 2017):
 * {@code grad m(x) ~ 1/(2 n sigma) sum_j (m(x + sigma u_j) - m(x - sigma u_j)) u_j} with
 * {@code u_j ~ N(0, I)}, {@code 2n} queries per row.
 *
 * <p>The query points are clipped to the model's bounds, since the model accepts nothing else.
 * On a bound, clipping turns {@code x + sigma u} and {@code x - sigma u} into one-sided moves
 * whose difference is still {@code sigma u}, so the estimate stays first-order right at the zero
 * image MI-Face starts from.
 *
 * <p>The noise is drawn on the host from a seeded generator per target class, so a run is
 * reproducible and does not depend on which other classes are inverted alongside.
 */
final class NesGradient implements GradientSource<Classifier> {
    private final int samples;
    private final double relativeSigma;
    private final long seed;

    /**
     * @param samples antithetic pairs per estimate (queries per row: {@code 2 * samples})
     * @param relativeSigma the smoothing radius as a fraction of the input range
     * @param seed seeds the noise
     */
    NesGradient(int samples, double relativeSigma, long seed) {
        this.samples = samples;
        this.relativeSigma = relativeSigma;
        this.seed = seed;
    }

    @Override
    public String access() {
        return "black-box";
    }

    @Override
    public Settings settings() {
        return new Settings("nes", samples, relativeSigma, seed);
    }

    long seed() {
        return seed;
    }

    @Override
    public long queriesPerRow() {
        return 2L * samples;
    }

    @Override
    public boolean returnsProbabilities() {
        return false;
    }

    @Override
    public SplittableRandom random(int target) {
        // One independent stream per target class, whatever else is in the batch.
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (target + 1)));
    }

    @Override
    public Estimate gradient(Classifier model, NDManager scope, float[][] x, int[] targets, SplittableRandom[] random) {
        InputSpec spec = model.inputSpec();
        int d = spec.size();
        float sigma = (float) (relativeSigma * spec.smallestWidth());
        float[][][] noise = new float[x.length][samples][d];
        float[][] points = new float[x.length * 2 * samples][];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < samples; j++) {
                float[] u = noise[r][j];
                float[] plus = new float[d];
                float[] minus = new float[d];
                for (int k = 0; k < d; k++) {
                    u[k] = (float) random[r].nextGaussian();
                    float lo = spec.lowerAt(k);
                    float hi = spec.upperAt(k);
                    plus[k] = Math.min(hi, Math.max(lo, x[r][k] + sigma * u[k]));
                    minus[k] = Math.min(hi, Math.max(lo, x[r][k] - sigma * u[k]));
                }
                points[(r * samples + j) * 2] = plus;
                points[(r * samples + j) * 2 + 1] = minus;
            }
        }
        float[][] p = Queries.probabilities(model, Queries.batch(scope, points, spec));
        float[][] gradient = new float[x.length][d];
        for (int r = 0; r < x.length; r++) {
            int t = targets[r];
            for (int j = 0; j < samples; j++) {
                // m = 1 - p_t, so m(x + sigma u) - m(x - sigma u) = p_t(x - sigma u) - p_t(x + sigma u).
                double diff = (double) p[(r * samples + j) * 2 + 1][t] - p[(r * samples + j) * 2][t];
                float w = (float) (diff / (2.0 * samples * sigma));
                float[] u = noise[r][j];
                for (int k = 0; k < d; k++) {
                    gradient[r][k] += w * u[k];
                }
            }
        }
        return new Estimate(gradient, null);
    }
}
