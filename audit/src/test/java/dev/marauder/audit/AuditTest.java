package dev.marauder.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Models;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.report.Report;
import dev.marauder.report.ReportWriter;
import dev.marauder.report.Severity;
import dev.marauder.report.SkippedCheck;
import dev.marauder.report.SummaryLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The audit runner end to end: which checks run on which model, and the report they make. */
class AuditTest {
    static final Path FIXTURES = findFixtures();
    /** Small budgets so that the tests take seconds. */
    static final AuditSettings SMALL = new AuditSettings(new double[] {0, 0.1}, 3, 50, 50, 2);

    static Path findFixtures() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("core/src/test/resources/fixtures");
            if (Files.isDirectory(f)) {
                return f;
            }
        }
        throw new IllegalStateException("fixtures directory not found");
    }

    @Test
    void anOnnxModelIsAuditedBlackBoxAndTheWhiteBoxChecksAreSkippedWithTheirReasons() {
        LabeledData test = Datasets.loadPair(
                        FIXTURES.resolve("fmnist_test_200_x.npy"), FIXTURES.resolve("fmnist_test_200_y.npy"))
                .slice(0, 50);
        try (Classifier onnx =
                Models.open(FIXTURES.resolve("fmnist_mlp.onnx"), new InputSpec(new int[] {1, 28, 28}, 0, 1))) {
            AuditContext context = AuditContext.builder(onnx, test, SMALL)
                    .optDataName("fmnist_test_200")
                    .build();
            Applicability evasion = new EvasionCheck().appliesTo(context);
            assertThat(evasion.applies()).isFalse();
            assertThat(evasion.reason()).contains("no gradients").contains("black-box access only");

            AuditOutcome outcome = new Audit().run(context, Progress.NONE, w -> {});
            // black-box checks run on every model: queries suffice
            assertThat(outcome.findings())
                    .extracting(f -> f.check().id())
                    .containsExactly("model", "black_box_evasion", "model_extraction");
            BlackBoxEvasionCheck.Result transfer =
                    outcome.result(BlackBoxEvasionCheck.Result.class).orElseThrow();
            assertThat(transfer.seeds()).isEqualTo(25);
            assertThat(transfer.transfer().substituteQueries()).isEqualTo(25 * 8);
            assertThat(transfer.transfer().examples()).isEqualTo(25);
            assertThat(transfer.command()).contains("--seeds 25 --examples 25").contains("--substitute-queries 200");
            assertThat(transfer.square().examples()).isEqualTo(50);
            assertThat(transfer.square().command()).startsWith("marauder attack square --model ");
            assertThat(transfer.hopSkipJump().examples()).isEqualTo(20);
            assertThat(transfer.gradientMasking()).isEmpty(); // ONNX: no gradients, no comparison
            // a black-box model with confidences: equation-solving is tried with d + 1 queries; 784 inputs
            // are too many for the audit's learning-based attempts
            ModelExtractionCheck.Result extraction =
                    outcome.result(ModelExtractionCheck.Result.class).orElseThrow();
            assertThat(extraction.attempts()).hasSize(1);
            assertThat(extraction.attempts().get(0).queries()).isEqualTo(785);
            Map<String, String> skipped =
                    outcome.skipped().stream().collect(Collectors.toMap(SkippedCheck::name, SkippedCheck::reason));
            assertThat(skipped)
                    .containsOnlyKeys(
                            "evasion (white-box)",
                            "membership inference",
                            "differential privacy",
                            "empirical privacy audit",
                            "model inversion",
                            "defenses",
                            "memorization",
                            "prediction gateway");
            assertThat(skipped.get("membership inference")).contains("--mia");
            assertThat(skipped.get("defenses")).contains("--defense, --certify-sigma, --dknn");
            assertThat(outcome.result(ModelCheck.Result.class).orElseThrow().testExamples())
                    .isEqualTo(50);
        }
    }

    @Test
    void aTinyTrainedModelGetsEveryApplicableCheckAndTheReportOpensWithTheVerdict() {
        TrainTestSplit fashion = Datasets.load("fashion-mnist");
        TrainTestSplit tiny = new TrainTestSplit(
                "tiny-fashion", fashion.train().slice(0, 400), fashion.test().slice(0, 100));
        List<String> warnings = new ArrayList<>();
        try (BuiltinClassifier model = Training.train(
                new TrainingSettings(Architecture.LOGREG, 2, 32, 0.01, 1), tiny, new float[] {0, 1}, Progress.NONE)) {
            AuditContext context = AuditContext.builder(model, tiny.test(), SMALL)
                    .optDataName("tiny-fashion")
                    .optTrainingData(tiny.train())
                    .build();
            AuditOutcome outcome = new Audit().run(context, Progress.NONE, warnings::add);
            assertThat(outcome.findings())
                    .extracting(f -> f.check().id())
                    .containsExactly(
                            "model",
                            "evasion",
                            "black_box_evasion",
                            "membership_inference",
                            "privacy",
                            "model_inversion",
                            "model_extraction");
            assertThat(outcome.skipped())
                    .extracting(SkippedCheck::name)
                    .containsExactly("empirical privacy audit", "defenses", "memorization", "prediction gateway");

            Report report = AuditReport.of(outcome);
            assertThat(report.summary()).hasSize(8);
            // a logistic regression is stolen by equation-solving from d + 1 confidence vectors
            SummaryLine extraction = report.summary().get(7);
            assertThat(extraction.severity()).isEqualTo(Severity.HIGH);
            assertThat(extraction.headline()).startsWith("0.99 test fidelity with 785 queries");
            assertThat(extraction.command()).startsWith("marauder extract --target ");
            SummaryLine dp = report.summary().get(5);
            assertThat(dp.severity()).isEqualTo(Severity.HIGH); // not trained with DP
            assertThat(dp.rule()).isEqualTo(SeverityRules.DIFFERENTIAL_PRIVACY);
            SummaryLine evasion = report.summary().get(1);
            assertThat(evasion.headline()).contains("at eps 0.1");
            assertThat(evasion.command()).startsWith("marauder attack pgd --model ");
            EvasionCheck.Result e = outcome.result(EvasionCheck.Result.class).orElseThrow();
            assertThat(e.attacks()).extracting(EvasionCheck.Curve::attack).containsExactly("fgsm", "pgd");
            assertThat(evasion.severity())
                    .isEqualTo(SeverityRules.evasion(
                            e.worstRobustAccuracy(),
                            e.cleanAccuracy(),
                            0.1,
                            !e.gradientMasking().warnings().isEmpty()));
            assertThat(outcome.result(MembershipInferenceCheck.Result.class)
                            .orElseThrow()
                            .runs()
                            .get(0)
                            .attacks()
                            .get("loss")
                            .members())
                    .isEqualTo(100);

            String html = ReportWriter.toHtml(report);
            int title = html.indexOf("<h1");
            int first = html.indexOf("<section");
            assertThat(first).isGreaterThan(title).isGreaterThan(0);
            assertThat(html.substring(first)).startsWith("<section id=\"report-summary\"");
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void theDefensesSectionEvaluatesNamedTransformationsAndCertifiesOnlyWhenAsked() {
        LabeledData test = Datasets.loadPair(
                        FIXTURES.resolve("fmnist_test_200_x.npy"), FIXTURES.resolve("fmnist_test_200_y.npy"))
                .slice(0, 40);
        try (Classifier cnn =
                Models.open(FIXTURES.resolve("fmnist_cnn.pt"), new InputSpec(new int[] {1, 28, 28}, 0, 1))) {
            AuditContext plain = AuditContext.builder(cnn, test, SMALL).build();
            assertThat(new DefensesCheck().appliesTo(plain).applies()).isFalse();
            assertThat(new DefensesCheck().appliesTo(plain).reason()).contains("--defense");
            LabeledData all = Datasets.loadPair(
                    FIXTURES.resolve("fmnist_test_200_x.npy"), FIXTURES.resolve("fmnist_test_200_y.npy"));
            dev.marauder.defenses.detection.FittedDeepKnn dknn = dev.marauder.defenses.detection.DeepKnn.defaults()
                    .withK(10)
                    .withCalibration(50)
                    .fit(cnn, all.slice(50, 150), all.slice(150, 200), Progress.NONE);
            AuditContext asked = AuditContext.builder(cnn, test, SMALL)
                    .optDefenses(java.util.List.of("bitdepth"), 0.25)
                    .optAdmissionControl(dknn)
                    .build();
            DefensesCheck check = new DefensesCheck();
            DefensesCheck.Result r = check.run(asked, Progress.NONE, w -> {});
            assertThat(r.transformations()).hasSize(1);
            assertThat(r.transformations().get(0).verdict()).isEqualTo("broken");
            assertThat(r.certification().examples()).isEqualTo(40);
            assertThat(r.certification().queries())
                    .isEqualTo(40L * (DefensesCheck.CERTIFY_N0 + DefensesCheck.CERTIFY_N));
            assertThat(check.summary(r))
                    .extracting(line -> line.threat())
                    .containsExactly(
                            "Defense: bitdepth",
                            "Certified robustness (randomized smoothing)",
                            "Admission control (Deep k-NN)");
            assertThat(r.admission().cleanInputs()).isEqualTo(40);
            assertThat(r.admission().detectorAuc()).isBetween(0.0, 1.0);
            assertThat(check.summary(r).get(0).command()).startsWith("marauder defend evaluate --model ");
            assertThat(check.section(r).blocks()).isNotEmpty();
        }
    }
}
