package dev.marauder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.json.Json;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code marauder extract} end to end: stolen models, their fidelity, safe saving and usage errors. */
class ExtractCommandTest {
    @TempDir
    static Path shared;

    static Path logreg;

    @BeforeAll
    static void trainTarget() {
        TrainTestSplit data = Datasets.load("fashion-mnist");
        try (BuiltinClassifier model = Training.train(
                new TrainingSettings(Architecture.LOGREG, 1, 64, 0.005, 0),
                new TrainTestSplit("fashion-mnist-3000", data.train().slice(0, 3000), data.test()),
                new float[] {0, 1},
                Progress.NONE)) {
            logreg = shared.resolve("logreg");
            model.save(logreg);
        }
    }

    static JsonNode json(CliTest.Run r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        return Json.mapper().readTree(r.out());
    }

    @Test
    void equationSolvingStealsALogisticRegressionInDPlusOneQueries(@TempDir Path dir) throws Exception {
        Path stolen = dir.resolve("stolen");
        JsonNode j = json(CliTest.run(
                "extract",
                "--target",
                logreg.toString(),
                "--kind",
                "equation",
                "--data",
                "fashion-mnist",
                "--save",
                stolen.toString(),
                "--json"));
        assertThat(j.get("queries").asLong()).isEqualTo(785);
        assertThat(j.get("fidelity_test").asDouble()).isGreaterThanOrEqualTo(0.999);
        assertThat(j.get("fidelity_uniform").asDouble()).isGreaterThanOrEqualTo(0.999);
        assertThat(j.get("test_examples").asInt()).isEqualTo(2000);
        assertThat(j.get("seconds").asDouble()).isPositive();
        // the stolen model is a Marauder model every command can use: eval gives the target's accuracy
        JsonNode target = json(CliTest.run("eval", "--model", logreg.toString(), "--data", "fashion-mnist", "--json"));
        JsonNode copy = json(CliTest.run("eval", "--model", stolen.toString(), "--data", "fashion-mnist", "--json"));
        assertThat(copy.get("accuracy").asDouble())
                .isCloseTo(target.get("accuracy").asDouble(), org.assertj.core.api.Assertions.within(0.001));
        // a second run replaces our own model directory
        assertThat(CliTest.run(
                                "extract",
                                "--target",
                                logreg.toString(),
                                "--kind",
                                "equation",
                                "--data",
                                "fashion-mnist",
                                "--save",
                                stolen.toString(),
                                "--seed",
                                "1")
                        .code())
                .isZero();
    }

    @Test
    void roundingAndLabelOnlyCountermeasures(@TempDir Path dir) throws Exception {
        JsonNode rounded = json(CliTest.run(
                "extract",
                "--target",
                logreg.toString(),
                "--kind",
                "equation",
                "--data",
                "fashion-mnist",
                "--round",
                "2",
                "--json"));
        assertThat(rounded.get("rounding_decimals").asInt()).isEqualTo(2);
        assertThat(rounded.get("fidelity_uniform").asDouble()).isLessThan(0.999);
        JsonNode labels = json(CliTest.run(
                "extract",
                "--target",
                logreg.toString(),
                "--kind",
                "learning",
                "--arch",
                "logreg",
                "--label-only",
                "--budget",
                "400",
                "--epochs",
                "5",
                "--rounds",
                "2",
                "--uniform",
                "2000",
                "--data",
                "fashion-mnist",
                "--json",
                "--out",
                dir.resolve("r.json").toString()));
        assertThat(labels.get("queries").asLong()).isEqualTo(400);
        assertThat(labels.get("label_only").asBoolean()).isTrue();
        assertThat(labels.get("strategy").asText()).isEqualTo("adaptive");
        // uniform noise images all get the same label from this target, so 400 uniform label-only queries
        // teach the substitute that label and little about real images (LearningExtractionTest measures
        // label-only learning where the queries are informative)
        assertThat(labels.get("fidelity_uniform").asDouble()).isGreaterThanOrEqualTo(0.99);
        assertThat(labels.get("fidelity_test").asDouble()).isLessThan(0.5);
        assertThat(Json.mapper()
                        .readTree(dir.resolve("r.json").toFile())
                        .get("queries")
                        .asLong())
                .isEqualTo(400);
    }

