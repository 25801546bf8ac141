package dev.marauder.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.InputGradient;
import dev.marauder.core.model.LogitsObjective;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training of the built-in architectures: determinism, saving and loading, white-box access. */
class TrainingTest {
    private static final float[] UNIT = {0f, 1f};
    private static TrainTestSplit small;

    @BeforeAll
    static void data() {
        TrainTestSplit full = Datasets.load("fashion-mnist");
        small = new TrainTestSplit(
                "fashion-mnist[small]", full.train().slice(0, 2000), full.test().slice(0, 500));
    }

    @Test
    void sameSeedSameModelDifferentSeedDifferentModel(@TempDir Path dir) throws Exception {
        TrainingSettings s = new TrainingSettings(Architecture.MLP, 1, 64, 1e-3, 7);
        ModelCard a;
        ModelCard b;
        ModelCard c;
        try (BuiltinClassifier m = Training.train(s, small, UNIT, Progress.NONE)) {
            a = m.save(dir.resolve("a"));
        }
        try (BuiltinClassifier m = Training.train(s, small, UNIT, Progress.NONE)) {
            b = m.save(dir.resolve("b"));
        }
        try (BuiltinClassifier m =
                Training.train(new TrainingSettings(Architecture.MLP, 1, 64, 1e-3, 8), small, UNIT, Progress.NONE)) {
            c = m.save(dir.resolve("c"));
        }
        assertThat(a.parametersSha256()).isEqualTo(b.parametersSha256());
        assertThat(a.testAccuracy()).isEqualTo(b.testAccuracy());
        assertThat(Files.readAllBytes(dir.resolve("a/parameters.bin")))
                .isEqualTo(Files.readAllBytes(dir.resolve("b/parameters.bin")));
        assertThat(c.parametersSha256()).isNotEqualTo(a.parametersSha256());
        // A real model: far better than the 10% of chance after one epoch on 2,000 images.
        assertThat(a.testAccuracy()).isGreaterThan(0.6);
    }

    @Test
    void savedModelLoadsWithTheSameCardAndLogits(@TempDir Path dir) {
        TrainingSettings s = new TrainingSettings(Architecture.CNN, 1, 64, 1e-3, 3);
        try (BuiltinClassifier trained = Training.train(s, small, UNIT, Progress.NONE);
                NDManager m = NDManager.newBaseManager()) {
            ModelCard saved = trained.save(dir.resolve("cnn"));
            assertThat(saved.architecture()).isEqualTo("cnn");
            assertThat(saved.inputShape()).containsExactly(1, 28, 28);
            assertThat(saved.classes()).isEqualTo(10);
            assertThat(saved.seed()).isEqualTo(3);
            assertThat(saved.datasetSha256()).isEqualTo(small.train().sha256());
            assertThat(saved.provenance().engine()).contains("PyTorch");
            assertThat(saved.testAccuracy()).isBetween(0.5, 1.0);
            NDArray x = Tensors.toNDArray(m, small.test().features().slice(0, 16));
            float[] before = trained.logits(x).toFloatArray();
            try (BuiltinClassifier loaded = BuiltinClassifier.load(dir.resolve("cnn"))) {
                assertThat(loaded.logits(x).toFloatArray()).containsExactly(before);
                assertThat(loaded.card().testAccuracy()).isEqualTo(saved.testAccuracy());
                assertThat(loaded.info().fileHashes()).hasSize(2);
            }
        }
    }

    @Test
    void builtinGradientMatchesFiniteDifferencesAndLeavesParametersAlone() {
        TrainingSettings s = new TrainingSettings(Architecture.CNN, 1, 64, 1e-3, 5);
        try (BuiltinClassifier model = Training.train(s, small, UNIT, Progress.NONE);
                NDManager m = NDManager.newBaseManager()) {
            // Noise moves the point off exact max-pooling ties of blank backgrounds (not differentiable there).
            NDArray x = Tensors.toNDArray(m, small.test().features().slice(0, 8))
                    .add(m.randomUniform(0f, 0.05f, new ai.djl.ndarray.types.Shape(8, 1, 28, 28)));
            NDArray y = Tensors.labels(m, java.util.Arrays.copyOf(small.test().labels(), 8));
            LogitsObjective loss = LogitsObjective.crossEntropy(y);
            InputGradient g = model.gradient(x, loss);
            NDArray d = g.gradient().div(g.gradient().norm());
            double analytic = g.gradient().mul(d).sum().getFloat();
            double h = 1e-3;
            double numeric = (loss.apply(model.logits(x.add(d.mul(h)))).getFloat()
                            - loss.apply(model.logits(x.sub(d.mul(h)))).getFloat())
                    / (2 * h);
            assertThat(analytic).isGreaterThan(0.01);
            assertThat(numeric).isCloseTo(analytic, within(0.02 * analytic));
            // Parameters are frozen: no gradient accumulates on them.
            model.djlModel()
                    .getBlock()
                    .getParameters()
                    .forEach(p -> assertThat(p.getValue().getArray().hasGradient())
                            .as(p.getKey())
                            .isFalse());
            // Same input, same gradient: nothing stateful in between.
            assertThat(model.gradient(x, loss).gradient().toFloatArray())
                    .containsExactly(g.gradient().toFloatArray());
        }
    }

    @Test
    void tamperedParametersAreDetected(@TempDir Path dir) throws Exception {
        try (BuiltinClassifier trained = Training.train(
                new TrainingSettings(Architecture.LOGREG, 1, 128, 1e-2, 1), small, UNIT, Progress.NONE)) {
            trained.save(dir.resolve("m"));
        }
        Path params = dir.resolve("m/parameters.bin");
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length - 1] ^= 1;
        Files.write(params, bytes);
        assertThatThrownBy(() -> BuiltinClassifier.load(dir.resolve("m")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(params.toString())
                .hasMessageContaining("does not match the model card");
        assertThatThrownBy(() -> BuiltinClassifier.load(dir.resolve("nothing")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void settingsRejectNonsense() {
        assertThatThrownBy(() -> new TrainingSettings(Architecture.MLP, 0, 64, 1e-3, 0))
                .hasMessageContaining("epochs must be at least 1, got 0");
        assertThatThrownBy(() -> new TrainingSettings(Architecture.MLP, 1, 0, 1e-3, 0))
                .hasMessageContaining("batch size");
        assertThatThrownBy(() -> new TrainingSettings(Architecture.MLP, 1, 8, -1, 0))
                .hasMessageContaining("learning rate");
        assertThatThrownBy(() -> Architecture.of("resnet")).hasMessageContaining("logreg, mlp, cnn");
    }
}
