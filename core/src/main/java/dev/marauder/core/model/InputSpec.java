package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * What a model accepts: the shape of one example and the box every input value must lie in (for
 * images usually {@code [0, 1]}), either one interval for every value or one per channel (per
 * feature for tabular rows). Attacks clip to this box, so epsilons and bounds are in the units of
 * the raw input; a model's own normalisation belongs to the model (see {@link Normalization}).
 *
 * <p>The channel axis of per-channel bounds is given by the {@link Layout}: the first axis of one
 * example for {@code nchw} (and for rows and 2-D inputs), the last for {@code nhwc}.
 */
@JsonAutoDetect(
        fieldVisibility = JsonAutoDetect.Visibility.NONE,
        getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class InputSpec {
    private final int[] shape;
    private final float[] lowerBounds;
    private final float[] upperBounds;
    private final Layout layout;

    /**
     * One interval {@code [lower, upper]} for every input value, channels first.
     *
     * @param shape shape of a single example, without the batch dimension, e.g. {@code [1, 28, 28]}
     * @param lower smallest valid input value
     * @param upper largest valid input value
     */
    public InputSpec(int[] shape, float lower, float upper) {
        this(shape, Layout.NCHW, new float[] {lower}, new float[] {upper});
    }

    /**
     * Bounds per channel.
     *
     * @param shape shape of a single example, without the batch dimension
     * @param layout which axis holds the channels
     * @param lowerBounds one lower bound for all channels, or one per channel
     * @param upperBounds one upper bound for all channels, or one per channel
     * @throws IllegalArgumentException for a non-positive dimension, bound arrays whose length is
     *     neither 1 nor the number of channels, or a channel whose lower bound is not below its
     *     upper bound
     */
    public InputSpec(int[] shape, Layout layout, float[] lowerBounds, float[] upperBounds) {
        this.shape = shape.clone();
        this.layout = layout;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("input shape must be positive, got " + Arrays.toString(shape));
            }
        }
        int channels = shape.length == 0 ? 1 : shape[layout.channelAxis(shape.length)];
        if (lowerBounds.length != upperBounds.length) {
            throw new IllegalArgumentException(lowerBounds.length + " lower bounds but " + upperBounds.length
                    + " upper bounds; give one pair, or one per channel");
        }
        if (lowerBounds.length != 1 && lowerBounds.length != channels) {
            throw new IllegalArgumentException(lowerBounds.length + " bounds for an input of shape "
                    + Arrays.toString(shape) + " with " + channels + " channels on axis "
                    + layout.channelAxis(shape.length) + " (" + layout.id() + "); give one pair, or one per channel");
        }
        for (int c = 0; c < lowerBounds.length; c++) {
            if (!(lowerBounds[c] < upperBounds[c])) {
                throw new IllegalArgumentException("input bounds must satisfy lower < upper, got [" + lowerBounds[c]
                        + ", " + upperBounds[c] + "]" + (lowerBounds.length > 1 ? " for channel " + c : ""));
            }
        }
        boolean uniform = true;
        for (int c = 1; c < lowerBounds.length; c++) {
            uniform &= lowerBounds[c] == lowerBounds[0] && upperBounds[c] == upperBounds[0];
        }
        this.lowerBounds = uniform ? new float[] {lowerBounds[0]} : lowerBounds.clone();
        this.upperBounds = uniform ? new float[] {upperBounds[0]} : upperBounds.clone();
    }

    /** Shape of one example (a copy). */
    @JsonProperty("shape")
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

    /** Which axis holds the channels. */
    public Layout layout() {
        return layout;
    }

    /** The smallest valid input value of any channel (the one lower bound when it is uniform). */
    @JsonProperty("lower")
    public float lower() {
        float m = lowerBounds[0];
        for (float v : lowerBounds) {
            m = Math.min(m, v);
        }
        return m;
    }

    /** The largest valid input value of any channel (the one upper bound when it is uniform). */
    @JsonProperty("upper")
    public float upper() {
        float m = upperBounds[0];
        for (float v : upperBounds) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** True if every value has the same interval. */
    public boolean uniformBounds() {
        return lowerBounds.length == 1;
    }

    /** Lower bound per channel, or one for all (a copy). */
    public float[] lowerBounds() {
        return lowerBounds.clone();
    }

    /** Upper bound per channel, or one for all (a copy). */
    public float[] upperBounds() {
        return upperBounds.clone();
    }

    @JsonProperty("lower_bounds")
    private float[] lowerBoundsIfPerChannel() {
        return uniformBounds() ? null : lowerBounds();
    }

    @JsonProperty("upper_bounds")
    private float[] upperBoundsIfPerChannel() {
        return uniformBounds() ? null : upperBounds();
    }

    @JsonProperty("layout")
    private String layoutIfNotDefault() {
        return layout == Layout.NCHW ? null : layout.id();
    }

    /**
     * The narrowest channel's width {@code upper - lower}: the range that default epsilons scale
     * with, so that a default perturbation is never larger than intended on any channel.
     */
    public float smallestWidth() {
        float w = Float.POSITIVE_INFINITY;
        for (int c = 0; c < lowerBounds.length; c++) {
            w = Math.min(w, upperBounds[c] - lowerBounds[c]);
        }
        return w;
    }

    /** The axis of one example's shape that holds the channels. */
    public int channelAxis() {
        return layout.channelAxis(shape.length);
    }

    /** The channel of the value at {@code index} of one flattened example (row-major). */
    public int channelOf(int index) {
        if (shape.length == 0) {
            return 0;
        }
        int axis = channelAxis();
        int stride = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            stride *= shape[i];
        }
        return (index / stride) % shape[axis];
    }

    /** The lower bound of the value at {@code index} of one flattened example. */
    public float lowerAt(int index) {
        return uniformBounds() ? lowerBounds[0] : lowerBounds[channelOf(index)];
    }

    /** The upper bound of the value at {@code index} of one flattened example. */
    public float upperAt(int index) {
        return uniformBounds() ? upperBounds[0] : upperBounds[channelOf(index)];
    }

    /**
     * Per-channel values as an array that broadcasts against a batch {@code [N, ...shape()]}: a
     * scalar-like {@code [1, 1, ...]} array for one value, else {@code [1, .., C, .., 1]} with
     * the channels on the channel axis. It belongs to {@code manager}.
     *
     * @param values one value, or one per channel
     */
    public NDArray broadcastable(NDManager manager, float[] values) {
        long[] dims = new long[shape.length + 1];
        Arrays.fill(dims, 1);
        if (values.length > 1) {
            dims[channelAxis() + 1] = values.length;
        } else if (values.length != 1) {
            throw new IllegalArgumentException("need one value or one per channel, got none");
        }
        return manager.create(values, new Shape(dims));
    }

    /** The lower bounds as an array that broadcasts against a batch; it belongs to {@code manager}. */
    public NDArray lowerArray(NDManager manager) {
        return broadcastable(manager, lowerBounds);
    }

    /** The upper bounds as an array that broadcasts against a batch; it belongs to {@code manager}. */
    public NDArray upperArray(NDManager manager) {
        return broadcastable(manager, upperBounds);
    }

    /** {@code x} clipped into the box, per channel when the bounds are; the result belongs to {@code x}'s manager. */
    public NDArray clip(NDArray x) {
        if (uniformBounds()) {
            return x.clip(lowerBounds[0], upperBounds[0]);
        }
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray raised = x.maximum(lowerArray(scope));
            raised.attach(scope);
            NDArray clipped = raised.minimum(upperArray(scope));
            clipped.attach(x.getManager());
            return clipped;
        }
    }

    /** The same bounds and layout for examples of another shape with the same channels. */
    public InputSpec withShape(int[] newShape) {
        return new InputSpec(newShape, layout, lowerBounds, upperBounds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec s
                && Arrays.equals(shape, s.shape)
                && layout == s.layout
                && Arrays.equals(lowerBounds, s.lowerBounds)
                && Arrays.equals(upperBounds, s.upperBounds);
    }

    @Override
    public int hashCode() {
        return ((Arrays.hashCode(shape) * 31 + layout.hashCode()) * 31 + Arrays.hashCode(lowerBounds)) * 31
                + Arrays.hashCode(upperBounds);
    }

    @Override
    public String toString() {
        String bounds = uniformBounds()
                ? "[" + lowerBounds[0] + ", " + upperBounds[0] + "]"
                : "per channel " + Arrays.toString(lowerBounds) + " .. " + Arrays.toString(upperBounds);
        return "InputSpec" + Arrays.toString(shape) + (layout == Layout.NCHW ? "" : " " + layout.id()) + " in "
                + bounds;
    }
}