    @Test
    void treesAreExtractedExactlyAndSavedAndReloaded(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("tree");
        JsonNode j = json(
                CliTest.run("extract", "--kind", "tree", "--data", "penguins", "--save", saved.toString(), "--json"));
        assertThat(j.get("fidelity_test").asDouble()).isEqualTo(1.0);
        assertThat(j.get("fidelity_uniform").asDouble()).isEqualTo(1.0);
        assertThat(j.get("leaves").asInt())
                .isGreaterThanOrEqualTo(j.get("target_leaves").asInt());
        long incomplete = j.get("queries").asLong();
        JsonNode complete = json(
                CliTest.run("extract", "--kind", "tree", "--data", "penguins", "--no-incomplete-queries", "--json"));
        assertThat(complete.get("queries").asLong()).isGreaterThan(incomplete);
        // the saved tree is a target too
        JsonNode again = json(
                CliTest.run("extract", "--kind", "tree", "--target", saved.toString(), "--data", "penguins", "--json"));
        assertThat(again.get("fidelity_uniform").asDouble()).isEqualTo(1.0);
    }

    @Test
    void refusesToWriteIntoADirectoryItDidNotCreate(@TempDir Path dir) throws Exception {
        Path foreign = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(foreign.resolve("notes.txt"), "keep me");
        for (String[] args : new String[][] {
            {
                "extract",
                "--target",
                logreg.toString(),
                "--kind",
                "equation",
                "--data",
                "fashion-mnist",
                "--save",
                foreign.toString()
            },
            {"extract", "--kind", "tree", "--data", "penguins", "--save", foreign.toString()}
        }) {
            CliTest.Run r = CliTest.run(args);
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).startsWith("marauder: error: ").contains("not empty");
            assertThat(r.err().strip().lines().count()).isEqualTo(1);
        }
        assertThat(Files.readString(foreign.resolve("notes.txt"))).isEqualTo("keep me");
        assertThat(Files.list(foreign).count()).isEqualTo(1);
    }

    @Test
    void usageErrorsAndBadInputs(@TempDir Path dir) {
        String t = logreg.toString();
        String[][] usage = {
            {"extract", "--target", t, "--kind", "magic", "--data", "fashion-mnist"},
            {"extract", "--target", t, "--kind", "equation", "--data", "fashion-mnist", "--label-only"},
            {"extract", "--target", t, "--kind", "equation", "--data", "fashion-mnist", "--budget", "3"},
            {"extract", "--target", t, "--kind", "equation", "--data", "fashion-mnist", "--arch", "mlp"},
            {"extract", "--target", t, "--kind", "learning", "--data", "fashion-mnist", "--arch", "resnet"},
            {"extract", "--target", t, "--kind", "learning", "--data", "fashion-mnist", "--strategy", "psychic"},
            {"extract", "--target", t, "--kind", "equation", "--data", "fashion-mnist", "--round", "0"},
            {"extract", "--target", t, "--kind", "equation", "--data", "fashion-mnist", "--save", t},
            {"extract", "--kind", "equation", "--data", "fashion-mnist"},
            {"extract", "--kind", "tree", "--data", "penguins", "--budget", "10"},
            {"extract", "--target", t, "--kind", "equation"},
        };
        for (String[] args : usage) {
            CliTest.Run r = CliTest.run(args);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("marauder: ");
        }
        CliTest.Run missing = CliTest.run(
                "extract", "--target", dir.resolve("nope").toString(), "--kind", "equation", "--data", "fashion-mnist");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("marauder: error: ").contains("nope");
        CliTest.Run notTree = CliTest.run("extract", "--kind", "tree", "--target", t, "--data", "penguins");
        assertThat(notTree.code()).isEqualTo(1);
        assertThat(notTree.err()).startsWith("marauder: error: ").contains("tree.json");
    }
}
