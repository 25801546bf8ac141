package dev.marauder.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.RefusedOutputException;
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
        assertThat(Files.readAllBytes(dir.resolve("a").resolve(a.parametersFile())))
                .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(b.parametersFile())));
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
        ModelCard card;
        try (BuiltinClassifier trained = Training.train(
                new TrainingSettings(Architecture.LOGREG, 1, 128, 1e-2, 1), small, UNIT, Progress.NONE)) {
            card = trained.save(dir.resolve("m"));
        }
        Path params = dir.resolve("m").resolve(card.parametersFile());
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
    void anEditedCardOrAMissingHashIsRefused(@TempDir Path dir) throws Exception {
        try (BuiltinClassifier trained = Training.train(
                new TrainingSettings(Architecture.LOGREG, 1, 128, 1e-2, 1), small, UNIT, Progress.NONE)) {
            trained.save(dir.resolve("m"));
        }
        Path card = dir.resolve("m/model.json");
        String original = Files.readString(card);
        Files.writeString(card, original.replace("\"classes\" : 10", "\"classes\" : 9"));
        assertThatThrownBy(() -> BuiltinClassifier.load(dir.resolve("m")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("model card was edited");
        Files.writeString(card, original.replaceAll("\"parameters_sha256\" : \"[0-9a-f]+\",", ""));
        assertThatThrownBy(() -> BuiltinClassifier.load(dir.resolve("m")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("no parameters_sha256");
        Files.writeString(card, original.replaceAll("\"integrity\" : \"[0-9a-f]+\"", "\"integrity\" : null"));
        assertThatThrownBy(() -> BuiltinClassifier.load(dir.resolve("m")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("no integrity hash");
        Files.writeString(card, original);
        BuiltinClassifier.load(dir.resolve("m")).close();
    }

    @Test
    void savingNeverDeletesOrOverwritesWhatTheToolDidNotCreate(@TempDir Path dir) throws Exception {
        Path project = dir.resolve("project");
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("notes.txt"), "mine");
        Path file = dir.resolve("data.csv");
        Files.writeString(file, "1,2\n");
        try (BuiltinClassifier trained = Training.train(
                new TrainingSettings(Architecture.LOGREG, 1, 128, 1e-2, 1), small, UNIT, Progress.NONE)) {
            assertThatThrownBy(() -> trained.save(project))
                    .isInstanceOf(RefusedOutputException.class)
                    .hasMessageStartingWith(project.toString())
                    .hasMessageContaining("not a Marauder model directory");
            assertThat(project.resolve("notes.txt")).hasContent("mine");
            assertThat(project.resolve("src")).isDirectory();
            assertThatThrownBy(() -> trained.save(file)).isInstanceOf(RefusedOutputException.class);
            assertThat(file).hasContent("1,2\n");
            assertThatThrownBy(() -> trained.save(Path.of(".")))
                    .isInstanceOf(RefusedOutputException.class)
                    .hasMessageContaining("working directory");

            // Our own model directory is replaced: the new card names a new parameter file, the old
            // parameter file goes, and a file the user put there stays.
            Path model = dir.resolve("model");
            ModelCard first = trained.save(model);
            Files.writeString(model.resolve("README.txt"), "my notes");
            ModelCard again = trained.save(model);
            assertThat(again.parametersFile()).isEqualTo(first.parametersFile());
            assertThat(model.resolve("README.txt")).hasContent("my notes");
            try (var files = Files.list(model)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("model.json", first.parametersFile(), "README.txt");
            }
            // An empty directory is fine.
            Path empty = Files.createDirectories(dir.resolve("empty"));
            trained.save(empty);
            BuiltinClassifier.load(empty).close();
        }
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
