package dev.marauder.attacks.inference.inversion;

import dev.marauder.core.data.FloatTensor;

/**
 * The attacker's candidate inputs for attribute inference: row {@code row} with its sensitive
 * attribute set to value index {@code value}, every other feature as the attacker knows it. How
 * a value is substituted (a one-hot block, a code, a bucket) is the caller's business, so the
 * attack does not depend on one data set.
 */
@FunctionalInterface
public interface CandidateFeatures {

    /**
     * One flattened model input: row {@code row} with the sensitive attribute set to {@code value}.
     * The caller may keep or modify the returned array.
     */
    float[] features(int row, int value);

    /**
     * Candidates stacked in a tensor {@code [rows * values, ...]}, row-major: entry
     * {@code row * values + value} is row {@code row} with value index {@code value}.
     *
     * @throws IllegalArgumentException if {@code values < 2} or the first dimension is not a
     *     multiple of {@code values}
     */
    static CandidateFeatures stacked(FloatTensor candidates, int values) {
        if (values < 2) {
            throw new IllegalArgumentException("a sensitive attribute needs at least 2 values, got " + values);
        }
        if (candidates.rank() < 2 || candidates.examples() % values != 0) {
            throw new IllegalArgumentException("candidates must have shape [rows * " + values + ", ...], got "
                    + java.util.Arrays.toString(candidates.shape()));
        }
        int d = candidates.exampleSize();
        float[] data = candidates.data();
        int rows = candidates.examples() / values;
        return (row, value) -> {
            if (row < 0 || row >= rows || value < 0 || value >= values) {
                throw new IllegalArgumentException("candidate (row " + row + ", value " + value + ") is outside " + rows
                        + " rows x " + values + " values");
            }
            float[] out = new float[d];
            System.arraycopy(data, (row * values + value) * d, out, 0, d);
            return out;
        };
    }
}
