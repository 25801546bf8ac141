package dev.marauder.attacks.inference.inversion;

import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.SensitiveTable;
import dev.marauder.core.data.Standardization;
import java.util.Arrays;
import java.util.Objects;

/**
 * Rows whose sensitive attribute an attacker tries to infer: the candidate inputs of each row
 * (one per value of the attribute), the label observed for each row, and, for evaluation, the
 * true values.
 *
 * <p>The observed label is what the attacker knows of the model's answer on the row: in
 * Fredrikson et al. 2014 the dose a patient was prescribed, in 2015 the row's true label (e.g. a
 * survey answer) that the model was trained to predict.
 *
 * @param candidates row {@code i} with the sensitive attribute set to each value
 * @param values number of values of the sensitive attribute (at least 2)
 * @param observed the observed label of each row
 * @param truth the true value index of each row, or null when unknown (inference only)
 */
public record AttributeTargets(CandidateFeatures candidates, int values, int[] observed, int[] truth) {

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if there are fewer than 2 values, no rows, a negative
     *     label, or true values of the wrong count or out of range
     */
    public AttributeTargets {
        Objects.requireNonNull(candidates, "candidates");
        Objects.requireNonNull(observed, "observed");
        if (values < 2) {
            throw new IllegalArgumentException("a sensitive attribute needs at least 2 values, got " + values);
        }
        if (observed.length == 0) {
            throw new IllegalArgumentException("no rows to attack");
        }
        observed = observed.clone();
        for (int i = 0; i < observed.length; i++) {
            if (observed[i] < 0) {
                throw new IllegalArgumentException("observed label of row " + i + " is negative: " + observed[i]);
            }
        }
        if (truth != null) {
            if (truth.length != observed.length) {
                throw new IllegalArgumentException(truth.length + " true values for " + observed.length + " rows");
            }
            truth = truth.clone();
            for (int i = 0; i < truth.length; i++) {
                if (truth[i] < 0 || truth[i] >= values) {
                    throw new IllegalArgumentException(
                            "true value of row " + i + " is " + truth[i] + ", outside 0.." + (values - 1));
                }
            }
        }
    }

    /**
     * Targets from candidates stacked {@code [rows * values, ...]} (see
     * {@link CandidateFeatures#stacked}).
     *
     * @throws IllegalArgumentException if the tensor does not hold {@code observed.length * values}
     *     candidates, or as the constructor
     */
    public static AttributeTargets stacked(FloatTensor candidates, int values, int[] observed, int[] truth) {
        if (candidates.examples() != (long) observed.length * values) {
            throw new IllegalArgumentException("candidates hold " + candidates.examples() + " examples, expected "
                    + observed.length + " rows x " + values + " values");
        }
        return new AttributeTargets(CandidateFeatures.stacked(candidates, values), values, observed, truth);
    }

    /**
     * All rows of {@code table} as targets: candidates by {@link SensitiveTable#withSensitive},
     * standardised by {@code standardization} (null for raw features, which is rarely what a model
     * was trained on), observed labels and true values from the table.
     */
    public static AttributeTargets fromTable(SensitiveTable table, Standardization standardization) {
        int values = table.sensitiveValues().size();
        int rows = table.size();
        int width = table.featureCount();
        float[] all = new float[rows * values * width];
        for (int i = 0; i < rows; i++) {
            for (int v = 0; v < values; v++) {
                double[] x = table.withSensitive(i, v);
                if (standardization != null) {
                    x = standardization.apply(x);
                }
                for (int j = 0; j < width; j++) {
                    all[(i * values + v) * width + j] = (float) x[j];
                }
            }
        }
        return stacked(new FloatTensor(all, rows * values, width), values, table.labels(), table.sensitive());
    }

    /** Number of rows. */
    public int rows() {
        return observed.length;
    }

    /** The label observed for each row, as a copy. */
    @Override
    public int[] observed() {
        return observed.clone();
    }

    /** The true value index of each row, as a copy, or null when the truth is unknown. */
    @Override
    public int[] truth() {
        return truth == null ? null : truth.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttributeTargets t
                && candidates.equals(t.candidates)
                && values == t.values
                && Arrays.equals(observed, t.observed)
                && Arrays.equals(truth, t.truth);
    }

    @Override
    public int hashCode() {
        return Objects.hash(candidates, values, Arrays.hashCode(observed), Arrays.hashCode(truth));
    }

    @Override
    public String toString() {
        return "AttributeTargets[" + rows() + " rows, " + values + " values" + (truth == null ? "" : ", with truth")
                + "]";
    }
}
