package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Layout;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.Models;
import dev.marauder.core.model.OutputKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/** The models black-box attacks are tested on, and a query-counting, bounds-checking wrapper. */
final class BlackBoxFixtures {
    private BlackBoxFixtures() {}

    static Path fixture(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("core/src/test/resources/fixtures").resolve(name);
            if (Files.exists(f)) {
                return f;
            }
        }
        throw new IllegalStateException("fixture " + name + " not found");
    }

    /** The Fashion-MNIST CNN fixture (scripts/fixtures/make_fixtures.py), black-box. */
    static Classifier cnn() {
        return Models.open(fixture("fmnist_cnn.pt"), new InputSpec(new int[] {1, 28, 28}, 0f, 1f));
    }

    /**
     * A tiny linear model on {@code [3, 6, 6]} inputs with different bounds per channel
     * ({@code [0, 1]}, {@code [-1, 1]}, {@code [0.2, 0.8]}), four classes, seeded weights.
     */
    static Linear linear() {
        return new Linear(new SplittableRandom(7));
    }

    /** Points uniform inside the linear model's bounds, labelled by the model itself (clean accuracy 1). */
    static LabeledData linearData(Linear model, int n, long seed) {
        InputSpec spec = model.inputSpec();
        SplittableRandom r = new SplittableRandom(seed);
        int d = spec.size();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                float lo = spec.lowerAt(j);
                x[i * d + j] = lo + (float) r.nextDouble() * (spec.upperAt(j) - lo);
            }
        }
        FloatTensor features = new FloatTensor(x, new int[] {n, 3, 6, 6});
        return new LabeledData(features, model.classify(features, 64), "linear", "");
    }

    /** The linear model: logits {@code W x + b}, computed with DJL. */
    static final class Linear implements Classifier {
        private final InputSpec spec = new InputSpec(
                new int[] {3, 6, 6}, Layout.NCHW, new float[] {0f, -1f, 0.2f}, new float[] {1f, 1f, 0.8f});
        private final float[] weights;
        private final float[] bias;
        private long queries;

        private Linear(SplittableRandom r) {
            weights = new float[spec.size() * 4];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) r.nextGaussian() * 0.3f;
            }
            bias = new float[] {0.1f, -0.2f, 0.05f, 0f};
        }

        @Override
        public NDArray predict(NDArray x) {
            long n = x.getShape().get(0);
            queries += n;
            NDManager m = x.getManager();
            try (NDManager scope = m.newSubManager()) {
                NDArray w = scope.create(weights, new ai.djl.ndarray.types.Shape(spec.size(), 4));
                NDArray b = scope.create(bias);
                NDArray out = x.reshape(n, spec.size()).matMul(w).add(b);
                out.attach(m);
                return out;
            }
        }

        @Override
        public OutputKind outputKind() {
            return OutputKind.LOGITS;
        }

        @Override
        public InputSpec inputSpec() {
            return spec;
        }

        @Override
        public int classes() {
            return 4;
        }

        @Override
        public long queries() {
            return queries;
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo("linear", ModelFormat.MARAUDER, Map.of());
        }

        @Override
        public void close() {}
    }

    /**
     * Wraps a model, counts every example queried and fails the test if any query lies outside the
     * model's bounds.
     */
    static final class Counting implements Classifier {
        private final Classifier inner;
        long count;

        Counting(Classifier inner) {
            this.inner = inner;
        }

        @Override
        public NDArray predict(NDArray x) {
            count += x.getShape().get(0);
            InputSpec spec = inner.inputSpec();
            float[] v = x.toFloatArray();
            int d = spec.size();
            for (int k = 0; k < v.length; k++) {
                int j = k % d;
                if (v[k] < spec.lowerAt(j) || v[k] > spec.upperAt(j)) {
                    throw new AssertionError("query outside the bounds: " + v[k] + " at " + j);
                }
            }
            return inner.predict(x);
        }

        @Override
        public OutputKind outputKind() {
            return inner.outputKind();
        }

        @Override
        public InputSpec inputSpec() {
            return inner.inputSpec();
        }

        @Override
        public int classes() {
            return inner.classes();
        }

        @Override
        public long queries() {
            return inner.queries();
        }

        @Override
        public ModelInfo info() {
            return inner.info();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
