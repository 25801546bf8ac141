package dev.marauder.attacks.inference.membership;

import dev.marauder.stats.LogSpace;

/**
 * A model's predicted class distribution for a batch of examples, stored as log-probabilities so
 * that the membership scores built on it (the loss, the logit-scaled confidence of LiRA, the
 * entropies) keep their digits where the probabilities themselves round to 0 or 1. Immutable.
 *
 * <p>Whether the model gave logits or probabilities is stated by the factory used, never guessed:
 * <ul>
 *   <li>{@link #fromLogits}: the log-softmax, computed stably (the largest logit subtracted first).
 *       Nothing is clamped, so {@code log p_y - log(1 - p_y)} equals
 *       {@code z_y - logsumexp_{j != y} z_j} to rounding, however confident the model.</li>
 *   <li>{@link #fromProbabilities}: each row must hold values in [0, 1] summing to 1 within
 *       {@value #SUM_TOLERANCE} (which catches logits passed by mistake, yet accepts rounded
 *       outputs); it is rescaled to sum to 1, and each probability is floored at
 *       {@value #PROBABILITY_FLOOR} before its logarithm is taken, as in the reference code of
 *       Carlini et al. 2022, so that a probability of exactly 0 or 1 gives finite scores (such
 *       values tie, which is all the information rounded outputs hold).</li>
 * </ul>
 */
public final class ClassProbabilities {
    /** The smallest probability used, about the smallest positive float (as in the LiRA code). */
    public static final double PROBABILITY_FLOOR = 1e-45;
    /** How far from 1 a row of probabilities may sum before it is rejected. */
    public static final double SUM_TOLERANCE = 1e-2;

    private static final double LOG_ONE_HALF = Math.log(0.5);

    private final double[][] logProbabilities;

    private ClassProbabilities(double[][] logProbabilities) {
        this.logProbabilities = logProbabilities;
    }

    /**
     * From logits (unnormalised log-probabilities), one row per example.
     *
     * @throws IllegalArgumentException if there are no rows, rows differ in length, a row has
     *     fewer than 2 classes, or a logit is not finite
     */
    public static ClassProbabilities fromLogits(double[][] logits) {
        int classes = checkShape(
                "logits",
                logits == null ? -1 : logits.length,
                logits == null || logits.length == 0 ? 0 : rowLength(logits[0]));
        double[][] out = new double[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            out[i] = LogSpace.logSoftmax(checkRow("logits", i, logits[i], classes));
        }
        return new ClassProbabilities(out);
    }

    /**
     * From logits in single precision.
     *
     * @throws IllegalArgumentException as {@link #fromLogits(double[][])}
     */
    public static ClassProbabilities fromLogits(float[][] logits) {
        return fromLogits(widen("logits", logits));
    }

    /**
     * From probabilities, one row per example.
     *
     * @throws IllegalArgumentException if there are no rows, rows differ in length, a row has
     *     fewer than 2 classes, a value is outside [0, 1], or a row does not sum to 1 within
     *     {@value #SUM_TOLERANCE}
     */
    public static ClassProbabilities fromProbabilities(double[][] probabilities) {
        int classes = checkShape(
                "probabilities",
                probabilities == null ? -1 : probabilities.length,
                probabilities == null || probabilities.length == 0 ? 0 : rowLength(probabilities[0]));
        double logFloor = Math.log(PROBABILITY_FLOOR);
        double[][] out = new double[probabilities.length][];
        for (int i = 0; i < probabilities.length; i++) {
            double[] row = checkRow("probabilities", i, probabilities[i], classes);
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                if (!(row[c] >= 0 && row[c] <= 1)) {
                    throw new IllegalArgumentException("probabilities[" + i + "][" + c + "] must be in [0, 1], got "
                            + row[c] + " (for logits use fromLogits)");
                }
                sum += row[c];
            }
            if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
                throw new IllegalArgumentException("probabilities[" + i + "] must sum to 1 (within " + SUM_TOLERANCE
                        + "), got " + sum + " (for logits use fromLogits)");
            }
            double logSum = Math.log(sum);
            out[i] = new double[classes];
            for (int c = 0; c < classes; c++) {
                out[i][c] = row[c] > 0 ? Math.max(logFloor, Math.log(row[c]) - logSum) : logFloor;
            }
        }
        return new ClassProbabilities(out);
    }

    /**
     * From probabilities in single precision.
     *
     * @throws IllegalArgumentException as {@link #fromProbabilities(double[][])}
     */
    public static ClassProbabilities fromProbabilities(float[][] probabilities) {
        return fromProbabilities(widen("probabilities", probabilities));
    }

    /** The number of examples (rows). */
    public int examples() {
        return logProbabilities.length;
    }

    /** The number of classes (columns). */
    public int classes() {
        return logProbabilities[0].length;
    }

    /** {@code log p_c} of example {@code example}. */
    public double logProbability(int example, int c) {
        return logProbabilities[example][c];
    }

    /** {@code p_c} of example {@code example}. */
    public double probability(int example, int c) {
        return Math.exp(logProbabilities[example][c]);
    }

    /**
     * {@code log(1 - p_c)}, computed as {@code log1p(-p_c)} when {@code p_c <= 1/2} and otherwise
     * as the log-sum-exp of the other classes' log-probabilities, so it is accurate when
     * {@code p_c} rounds to 1.
     */
    public double logComplement(int example, int c) {
        double[] row = logProbabilities[example];
        if (row[c] <= LOG_ONE_HALF) {
            return Math.log1p(-Math.exp(row[c]));
        }
        return LogSpace.sumExcept(row, c);
    }

    /** A copy of the log-probabilities of one example. */
    public double[] logProbabilities(int example) {
        return logProbabilities[example].clone();
    }

    /** These predictions with the examples reordered: example {@code k} of the result is {@code order[k]} here. */
    ClassProbabilities select(int[] order) {
        double[][] rows = new double[order.length][];
        for (int k = 0; k < order.length; k++) {
            rows[k] = logProbabilities[order[k]].clone();
        }
        return new ClassProbabilities(rows);
    }

    /** The row itself, not copied: package code must not modify it. */
    double[] row(int example) {
        return logProbabilities[example];
    }

    private static int rowLength(double[] row) {
        return row == null ? 0 : row.length;
    }

    private static int checkShape(String name, int rows, int classes) {
        if (rows < 0) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (rows == 0) {
            throw new IllegalArgumentException(name + " must have at least one row (example)");
        }
        if (classes < 2) {
            throw new IllegalArgumentException(name + " must have at least 2 classes, got " + classes);
        }
        return classes;
    }

    private static double[] checkRow(String name, int i, double[] row, int classes) {
        if (row == null || row.length != classes) {
            throw new IllegalArgumentException(name + "[" + i + "] must have " + classes + " classes like row 0, got "
                    + (row == null ? "null" : row.length));
        }
        for (int c = 0; c < classes; c++) {
            if (!Double.isFinite(row[c])) {
                throw new IllegalArgumentException(name + "[" + i + "][" + c + "] must be finite, got " + row[c]);
            }
        }
        return row;
    }

    private static double[][] widen(String name, float[][] values) {
        if (values == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        double[][] out = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                throw new IllegalArgumentException(name + "[" + i + "] must not be null");
            }
            out[i] = new double[values[i].length];
            for (int c = 0; c < values[i].length; c++) {
                out[i][c] = values[i][c];
            }
        }
        return out;
    }
}
