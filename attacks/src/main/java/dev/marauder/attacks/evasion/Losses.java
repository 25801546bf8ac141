package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;

/** Per-example quantities of a batch's logits that attacks compare across restarts. */
final class Losses {
    private Losses() {}

    /** Softmax cross-entropy of each example's {@code labels} entry, {@code [N]}. */
    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray scoped = logits.getManager().create(labels.toLongArray());
        NDArray indicator = scoped.oneHot((int) logits.getShape().get(1), logits.getDataType());
        return logits.logSoftmax(1).mul(indicator).sum(new int[] {1}).neg();
    }
}
