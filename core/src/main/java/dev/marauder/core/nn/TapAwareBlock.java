package dev.marauder.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A block made of parametric child layers that it may call several times (a recurrent layer calls
 * its hidden-to-hidden layer once per time step). It holds no parameters of its own and runs every
 * child call through a {@link LayerTap}, so per-example gradient rules written for the children
 * (Linear, Embedding, ...) cover the whole block.
 */
public interface TapAwareBlock extends Block {
    /** The forward pass with each child layer call made through {@code tap}. */
    NDArray forward(ParameterStore parameters, NDArray input, boolean training, LayerTap tap);
}
