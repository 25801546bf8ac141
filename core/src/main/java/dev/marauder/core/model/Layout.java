package dev.marauder.core.model;

import java.util.Locale;

/**
 * Where an image model expects the channel axis of one example: first ({@code [C, H, W]}, as
 * PyTorch models do) or last ({@code [H, W, C]}, as TensorFlow and Keras models exported to ONNX
 * often do). Data are given in the model's own layout; the layout says which axis per-channel
 * bounds and normalisation apply to. For inputs of one or two dimensions (tabular rows, grayscale
 * images without a channel axis) the first axis is the "channel" axis either way.
 */
public enum Layout {
    /** {@code [N, C, H, W]}: channels first. */
    NCHW,
    /** {@code [N, H, W, C]}: channels last. */
    NHWC;

    /**
     * The axis of one example's shape (without the batch axis) that holds the channels.
     *
     * @param rank the number of dimensions of one example
     */
    public int channelAxis(int rank) {
        return this == NHWC && rank >= 3 ? rank - 1 : 0;
    }

    /** The command-line and file spelling: {@code nchw} or {@code nhwc}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code nchw} or {@code nhwc} (any case).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Layout of(String id) {
        for (Layout l : values()) {
            if (l.id().equalsIgnoreCase(id.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("layout must be nchw or nhwc, got '" + id + "'");
    }
}
