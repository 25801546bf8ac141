package dev.marauder.audit;

import java.util.Arrays;

/**
 * What an audit runs: immutable, validated on construction.
 *
 * @param epsilons L-infinity budgets for the evasion section's FGSM and PGD (each {@code >= 0})
 * @param pgdSteps PGD iterations (at least 1)
 * @param attackExamples how many test examples the attacks use (the first ones of the test split)
 * @param batchSize attack batch size
 * @param gridExamples how many examples the picture grid shows
 */
public record AuditSettings(double[] epsilons, int pgdSteps, int attackExamples, int batchSize, int gridExamples) {

    /** Validates and copies the epsilons. */
    public AuditSettings {
        epsilons = epsilons.clone();
        if (epsilons.length == 0) {
            throw new IllegalArgumentException("at least one epsilon is required");
        }
        if (pgdSteps < 1) {
            throw new IllegalArgumentException("PGD steps must be at least 1, got " + pgdSteps);
        }
        for (double e : epsilons) {
            if (!(e >= 0) || Double.isInfinite(e)) {
                throw new IllegalArgumentException("epsilon must be a finite number >= 0, got " + e);
            }
        }
        if (attackExamples < 1) {
            throw new IllegalArgumentException("attack examples must be at least 1, got " + attackExamples);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (gridExamples < 0) {
            throw new IllegalArgumentException("grid examples must be >= 0, got " + gridExamples);
        }
    }

    /** Defaults for inputs in [0, 1]: FGSM and PGD-20 at 0, 0.02, 0.05, 0.1 and 0.2 on 1,000 test images. */
    public static AuditSettings defaults() {
        return new AuditSettings(new double[] {0, 0.02, 0.05, 0.1, 0.2}, 20, 1000, 250, 6);
    }

    /** The epsilons, as a copy. */
    @Override
    public double[] epsilons() {
        return epsilons.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditSettings s
                && Arrays.equals(epsilons, s.epsilons)
                && pgdSteps == s.pgdSteps
                && attackExamples == s.attackExamples
                && batchSize == s.batchSize
                && gridExamples == s.gridExamples;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(epsilons) + 37 * pgdSteps + 31 * attackExamples + 17 * batchSize + gridExamples;
    }

    @Override
    public String toString() {
        return "AuditSettings[epsilons=" + Arrays.toString(epsilons) + ", pgdSteps=" + pgdSteps + ", attackExamples="
                + attackExamples + ", batchSize=" + batchSize + ", gridExamples=" + gridExamples + "]";
    }
}
