package dev.marauder.attacks.extraction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Tensors;
import java.util.SplittableRandom;

/** How the extraction attacks talk to a black-box classifier: random inputs and batched queries. */
final class Oracle {
    /** Examples per engine call; the count of queries does not depend on it. */
    static final int BATCH = 512;

    private Oracle() {}

    /**
     * {@code n} inputs drawn uniformly from the box of {@code spec} (each value within its
     * channel's bounds), shaped {@code [n, ...spec.shape()]}.
     */
    static FloatTensor uniform(InputSpec spec, int n, SplittableRandom random) {
        int size = spec.size();
        float[] data = new float[n * size];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < size; j++) {
                float lo = spec.lowerAt(j);
                float hi = spec.upperAt(j);
                data[i * size + j] = Math.min(hi, lo + (float) (random.nextDouble() * (hi - lo)));
            }
        }
        int[] shape = new int[spec.shape().length + 1];
        shape[0] = n;
        System.arraycopy(spec.shape(), 0, shape, 1, spec.shape().length);
        return new FloatTensor(data, shape);
    }

    /** What {@code model} answers for each input (its {@link Classifier#predict} rows), one query each. */
    static float[][] answers(Classifier model, FloatTensor x) {
        int n = x.examples();
        float[][] out = new float[n][];
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int start = 0; start < n; start += BATCH) {
                int end = Math.min(n, start + BATCH);
                try (NDManager sub = manager.newSubManager()) {
                    NDArray batch = Tensors.toNDArray(sub, x.slice(start, end));
                    float[] flat = model.predict(batch).toFloatArray();
                    int c = model.classes();
                    for (int i = start; i < end; i++) {
                        out[i] = new float[c];
                        System.arraycopy(flat, (i - start) * c, out[i], 0, c);
                    }
                }
            }
        }
        return out;
    }

    /** Class probabilities of {@code model} for each input ({@link Classifier#probabilities}), one query each. */
    static float[][] probabilities(Classifier model, FloatTensor x) {
        int n = x.examples();
        float[][] out = new float[n][];
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int start = 0; start < n; start += BATCH) {
                int end = Math.min(n, start + BATCH);
                try (NDManager sub = manager.newSubManager()) {
                    NDArray batch = Tensors.toNDArray(sub, x.slice(start, end));
                    float[] flat = model.probabilities(batch).toFloatArray();
                    int c = model.classes();
                    for (int i = start; i < end; i++) {
                        out[i] = new float[c];
                        System.arraycopy(flat, (i - start) * c, out[i], 0, c);
                    }
                }
            }
        }
        return out;
    }

    /** The index of the largest value (the first of ties). */
    static int argMax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }
}
