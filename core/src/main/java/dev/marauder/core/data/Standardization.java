package dev.marauder.core.data;

import java.util.Arrays;

/**
 * Per-column standardisation {@code (x - mean) / std} of feature vectors, with its parameters
 * kept so that the same transformation can be applied to new rows (fit on training rows, apply to
 * test rows and to an attacker's candidate rows alike).
 *
 * <p>Columns left out of {@link #fit} get mean 0 and std 1 and pass unchanged; one-hot columns
 * are meant to be left out, so that a one-hot value can be substituted before or after
 * standardising with the same result. A fitted column whose values are all equal gets std 1 (it
 * is only centred), as scikit-learn's {@code StandardScaler} does. The std is the population
 * standard deviation (divisor {@code n}).
 *
 * @param means mean of each column
 * @param stds standard deviation of each column, each finite and positive
 */
public record Standardization(double[] means, double[] stds) {

    /**
     * Copies the arrays, so that the record is immutable.
     *
     * @throws IllegalArgumentException if the lengths differ, a mean is not finite, or a std is
     *     not finite and positive
     */
    public Standardization {
        means = means.clone();
        stds = stds.clone();
        if (means.length != stds.length) {
            throw new IllegalArgumentException("means has " + means.length + " columns but stds has " + stds.length);
        }
        for (int j = 0; j < means.length; j++) {
            if (!Double.isFinite(means[j])) {
                throw new IllegalArgumentException("mean of column " + j + " is not finite: " + means[j]);
            }
            if (!(stds[j] > 0 && Double.isFinite(stds[j]))) {
                throw new IllegalArgumentException(
                        "std of column " + j + " must be finite and positive, got " + stds[j]);
            }
        }
    }

    /**
     * Fits the mean and population std of {@code columns} over {@code rows}; the other columns
     * get mean 0 and std 1.
     *
     * @throws IllegalArgumentException if there are no rows, rows differ in length, a value of a
     *     fitted column is not finite, or a column index is out of range
     */
    public static Standardization fit(double[][] rows, int... columns) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("cannot fit a standardisation to zero rows");
        }
        int width = rows[0].length;
        double[] means = new double[width];
        double[] stds = new double[width];
        Arrays.fill(stds, 1);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + rows[i].length + " values, row 0 has " + width);
            }
        }
        for (int j : columns) {
            if (j < 0 || j >= width) {
                throw new IllegalArgumentException("column " + j + " is outside 0.." + (width - 1));
            }
            double sum = 0;
            for (int i = 0; i < rows.length; i++) {
                if (!Double.isFinite(rows[i][j])) {
                    throw new IllegalArgumentException(
                            "value " + rows[i][j] + " at row " + i + ", column " + j + " is not finite");
                }
                sum += rows[i][j];
            }
            double mean = sum / rows.length;
            double squares = 0;
            for (double[] row : rows) {
                double d = row[j] - mean;
                squares += d * d;
            }
            double std = Math.sqrt(squares / rows.length);
            means[j] = mean;
            stds[j] = std > 0 ? std : 1;
        }
        return new Standardization(means, stds);
    }

    /** Number of columns. */
    public int width() {
        return means.length;
    }

    @Override
    public double[] means() {
        return means.clone();
    }

    @Override
    public double[] stds() {
        return stds.clone();
    }

    /**
     * {@code (row - mean) / std}, a fresh array.
     *
     * @throws IllegalArgumentException if the row's length is not {@link #width()}
     */
    public double[] apply(double[] row) {
        if (row.length != means.length) {
            throw new IllegalArgumentException(
                    "row has " + row.length + " values, the standardisation " + means.length);
        }
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = (row[j] - means[j]) / stds[j];
        }
        return out;
    }

    /** {@link #apply(double[])} to each row, fresh arrays. */
    public double[][] apply(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = apply(rows[i]);
        }
        return out;
    }

    /** {@code z * std + mean}, the inverse of {@link #apply(double[])}, a fresh array. */
    public double[] invert(double[] z) {
        if (z.length != means.length) {
            throw new IllegalArgumentException("row has " + z.length + " values, the standardisation " + means.length);
        }
        double[] out = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            out[j] = z[j] * stds[j] + means[j];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardization s && Arrays.equals(means, s.means) && Arrays.equals(stds, s.stds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(means) + Arrays.hashCode(stds);
    }

    @Override
    public String toString() {
        return "Standardization[means=" + Arrays.toString(means) + ", stds=" + Arrays.toString(stds) + "]";
    }
}
