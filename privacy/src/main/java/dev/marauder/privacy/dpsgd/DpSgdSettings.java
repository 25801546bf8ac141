package dev.marauder.privacy.dpsgd;

import dev.marauder.privacy.accounting.AccountantType;
import dev.marauder.stats.Require;

/**
 * The differential-privacy settings of a DP-SGD run (Abadi et al. 2016): immutable, validated.
 * Either {@code noiseMultiplier} is given, or {@code targetEpsilon}, from which the smallest
 * sufficient noise is calibrated for the run's sample rate and steps.
 *
 * <p>Serialises with Jackson (a value not set, such as the noise multiplier of a calibrated run, is
 * written as {@code "NaN"}).
 *
 * @param clipNorm per-example L2 clipping norm C (> 0)
 * @param noiseMultiplier sigma: the noise's standard deviation is sigma * C (>= 0), or NaN to calibrate
 * @param targetEpsilon the epsilon to calibrate sigma for, or NaN when sigma is given
 * @param delta the delta of the (epsilon, delta) guarantee, in (0, 1)
 * @param accountant how epsilon is computed (RDP or PLD)
 * @param epsilonBudget training refuses to start if it would spend more, or NaN for no budget
 * @param seed a seed for reproducible, NOT private noise and sampling (tests only), or null for
 *     secure randomness
 */
public record DpSgdSettings(
        double clipNorm,
        double noiseMultiplier,
        double targetEpsilon,
        double delta,
        AccountantType accountant,
        double epsilonBudget,
        Long seed) {

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException for a clip norm that is not a positive number, not exactly
     *     one of noise multiplier and target epsilon, a delta outside (0, 1), no accountant, or a
     *     budget that is not positive
     */
    public DpSgdSettings {
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm must be a positive number, got " + clipNorm);
        }
        if (Double.isNaN(noiseMultiplier) == Double.isNaN(targetEpsilon)) {
            throw new IllegalArgumentException("give either a noise multiplier or a target epsilon (exactly one)");
        }
        if (!Double.isNaN(noiseMultiplier) && (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier))) {
            throw new IllegalArgumentException("noise multiplier must be a finite number >= 0, got " + noiseMultiplier);
        }
        if (!Double.isNaN(targetEpsilon) && (!(targetEpsilon > 0) || Double.isInfinite(targetEpsilon))) {
            throw new IllegalArgumentException("target epsilon must be a positive number, got " + targetEpsilon);
        }
        if (Require.delta(delta) == 0) {
            throw new IllegalArgumentException("DP-SGD needs a delta in (0, 1): Gaussian noise gives no pure-DP"
                    + " guarantee (epsilon at delta 0 is infinite)");
        }
        if (accountant == null) {
            throw new IllegalArgumentException("accountant is required");
        }
        if (!Double.isNaN(epsilonBudget) && !(epsilonBudget > 0)) {
            throw new IllegalArgumentException("epsilon budget must be positive, got " + epsilonBudget);
        }
    }

    /** Fixed noise, RDP accounting, no budget, secure randomness. */
    public static DpSgdSettings withNoise(double clipNorm, double noiseMultiplier, double delta) {
        return new DpSgdSettings(clipNorm, noiseMultiplier, Double.NaN, delta, AccountantType.RDP, Double.NaN, null);
    }

    /** A copy with reproducible (NOT private) randomness from {@code value}. */
    public DpSgdSettings withSeed(long value) {
        return new DpSgdSettings(clipNorm, noiseMultiplier, targetEpsilon, delta, accountant, epsilonBudget, value);
    }
}
