package dev.marauder.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The (epsilon, delta) differential-privacy guarantee of a training run, as its accountant
 * computed it, with the mechanism's parameters that produced it. Recorded in model cards (the
 * {@code privacy} object of {@code model.json}) and results; the JSON keys are those of model
 * cards written since format version 1, so older cards load unchanged.
 *
 * @param mechanism e.g. "DP-SGD, Poisson-sampled Gaussian, per-example clipping"
 * @param noiseMultiplier sigma: the noise's standard deviation over the clipping norm
 * @param clipNorm the per-example clipping norm C
 * @param sampleRate the Poisson sampling rate q
 * @param expectedBatchSize the expected batch size B = q N, or null when not recorded
 * @param steps the number of noisy steps
 * @param delta the delta of the guarantee
 * @param accountant the accountant that computed epsilon (e.g. "rdp", "pld")
 * @param epsilon the epsilon spent at {@code delta} (+infinity when no finite bound holds)
 * @param targetEpsilon the epsilon the noise was calibrated for, or null
 * @param epsilonBudget the budget the run was checked against, or null
 * @param secureRandomness false for a seeded run, which is reproducible and NOT private
 * @param seed the seed of a non-private, reproducible run, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PrivacyGuarantee(
        String mechanism,
        double noiseMultiplier,
        double clipNorm,
        double sampleRate,
        Integer expectedBatchSize,
        long steps,
        double delta,
        String accountant,
        double epsilon,
        Double targetEpsilon,
        Double epsilonBudget,
        boolean secureRandomness,
        Long seed) {

    /** Whether the guarantee is meaningful: secure randomness and a finite epsilon. */
    public boolean isPrivate() {
        return secureRandomness && Double.isFinite(epsilon);
    }
}
