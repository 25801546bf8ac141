package dev.marauder.core.model;

import java.util.Arrays;

/**
 * What a model accepts: the shape of one example and the closed interval every input value must
 * lie in (for images usually {@code [0, 1]}). Attacks clip to these bounds.
 *
 * @param shape shape of a single example, without the batch dimension, e.g. {@code [1, 28, 28]}
 * @param lower smallest valid input value
 * @param upper largest valid input value
 */
public record InputSpec(int[] shape, float lower, float upper) {

    public InputSpec {
        shape = shape.clone();
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("input shape must be positive, got " + Arrays.toString(shape));
            }
        }
        if (!(lower < upper)) {
            throw new IllegalArgumentException(
                    "input bounds must satisfy lower < upper, got [" + lower + ", " + upper + "]");
        }
    }

    /** Shape of one example (a copy). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of values in one example. */
    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec s && Arrays.equals(shape, s.shape) && lower == s.lower && upper == s.upper;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Float.hashCode(lower) * 17 + Float.hashCode(upper);
    }

    @Override
    public String toString() {
        return "InputSpec" + Arrays.toString(shape) + " in [" + lower + ", " + upper + "]";
    }
}
