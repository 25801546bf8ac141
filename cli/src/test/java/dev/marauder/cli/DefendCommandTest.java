package dev.marauder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code marauder defend train}: a model directory like {@code train}'s, with the defense in its card. */
class DefendCommandTest {

    @Test
    void fastAdversarialTrainingWritesAModelWhoseCardRecordsTheDefense(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("robust");
        CliTest.Run r = CliTest.run(
                "defend",
                "train",
                "--method",
                "fast",
                "--eps",
                "0.1",
                "--arch",
                "logreg",
                "--data",
                "fashion-mnist",
                "--epochs",
                "1",
                "--lr",
                "0.005",
                "--out",
                out.toString(),
                "--json",
                "-q");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode card = Json.mapper().readTree(r.out());
        assertThat(card.at("/defense/method").asText()).isEqualTo("fast-adversarial-training");
        assertThat(card.at("/defense/settings/epsilon").asDouble()).isEqualTo(0.1);
        assertThat(card.at("/defense/settings/attack_steps").asInt()).isEqualTo(1);
        assertThat(card.at("/defense/reference").asText()).contains("Wong");
        assertThat(card.get("test_accuracy").asDouble()).isGreaterThan(0.6);
        // the directory is a model every command takes, and it can be replaced by the next run
        CliTest.Run eval = CliTest.run("eval", "--model", out.toString(), "--data", "fashion-mnist", "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        CliTest.Run again = CliTest.run(
                "defend",
                "train",
                "--method",
                "pgd",
                "--eps",
                "0.05",
                "--attack-steps",
                "2",
                "--arch",
                "logreg",
                "--data",
                "fashion-mnist",
                "--epochs",
                "1",
                "--out",
                out.toString(),
                "-q");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("defense: pgd-adversarial-training, linf eps 0.05, 2 attack steps");
    }

