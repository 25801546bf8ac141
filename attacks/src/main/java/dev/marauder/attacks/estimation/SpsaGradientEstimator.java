package dev.marauder.attacks.estimation;

import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;

/**
 * Gradients estimated from queries by simultaneous perturbation stochastic approximation (Spall
 * 1992) with Rademacher directions, as in Uesato, O'Donoghue, van den Oord &amp; Kohli 2018,
 * "Adversarial Risk and the Dangers of Evaluating Against Weak Attacks":
 * {@code grad L(x) ~ 1/n sum_j (L(x + delta v_j) - L(x - delta v_j)) / (2 delta) v_j} with
 * {@code v_j} uniform on {@code {-1, 1}^d} (so {@code 1 / v_j = v_j}), {@code 2n} evaluations per
 * row.
 *
 * <p>Probe points are clipped to the model's bounds; directions are drawn on the host from the
 * caller's generator per row (row, pair, coordinate order), so runs are reproducible.
 *
 * @param samples antithetic pairs per estimate (at least 1)
 * @param delta the probe size, in input units (positive)
 */
public record SpsaGradientEstimator(int samples, float delta) {

    public SpsaGradientEstimator {
        if (samples < 1) {
            throw new IllegalArgumentException("SPSA samples must be at least 1, got " + samples);
        }
        if (!(delta > 0) || Float.isInfinite(delta)) {
            throw new IllegalArgumentException("SPSA delta must be a positive number, got " + delta);
        }
    }

    /** Evaluations of the loss per row and estimate: {@code 2 * samples}. */
    public int evaluationsPerRow() {
        return 2 * samples;
    }

    /**
     * Estimates the gradient of {@code loss} at each row from one call evaluating every probe
     * (for row {@code r} and pair {@code j}: point {@code 2 (r samples + j)} is
     * {@code x + delta v}, the next {@code x - delta v}).
     *
     * @param x rows, each a flattened example inside {@code spec}'s bounds; not modified
     * @param spec the bounds the probes are clipped to
     * @param random one generator per row
     * @param loss the objective
     * @return the estimate per row
     */
    public float[][] estimate(float[][] x, InputSpec spec, SplittableRandom[] random, PointLoss loss) {
        return AntitheticProbes.estimate(x, spec, random, samples, delta, g -> g.nextBoolean() ? 1.0 : -1.0, loss);
    }
}
