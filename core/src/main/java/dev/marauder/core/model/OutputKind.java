package dev.marauder.core.model;

/** What a classifier's scores are: attacks and metrics must know, never guess. */
public enum OutputKind {
    /** Unnormalised scores; softmax gives probabilities. */
    LOGITS,
    /** A probability vector per example (non-negative, sums to one). */
    PROBABILITIES,
    /** Only the predicted label, returned as a one-hot row (label-only access). */
    LABELS
}
