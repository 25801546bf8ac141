package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;

/**
 * A scalar function of a batch's logits, to be differentiated with respect to the input.
 * Implementations must use only differentiable NDArray operations.
 */
@FunctionalInterface
public interface LogitsObjective {

    /** The scalar objective for {@code logits} of shape {@code [N, classes]}. */
    NDArray apply(NDArray logits);

    /**
     * Summed softmax cross-entropy with integer {@code labels} {@code [N]}: the loss an untargeted
     * attack ascends and a targeted attack descends.
     */
    static LogitsObjective crossEntropy(NDArray labels) {
        return logits -> perExampleCrossEntropy(logits, labels).sum();
    }

    /** Softmax cross-entropy of each example's label, {@code [N]}, with its temporaries in the logits' scope. */
    static NDArray perExampleCrossEntropy(NDArray logits, NDArray labels) {
        NDArray logProbs = logits.logSoftmax(1);
        // Copy the labels into the logits' scope first: every temporary of this objective
        // (DJL's one-hot makes two) must die with that scope, not with the labels' manager.
        NDArray scoped = logits.getManager().create(labels.toLongArray());
        NDArray indicator = scoped.oneHot((int) logits.getShape().get(1), logProbs.getDataType());
        return logProbs.mul(indicator).sum(new int[] {1}).neg();
    }
}
