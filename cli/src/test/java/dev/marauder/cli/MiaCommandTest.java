package dev.marauder.cli;

import static dev.marauder.cli.CliTest.JSON;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.NpyWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code marauder mia}, end to end and against a given model. */
class MiaCommandTest {

    @Test
    void endToEndThresholdAttackReportsTheRequiredMetrics(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("mia.json");
        CliTest.Run r = run(
                "mia",
                "--kind",
                "threshold",
                "--arch",
                "mlp",
                "--data",
                "mnist",
                "--train-size",
                "300",
                "--epochs",
                "15",
                "--batch",
                "32",
                "--lr",
                "0.002",
                "--seed",
                "1",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("AUC").contains("0.1% FPR");
        JsonNode j = JSON.readTree(out.toFile());
        assertThat(j.get("kind").asText()).isEqualTo("threshold");
        assertThat(j.get("attack").asText()).isEqualTo("loss");
        assertThat(j.get("auc").asDouble()).isGreaterThan(0.6);
        assertThat(j.get("balanced_accuracy").asDouble()).isGreaterThan(0.55);
        assertThat(j.get("tpr_at_fpr").has("0.01")).isTrue();
        assertThat(j.get("tpr_at_fpr").has("0.001")).isTrue();
        assertThat(j.get("epsilon_lower_bound").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(j.get("seconds").asDouble()).isPositive();
        assertThat(j.get("attacks").get("entropy").get("roc").size()).isGreaterThan(2);
        assertThat(j.get("target").get("member_accuracy").asDouble()).isGreaterThan(0.99);
        // the report names each run by its target
        assertThat(dev.marauder.audit.MembershipRun.of(j).describeTarget())
                .isEqualTo(String.format(
                        java.util.Locale.ROOT,
                        "mlp, 15 epochs, no DP, test accuracy %.3f",
                        j.get("target").get("test_accuracy").asDouble()));
        JsonNode dp = JSON.readTree("{\"target\": {\"model\": \"mlp\", \"epsilon\": 7.718, \"test_accuracy\": 0.8031,"
                + " \"training\": {\"epochs\": 60, \"dp\": {\"noise_multiplier\": 1.5}}}}");
        assertThat(dev.marauder.audit.MembershipRun.of(dp).describeTarget())
                .isEqualTo("mlp, 60 epochs, DP-SGD epsilon 7.72, test accuracy 0.803");
        assertThat(dev.marauder.audit.MembershipRun.of(JSON.createObjectNode()).describeTarget())
                .isEqualTo("model");
    }

    @Test
    void givenModelWithMemberAndNonMemberFiles(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m");
        CliTest.Run train = run(
                "train", "--arch", "logreg", "--data", "mnist", "--epochs", "2", "--out", model.toString(), "--quiet");
        assertThat(train.code()).as(train.err()).isZero();
        var split = Datasets.load("mnist");
        Path[] in = write(dir, "in", split.train().slice(0, 300));
        Path[] outFiles = write(dir, "out", split.test().slice(0, 300));
        CliTest.Run r = run(
                "mia",
                "--kind",
                "threshold",
                "--model",
                model.toString(),
                "--members",
                in[0] + "," + in[1],
                "--non-members",
                outFiles[0] + "," + outFiles[1],
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("attacks").get("loss").get("members").asInt()).isEqualTo(300);
        assertThat(j.get("auc").asDouble()).isBetween(0.0, 1.0);

        // The audit report runs the threshold attacks itself for a Marauder model whose card names
        // its training data, and adds a given mia result.
        Path miaFile = dir.resolve("mia.json");
        java.nio.file.Files.writeString(miaFile, r.out());
        Path report = dir.resolve("report");
        CliTest.Run audit = run(
                "audit",
                "--model",
                model.toString(),
                "--data",
                "mnist",
                "--examples",
                "50",
                "--eps",
                "0,0.1",
                "--mia",
                miaFile.toString(),
                "--report",
                report.toString(),
                "--quiet");
        assertThat(audit.code()).as(audit.err()).isZero();
        JsonNode leakage = JSON.readTree(report.resolve("report.json").toFile())
                .get("sections")
                .get("membership_inference");
        assertThat(leakage.get("runs")).hasSize(2);
        assertThat(leakage.get("runs")
                        .get(0)
                        .get("attacks")
                        .get("loss")
                        .get("members")
                        .asInt())
                .isEqualTo(2000);
        assertThat(leakage.get("runs").get(1).get("auc").asDouble())
                .isEqualTo(j.get("auc").asDouble());
        // two runs: each run's headline attack (here the loss threshold) and its loss threshold, and chance
        assertThat(leakage.get("membership_roc").get("series").size()).isEqualTo(3);
        CliTest.Run notMia = run(
                "audit",
                "--model",
                model.toString(),
                "--data",
                "mnist",
                "--examples",
                "50",
                "--mia",
                CliTest.FIXTURES.resolve("fmnist_mlp.json").toString(),
                "--report",
                report.toString(),
                "--quiet");
        assertThat(notMia.code()).isEqualTo(1);
        assertThat(notMia.err()).contains("not written by 'marauder mia'");

        // shadow/lira need the recipe, which an ONNX file does not record
        CliTest.Run onnx = run(
                "mia",
                "--kind",
                "lira",
                "--model",
                CliTest.FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--members",
                in[0] + "," + in[1],
                "--non-members",
                outFiles[0] + "," + outFiles[1],
                "--quiet");
        assertThat(onnx.code()).isIn(1, 2);
    }

    private static Path[] write(Path dir, String name, LabeledData d) {
        Path x = dir.resolve(name + "_x.npy");
        Path y = dir.resolve(name + "_y.npy");
        NpyWriter.write(x, d.features());
        NpyWriter.writeLabels(y, d.labels());
        return new Path[] {x, y};
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--kind magic --arch mlp --data mnist --train-size 10|unknown membership inference kind",
                "--kind threshold|give --model M",
                "--kind threshold --arch mlp --data mnist|needs --arch, --data and --train-size",
                "--kind threshold --arch mlp --data mnist --train-size 9000|--train-size must be between 2 and half",
                "--kind lira --shadow 1 --arch mlp --data mnist --train-size 10|at least 2 shadow models",
                "--kind lira --workers 0 --arch mlp --data mnist --train-size 10|--workers must be at least 1, got 0",
                "--kind threshold --arch mlp --data mnist --train-size 10 --noise 1|--noise needs --dp",
                "--kind threshold --model m --arch mlp|not both",
                "--kind threshold --model m --members a.npy --non-members b.npy|--members needs FEATURES,LABELS",
            })
    void badCombinationsAreUsageErrors(String args, String message) {
        CliTest.Run r = run(("mia " + args).split(" "));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(message);
    }
}
