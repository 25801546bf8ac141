package dev.marauder.privacy.dpsgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.engine.Autograd;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.nn.GroupNorm;
import dev.marauder.core.nn.Lstm;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The layer-wise per-example gradients equal the brute-force ones (one backward pass per
 * example, done here in the test only), for every built-in architecture.
 */
class PerExampleClippingTest {

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void normsAndClippedSumsEqualBruteForce(Architecture arch) {
        LabeledData batch = Datasets.load("fashion-mnist").test().slice(0, 6);
        Engines.seed(4);
        try (Model model = BuiltinClassifier.newModel(arch, 10);
                NDManager m = NDManager.newBaseManager()) {
            BuiltinClassifier.initialize(model, new int[] {1, 28, 28});
            assertMatchesBruteForce(
                    model, Tensors.toNDArray(m, batch.features()), Tensors.labels(m, batch.labels()), 0.5);
        }
    }

    /** Embedding, LSTM (Linear layers called at every step), LayerNorm and a Linear over a sequence. */
    @Test
    void characterLanguageModelLayersEqualBruteForce() {
        Engines.seed(5);
        SequentialBlock lm = new SequentialBlock()
                .add(new IdEmbedding.Builder()
                        .setDictionarySize(7)
                        .setEmbeddingSize(5)
                        .build())
                // hidden 16: the hidden-to-gates Linear (16 -> 64, 6 steps) takes the ghost-norm path,
                // the input-to-gates (5 -> 64) and output (16 -> 7) layers the materialised one
                .add(new Lstm(16))
                .add(LayerNorm.builder().build())
                .add(Linear.builder().setUnits(7).build());
        try (Model model = Model.newInstance("lm");
                NDManager m = NDManager.newBaseManager()) {
            model.setBlock(lm);
            lm.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(4, 6));
            // Repeated tokens inside a sequence exercise the embedding rule's shared rows.
            float[] tokens = {1, 2, 1, 3, 1, 0, 4, 4, 4, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 6, 2, 2, 3, 1};
            float[] next = {2, 1, 3, 1, 0, 4, 4, 4, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 6, 2, 2, 3, 1, 0};
            NDArray x = m.create(tokens, new Shape(4, 6));
            NDArray y = m.create(next, new Shape(4, 6)).toType(DataType.INT64, false);
            assertMatchesBruteForce(model, x, y, 0.3);
        }
    }

    @Test
    void groupNormAndLayerNormEqualBruteForce() {
        Engines.seed(6);
        SequentialBlock net = new SequentialBlock()
                .add(Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .setFilters(4)
                        .build())
                .add(new GroupNorm(2))
                .add(Activation::relu)
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(8).build())
                .add(LayerNorm.builder().build())
                .add(Linear.builder().setUnits(3).build());
        try (Model model = Model.newInstance("norms");
                NDManager m = NDManager.newBaseManager()) {
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(5, 1, 6, 6));
            // Non-trivial affine parameters, so a wrong xhat or a gamma/beta mix-up shows.
            for (var p : net.getParameters()) {
                NDArray v = p.getValue().getArray();
                if (p.getKey().endsWith("gamma") || p.getKey().endsWith("beta")) {
                    v.set(m.randomUniform(0.5f, 1.5f, v.getShape()).toFloatArray());
                }
            }
            NDArray x = m.randomNormal(new Shape(5, 1, 6, 6));
            NDArray y = m.create(new long[] {0, 1, 2, 1, 0});
            assertMatchesBruteForce(model, x, y, 0.4);
        }
    }

    /**
     * The fast clipped sum and norms equal one backward pass per example: each example's gradient
     * of its summed softmax cross-entropy over all its positions, clipped, summed.
     */
    private static void assertMatchesBruteForce(Model model, NDArray x, NDArray y, double clip) {
        Block block = model.getBlock();
        ParameterStore ps = new ParameterStore(model.getNDManager(), false);
        NDManager m = x.getManager();
        int n = (int) x.getShape().get(0);
        block.freezeParameters(true);
        PerExampleClipping.Result fast = PerExampleClipping.clippedGradientSum(block, ps, x, y, clip);

        // Brute force: each example on its own, parameters unfrozen.
        block.freezeParameters(false);
        Map<Parameter, float[]> expected = new java.util.LinkedHashMap<>();
        float[] norms = new float[n];
        boolean someClipped = false;
        for (int i = 0; i < n; i++) {
            Map<Parameter, float[]> grads = new java.util.LinkedHashMap<>();
            try (NDManager s = m.newSubManager()) {
                NDArray xi = x.get(i + ":" + (i + 1)).duplicate();
                NDArray yi = y.get(i + ":" + (i + 1)).duplicate();
                xi.attach(s);
                yi.attach(s);
                Autograd.collect(gc -> {
                    NDArray logits = block.forward(ps, new NDList(xi), true).singletonOrThrow();
                    int classes = (int) logits.getShape().get(logits.getShape().dimension() - 1);
                    NDArray loss = logits.logSoftmax(-1)
                            .mul(yi.oneHot(classes, DataType.FLOAT32))
                            .sum()
                            .neg();
                    gc.backward(loss);
                    return null;
                });
                double sq = 0;
                for (var p : block.getParameters()) {
                    float[] g = p.getValue().getArray().getGradient().toFloatArray();
                    grads.put(p.getValue(), g);
                    for (float v : g) {
                        sq += (double) v * v;
                    }
                }
                Autograd.zeroParameterGradients(block);
                norms[i] = (float) Math.sqrt(sq);
            }
            double factor = Math.min(1, clip / (norms[i] + 1e-6));
            someClipped |= factor < 1;
            for (var e : grads.entrySet()) {
                float[] acc = expected.computeIfAbsent(e.getKey(), k -> new float[e.getValue().length]);
                for (int j = 0; j < acc.length; j++) {
                    acc[j] += (float) (factor * e.getValue()[j]);
                }
            }
        }
        block.freezeParameters(true);
        assertThat(someClipped).isTrue();
        for (int i = 0; i < norms.length; i++) {
            assertThat(fast.perExampleNorms()[i]).isCloseTo(norms[i], within(1e-4f * norms[i] + 1e-6f));
        }
        assertThat(fast.gradientSum()).hasSize(expected.size());
        for (var e : expected.entrySet()) {
            float[] got = fast.gradientSum().get(e.getKey()).toFloatArray();
            float scale = 1e-6f;
            for (float v : e.getValue()) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int j = 0; j < got.length; j++) {
                assertThat(got[j])
                        .as("%s[%d]", e.getKey().getName(), j)
                        .isCloseTo(e.getValue()[j], within(2e-4f * scale));
            }
        }
        // Nothing accumulated on the (frozen) parameters during the fast path.
        block.getParameters()
                .forEach(p -> assertThat(p.getValue().requiresGradient()).isFalse());
    }

    @Test
    void batchNormIsRefusedWithAnAlternative() {
        SequentialBlock block = new SequentialBlock()
                .add(BatchNorm.builder().build())
                .add(Linear.builder().setUnits(2).build());
        assertThatThrownBy(() -> PerExampleClipping.validate(block))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BatchNorm")
                .hasMessageContaining("GroupNorm or LayerNorm");
        PerExampleClipping.validate(Architecture.CNN.build(10));
    }

    @Test
    void noiseHasTheRequestedMomentsAndSeededRunsRepeat() {
        float[] a = NoiseSource.seeded(3).gaussian(200_000, 2.0);
        float[] b = NoiseSource.seeded(3).gaussian(200_000, 2.0);
        assertThat(a).containsExactly(b);
        double mean = 0;
        double sq = 0;
        for (float v : a) {
            mean += v;
            sq += (double) v * v;
        }
        mean /= a.length;
        double std = Math.sqrt(sq / a.length - mean * mean);
        // Standard errors: 2/sqrt(2e5) = 0.0045 for the mean, ~0.003 for the std; 5 sigma bounds.
        assertThat(mean).isCloseTo(0, within(0.023));
        assertThat(std).isCloseTo(2.0, within(0.016));
        float[] secure = NoiseSource.secure().gaussian(50_000, 1.0);
        double s2 = 0;
        for (float v : secure) {
            s2 += (double) v * v;
        }
        assertThat(Math.sqrt(s2 / secure.length)).isCloseTo(1.0, within(0.02));
        // The engine array holds the same values as the host array.
        try (NDManager m = NDManager.newBaseManager()) {
            float[] engine =
                    NoiseSource.seeded(3).gaussian(m, new Shape(1000, 200), 2.0).toFloatArray();
            assertThat(engine).containsExactly(java.util.Arrays.copyOf(a, 200_000), within(1e-5f));
            // DpSgdStep copies each parameter's noise from a slice of one array
            float[] slice =
                    m.create(java.nio.FloatBuffer.wrap(a, 5, 3), new Shape(3)).toFloatArray();
            assertThat(slice).containsExactly(a[5], a[6], a[7]);
        }
        int[] sample = NoiseSource.seeded(1).poissonSample(100_000, 0.01);
        assertThat(sample.length).isBetween(900, 1100);
        assertThat(new Shape(sample.length).size()).isPositive();
    }
}
