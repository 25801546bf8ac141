package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import java.util.Arrays;

/**
 * Checks that data fits a model before it is used: finite values, values within the input
 * bounds, the expected example shape, labels below the number of classes.
 *
 * <p>Each check returns its argument, so it can be used inline, and otherwise throws a
 * {@link DataFormatException} with a one-line message that starts with {@code what} (the data's
 * source or role, e.g. {@code "test images"}) and names the first offending example, position
 * and value, e.g. {@code "x_test.npy: value NaN at example 3, index [0, 12, 7] is not finite"}.
 * Like Guava's preconditions, the checks collect nothing and stop at the first problem: one
 * clear message is enough to find a bad file.
 */
public final class DataChecks {
    private DataChecks() {}

    /**
     * Requires every feature value of {@code data} to be finite (no NaN, no infinity).
     *
     * @param what names the data in the message; the data's own source is added
     */
    public static LabeledData requireFinite(LabeledData data, String what) {
        requireFinite(data.features(), what + " (" + data.source() + ")");
        return data;
    }

    /** Requires every value of {@code tensor} to be finite (no NaN, no infinity). */
    public static FloatTensor requireFinite(FloatTensor tensor, String what) {
        float[] v = tensor.data();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new DataFormatException(
                        what + ": value " + v[i] + " at " + position(tensor, i) + " is not finite");
            }
        }
        return tensor;
    }

    /**
     * Requires every value of {@code tensor} to lie in {@code [lower, upper]}; NaN never does.
     *
     * @throws IllegalArgumentException if {@code lower > upper}
     */
    public static FloatTensor requireWithin(FloatTensor tensor, float lower, float upper, String what) {
        if (!(lower <= upper)) {
            throw new IllegalArgumentException("empty bounds [" + lower + ", " + upper + "]");
        }
        float[] v = tensor.data();
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= lower && v[i] <= upper)) {
                throw new DataFormatException(what + ": value " + v[i] + " at " + position(tensor, i)
                        + " is outside the bounds [" + lower + ", " + upper + "]");
            }
        }
        return tensor;
    }

    /**
     * Requires every value to lie within its channel's bounds, the channel being the index along
     * axis {@code channelAxis} of one example (all dimensions but the first).
     *
     * @param lower one lower bound per channel, or one for all
     * @param upper one upper bound per channel, or one for all
     * @throws DataFormatException naming {@code what}, the first value outside and its bounds
     */
    public static FloatTensor requireWithinPerChannel(
            FloatTensor tensor, float[] lower, float[] upper, int channelAxis, String what) {
        if (lower.length == 1 && upper.length == 1) {
            return requireWithin(tensor, lower[0], upper[0], what);
        }
        int[] example = tensor.exampleShape();
        int stride = 1;
        for (int i = channelAxis + 1; i < example.length; i++) {
            stride *= example[i];
        }
        int channels = example[channelAxis];
        if (channels != lower.length || channels != upper.length) {
            throw new DataFormatException(what + ": " + channels + " channels on axis " + channelAxis + ", but "
                    + lower.length + " per-channel bounds");
        }
        float[] v = tensor.data();
        for (int i = 0; i < v.length; i++) {
            int c = (i / stride) % channels;
            if (!(v[i] >= lower[c] && v[i] <= upper[c])) {
                throw new DataFormatException(what + ": value " + v[i] + " at " + position(tensor, i)
                        + " is outside channel " + c + "'s bounds [" + lower[c] + ", " + upper[c] + "]");
            }
        }
        return tensor;
    }

    /**
     * Requires the examples of {@code tensor} (all dimensions but the first) to have {@code shape}.
     * The message names the first dimension that differs.
     */
    public static FloatTensor requireExampleShape(FloatTensor tensor, int[] shape, String what) {
        if (tensor.rank() == 0) {
            throw new DataFormatException(
                    what + ": a scalar is not a batch of examples of shape " + Arrays.toString(shape));
        }
        int[] actual = tensor.exampleShape();
        if (!Arrays.equals(actual, shape)) {
            String detail;
            if (actual.length != shape.length) {
                detail = actual.length + " dimensions instead of " + shape.length;
            } else {
                int d = Arrays.mismatch(actual, shape);
                detail = "dimension " + d + " is " + actual[d] + " instead of " + shape[d];
            }
            throw new DataFormatException(what + ": examples have shape " + Arrays.toString(actual) + ", expected "
                    + Arrays.toString(shape) + " (" + detail + ")");
        }
        return tensor;
    }

    /**
     * Requires every label to be a class index in {@code 0..classes-1}.
     *
     * @throws IllegalArgumentException if {@code classes < 1}
     */
    public static int[] requireLabelsBelow(int[] labels, int classes, String what) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be at least 1, got " + classes);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new DataFormatException(what + ": label " + labels[i] + " at example " + i
                        + " is not a class index 0.." + (classes - 1));
            }
        }
        return labels;
    }

    /** "example 3, index [0, 12, 7]" for flat index {@code i}, or "index 5" for a scalar. */
    private static String position(FloatTensor t, int flat) {
        int[] shape = t.shape();
        if (shape.length == 0) {
            return "index " + flat;
        }
        int[] at = new int[shape.length];
        int rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = rest % shape[d];
            rest /= shape[d];
        }
        String inner = Arrays.toString(Arrays.copyOfRange(at, 1, at.length));
        return shape.length == 1 ? "example " + at[0] : "example " + at[0] + ", index " + inner;
    }
}
