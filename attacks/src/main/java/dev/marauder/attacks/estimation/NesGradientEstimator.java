package dev.marauder.attacks.estimation;

import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;

/**
 * Gradients estimated from queries with natural evolution strategies and antithetic Gaussian
 * sampling (Ilyas, Engstrom, Athalye &amp; Lin 2018, "Black-box Adversarial Attacks with Limited
 * Queries and Information", Algorithm 1; Salimans et al. 2017):
 * {@code grad L(x) ~ 1/(2 n sigma) sum_j (L(x + sigma u_j) - L(x - sigma u_j)) u_j} with
 * {@code u_j ~ N(0, I)}, {@code 2n} evaluations of {@code L} per row.
 *
 * <p>The probe points are clipped to the model's bounds, since the model accepts nothing else. On
 * a bound, clipping turns {@code x + sigma u} and {@code x - sigma u} into one-sided moves whose
 * difference is still {@code sigma u}, so the estimate stays first-order right there.
 *
 * <p>The noise is drawn on the host from the caller's generator for each row (row by row, pair by
 * pair, coordinate by coordinate), so a run is reproducible and each row's estimate depends only
 * on its own stream. Immutable and thread-safe; used by MI-Face and by the NES evasion attack.
 *
 * @param samples antithetic pairs per estimate (at least 1)
 * @param sigma the probe radius, in input units (positive)
 */
public record NesGradientEstimator(int samples, float sigma) {

    public NesGradientEstimator {
        if (samples < 1) {
            throw new IllegalArgumentException("NES samples must be at least 1, got " + samples);
        }
        if (!(sigma > 0) || Float.isInfinite(sigma)) {
            throw new IllegalArgumentException("NES sigma must be a positive number, got " + sigma);
        }
    }

    /** Evaluations of the loss per row and estimate: {@code 2 * samples}. */
    public int evaluationsPerRow() {
        return 2 * samples;
    }

    /**
     * Estimates the gradient of {@code loss} at each row, evaluating all probes of all rows in one
     * call (for row {@code r} and pair {@code j}: point {@code 2 (r samples + j)} is
     * {@code x + sigma u}, the next one {@code x - sigma u}).
     *
     * @param x rows, each a flattened example inside {@code spec}'s bounds; not modified
     * @param spec the bounds the probes are clipped to
     * @param random one generator per row, advanced by {@code samples * spec.size()} Gaussians
     * @param loss the objective
     * @return the estimate per row
     */
    public float[][] estimate(float[][] x, InputSpec spec, SplittableRandom[] random, PointLoss loss) {
        return AntitheticProbes.estimate(x, spec, random, samples, sigma, SplittableRandom::nextGaussian, loss);
    }
}
