package dev.marauder.cli;

import static dev.marauder.cli.CliTest.FIXTURES;
import static dev.marauder.cli.CliTest.JSON;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.data.NpyReader;
import dev.marauder.core.data.NpyWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code marauder attack}: results per epsilon, saved adversarial examples, and usage errors. */
class AttackCommandTest {
    static final String MODEL = FIXTURES.resolve("fmnist_cnn.pt").toString();
    static final String X = FIXTURES.resolve("fmnist_test_200_x.npy").toString();
    static final String Y = FIXTURES.resolve("fmnist_test_200_y.npy").toString();

    @Test
    void pgdReportsEveryEpsilonAndSavesTheAdversarialExamples(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("pgd.json");
        Path adv = dir.resolve("adv.npy");
        CliTest.Run r = run(
                "attack",
                "pgd",
                "--model",
                MODEL,
                "--data",
                X,
                "--labels",
                Y,
                "--eps",
                "0,0.03,0.1",
                "--steps",
                "10",
                "--no-random-start",
                "--batch",
                "100",
                "--save-adversarial",
                adv.toString(),
                "--out",
                out.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(out.toFile());
        assertThat(json.get("attack").asText()).isEqualTo("bim");
        assertThat(json.get("norm").asText()).isEqualTo("linf");
        assertThat(json.get("examples").asInt()).isEqualTo(200);
        JsonNode expected = JSON.readTree(FIXTURES.resolve("fmnist_cnn.json").toFile());
        assertThat(json.get("clean_accuracy").asDouble())
                .isEqualTo(expected.get("test200_accuracy").asDouble());
        JsonNode rows = json.get("per_epsilon");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).get("robust_accuracy").asDouble())
                .isEqualTo(json.get("clean_accuracy").asDouble());
        assertThat(rows.get(2).get("robust_accuracy").asDouble()).isLessThan(0.3);
        assertThat(rows.get(2).get("attack_success_rate").asDouble()).isGreaterThan(0.6);
        assertThat(rows.get(2).get("mean_perturbation").asDouble()).isLessThanOrEqualTo(0.1 + 1e-6);
        for (String key :
                new String[] {"eps", "robust_accuracy", "attack_success_rate", "mean_perturbation", "seconds"}) {
            assertThat(rows.get(1).has(key)).as(key).isTrue();
        }
        var saved = NpyReader.read(adv).toFloatTensor();
        assertThat(saved.shape()).containsExactly(3, 200, 1, 28, 28);
        assertThat(saved.min()).isGreaterThanOrEqualTo(0f);
        assertThat(saved.max()).isLessThanOrEqualTo(1f);
    }

    @ParameterizedTest
    @CsvSource({"fgsm,linf,0.1", "fgsm,l2,2.0", "mifgsm,linf,0.1", "deepfool,l2,2.0", "cw,l2,2.0"})
    void everyAttackRunsFromTheCommandLine(String attack, String norm, String eps) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "attack",
                attack,
                "--model",
                MODEL,
                "--data",
                X,
                "--labels",
                Y,
                "--norm",
                norm,
                "--eps",
                eps,
                "--json",
                "--quiet",
                "--batch",
                "200"));
        if (attack.equals("cw")) {
            args.addAll(java.util.List.of("--search-steps", "2"));
        }
        CliTest.Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("norm").asText()).isEqualTo(norm);
        double robust = json.get("per_epsilon").get(0).get("robust_accuracy").asDouble();
        assertThat(robust).isLessThan(json.get("clean_accuracy").asDouble() - 0.2);
    }

    @Test
    void pgdTakesTheL1NormAndTheDlrLoss() throws Exception {
        CliTest.Run r = run(
                "attack",
                "pgd",
                "--model",
                MODEL,
                "--data",
                X,
                "--labels",
                Y,
                "--norm",
                "l1",
                "--eps",
                "0,10",
                "--steps",
                "20",
                "--loss",
                "dlr",
                "--json",
                "--quiet",
                "--batch",
                "200");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("norm").asText()).isEqualTo("l1");
        assertThat(json.get("settings").get("loss").asText()).isEqualTo("dlr");
        assertThat(json.get("settings").get("norm").asText()).isEqualTo("l1");
        assertThat(json.get("provenance").get("settings").get("loss").asText()).isEqualTo("dlr");
        JsonNode rows = json.get("per_epsilon");
        assertThat(rows.get(1).get("mean_perturbation").asDouble()).isLessThanOrEqualTo(10 + 1e-3);
        assertThat(rows.get(1).get("robust_accuracy").asDouble())
                .isLessThan(rows.get(0).get("robust_accuracy").asDouble());
    }

    @Test
    void targetedPgdReachesTheTargets(@TempDir Path dir) throws Exception {
        int[] y = NpyReader.read(Path.of(Y)).toLabels();
        int[] targets = Arrays.stream(y).map(l -> (l + 3) % 10).toArray();
        Path t = dir.resolve("targets.npy");
        NpyWriter.writeLabels(t, targets);
        CliTest.Run r = run(
                "attack",
                "pgd",
                "--model",
                MODEL,
                "--data",
                X,
                "--labels",
                Y,
                "--eps",
                "0.2",
                "--steps",
                "20",
                "--targeted",
                "--target-labels",
                t.toString(),
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("targeted").asBoolean()).isTrue();
        // The default loss is not written: the settings keep their earlier keys.
        assertThat(json.get("settings").has("loss")).isFalse();
        assertThat(json.get("settings").get("relative_step").asDouble()).isEqualTo(2.5 / 20);
        assertThat(json.get("per_epsilon").get(0).get("attack_success_rate").asDouble())
                .isGreaterThan(0.5);

        Path shortTargets = dir.resolve("short.npy");
        NpyWriter.writeLabels(shortTargets, Arrays.copyOf(targets, 10));
        CliTest.Run bad = run(
                "attack",
                "pgd",
                "--model",
                MODEL,
                "--data",
                X,
                "--labels",
                Y,
                "--targeted",
                "--target-labels",
                shortTargets.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("short.npy").contains("10 target labels for 200 examples");
    }

    /**
     * The ensemble end to end with small budgets: the usual rows plus one per stage, the attack that
     * broke each input, and robust accuracy that never rises from stage to stage.
     */
    @Test
    void ensembleReportsEveryStageAndTheAttackThatBrokeEachInput(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("ensemble.json");
        CliTest.Run r = run(
                "attack",
                "ensemble",
                "--model",
                MODEL,
                "--data",
                X,
                "--labels",
                Y,
                "--eps",
                "0.05",
                "--steps",
                "5",
                "--targets",
                "2",
                "--max-queries",
                "50",
                "--batch",
                "200",
                "--json",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(out.toFile());
        assertThat(json.get("attack").asText()).isEqualTo("ensemble");
        assertThat(json.get("norm").asText()).isEqualTo("linf");
        assertThat(json.get("targeted").asBoolean()).isFalse();
        JsonNode expected = JSON.readTree(FIXTURES.resolve("fmnist_cnn.json").toFile());
        double clean = json.get("clean_accuracy").asDouble();
        assertThat(clean).isEqualTo(expected.get("test200_accuracy").asDouble());
        JsonNode settings = json.get("settings");
        assertThat(settings.get("stages").toString()).isEqualTo("[\"apgd-ce\",\"apgd-t\",\"square\"]");
        assertThat(settings.get("steps").asInt()).isEqualTo(5);
        assertThat(settings.get("targets").asInt()).isEqualTo(2);
        assertThat(settings.get("max_queries").asLong()).isEqualTo(50);
        JsonNode row = json.get("per_epsilon").get(0);
        double robust = row.get("robust_accuracy").asDouble();
        assertThat(robust).isLessThan(clean - 0.2);
        assertThat(row.get("mean_perturbation").asDouble()).isLessThanOrEqualTo(0.05 + 1e-6);
        JsonNode stages = row.get("stages");
        assertThat(stages).hasSize(3);
        double before = clean;
        int brokenTotal = 0;
        for (JsonNode stage : stages) {
            assertThat(stage.get("robust_accuracy").asDouble()).isLessThanOrEqualTo(before);
            before = stage.get("robust_accuracy").asDouble();
            brokenTotal += stage.get("broken").asInt();
        }
        assertThat(before).isEqualTo(robust);
        JsonNode brokenBy = row.get("broken_by");
        assertThat(brokenBy).hasSize(200);
        int robustCount = 0;
        int broken = 0;
        int wrong = 0;
        for (JsonNode b : brokenBy) {
            if (b.isNull()) {
                robustCount++;
            } else if (b.asText().equals("clean")) {
                wrong++;
            } else {
                assertThat(b.asText()).isIn("apgd-ce", "apgd-t", "square");
                broken++;
            }
        }
        assertThat(robustCount).isEqualTo((int) Math.round(robust * 200));
        assertThat(wrong).isEqualTo((int) Math.round((1 - clean) * 200));
        assertThat(broken).isEqualTo(brokenTotal);
        assertThat(row.get("attack_success_rate").asDouble()).isEqualTo((double) broken / (200 - wrong));
    }

    @Test
    void apgdRunsFromTheCommandLine() throws Exception {
        CliTest.Run r = run(
                "attack",
                "apgd",
                "--model",
                MODEL,
                "--data",
                X,
                "--labels",
                Y,
                "--eps",
                "0.1",
                "--steps",
                "10",
                "--batch",
                "200",
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("attack").asText()).isEqualTo("apgd-ce");
        assertThat(json.get("settings").get("steps").asInt()).isEqualTo(10);
        assertThat(json.get("per_epsilon").get(0).get("robust_accuracy").asDouble())
                .isLessThan(json.get("clean_accuracy").asDouble() - 0.2);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "fgsm --eps 2|larger than the input range",
                "fgsm --eps -0.1|--eps must be finite numbers >= 0, got -0.1",
                "pgd --steps 0|steps must be at least 1, got 0",
                "fgsm --steps 5|fgsm does not take --steps",
                "cw --norm linf|cw is the Carlini-Wagner L2 attack",
                "deepfool --targeted --target-labels y.npy|deepfool is untargeted",
                "pgd --targeted|--targeted needs --target-labels",
                "pgd --restarts 3 --no-random-start|restarts without a random start",
                "pgd --norm l3|--norm: unknown norm 'l3'",
                "deepfool --norm l1|supports the linf and l2 norms, not l1",
                "cw --loss dlr|cw does not take --loss",
                "pgd --loss hinge|--loss: unknown loss 'hinge'",
                "boom|unknown attack 'boom'",
                "pgd --save-adversarial out.txt|--save-adversarial must name a .npy file",
                "pgd --targets 3|pgd does not take --targets",
                "square --targets 3|square does not take --targets",
                "apgd --norm l1|apgd takes --norm linf or l2, not l1",
                "apgd --step 0.1|apgd does not take --step",
                "apgd --targets -1|targets must be >= 0, got -1",
                "ensemble --norm l1|ensemble takes --norm linf or l2, not l1",
                "ensemble --loss dlr|ensemble does not take --loss",
                "ensemble --targeted --target-labels y.npy|the ensemble is untargeted",
                "ensemble --max-queries 0|max queries must be at least 1, got 0",
                "ensemble --targets 0|targets must be at least 1, got 0"
            })
    void wrongCombinationsAreUsageErrors(String args, String message, @TempDir Path dir) throws Exception {
        String[] extra = args.split(" ");
        String[] all = new String[extra.length + 7];
        System.arraycopy(extra, 0, all, 1, extra.length);
        all[0] = "attack";
        int i = extra.length + 1;
        all[i++] = "--model";
        all[i++] = MODEL;
        all[i++] = "--data";
        all[i++] = X;
        all[i++] = "--labels";
        all[i] = Y;
        CliTest.Run r = run(all);
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n");
        assertThat(Files.list(dir)).isEmpty();
    }

    @Test
    void onnxModelsAreRefusedForWhiteBoxAttacks() {
        CliTest.Run r = run(
                "attack",
                "fgsm",
                "--model",
                FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--data",
                X,
                "--labels",
                Y);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("black-box access only");
    }

    @Test
    void benchmarkCommandReportsBothTimingsAndMemory(@TempDir Path dir) throws Exception {
        CliTest.Run r = run(
                "bench",
                "pgd",
                "--examples",
                "20",
                "--steps",
                "2",
                "--repeats",
                "1",
                "--memory-steps",
                "80",
                "--memory-batch",
                "10",
                "--cache",
                dir.resolve("cache").toString(),
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("pgd").get("marauder_median").asDouble()).isPositive();
        assertThat(json.get("pgd").get("bare_median").asDouble()).isPositive();
        assertThat(json.get("pgd").get("ratio").asDouble()).isPositive();
        assertThat(json.get("memory").get("steps").asLong()).isEqualTo(80);
        assertThat(json.get("memory").get("rss_at_end_bytes").asLong()).isPositive();
    }
}
