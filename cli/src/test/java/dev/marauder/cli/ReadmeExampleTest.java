package dev.marauder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.audit.Audit;
import dev.marauder.audit.AuditContext;
import dev.marauder.audit.AuditOutcome;
import dev.marauder.audit.AuditReport;
import dev.marauder.audit.AuditSettings;
import dev.marauder.core.data.ClassNames;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.PrivacyGuarantee;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Trainer;
import dev.marauder.core.train.Training;
import dev.marauder.privacy.dpsgd.DpSgdSettings;
import dev.marauder.privacy.dpsgd.DpSgdTrainer;
import dev.marauder.report.ReportWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java example, run as written except for size: a slice of the data, one epoch and an
 * MLP, so that the example keeps compiling and doing what the README says.
 */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRuns(@TempDir Path dir) throws Exception {
        TrainTestSplit full = Datasets.load("fashion-mnist");
        TrainTestSplit data = new TrainTestSplit(
                full.name(), full.train().slice(0, 1000), full.test().slice(0, 200));
        // A trainer is a settings object; the network and the data come at call time.
        Trainer trainer = new DpSgdTrainer(1, 100, 5e-3, 0, DpSgdSettings.withNoise(1.0, 1.0, 1e-5));
        try (BuiltinClassifier model = Training.train(
                Architecture.MLP, trainer, data, new float[] {0, 1}, Progress.NONE, System.err::println)) {
            PrivacyGuarantee guarantee = model.card().privacy(); // epsilon from the accountant DP-SGD attached
            RobustnessResult r = new RobustnessEvaluation(250, 0, false)
                    .evaluate(
                            model,
                            ProjectedGradientDescent.builder(Norm.LINF)
                                    .optSteps(20)
                                    .optLoss(AttackLoss.DLR)
                                    .build(),
                            data.test(),
                            null,
                            Progress.NONE,
                            0.05,
                            0.1);
            AuditOutcome audit = new Audit()
                    .run(
                            AuditContext.builder(model, data.test(), AuditSettings.defaults())
                                    .optDataName("fashion-mnist")
                                    .optClassNames(ClassNames.FASHION_MNIST)
                                    .build(),
                            Progress.NONE,
                            w -> {});
            ReportWriter.write(AuditReport.of(audit), dir.resolve("my-report"));

            assertThat(guarantee.epsilon()).isPositive().isFinite();
            assertThat(guarantee.isPrivate())
                    .as("secure randomness, finite epsilon")
                    .isTrue();
            assertThat(r.perEpsilon()).hasSize(2);
            assertThat(r.perEpsilon().get(1).robustAccuracy()).isLessThanOrEqualTo(r.cleanAccuracy());
        }
        JsonNode report =
                CliTest.JSON.readTree(dir.resolve("my-report/report.json").toFile());
        assertThat(report.get("summary").size()).isPositive();
        assertThat(Files.readString(dir.resolve("my-report/index.html"))).contains("report-summary");
    }
}
