package dev.marauder.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * What one mini-batch step of a gradient trainer minimises: the plain cross-entropy of the batch
 * ({@link #CROSS_ENTROPY}), or an objective that first transforms the batch, such as adversarial
 * training's inner maximisation (Madry et al. 2018). {@link AdamTrainer#fit(Block,
 * TrainingExamples, String, dev.marauder.core.progress.Progress, BatchObjective)} runs the loop; an
 * objective only says how a batch becomes a loss, so there is one training loop for every kind of
 * loss.
 *
 * <p>An objective may keep per-epoch statistics (it is created for one run, unlike the immutable
 * trainer settings that create it) and report them in {@link #endEpoch()}.
 */
public interface BatchObjective {

    /** The mean cross-entropy of the batch as it is (soft or hard targets, {@link Losses}). */
    BatchObjective CROSS_ENTROPY = (block, parameters, x, prepared, y) ->
            Losses.meanCrossEntropy(forward(block, parameters, prepared, true), y);

    /**
     * Work done before the step's parameter gradient is recorded, outside any gradient collector
     * (for example crafting adversarial inputs, which needs input gradients of its own). The
     * block's parameters are frozen meanwhile, so no parameter gradient accumulates.
     *
     * @param block the network being trained
     * @param parameters its parameter store
     * @param x the batch's inputs
     * @param y the batch's targets
     * @return the inputs the loss sees (by default {@code x} itself), in {@code x}'s manager
     */
    default NDArray prepare(Block block, ParameterStore parameters, NDArray x, NDArray y) {
        return x;
    }

    /** Whether {@link #prepare} does anything (the loop freezes parameters only then). */
    default boolean prepares() {
        return false;
    }

    /**
     * The scalar loss whose parameter gradient the step follows; called under the gradient
     * collector.
     *
     * @param x the batch's inputs
     * @param prepared what {@link #prepare} returned
     * @param y the batch's targets
     */
    NDArray loss(Block block, ParameterStore parameters, NDArray x, NDArray prepared, NDArray y);

    /** Statistics of the epoch that just ended, for the progress line (e.g. "robust 0.52"), and a reset. */
    default String endEpoch() {
        return "";
    }

    /** A forward pass of {@code block} on {@code x}; {@code training} selects training behaviour. */
    static NDArray forward(Block block, ParameterStore parameters, NDArray x, boolean training) {
        return block.forward(parameters, new NDList(x), training).singletonOrThrow();
    }
}
