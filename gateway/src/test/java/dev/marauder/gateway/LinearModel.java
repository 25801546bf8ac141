package dev.marauder.gateway;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.OutputKind;
import java.util.Map;

/** A linear model of 4 inputs and 3 classes, logits {@code [x0 + x1, x2 - x3, 2 x0]}. */
final class LinearModel implements Classifier {
    @Override
    public NDArray predict(NDArray x) {
        float[] v = x.toFloatArray();
        int n = v.length / 4;
        float[] s = new float[n * 3];
        for (int i = 0; i < n; i++) {
            s[3 * i] = v[4 * i] + v[4 * i + 1];
            s[3 * i + 1] = v[4 * i + 2] - v[4 * i + 3];
            s[3 * i + 2] = 2 * v[4 * i];
        }
        return x.getManager().create(s, new Shape(n, 3));
    }

    @Override
    public OutputKind outputKind() {
        return OutputKind.LOGITS;
    }

    @Override
    public InputSpec inputSpec() {
        return new InputSpec(new int[] {4}, 0f, 4f);
    }

    @Override
    public int classes() {
        return 3;
    }

    @Override
    public long queries() {
        return 0;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("linear", ModelFormat.MARAUDER, Map.of());
    }

    @Override
    public void close() {}
}
