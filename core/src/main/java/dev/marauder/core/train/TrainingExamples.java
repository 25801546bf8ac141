package dev.marauder.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Tensors;

/**
 * The examples a {@link Trainer} fits: how many there are, and a batch of them as engine arrays.
 * One example is one unit of privacy for DP-SGD (an image, or a whole training sequence).
 */
public interface TrainingExamples {

    /** The number of examples. */
    int size();

    /** The inputs of the examples at {@code indices}, allocated in {@code manager}. */
    NDArray inputs(NDManager manager, int[] indices);

    /**
     * The targets of the examples at {@code indices}: class indices {@code [N]}, or
     * {@code [N, T]} for a sequence model, or probability vectors {@code [N, C]} (float) for soft
     * labels (see {@link Losses#meanCrossEntropy}), allocated in {@code manager}. DP-SGD takes
     * class indices only.
     */
    NDArray targets(NDManager manager, int[] indices);

    /** Labelled examples of a classifier. */
    static TrainingExamples of(LabeledData data) {
        return new TrainingExamples() {
            @Override
            public int size() {
                return data.size();
            }

            @Override
            public NDArray inputs(NDManager manager, int[] indices) {
                return Tensors.toNDArray(manager, data.select(indices).features());
            }

            @Override
            public NDArray targets(NDManager manager, int[] indices) {
                int[] labels = new int[indices.length];
                for (int i = 0; i < indices.length; i++) {
                    labels[i] = data.labels()[indices[i]];
                }
                return Tensors.labels(manager, labels);
            }
        };
    }
}
