package dev.marauder.privacy.accounting;

import dev.marauder.stats.Require;
import java.util.function.Supplier;

/**
 * The smallest noise multiplier that keeps DP-SGD within a target (epsilon, delta), for a given
 * sample rate and number of steps, with any accountant (like Opacus's {@code get_noise_multiplier}
 * and dp_accounting's {@code calibrate_dp_mechanism}).
 *
 * <p>The search brackets the answer by growing or shrinking an initial guess, then bisects. It
 * keeps the invariant {@code epsilon(hi) <= target < epsilon(lo)} and returns {@code hi}, so the
 * returned noise never overshoots the budget: its epsilon, evaluated by the same accountant and
 * returned alongside, is at most the target. Epsilon decreases with the noise, so {@code hi} is
 * within the relative tolerance of the smallest such noise.
 */
public final class NoiseCalibration {
    /** Default relative tolerance on the noise multiplier. */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    /** Largest noise multiplier tried before the target is declared unreachable. */
    public static final double MAX_NOISE = 1e6;

    /** Below this noise multiplier the search stops looking for a smaller one. */
    private static final double MIN_NOISE = 1e-6;

    private NoiseCalibration() {}

    /**
     * A calibrated noise multiplier and the epsilon it gives.
     *
     * @param noiseMultiplier the noise multiplier
     * @param epsilon its epsilon at the target delta, at most the target epsilon
     */
    public record Result(double noiseMultiplier, double epsilon) {}

    /**
     * The smallest noise multiplier (within {@link #DEFAULT_TOLERANCE}, relative) whose epsilon at
     * {@code delta} after {@code steps} steps at {@code sampleRate} is at most
     * {@code targetEpsilon}, according to accountants made by {@code accountants} (for example
     * {@code RdpAccountant::new}).
     *
     * @throws IllegalArgumentException for invalid arguments, or if even a noise multiplier of
     *     {@link #MAX_NOISE} does not reach the target
     */
    public static Result calibrate(
            Supplier<? extends PrivacyAccountant> accountants,
            double targetEpsilon,
            double delta,
            double sampleRate,
            long steps) {
        return calibrate(accountants, targetEpsilon, delta, sampleRate, steps, 1.0, DEFAULT_TOLERANCE);
    }

    /**
     * As {@link #calibrate(Supplier, double, double, double, long)}, starting from
     * {@code initialGuess} (a good guess, such as the RDP answer when calibrating with PLD, saves
     * evaluations) and stopping when the bracket is narrower than {@code relativeTolerance} times
     * the returned noise.
     */
    public static Result calibrate(
            Supplier<? extends PrivacyAccountant> accountants,
            double targetEpsilon,
            double delta,
            double sampleRate,
            long steps,
            double initialGuess,
            double relativeTolerance) {
        if (!(targetEpsilon > 0) || Double.isInfinite(targetEpsilon)) {
            throw new IllegalArgumentException("target epsilon must be finite and > 0, got " + targetEpsilon);
        }
        if (Require.delta(delta) == 0) {
            throw new IllegalArgumentException("no Gaussian noise reaches delta 0 (pure DP); give a delta in (0, 1)");
        }
        Require.gaussianMechanism(1, sampleRate);
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (!(initialGuess > 0) || Double.isInfinite(initialGuess)) {
            throw new IllegalArgumentException("initial guess must be finite and > 0, got " + initialGuess);
        }
        if (!(relativeTolerance > 0 && relativeTolerance < 1)) {
            throw new IllegalArgumentException("relative tolerance must be in (0, 1), got " + relativeTolerance);
        }
        if (sampleRate == 0 || steps == 0) {
            return new Result(0, 0); // nothing is released about any example
        }
        Evaluator eval = new Evaluator(accountants, delta, sampleRate, steps);
        // Bracket from the guess with a factor that starts small (a good guess, such as the RDP
        // answer for PLD, is then bracketed tightly) and squares at every step (1.25, 1.56, 2.44,
        // 5.96, 35.5, ...), so far-off guesses are bracketed in a few steps too.
        double factor = 1.25;
        double hi = Math.min(initialGuess, MAX_NOISE);
        double epsHi = eval.epsilon(hi);
        double lo;
        if (epsHi > targetEpsilon) {
            do {
                lo = hi;
                hi = hi * factor;
                factor *= factor;
                if (lo >= MAX_NOISE) {
                    throw new IllegalArgumentException(String.format(
                            "target epsilon %s at delta %s is not reachable with a noise multiplier up to %g "
                                    + "(sample rate %s, %d steps)",
                            targetEpsilon, delta, MAX_NOISE, sampleRate, steps));
                }
                hi = Math.min(hi, MAX_NOISE);
                epsHi = eval.epsilon(hi);
            } while (epsHi > targetEpsilon);
        } else {
            while (true) {
                lo = hi / factor;
                factor *= factor;
                if (lo < MIN_NOISE) {
                    return new Result(hi, epsHi);
                }
                double epsLo = eval.epsilon(lo);
                if (epsLo > targetEpsilon) {
                    break;
                }
                hi = lo;
                epsHi = epsLo;
            }
        }
        // Invariant: epsilon(hi) = epsHi <= target < epsilon(lo).
        while (hi - lo > relativeTolerance * hi) {
            double mid = 0.5 * (lo + hi);
            double eps = eval.epsilon(mid);
            if (eps <= targetEpsilon) {
                hi = mid;
                epsHi = eps;
            } else {
                lo = mid;
            }
        }
        return new Result(hi, epsHi);
    }

    private record Evaluator(
            Supplier<? extends PrivacyAccountant> accountants, double delta, double sampleRate, long steps) {
        double epsilon(double noise) {
            PrivacyAccountant a = accountants.get();
            a.step(noise, sampleRate, steps);
            return a.epsilon(delta);
        }
    }
}
