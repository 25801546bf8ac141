package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;

/**
 * White-box access: a classifier whose logits can be differentiated with respect to its input.
 *
 * <p>The threat model of gradient-based evasion (Goodfellow et al. 2015; Madry et al. 2018;
 * Carlini &amp; Wagner 2017) and of white-box inversion (Fredrikson et al. 2015). Gradients are
 * taken with the model in evaluation mode (BatchNorm uses running statistics, Dropout is off), and
 * never accumulate on the model's parameters.
 */
public interface DifferentiableClassifier extends Classifier {

    /** Logits {@code [N, classes]} without recording gradients. Counts as a query. */
    NDArray logits(NDArray x);

    /** {@inheritDoc} Differentiable models answer with logits. */
    @Override
    default NDArray predict(NDArray x) {
        return logits(x);
    }

    @Override
    default OutputKind outputKind() {
        return OutputKind.LOGITS;
    }

    /**
     * Logits and the gradient of a scalar objective of the logits with respect to the input.
     *
     * @param x inputs {@code [N, ...]}; not modified
     * @param objective maps the logits {@code [N, classes]} to a scalar to differentiate; for
     *     per-example gradients it should be a sum over examples
     * @return logits and gradient, both attached to {@code x}'s manager
     */
    InputGradient gradient(NDArray x, LogitsObjective objective);

    /**
     * Gradient of the summed cross-entropy loss with respect to the input: each example's
     * gradient is that of its own loss, independent of the batch it is in.
     *
     * @param labels integer class labels {@code [N]}
     */
    default InputGradient lossGradient(NDArray x, NDArray labels) {
        return gradient(x, LogitsObjective.crossEntropy(labels));
    }
}
