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
        assertUsage(concat(base, "--method", "free", "--eps", "0.1"), "pgd, trades or fast");
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
