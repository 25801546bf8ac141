package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.marauder.core.io.DataFormatException;
import java.util.Arrays;

/**
 * Checks every batch a model returns before a number is computed from it: one row per example,
 * one column per class, and only finite scores. A model that returns one row for a batch of 20,
 * or NaN logits, is an error naming the model's file, never a wrong accuracy.
 */
final class ModelOutputs {
    private ModelOutputs() {}

    /** The engine's output for {@code examples} inputs, as float32 {@code [examples, classes]}. */
    static NDArray checked(NDArray out, long examples, int classes, ModelInfo info) {
        long[] shape = out.getShape().getShape();
        if (shape.length != 2 || shape[0] != examples || shape[1] != classes) {
            throw new DataFormatException(source(info) + ": output for a batch of " + examples + " examples has shape "
                    + Arrays.toString(shape) + "; expected [" + examples + ", " + classes + "]");
        }
        DataType type = out.getDataType();
        if (!type.isFloating()) {
            throw new DataFormatException(source(info) + ": output has data type " + type + "; expected float scores");
        }
        NDArray scores = type == DataType.FLOAT32 ? out : out.toType(DataType.FLOAT32, false);
        if (examples > 0 && scores.isInfinite().logicalOr(scores.isNaN()).any().getBoolean()) {
            throw new DataFormatException(source(info) + ": output contains NaN or infinite scores");
        }
        return scores;
    }

    /**
     * Checks that a model declared to return probabilities does: values in [0, 1] and rows summing
     * to one (within 1e-3), so that a logits model declared as probabilities is an error, not a
     * silent wrong number.
     */
    static void requireProbabilities(NDArray p, ModelInfo info) {
        if (p.getShape().get(0) == 0) {
            return;
        }
        NDArray f = p.toType(DataType.FLOAT32, false);
        boolean inRange = f.gte(0f).logicalAnd(f.lte(1f)).all().getBoolean();
        boolean sumsToOne = f.sum(new int[] {1}).sub(1f).abs().lte(1e-3f).all().getBoolean();
        if (!inRange || !sumsToOne) {
            throw new DataFormatException(source(info) + ": declared to output probabilities, but its rows are not"
                    + " probability vectors (values in [0, 1] summing to 1); check --output");
        }
    }

    /** ONNX Runtime's output rows for {@code examples} inputs. */
    static void check(float[][] scores, int examples, int classes, ModelInfo info) {
        if (scores.length != examples) {
            throw new DataFormatException(source(info) + ": output for a batch of " + examples + " examples has "
                    + scores.length + " rows; expected " + examples);
        }
        for (int i = 0; i < scores.length; i++) {
            if (scores[i].length != classes) {
                throw new DataFormatException(source(info) + ": output row " + i + " has " + scores[i].length
                        + " scores; expected " + classes);
            }
            for (float v : scores[i]) {
                if (!Float.isFinite(v)) {
                    throw new DataFormatException(
                            source(info) + ": output contains NaN or infinite scores (row " + i + ")");
                }
            }
        }
    }

    /** The model's file (the first file read to load it), or its name. */
    private static String source(ModelInfo info) {
        return info.fileHashes().isEmpty()
                ? info.name()
                : info.fileHashes().keySet().iterator().next();
    }
}
