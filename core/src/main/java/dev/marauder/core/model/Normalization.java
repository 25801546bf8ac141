package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;

/**
 * A model's input normalisation {@code z = (x - mean) / std}, per channel or one pair for all
 * values, as torchvision's {@code Normalize} does. Marauder folds it into the model ({@link
 * #prepend(Classifier, InputSpec)}): attacks perturb the raw input {@code x} inside its raw bounds,
 * so epsilons stay in input units and the adversarial examples are valid raw inputs, as in ART's
 * {@code preprocessing=(mean, std)}.
 *
 * @param mean one mean per channel, or one for all; finite
 * @param std one standard deviation per channel, or one for all; finite and positive
 */
public record Normalization(float[] mean, float[] std) {

    @JsonCreator
    public Normalization(@JsonProperty("mean") float[] mean, @JsonProperty("std") float[] std) {
        if (mean == null || std == null) {
            throw new IllegalArgumentException("a normalisation needs both mean and std");
        }
        this.mean = mean.clone();
        this.std = std.clone();
        if (this.mean.length == 0 || this.mean.length != this.std.length) {
            throw new IllegalArgumentException(
                    "a normalisation needs as many means as stds (one, or one per channel), got " + this.mean.length
                            + " and " + this.std.length);
        }
        for (int c = 0; c < this.mean.length; c++) {
            if (!Float.isFinite(this.mean[c])) {
                throw new IllegalArgumentException("normalisation mean " + c + " is not finite: " + this.mean[c]);
            }
            if (!(this.std[c] > 0 && Float.isFinite(this.std[c]))) {
                throw new IllegalArgumentException(
                        "normalisation std " + c + " must be finite and positive, got " + this.std[c]);
            }
        }
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** {@code (x - mean) / std}, broadcast along {@code spec}'s channel axis; in {@code x}'s manager. */
    public NDArray apply(NDArray x, InputSpec spec) {
        requireFits(spec);
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray centred = x.sub(spec.broadcastable(scope, mean));
            centred.attach(scope);
            NDArray z = centred.div(spec.broadcastable(scope, std));
            z.attach(parent);
            return z;
        }
    }

    /** A gradient with respect to {@code z} turned into one with respect to {@code x}: divided by {@code std}. */
    NDArray chainRule(NDArray gradientOfZ, InputSpec spec) {
        NDManager parent = gradientOfZ.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray g = gradientOfZ.div(spec.broadcastable(scope, std));
            g.attach(parent);
            return g;
        }
    }

    /**
     * Checks that there is one value, or one per channel of {@code spec}.
     *
     * @throws IllegalArgumentException otherwise
     */
    public void requireFits(InputSpec spec) {
        int[] shape = spec.shape();
        int channels = shape.length == 0 ? 1 : shape[spec.channelAxis()];
        if (mean.length != 1 && mean.length != channels) {
            throw new IllegalArgumentException("normalisation has " + mean.length + " values, but the input "
                    + Arrays.toString(shape) + " has " + channels + " channels on axis " + spec.channelAxis() + " ("
                    + spec.layout().id() + ")");
        }
    }

    /**
     * The model with this normalisation in front: it takes raw inputs within {@code raw}'s bounds,
     * normalises them and passes them to {@code inner}. Queries are counted by {@code inner}; closing
     * the result closes it.
     */
    public Classifier prepend(Classifier inner, InputSpec raw) {
        requireFits(raw);
        return new NormalizedClassifier(inner, raw, this);
    }

    /**
     * White-box: the same, with input gradients through the normalisation (the chain rule divides
     * the gradient by {@code std}).
     */
    public DifferentiableClassifier prepend(DifferentiableClassifier inner, InputSpec raw) {
        requireFits(raw);
        return new NormalizedClassifier.Differentiable(inner, raw, this);
    }

    /** For provenance and reports, e.g. {@code mean [0.286], std [0.353]}. */
    public String describe() {
        return String.format(Locale.ROOT, "mean %s, std %s", Arrays.toString(mean), Arrays.toString(std));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization(" + describe() + ")";
    }
}
