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
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.engine.Autograd;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Tensors;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

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
        try (Model model = BuiltinClassifier.newModel(arch, 10); NDManager m = NDManager.newBaseManager()) {
            BuiltinClassifier.initialize(model, new int[] {1, 28, 28});
            Block block = model.getBlock();
            ParameterStore ps = new ParameterStore(model.getNDManager(), false);
            double clip = 0.5; // small enough that some examples are clipped
            block.freezeParameters(true);
            NDArray x = Tensors.toNDArray(m, batch.features());
            NDArray y = Tensors.labels(m, batch.labels());
            PerExampleClipping.Result fast = PerExampleClipping.clippedGradientSum(block, ps, x, y, clip);

            // Brute force: each example on its own, parameters unfrozen.
            block.freezeParameters(false);
            Map<Parameter, float[]> expected = new java.util.LinkedHashMap<>();
            float[] norms = new float[batch.size()];
            boolean someClipped = false;
            for (int i = 0; i < batch.size(); i++) {
                LabeledData one = batch.slice(i, i + 1);
                Map<Parameter, float[]> grads = new java.util.LinkedHashMap<>();
                try (NDManager s = m.newSubManager()) {
                    NDArray xi = Tensors.toNDArray(s, one.features());
                    NDArray yi = Tensors.labels(s, one.labels());
                    Autograd.collect(gc -> {
                        NDArray logits = block.forward(ps, new NDList(xi), true).singletonOrThrow();
                        NDArray loss = logits.logSoftmax(1).mul(yi.oneHot(10, DataType.FLOAT32)).sum().neg();
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
                    assertThat(got[j]).as("%s[%d]", e.getKey().getName(), j).isCloseTo(e.getValue()[j], within(2e-4f * scale));
                }
            }
            // Nothing accumulated on the (frozen) parameters during the fast path.
            block.getParameters().forEach(p -> assertThat(p.getValue().requiresGradient()).isFalse());
        }
    }

    @Test
    void batchNormIsRefusedWithAnAlternative() {
        SequentialBlock block = new SequentialBlock().add(BatchNorm.builder().build())
                .add(Linear.builder().setUnits(2).build());
        assertThatThrownBy(() -> PerExampleClipping.validate(block))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BatchNorm").hasMessageContaining("GroupNorm or LayerNorm");
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
        // The engine path draws the same values as the host path from the same uniforms.
        try (NDManager m = NDManager.newBaseManager()) {
            float[] engine = NoiseSource.seeded(3).gaussian(m, new Shape(1000, 200), 2.0).toFloatArray();
            assertThat(engine).containsExactly(java.util.Arrays.copyOf(a, 200_000), within(1e-5f));
        }
        int[] sample = NoiseSource.seeded(1).poissonSample(100_000, 0.01);
        assertThat(sample.length).isBetween(900, 1100);
        assertThat(new Shape(sample.length).size()).isPositive();
    }
}
