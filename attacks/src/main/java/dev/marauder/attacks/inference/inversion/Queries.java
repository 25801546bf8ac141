package dev.marauder.attacks.inference.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.OutputKind;

/** Batching of host rows into model queries, and class probabilities from any score kind. */
final class Queries {
    private Queries() {}

    /** The rows stacked into one batch {@code [rows, ...spec.shape()]} in {@code scope}. */
    static NDArray batch(NDManager scope, float[][] rows, InputSpec spec) {
        int d = spec.size();
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        return scope.create(flat, batchShape(rows.length, spec));
    }

    /** The shape {@code [n, ...spec.shape()]}. */
    static Shape batchShape(int n, InputSpec spec) {
        int[] s = spec.shape();
        long[] shape = new long[s.length + 1];
        shape[0] = n;
        for (int i = 0; i < s.length; i++) {
            shape[i + 1] = s[i];
        }
        return new Shape(shape);
    }

    /**
     * Class probabilities {@code [N][classes]} of a batch, from logits by softmax or as returned;
     * queries the model once per row.
     */
    static float[][] probabilities(Classifier model, NDArray batch) {
        NDArray p = model.probabilities(batch);
        int n = Math.toIntExact(p.getShape().get(0));
        int classes = Math.toIntExact(p.getShape().get(1));
        float[] flat = p.toFloatArray();
        float[][] out = new float[n][classes];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * classes, out[i], 0, classes);
        }
        return out;
    }

    /** Rejects label-only models for an attack that needs confidence scores. */
    static void requireScores(Classifier model, String attack) {
        if (model.outputKind() == OutputKind.LABELS) {
            throw new IllegalArgumentException(attack + " needs confidence scores, but the model returns labels only");
        }
    }
}
