package dev.marauder.core.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The built-in network architectures Marauder trains itself. None uses BatchNorm, so all can be
 * trained with per-example gradient clipping (DP-SGD).
 */
public enum Architecture {
    /** Multinomial logistic regression: flatten, one linear layer to the logits. */
    LOGREG("logreg") {
        @Override
        public Block build(int classes) {
            return new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(classes).build());
        }
    },
    /** Multi-layer perceptron: flatten, 256 ReLU units, logits. */
    MLP("mlp") {
        @Override
        public Block build(int classes) {
            return new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(256).build())
                    .add(Activation::relu)
                    .add(Linear.builder().setUnits(classes).build());
        }
    },
    /**
     * A small convolutional network for 28x28 images: two 3x3 convolutions (16 and 32 channels)
     * each followed by ReLU and 2x2 max pooling, a 128-unit ReLU layer, logits.
     */
    CNN("cnn") {
        @Override
        public Block build(int classes) {
            return new SequentialBlock()
                    .add(Conv2d.builder()
                            .setKernelShape(new Shape(3, 3))
                            .optPadding(new Shape(1, 1))
                            .setFilters(16)
                            .build())
                    .add(Activation::relu)
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                    .add(Conv2d.builder()
                            .setKernelShape(new Shape(3, 3))
                            .optPadding(new Shape(1, 1))
                            .setFilters(32)
                            .build())
                    .add(Activation::relu)
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(128).build())
                    .add(Activation::relu)
                    .add(Linear.builder().setUnits(classes).build());
        }

        @Override
        public void checkInput(int[] exampleShape) {
            if (exampleShape.length != 3) {
                throw new IllegalArgumentException(
                        "the cnn architecture needs image inputs [channels, height, width], got "
                                + Arrays.toString(exampleShape));
            }
        }
    };

    private final String id;

    Architecture(String id) {
        this.id = id;
    }

    /** The name used on the command line and in model cards. */
    public String id() {
        return id;
    }

    /** A fresh, uninitialised network with {@code classes} outputs. */
    public abstract Block build(int classes);

    /** Rejects example shapes the architecture cannot take. */
    public void checkInput(int[] exampleShape) {}

    /** The architecture named {@code id} ({@code logreg}, {@code mlp}, {@code cnn}). */
    public static Architecture of(String id) {
        for (Architecture a : values()) {
            if (a.id.equals(id.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + id + "'; choose one of "
                + Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", ")));
    }
}
