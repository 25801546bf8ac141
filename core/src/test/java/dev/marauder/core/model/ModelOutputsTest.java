package dev.marauder.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.io.DataFormatException;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Every batch a model returns is checked before it is scored: a model that returns one row for a
 * batch of 20, too many rows, or NaN logits is an error naming its file, never a wrong number.
 */
class ModelOutputsTest {
    private static final ModelInfo INFO =
            new ModelInfo("broken.pt", ModelFormat.TORCHSCRIPT, Map.of("/models/broken.pt", "00"));

    /** An engine classifier whose forward pass is given. */
    private static EngineClassifier model(BiFunction<NDArray, Boolean, NDArray> forward) {
        return new EngineClassifier(new InputSpec(new int[] {3}, 0, 1), 2, INFO) {
            @Override
            protected NDArray forward(NDArray x, boolean recordGradients) {
                return forward.apply(x, recordGradients);
            }

            @Override
            public OutputKind outputKind() {
                return OutputKind.LOGITS;
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void aModelThatDropsRowsOrAddsThemOrReturnsNanIsRefusedNamingItsFile() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(20, 3));
            EngineClassifier oneRow = model((in, g) -> in.get("0:1, 0:2").mul(1f));
            assertThatThrownBy(() -> oneRow.logits(x))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessage(
                            "/models/broken.pt: output for a batch of 20 examples has shape [1, 2]; expected [20, 2]");
            EngineClassifier twice = model((in, g) -> in.get(":, 0:2").repeat(0, 2));
            assertThatThrownBy(() -> twice.logits(x)).hasMessageContaining("has shape [40, 2]");
            EngineClassifier nan = model((in, g) -> in.get(":, 0:2").mul(Float.NaN));
            assertThatThrownBy(() -> nan.logits(x)).hasMessageContaining("NaN or infinite");
            assertThatThrownBy(() -> nan.gradient(x, logits -> logits.sum())).hasMessageContaining("NaN or infinite");
            EngineClassifier fine = model((in, g) -> in.get(":, 0:2").mul(2f));
            assertThat(fine.logits(x).getShape()).isEqualTo(new Shape(20, 2));
        }
    }

    @Test
    void onnxRowsAreCheckedToo() {
        ModelOutputs.check(new float[][] {{1, 2}, {3, 4}}, 2, 2, INFO);
        assertThatThrownBy(() -> ModelOutputs.check(new float[][] {{1, 2}}, 2, 2, INFO))
                .hasMessage("/models/broken.pt: output for a batch of 2 examples has 1 rows; expected 2");
        assertThatThrownBy(() -> ModelOutputs.check(new float[][] {{1, 2, 3}, {1, 2, 3}}, 2, 2, INFO))
                .hasMessageContaining("row 0 has 3 scores; expected 2");
        assertThatThrownBy(() -> ModelOutputs.check(new float[][] {{1, Float.NaN}, {1, 2}}, 2, 2, INFO))
                .hasMessageContaining("NaN or infinite scores (row 0)");
    }
}
