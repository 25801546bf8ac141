package dev.marauder.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;

/**
 * Runs one layer on one input, and may observe the call: the forward hook through which
 * per-example gradient computations (DP-SGD) see each parametric layer's input and reach its
 * output gradient. {@link #PLAIN} just runs the layer.
 *
 * <p>Blocks built from several parametric layers (such as {@link Lstm}) implement {@link
 * TapAwareBlock} and route every inner layer call through the tap they are given.
 */
@FunctionalInterface
public interface LayerTap {
    /** The tap that only runs the layer. */
    LayerTap PLAIN = (layer, parameters, input, training) ->
            layer.forward(parameters, new NDList(input), training).singletonOrThrow();

    /** Runs {@code layer} on {@code input} and returns its (single) output. */
    NDArray forward(Block layer, ParameterStore parameters, NDArray input, boolean training);

    /**
     * Runs {@code block} with every leaf layer call going through {@code tap}: sequential blocks
     * are walked child by child, {@link TapAwareBlock}s are given the tap, other blocks are
     * leaves.
     */
    static NDArray run(Block block, ParameterStore parameters, NDArray input, boolean training, LayerTap tap) {
        if (block instanceof SequentialBlock sequential) {
            NDArray h = input;
            for (Block child : sequential.getChildren().values()) {
                h = run(child, parameters, h, training, tap);
            }
            return h;
        }
        if (block instanceof TapAwareBlock aware) {
            return aware.forward(parameters, input, training, tap);
        }
        return tap.forward(block, parameters, input, training);
    }
}
