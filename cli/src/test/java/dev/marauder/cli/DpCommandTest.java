package dev.marauder.cli;

import static dev.marauder.cli.CliTest.JSON;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DP-SGD and the empirical privacy audit from the command line. */
class DpCommandTest {

    @Test
    void dpTrainingWritesTheGuaranteeIntoTheModelCardAndTheReport(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("dp");
        CliTest.Run r = run(
                "train",
                "--arch",
                "logreg",
                "--data",
                "mnist",
                "--epochs",
                "1",
                "--batch",
                "256",
                "--lr",
                "0.01",
                "--dp",
                "--noise",
                "1.0",
                "--clip",
                "1.0",
                "--seed",
                "7",
                "--out",
                model.toString(),
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning").contains("NOT private");
        JsonNode card = JSON.readTree(r.out());
        JsonNode privacy = card.get("privacy");
        assertThat(privacy.get("steps").asLong()).isEqualTo(32); // ceil(8000 / 256)
        assertThat(privacy.get("sample_rate").asDouble()).isEqualTo(256.0 / 8000);
        assertThat(privacy.get("epsilon").asDouble()).isBetween(0.1, 3.0);
        assertThat(privacy.get("accountant").asText()).isEqualTo("rdp");
        assertThat(card.get("test_accuracy").asDouble()).isGreaterThan(0.5);

        CliTest.Run epsilon = run(
                "privacy",
                "epsilon",
                "--n",
                "8000",
                "--batch",
                "256",
                "--noise",
                "1.0",
                "--epochs",
                "1",
                "--delta",
                "1e-5",
                "--json");
        assertThat(JSON.readTree(epsilon.out()).get("epsilon").asDouble())
                .isEqualTo(privacy.get("epsilon").asDouble());

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
                "--report",
                report.toString(),
                "--quiet");
        assertThat(audit.code()).as(audit.err()).isZero();
        JsonNode section = JSON.readTree(report.resolve("report.json").toFile())
                .get("sections")
                .get("privacy");
        // trained with --seed: reproducible but NOT private, so no formal guarantee holds (it once said true)
        assertThat(section.get("formal_guarantee").asBoolean()).isFalse();
        assertThat(section.get("guarantee").get("epsilon").asDouble())
                .isEqualTo(privacy.get("epsilon").asDouble());
        JsonNode curve = section.get("epsilon_vs_steps").get("series").get(0).get("y");
        assertThat(curve.get(curve.size() - 1).asDouble())
                .isEqualTo(privacy.get("epsilon").asDouble());
    }

    @Test
    void calibratedTrainingMeetsTheTarget(@TempDir Path dir) throws Exception {
        CliTest.Run r = run(
                "train",
                "--arch",
                "logreg",
                "--data",
                "mnist",
                "--epochs",
                "1",
                "--batch",
                "256",
                "--dp",
                "--target-epsilon",
                "1.5",
                "--out",
                dir.resolve("m").toString(),
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("NOT private");
        JsonNode privacy = JSON.readTree(r.out()).get("privacy");
        assertThat(privacy.get("epsilon").asDouble()).isLessThanOrEqualTo(1.5).isGreaterThan(1.45);
        assertThat(privacy.get("secure_randomness").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--noise 1.0|--noise, --clip, --target-epsilon, --delta, --accountant and --epsilon-budget need --dp",
                "--dp|--dp needs --noise SIGMA or --target-epsilon EPS",
                "--dp --noise 1 --accountant xyz|--accountant must be rdp or pld, got 'xyz'",
                "--dp --noise 1 --target-epsilon 2|give either a noise multiplier or a target epsilon",
                "--dp --noise 0.5 --epsilon-budget 1|more than the budget 1",
                // once epsilon 0 (NaN masses in PLD): a vanishing noise must never pass a budget
                "--dp --noise 1e-10 --accountant pld --epsilon-budget 1|more than the budget 1",
                "--dp --noise 0.01 --accountant pld --epsilon-budget 1|more than the budget 1",
                "--dp --noise 1 --clip -1|clip norm must be a positive number, got -1.0"
            })
    void wrongDpOptionsAreUsageErrors(String options, String message, @TempDir Path dir) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "train",
                "--arch",
                "logreg",
                "--data",
                "mnist",
                "--epochs",
                "3",
                "--out",
                dir.resolve("m").toString()));
        args.addAll(java.util.List.of(options.split(" ")));
        CliTest.Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(dir.resolve("m")).doesNotExist();
    }

    @Test
    void privacyAuditBoundsEpsilonFromBelow(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("privacy-audit.json");
        CliTest.Run r = run(
                "privacy",
                "audit",
                "--arch",
                "logreg",
                "--data",
                "mnist",
                "--canaries",
                "200",
                "--epochs",
                "1",
                "--batch",
                "256",
                "--lr",
                "0.01",
                "--dp",
                "--noise",
                "1.0",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(out.toFile());
        assertThat(j.get("canaries").asInt()).isEqualTo(200);
        assertThat(j.get("included").asInt()).isBetween(70, 130);
        assertThat(j.get("confidence").asDouble()).isEqualTo(0.95);
        assertThat(j.get("epsilon_lower_bound").asDouble())
                .isGreaterThanOrEqualTo(0)
                .isLessThanOrEqualTo(j.get("claimed_epsilon").asDouble());
        assertThat(j.get("training").asText()).isEqualTo("dp-sgd");

        Path report = dir.resolve("report");
        CliTest.Run audit = run(
                "audit",
                "--model",
                CliTest.FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--data",
                "fashion-mnist",
                "--privacy-audit",
                out.toString(),
                "--report",
                report.toString(),
                "--quiet");
        assertThat(audit.code()).as(audit.err()).isZero();
        JsonNode section = JSON.readTree(report.resolve("report.json").toFile())
                .get("sections")
                .get("empirical_privacy_audit");
        assertThat(section.get("empirical_audits")
                        .get(0)
                        .get("epsilon_lower_bound")
                        .asDouble())
                .isEqualTo(j.get("epsilon_lower_bound").asDouble());
        CliTest.Run bad = run(
                "audit",
                "--model",
                CliTest.FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--data",
                "fashion-mnist",
                "--privacy-audit",
                CliTest.FIXTURES.resolve("fmnist_mlp.json").toString(),
                "--report",
                report.toString(),
                "--quiet");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("has no epsilon_lower_bound");
    }

    @Test
    void dpSgdBenchmarkAlternatesEpochsAndComparesTheFastest() throws Exception {
        CliTest.Run r =
                run("bench", "dpsgd", "--examples", "300", "--batch", "100", "--repeats", "2", "--json", "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode b = JSON.readTree(r.out()).get("dpsgd");
        assertThat(b.get("non_private_seconds")).hasSize(2);
        assertThat(b.get("private_seconds")).hasSize(2);
        double fastestPlain = Math.min(
                b.get("non_private_seconds").get(0).asDouble(),
                b.get("non_private_seconds").get(1).asDouble());
        double fastestPrivate = Math.min(
                b.get("private_seconds").get(0).asDouble(),
                b.get("private_seconds").get(1).asDouble());
        assertThat(b.get("ratio_of_fastest").asDouble())
                .isCloseTo(fastestPrivate / fastestPlain, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(b.get("private_peak_rss_bytes").asLong()).isPositive();
        assertThat(b.get("epsilon").asDouble()).isPositive();
        CliTest.Run bad = run("bench", "dpsgd", "--repeats", "0");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--repeats must be at least 1, got 0");
    }
}
