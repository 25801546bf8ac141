package dev.marauder.core.train;

import ai.djl.ndarray.NDArray;

/** The training loss shared by every trainer. */
public final class Losses {
    private Losses() {}

    /**
     * The mean softmax cross-entropy of {@code logits} ({@code [N, C]}, or {@code [N, T, C]} for a
     * sequence model) against its targets, over all targets. The targets are either integer class
     * indices ({@code [N]} or {@code [N, T]}) or, with the logits' own shape and a floating type,
     * probability vectors (soft labels, as a substitute model is fitted to a victim's returned
     * confidences in model extraction, Tramer et al. 2016): the loss is then
     * {@code -sum_c q_c log softmax(z)_c}, which for one-hot {@code q} is the usual loss.
     */
    public static NDArray meanCrossEntropy(NDArray logits, NDArray targets) {
        int classes = (int) logits.getShape().get(logits.getShape().dimension() - 1);
        boolean soft = targets.getDataType().isFloating() && targets.getShape().equals(logits.getShape());
        NDArray weights = soft ? targets : targets.oneHot(classes, logits.getDataType());
        NDArray picked = logits.logSoftmax(-1).mul(weights).sum();
        long count =
                soft ? targets.getShape().size() / classes : targets.getShape().size();
        return picked.neg().div((float) count);
    }
}
