package dev.marauder.defenses.transform;

import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;

/**
 * A preprocessing defense {@code t} put in front of a model: the defended model answers
 * {@code f(t(x))}. Transformations work on one batch of float examples at a time, in the
 * model's input layout.
 *
 * <p>For attacks, each transformation says how a gradient with respect to its output goes back to
 * its input ({@link Draw#exactPullBack}, the derivative where one is defined, which is zero or
 * absent for most of these defenses: the "shattered gradients" of Athalye, Carlini &amp; Wagner
 * 2018, "Obfuscated Gradients Give a False Sense of Security") and how the Backward Pass
 * Differentiable Approximation passes it back ({@link Draw#approximatePullBack}: by default the
 * identity, as for transformations with {@code t(x) ~ x}). Randomized transformations are
 * attacked with Expectation over Transformation, averaging over {@link #draw draws}.
 */
public interface InputTransformation {

    /** The transformation's id in the command line: {@code bitdepth}, {@code jpeg}, ... */
    String id();

    /** The paper that proposed it as a defense. */
    String reference();

    /** Whether it draws randomness (EOT applies), or is a fixed function. */
    boolean randomized();

    /**
     * The defended model's input given the base model's: the same, except for transformations
     * that change the shape (thermometer encoding).
     *
     * @throws IllegalArgumentException if the transformation cannot sit in front of that model
     */
    default InputSpec defendedInput(InputSpec base) {
        return base;
    }

    /**
     * The shape the model behind the transformation takes, for inputs of {@code inputShape}: the
     * same, except for transformations that change it (thermometer encoding).
     */
    default int[] outputShape(int[] inputShape) {
        return inputShape.clone();
    }

    /** One realisation of the transformation's randomness (the transformation itself if fixed). */
    Draw draw(SplittableRandom random);

    /** A fixed function, one draw of a randomized transformation. */
    interface Draw {

        /**
         * Transforms a batch.
         *
         * @param x the examples, {@code [N, ...]} flattened, each of {@code spec}'s shape
         * @param n the number of examples
         * @param spec the defended model's input
         * @return the transformed batch, in the base model's input layout
         */
        float[] apply(float[] x, int n, InputSpec spec);

        /**
         * The gradient with respect to the input, given {@code v}, the gradient with respect to
         * this draw's output at {@code apply(x)}: the true derivative where it is defined, zero
         * where the transformation is piecewise constant or treated as a black box.
         */
        float[] exactPullBack(float[] x, float[] v, int n, InputSpec spec);

        /** BPDA: the pull-back through a differentiable approximation (default: the identity). */
        default float[] approximatePullBack(float[] x, float[] v, int n, InputSpec spec) {
            return v.clone();
        }
    }
}
