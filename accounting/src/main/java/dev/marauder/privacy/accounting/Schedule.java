package dev.marauder.privacy.accounting;

/**
 * How many DP-SGD steps a training run takes: {@code ceil(E * N / B)} for {@code E} epochs over
 * {@code N} examples at expected batch size {@code B} (sample rate {@code B / N}), the convention
 * of Opacus and TensorFlow Privacy. The one place this number is computed.
 */
public final class Schedule {
    private Schedule() {}

    /** {@code ceil(E * N / B)}, ignoring floating-point noise when the quotient is an integer. */
    public static long steps(long examples, long expectedBatch, double epochs) {
        if (examples < 1 || expectedBatch < 1 || expectedBatch > examples) {
            throw new IllegalArgumentException(
                    "need 1 <= batch <= examples, got batch " + expectedBatch + " of " + examples);
        }
        if (!(epochs > 0) || Double.isInfinite(epochs)) {
            throw new IllegalArgumentException("epochs must be positive, got " + epochs);
        }
        double x = epochs * examples / expectedBatch;
        double nearest = Math.rint(x);
        return Math.abs(x - nearest) <= 1e-9 * Math.max(1, nearest) ? (long) nearest : (long) Math.ceil(x);
    }

    /** The Poisson sample rate {@code B / N}. */
    public static double sampleRate(long examples, long expectedBatch) {
        return (double) expectedBatch / examples;
    }
}
