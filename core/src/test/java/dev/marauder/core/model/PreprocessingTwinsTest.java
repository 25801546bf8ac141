package dev.marauder.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model declared with its normalisation and layout is the same function of the raw input, with
 * the same input gradient, as its plain twin (fixtures by
 * scripts/fixtures/make_preprocessing_fixtures.py).
 */
class PreprocessingTwinsTest {
    private static final ModelDescription FMNIST_NORMALIZED = new ModelDescription(
            null, null, null, null, new Normalization(new float[] {0.2860f}, new float[] {0.3530f}), null, null);

    private static LabeledData fashion(int n) {
        return Datasets.loadPair(Fixtures.path("fmnist_test_200_x.npy"), Fixtures.path("fmnist_test_200_y.npy"))
                .slice(0, n);
    }

    @Test
    void aNormalisedModelDeclaredWithItsNormalisationHasItsTwinsLogitsAndInputGradients() {
        LabeledData d = fashion(16);
        int[] shape = d.features().exampleShape();
        try (DifferentiableClassifier plain =
                        Models.openDifferentiable(Fixtures.path("fmnist_cnn.pt"), ModelDescription.NONE, shape);
                DifferentiableClassifier twin =
                        Models.openDifferentiable(Fixtures.path("fmnist_cnn_normalized.pt"), FMNIST_NORMALIZED, shape);
                DifferentiableClassifier undeclared = Models.openDifferentiable(
                        Fixtures.path("fmnist_cnn_normalized.pt"), ModelDescription.NONE, shape);
                NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, d.features());
            NDArray y = Tensors.labels(m, d.labels());
            assertThat(twin.logits(x).toFloatArray())
                    .containsExactly(plain.logits(x).toFloatArray(), within(1e-4f));
            InputGradient a = plain.lossGradient(x, y);
            InputGradient b = twin.lossGradient(x, y);
            float[] ga = a.gradient().toFloatArray();
            float[] gb = b.gradient().toFloatArray();
            float scale = a.gradient().abs().max().getFloat();
            for (int i = 0; i < ga.length; i++) {
                assertThat(gb[i]).isCloseTo(ga[i], within(1e-4f * scale + 1e-7f));
            }
            assertThat(b.objective()).isCloseTo(a.objective(), within(1e-4));
            // left undeclared, the same file is a different function of the raw input
            assertThat(undeclared.logits(x).toFloatArray())
                    .isNotEqualTo(plain.logits(x).toFloatArray());
            assertThat(twin.inputSpec().lower()).isZero();
            assertThat(twin.inputSpec().upper()).isEqualTo(1f);
            assertThat(twin.info().preprocessing()).contains("0.286").contains("0.353");
            assertThat(twin.queries()).isEqualTo(16 + 16);
        }
    }

    @Test
    void aChannelsLastNormalisedRgbModelMatchesItsChannelsFirstPlainTwin() {
        LabeledData d = Datasets.loadPair(Fixtures.path("rgb_8x8_x.npy"), Fixtures.path("rgb_8x8_y.npy"));
        FloatTensor nchw = d.features();
        FloatTensor nhwc = toChannelsLast(nchw);
        ModelDescription description = new ModelDescription(
                new int[] {8, 8, 3},
                Layout.NHWC,
                null,
                null,
                new Normalization(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.2f, 0.25f, 0.3f}),
                null,
                List.of("a", "b", "c", "d"));
        try (DifferentiableClassifier plain = Models.openDifferentiable(
                        Fixtures.path("rgb_linear.pt"), ModelDescription.NONE, new int[] {3, 8, 8});
                DifferentiableClassifier twin = Models.openDifferentiable(
                        Fixtures.path("rgb_linear_nhwc_normalized.pt"), description, new int[] {8, 8, 3});
                NDManager m = NDManager.newBaseManager()) {
            NDArray y = Tensors.labels(m, d.labels());
            NDArray xa = Tensors.toNDArray(m, nchw);
            NDArray xb = Tensors.toNDArray(m, nhwc);
            assertThat(twin.logits(xb).toFloatArray())
                    .containsExactly(plain.logits(xa).toFloatArray(), within(1e-4f));
            float[] ga = toChannelsLast(
                            Tensors.toFloatTensor(plain.lossGradient(xa, y).gradient()))
                    .data();
            float[] gb = twin.lossGradient(xb, y).gradient().toFloatArray();
            assertThat(gb).containsExactly(ga, within(1e-5f));
            assertThat(twin.inputSpec().channelAxis()).isEqualTo(2);
        }
    }

    @Test
    void aNormalisationThatDoesNotFitTheChannelsIsRefused() {
        ModelDescription threeChannels = new ModelDescription(
                null,
                null,
                null,
                null,
                new Normalization(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.2f, 0.25f, 0.3f}),
                null,
                null);
        assertThatThrownBy(() -> Models.open(Fixtures.path("fmnist_cnn.pt"), threeChannels, new int[] {1, 28, 28}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 values")
                .hasMessageContaining("1 channels");
    }

    @Test
    void perChannelBoundsClipEachChannelToItsOwnInterval() {
        InputSpec spec = new InputSpec(
                new int[] {8, 8, 3}, Layout.NHWC, new float[] {0f, -1f, 0.25f}, new float[] {1f, 1f, 0.5f});
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(new ai.djl.ndarray.types.Shape(2, 8, 8, 3), 2f);
            float[] clipped = spec.clip(x).toFloatArray();
            for (int i = 0; i < clipped.length; i++) {
                assertThat(clipped[i]).isEqualTo(spec.upperAt(i % (8 * 8 * 3)));
            }
            float[] low = spec.clip(x.neg()).toFloatArray();
            assertThat(low[0]).isZero();
            assertThat(low[1]).isEqualTo(-1f);
            assertThat(low[2]).isEqualTo(0.25f);
            assertThat(spec.smallestWidth()).isEqualTo(0.25f);
            assertThat(spec.lower()).isEqualTo(-1f);
            assertThat(spec.upper()).isEqualTo(1f);
        }
        assertThatThrownBy(() ->
                        new InputSpec(new int[] {3, 8, 8}, Layout.NHWC, new float[] {0, 0, 0}, new float[] {1, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8 channels");
        // equal per-channel bounds are one interval
        assertThat(new InputSpec(new int[] {3, 2, 2}, Layout.NCHW, new float[] {0, 0, 0}, new float[] {1, 1, 1}))
                .isEqualTo(new InputSpec(new int[] {3, 2, 2}, 0, 1));
    }

    private static FloatTensor toChannelsLast(FloatTensor nchw) {
        int n = nchw.dim(0);
        int c = nchw.dim(1);
        int h = nchw.dim(2);
        int w = nchw.dim(3);
        float[] in = nchw.data();
        float[] out = new float[in.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[((i * h + y) * w + x) * c + k] = in[((i * c + k) * h + y) * w + x];
                    }
                }
            }
        }
        return new FloatTensor(out, n, h, w, c);
    }
}
