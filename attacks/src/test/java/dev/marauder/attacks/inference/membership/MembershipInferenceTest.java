package dev.marauder.attacks.inference.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.progress.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end membership inference on real data with the project's own trainers. */
class MembershipInferenceTest {
    private static final float[] UNIT = {0f, 1f};
    /** An MLP trained for many epochs on few examples: overfit, so membership shows. */
    private static final TrainingRecipe OVERFIT =
            new TrainingRecipe(Architecture.MLP, new dev.marauder.core.train.AdamTrainer(15, 32, 2e-3, 0));

    @Test
    void thresholdAttacksSeeMembershipOfAnOverfitModel() {
        TrainTestSplit data = Datasets.load("mnist");
        MembershipInference.Report r = new MembershipInference(MembershipInference.Kind.THRESHOLD, 0, 1, null)
                .endToEnd(OVERFIT, data, 300, null, UNIT, Progress.NONE, w -> {});
        assertThat(r.headline()).isEqualTo("loss");
        assertThat(r.attacks()).containsKeys("loss", "confidence", "entropy", "modified_entropy");
        MembershipEvaluation loss = r.headlineEvaluation();
        assertThat(loss.members()).isEqualTo(300);
        assertThat(loss.nonMembers()).isEqualTo(300);
        // Members are fit perfectly, non-members are not: the loss tells them apart.
        assertThat(r.target().memberAccuracy()).isGreaterThan(0.99);
        assertThat(r.target().nonMemberAccuracy()).isLessThan(0.95);
        assertThat(loss.auc()).isGreaterThan(0.6);
        assertThat(loss.balancedAccuracy()).isGreaterThan(0.55);
        assertThat(loss.truePositiveRateAtFalsePositiveRate()).containsKeys(0.01, 0.001);
    }

    @Test
    void liraAndShadowAttacksTrainShadowsOnceAndResume(@TempDir Path dir) {
        TrainTestSplit data = Datasets.load("mnist");
        TrainingRecipe quick =
                new TrainingRecipe(Architecture.LOGREG, new dev.marauder.core.train.AdamTrainer(8, 32, 5e-3, 0));
        MembershipInference lira = new MembershipInference(MembershipInference.Kind.LIRA, 4, 2, null);
        MembershipInference.Report first = lira.endToEnd(quick, data, 200, dir, UNIT, Progress.NONE, w -> {});
        assertThat(first.shadowsTrained()).isEqualTo(4);
        assertThat(first.headline()).isEqualTo("lira_online_global_variance"); // few shadows: global variance leads
        assertThat(first.attacks())
                .containsKeys("lira_online_per_example_variance", "lira_offline_global_variance", "loss");
        assertThat(Files.isDirectory(dir.resolve("shadow-3"))).isTrue();
        first.attacks().values().forEach(e -> assertThat(e.auc()).isBetween(0.0, 1.0));

        MembershipInference.Report again = lira.endToEnd(quick, data, 200, dir, UNIT, Progress.NONE, w -> {});
        assertThat(again.shadowsTrained()).isZero();
        assertThat(again.headlineEvaluation().auc())
                .isEqualTo(first.headlineEvaluation().auc());

        // The shadow-model attack reuses the same shadows (same pool, recipe and seed).
        MembershipInference.Report shokri = new MembershipInference(MembershipInference.Kind.SHADOW, 4, 2, null)
                .endToEnd(quick, data, 200, dir, UNIT, Progress.NONE, w -> {});
        assertThat(shokri.shadowsTrained()).isZero();
        assertThat(shokri.headline()).isEqualTo("shadow");
        assertThat(shokri.headlineEvaluation().auc()).isBetween(0.0, 1.0);
    }

    @Test
    void workerProcessesTrainShadowsThatThisProcessThenResumes(@TempDir Path dir) {
        TrainTestSplit data = Datasets.load("mnist");
        TrainingRecipe quick =
                new TrainingRecipe(Architecture.LOGREG, new dev.marauder.core.train.AdamTrainer(3, 32, 5e-3, 0));
        MembershipInference lira = new MembershipInference(MembershipInference.Kind.LIRA, 4, 3, null);
        MembershipInference.Report parallel =
                lira.withWorkers(2).endToEnd(quick, data, 100, dir, UNIT, Progress.NONE, w -> {});
        assertThat(parallel.shadowsTrained()).isEqualTo(4);
        assertThat(dir.resolve("shadow-0")).isDirectory();
        assertThat(dir.resolve("shadow-3")).isDirectory();
        assertThat(dir.resolve(".workers")).doesNotExist();
        // the workers saved exactly the shadows a single process expects: nothing is retrained
        MembershipInference.Report again = lira.endToEnd(quick, data, 100, dir, UNIT, Progress.NONE, w -> {});
        assertThat(again.shadowsTrained()).isZero();
        assertThat(again.headlineEvaluation().auc())
                .isEqualTo(parallel.headlineEvaluation().auc());
        // without a directory the workers use a temporary one
        MembershipInference.Report noDirectory =
                lira.withWorkers(2).endToEnd(quick, data, 100, null, UNIT, Progress.NONE, w -> {});
        assertThat(noDirectory.shadowsTrained()).isEqualTo(4);
        assertThatThrownBy(() -> lira.withWorkers(0)).hasMessageContaining("workers must be at least 1, got 0");
    }

    @Test
    void aWorkerThatCannotRunItsJobExitsWithOneLine(@TempDir Path dir) throws Exception {
        Process worker = new ProcessBuilder(ShadowWorkers.command(1, dir.resolve("missing-job.json")))
                .redirectErrorStream(true)
                .start();
        String output = new String(worker.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(worker.waitFor()).isEqualTo(1);
        assertThat(output.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse(""))
                .contains("missing-job.json");
    }

    @Test
    void recipesRoundTripThroughTheirJson() throws Exception {
        var mapper = dev.marauder.core.json.Json.mapper();
        TrainingRecipe recipe =
                new TrainingRecipe(Architecture.CNN, new dev.marauder.core.train.AdamTrainer(7, 128, 5e-3, 11));
        assertThat(mapper.readValue(mapper.writeValueAsString(recipe), TrainingRecipe.class))
                .isEqualTo(recipe);
        assertThat(recipe.withSeed(3).trainer().seed()).isEqualTo(3);
        assertThatThrownBy(() -> new TrainingRecipe(Architecture.MLP, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a training recipe needs");
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new MembershipInference(MembershipInference.Kind.LIRA, 1, 0, null))
                .hasMessageContaining("at least 2 shadow models");
        assertThatThrownBy(() -> MembershipInference.Kind.of("magic"))
                .hasMessageContaining("threshold, shadow, lira or lira-offline");
        TrainTestSplit data = Datasets.load("mnist");
        assertThatThrownBy(() -> new MembershipInference(MembershipInference.Kind.THRESHOLD, 0, 0, null)
                        .endToEnd(OVERFIT, data, data.train().size(), null, UNIT, Progress.NONE, w -> {}))
                .hasMessageContaining("--train-size");
    }
}
