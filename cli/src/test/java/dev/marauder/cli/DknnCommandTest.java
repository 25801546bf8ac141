package dev.marauder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.json.Json;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code marauder dknn fit} and {@code dknn score}: a saved Deep k-NN and its admission trade-off. */
class DknnCommandTest {

    @Test
    void fitThenScoreReportsTheTradeoffAndMistakesAreOneLineErrors(@TempDir Path dir) throws Exception {
        TrainTestSplit fashion = Datasets.load("fashion-mnist");
        Path model = dir.resolve("mlp");
        try (BuiltinClassifier m = Training.train(
                Architecture.MLP,
                new AdamTrainer(2, 64, 0.002, 0),
                new TrainTestSplit("fashion-mnist-1000", fashion.train().slice(0, 1000), fashion.test()),
                new float[] {0, 1},
                Progress.NONE,
                w -> {})) {
            m.save(model);
        }
        Path dknn = dir.resolve("dknn");
        CliTest.Run fit = CliTest.run(
                "dknn",
                "fit",
                "--model",
                model.toString(),
                "--data",
                "fashion-mnist",
                "--k",
                "10",
                "--calibration",
                "200",
                "--train-examples",
                "800",
                "--save",
                dknn.toString(),
                "-q");
        assertThat(fit.code()).as(fit.err()).isZero();
        assertThat(fit.out())
                .contains("hidden layers of the built-in network: hidden1 (256), logits (10)")
                .contains("800 training examples, 200 calibration examples");
        assertThat(dknn.resolve("deep-knn.json")).exists();

        CliTest.Run score = CliTest.run(
                "dknn",
                "score",
                "--model",
                model.toString(),
                "--dknn",
                dknn.toString(),
                "--data",
                "fashion-mnist",
                "--attack",
                "fgsm",
                "--eps",
                "0.1",
                "--examples",
                "200",
                "--json",
                "-q");
        assertThat(score.code()).as(score.err()).isZero();
        JsonNode r = Json.mapper().readTree(score.out());
        assertThat(r.get("examples").asInt()).isEqualTo(200);
        assertThat(r.get("skipped_calibration_examples").asInt()).isEqualTo(200);
        assertThat(r.at("/attack/name").asText()).isEqualTo("fgsm");
        assertThat(r.at("/clean/mean_credibility").asDouble())
                .isGreaterThan(r.at("/adversarial/mean_credibility").asDouble());
        assertThat(r.at("/tradeoff/detector_auc").asDouble()).isGreaterThan(0.6);
        assertThat(r.at("/tradeoff/curve/0/clean_refused").asDouble()).isZero();
        assertThat(r.at("/clean_scores/credibility")).hasSize(200);
        assertThat(r.at("/adversarial_scores/predictions")).hasSize(200);

        CliTest.Run text = CliTest.run(
                "dknn",
                "score",
                "--model",
                model.toString(),
                "--dknn",
                dknn.toString(),
                "--data",
                "fashion-mnist",
                "--examples",
                "50",
                "-q");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("50 examples (the last 200 of the test split calibrated it and are skipped)");

        String m = model.toString();
        String[] fitBase = {
            "dknn",
            "fit",
            "--model",
            m,
            "--data",
            "fashion-mnist",
            "--save",
            dir.resolve("x").toString()
        };
        assertFails(2, "k must be at least 1", concat(fitBase, "--k", "0"));
        assertFails(2, "--train-examples", concat(fitBase, "--memory-limit", "1"));
        assertFails(2, "no layer 'hidden9'", concat(fitBase, "--layers", "hidden9"));
        assertFails(2, "l2 or cosine", concat(fitBase, "--metric", "l1"));
        assertFails(2, "leaves no test example", concat(fitBase, "--calibration", "5000"));
        String[] scoreBase = {"dknn", "score", "--model", m, "--dknn", dknn.toString(), "--data", "fashion-mnist"};
        assertFails(2, "fgsm or pgd", concat(scoreBase, "--attack", "cw", "--eps", "0.1"));
        assertFails(2, "go together", concat(scoreBase, "--eps", "0.1"));
        assertFails(1, "deep-knn.json", new String[] {
            "dknn", "score", "--model", m, "--dknn", model.toString(), "--data", "fashion-mnist"
        });
        assertFails(2, "subcommand is required", new String[] {"dknn"});
        Path notOurs = dir.resolve("project");
        Files.createDirectories(notOurs);
        Files.writeString(notOurs.resolve("notes.txt"), "mine");
        assertFails(1, "not a Deep k-NN directory", new String[] {
            "dknn", "fit", "--model", m, "--data", "fashion-mnist", "--save", notOurs.toString()
        });
        assertThat(Files.readString(notOurs.resolve("notes.txt"))).isEqualTo("mine");
    }

    private static void assertFails(int code, String message, String[] args) {
        CliTest.Run r = CliTest.run(args);
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err().strip().lines())
                .as(r.err())
                .hasSize(code == 2 && r.err().contains("Try '") ? 2 : 1);
        assertThat(r.err()).contains(message);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
