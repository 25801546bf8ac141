package dev.marauder.core.train;

import ai.djl.ndarray.NDArray;

/** The training loss shared by every trainer. */
public final class Losses {
    private Losses() {}

    /**
     * The mean softmax cross-entropy of {@code logits} ({@code [N, C]}, or {@code [N, T, C]} for a
     * sequence model) against integer {@code targets} ({@code [N]} or {@code [N, T]}), over all
     * targets.
     */
    public static NDArray meanCrossEntropy(NDArray logits, NDArray targets) {
        int classes = (int) logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray picked = logits.logSoftmax(-1)
                .mul(targets.oneHot(classes, logits.getDataType()))
                .sum();
        return picked.neg().div((float) targets.getShape().size());
    }
}
