package dev.marauder.gateway.detect;

/** The input checks and the distance both detectors share. */
final class Inputs {
    private Inputs() {}

    /** Checks the principal and a query's input; returns the input. */
    static float[] check(String principal, float[] input) {
        if (principal == null) {
            throw new IllegalArgumentException("principal must not be null");
        }
        if (input == null || input.length == 0) {
            throw new IllegalArgumentException("input of principal " + principal + " must not be null or empty");
        }
        for (int i = 0; i < input.length; i++) {
            if (!Float.isFinite(input[i])) {
                throw new IllegalArgumentException(
                        "input[" + i + "] of principal " + principal + " must be finite, got " + input[i]);
            }
        }
        return input;
    }

    /** Checks that an input (or its encoding) has the length of the principal's earlier ones. */
    static void sameLength(String principal, int expected, int actual) {
        if (expected >= 0 && expected != actual) {
            throw new IllegalArgumentException("input of principal " + principal + " has " + actual
                    + " values, its earlier inputs had " + expected);
        }
    }

    /** The Euclidean distance, accumulated in double. */
    static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }
}
