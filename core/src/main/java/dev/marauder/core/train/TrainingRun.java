package dev.marauder.core.train;

import dev.marauder.core.model.PrivacyGuarantee;

/**
 * What a {@link Trainer} did.
 *
 * @param steps parameter updates made
 * @param finalLoss the mean per-target loss of the last non-empty batch (NaN if none)
 * @param seconds wall-clock time
 * @param privacy the differential-privacy guarantee of the run, or null for a non-private trainer
 */
public record TrainingRun(long steps, double finalLoss, double seconds, PrivacyGuarantee privacy) {}
