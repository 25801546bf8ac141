package dev.marauder.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.NpyReader;
import dev.marauder.core.io.DataFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TorchScript models trained in PyTorch: evaluation-mode gradients through a network with
 * BatchNorm and Dropout, and predictions identical to PyTorch's.
 */
class TorchScriptClassifierTest {
    private static TorchScriptClassifier bnDropout;
    private static JsonNode expected;
    private static FloatTensor first8;

    @BeforeAll
    static void load() {
        bnDropout = TorchScriptClassifier.load(Fixtures.path("bn_dropout_cnn.pt"), Fixtures.fashionSpec());
        expected = Fixtures.json("bn_dropout_cnn.json");
        first8 = NpyReader.read(Fixtures.path("fmnist_test_200_x.npy"))
                .toFloatTensor()
                .slice(0, 8);
    }

    @AfterAll
    static void close() {
        bnDropout.close();
    }

    @Test
    void plainLogitsEqualPyTorchEvalModeLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] logits = bnDropout.logits(Tensors.toNDArray(m, first8)).toFloatArray();
            float[] want = Fixtures.flatFloats(expected.get("eval_logits"));
            assertThat(logits).containsExactly(want, within(2e-5f));
        }
    }

    @Test
    void gradientPathRunsInEvalModeAndMatchesPyTorchAutograd() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, first8);
            NDArray y = Tensors.labels(m, labels());
            // PyTorch recorded the gradient of the MEAN cross-entropy over the 8 images.
            InputGradient g = bnDropout.gradient(
                    x, logits -> LogitsObjective.crossEntropy(y).apply(logits).div(8));
            // Logits of the differentiable pass are the eval-mode logits: BatchNorm used running
            // statistics and Dropout was off (train mode changes them by up to 2.5).
            assertThat(g.logits().toFloatArray())
                    .containsExactly(Fixtures.flatFloats(expected.get("eval_logits")), within(2e-5f));
            assertThat(g.objective()).isCloseTo(expected.get("loss").asDouble(), within(1e-5));
            float[] grad = g.gradient().toFloatArray();
            float[] want = Fixtures.floats(expected.get("input_grad"));
            assertThat(grad).hasSize(want.length);
            float maxAbs = 0;
            for (float v : want) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            assertThat(maxAbs).isGreaterThan(1e-3f);
            for (int i = 0; i < want.length; i++) {
                assertThat(grad[i]).as("gradient[%d]", i).isCloseTo(want[i], within(1e-6f + 1e-4f * Math.abs(want[i])));
            }
            // Input untouched, and a second call gives the same gradient (Dropout is really off).
            assertThat(x.toFloatArray()).containsExactly(first8.data());
            float[] again = bnDropout
                    .gradient(
                            x,
                            logits -> LogitsObjective.crossEntropy(y)
                                    .apply(logits)
                                    .div(8))
                    .gradient()
                    .toFloatArray();
            assertThat(again).containsExactly(grad);
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Blank backgrounds make max-pooling windows tie exactly, where the loss is not
            // differentiable; a little fixed noise moves the point off the ties.
            NDArray x = Tensors.toNDArray(m, first8)
                    .add(m.randomUniform(0f, 0.05f, new ai.djl.ndarray.types.Shape(8, 1, 28, 28)));
            NDArray y = Tensors.labels(m, labels());
            LogitsObjective loss = LogitsObjective.crossEntropy(y);
            NDArray grad = bnDropout.gradient(x, loss).gradient();
            NDArray direction = grad.div(grad.norm());
            double analytic = grad.mul(direction).sum().getFloat();
            double h = 1e-3;
            double up = loss.apply(bnDropout.logits(x.add(direction.mul(h)))).getFloat();
            double down = loss.apply(bnDropout.logits(x.sub(direction.mul(h)))).getFloat();
            double numeric = (up - down) / (2 * h);
            assertThat(analytic).isGreaterThan(0.01);
            assertThat(numeric).isCloseTo(analytic, within(0.02 * analytic));
        }
    }

    @Test
    void temporariesAreFreed() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, first8);
            NDArray y = Tensors.labels(m, labels());
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 50; i++) {
                InputGradient g = bnDropout.lossGradient(x, y);
                g.logits().close();
                g.gradient().close();
                bnDropout.logits(x).close();
            }
            assertThat(m.getManagedArrays()).hasSize(before);
        }
    }

    @Test
    void predictionsOnTheShippedTestSplitEqualPyTorchs() {
        JsonNode card = Fixtures.json("fmnist_cnn.json");
        LabeledData test = Datasets.load("fashion-mnist").test();
        try (TorchScriptClassifier c =
                TorchScriptClassifier.load(Fixtures.path("fmnist_cnn.pt"), Fixtures.fashionSpec())) {
            int[] predicted = c.classify(test.features(), 500);
            JsonNode want = card.get("predictions");
            assertThat(predicted).hasSize(want.size());
            int correct = 0;
            for (int i = 0; i < predicted.length; i++) {
                assertThat(predicted[i])
                        .as("prediction %d", i)
                        .isEqualTo(want.get(i).asInt());
                if (predicted[i] == test.labels()[i]) {
                    correct++;
                }
            }
            assertThat(correct).isEqualTo(card.get("test_correct").asInt());
            assertThat(c.classes()).isEqualTo(10);
            assertThat(c.queries()).isEqualTo(test.size() + 0L);
        }
    }

    @Test
    void onnxModelPredictsLikePyTorch() {
        JsonNode card = Fixtures.json("fmnist_mlp.json");
        LabeledData test = Datasets.load("fashion-mnist").test();
        try (OnnxClassifier c =
                OnnxClassifier.load(Fixtures.path("fmnist_mlp.onnx"), Fixtures.fashionSpec(), OutputKind.LOGITS)) {
            int[] predicted = c.classify(test.features(), 500);
            int correct = 0;
            int agree = 0;
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == card.get("predictions").get(i).asInt()) {
                    agree++;
                }
                if (predicted[i] == test.labels()[i]) {
                    correct++;
                }
            }
            assertThat(agree).isEqualTo(predicted.length);
            assertThat(correct).isEqualTo(card.get("test_correct").asInt());
        }
    }

    @Test
    void notATorchScriptFileIsAClearError(@TempDir Path dir) throws Exception {
        Path bogus = dir.resolve("model.pt");
        Files.writeString(bogus, "not a zip archive");
        assertThatThrownBy(() -> TorchScriptClassifier.load(bogus, Fixtures.fashionSpec()))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(bogus.toString())
                .hasMessageContaining("not a TorchScript model")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> TorchScriptClassifier.load(dir.resolve("missing.pt"), Fixtures.fashionSpec()))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void wrongInputShapeIsAClearError() {
        InputSpec wrong = new InputSpec(new int[] {3, 32, 32}, 0, 1);
        assertThatThrownBy(() -> TorchScriptClassifier.load(Fixtures.path("fmnist_cnn.pt"), wrong))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("does not accept inputs of shape [3, 32, 32]");
    }

    private static int[] labels() {
        JsonNode l = expected.get("labels");
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i).asInt();
        }
        return out;
    }
}