    @Test
    void mistakesAreOneLineErrorsBeforeAnyTraining(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("m");
        String[] base = {"defend", "train", "--arch", "logreg", "--data", "fashion-mnist", "--out", out.toString()};
        assertUsage(concat(base, "--method", "free", "--eps", "0.1"), "pgd, trades, fast or noise");
        assertUsage(concat(base, "--method", "pgd"), "needs --eps");
        assertUsage(concat(base, "--method", "noise", "--eps", "0.1"), "--method noise takes --sigma");
        assertUsage(concat(base, "--method", "noise", "--sigma", "-1"), "sigma");
        assertUsage(concat(base, "--method", "pgd", "--eps", "0"), "epsilon");
        assertUsage(concat(base, "--method", "pgd", "--eps", "0.1", "--norm", "l1"), "--norm must be linf or l2");
        assertUsage(concat(base, "--method", "pgd", "--eps", "0.1", "--beta", "2"), "trades only");
        assertUsage(concat(base, "--method", "fast", "--eps", "0.1", "--attack-steps", "3"), "exactly 1");
        assertUsage(new String[] {"defend"}, "subcommand is required");
        Path notOurs = dir.resolve("project");
        Files.createDirectories(notOurs);
        Files.writeString(notOurs.resolve("notes.txt"), "mine");
        CliTest.Run refused = CliTest.run(
                "defend",
                "train",
                "--method",
                "pgd",
                "--eps",
                "0.1",
                "--arch",
                "logreg",
                "--data",
                "fashion-mnist",
                "--out",
                notOurs.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(Files.readString(notOurs.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void noiseAugmentedTrainingThenCertifiedRadiiOfTheSmoothedModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("noisy");
        CliTest.Run trained = CliTest.run(
                "defend",
                "train",
                "--method",
                "noise",
                "--sigma",
                "0.25",
                "--arch",
                "logreg",
                "--data",
                "fashion-mnist",
                "--epochs",
                "1",
                "--lr",
                "0.005",
                "--out",
                out.toString(),
                "-q");
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("defense: gaussian-noise-augmentation, sigma 0.25");
        Path json = dir.resolve("certify.json");
        CliTest.Run r = CliTest.run(
                "certify",
                "--model",
                out.toString(),
                "--data",
                "fashion-mnist",
                "--sigma",
                "0.25",
                "--n",
                "200",
                "--n0",
                "20",
                "--examples",
                "12",
                "--seed",
                "1",
                "--out",
                json.toString(),
                "-q");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("radius  certified accuracy");
        JsonNode result = Json.mapper().readTree(json.toFile()).get("result");
        assertThat(result.get("examples").asInt()).isEqualTo(12);
        assertThat(result.get("queries").asLong()).isEqualTo(12 * 220);
        assertThat(result.get("accuracy").asDouble()).isGreaterThan(0.4);
        assertThat(result.get("certificates")).hasSize(12);
        JsonNode curve = result.get("curve");
        assertThat(curve.get(0).get("certified_accuracy").asDouble())
                .isEqualTo(result.get("accuracy").asDouble());
        assertThat(curve.get(curve.size() - 1).get("certified_accuracy").asDouble())
                .isZero();
        assertThat(result.at("/settings/seed").asLong()).isEqualTo(1);
        // usage errors
        CliTest.Run bad = CliTest.run(
                "certify", "--model", out.toString(), "--data", "fashion-mnist", "--sigma", "0.25", "--alpha", "2");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("alpha");
    }

    @Test
    void evaluateFindsThatBpdaBreaksBitDepthReduction() throws Exception {
        CliTest.Run r = CliTest.run(
                "defend",
                "evaluate",
                "--model",
                AttackCommandTest.MODEL,
                "--data",
                "fashion-mnist",
                "--defense",
                "bitdepth",
                "--examples",
                "40",
                "--steps",
                "10",
                "--json",
                "-q");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = Json.mapper().readTree(r.out()).get("report");
        assertThat(report.get("defense").asText()).isEqualTo("bitdepth");
        assertThat(report.get("zero_gradient_fraction").asDouble()).isEqualTo(1.0);
        assertThat(report.get("non_adaptive_robust_accuracy").asDouble())
                .isGreaterThan(report.get("adaptive_robust_accuracy").asDouble() + 0.3);
        assertThat(report.get("verdict").asText()).isEqualTo("broken");
        assertThat(report.get("masking_warnings").toString()).contains("exactly zero");
        CliTest.Run text = CliTest.run(
                "defend",
                "evaluate",
                "--model",
                AttackCommandTest.MODEL,
                "--data",
                "fashion-mnist",
                "--defense",
                "median",
                "--examples",
                "10",
                "--steps",
                "3",
                "-q");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("median (Xu, Evans & Qi 2018").contains("verdict: ");
        assertUsage(
                new String[] {
                    "defend",
                    "evaluate",
                    "--model",
                    AttackCommandTest.MODEL,
                    "--data",
                    "fashion-mnist",
                    "--defense",
                    "blur"
                },
                "unknown defense 'blur'");
        assertUsage(
                new String[] {
                    "defend",
                    "evaluate",
                    "--model",
                    AttackCommandTest.MODEL,
                    "--data",
                    "fashion-mnist",
                    "--defense",
                    "jpeg",
                    "--attack",
                    "cw"
                },
                "--attack must be pgd, apgd, ensemble, bpda or eot");
        // thermometer encoding needs a model trained on encoded inputs: the fixture takes 1 channel
        CliTest.Run thermometer = CliTest.run(
                "defend",
                "evaluate",
                "--model",
                AttackCommandTest.MODEL,
                "--data",
                "fashion-mnist",
                "--defense",
                "thermometer");
        assertThat(thermometer.code()).isEqualTo(1);
        assertThat(thermometer.err()).contains("does not accept inputs of shape [16, 28, 28]");
    }

    private static void assertUsage(String[] args, String message) {
        CliTest.Run r = CliTest.run(args);
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.err()).doesNotContain("\tat ");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
