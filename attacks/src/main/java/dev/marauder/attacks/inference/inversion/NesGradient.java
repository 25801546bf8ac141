package dev.marauder.attacks.inference.inversion;

import ai.djl.ndarray.NDManager;
import dev.marauder.attacks.estimation.NesGradientEstimator;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;

/**
 * Black-box gradients of MI-Face's model term estimated from queries by the shared
 * {@link NesGradientEstimator}: natural evolution strategies with antithetic Gaussian sampling
 * (Ilyas, Engstrom, Athalye &amp; Lin 2018, "Black-box Adversarial Attacks with Limited Queries and
 * Information"; Salimans et al. 2017):
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
        NesGradientEstimator estimator =
                new NesGradientEstimator(samples, (float) (relativeSigma * spec.smallestWidth()));
        // m = 1 - p_t; its differences are those of -p_t, which is what the estimator is given.
        float[][] gradient = estimator.estimate(x, spec, random, (points, owners) -> {
            float[][] p = Queries.probabilities(model, Queries.batch(scope, points, spec));
            double[] values = new double[points.length];
            for (int i = 0; i < points.length; i++) {
                values[i] = -(double) p[i][targets[owners[i]]];
            }
            return values;
        });
        return new Estimate(gradient, null);
    }
}
