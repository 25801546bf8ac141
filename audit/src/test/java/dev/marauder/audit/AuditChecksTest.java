package dev.marauder.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.marauder.attacks.transfer.SubstituteTraining;
import dev.marauder.attacks.transfer.TransferResult;
import dev.marauder.core.json.Json;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.PrivacyGuarantee;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.report.Report;
import dev.marauder.report.ReportSection;
import dev.marauder.report.ReportWriter;
import dev.marauder.report.Severity;
import dev.marauder.report.SkippedCheck;
import dev.marauder.report.SummaryLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every registered check, as a table: distinct ids, and a section and summary lines for a fixture result. */
class AuditChecksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One hand-made result per registered check. */
    static List<Finding<?>> fixtures() throws Exception {
        JsonNode mia = JSON.readTree("""
                {"kind": "threshold", "attack": "loss", "auc": 0.61, "tpr_at_fpr": {"0.01": 0.03, "0.001": 0.004},
                 "attacks": {"loss": {"auc": 0.61, "balanced_accuracy": 0.58, "tpr_at_fpr": {"0.01": 0.03, "0.001": 0.004},
                   "epsilon_lower_bound": 0.2, "confidence": 0.95, "members": 2000, "non_members": 2000,
                   "roc": [[0.0, 0.0], [0.001, 0.004], [1.0, 1.0]]}},
                 "target": {"model": "m", "non_member_accuracy": 0.81}, "unknown_field": 1}""");
        JsonNode exposure = JSON.readTree("""
                {"canaries": [{"secret": "my pin is 123", "repetitions": 1, "exposure": 2.5,
                   "extrapolated_exposure": 2.4, "extraction_rank": 0},
                  {"secret": "my pin is 456", "repetitions": 8, "exposure": 9.5, "extrapolated_exposure": 9.4,
                   "extraction_rank": 1}],
                 "max_exposure": 9.97, "exact": true, "mean_exposure_by_repetitions": {"8": 9.5, "1": 2.5}}""");
        PrivacyGuarantee dp =
                new PrivacyGuarantee("dp-sgd", 1.0, 1.0, 0.032, 256, 32, 1e-5, "rdp", 1.7, null, null, true, null);
        return List.of(
                new Finding<>(
                        new ModelCheck(),
                        new ModelCheck.Result(
                                "m",
                                "onnx",
                                new int[] {1, 28, 28},
                                new float[] {0, 1},
                                10,
                                "logits",
                                "test",
                                200,
                                0.85,
                                0.1,
                                Map.of("/m.onnx", "ab"),
                                null,
                                "marauder eval --model m.onnx --data x.npy --labels y.npy")),
                new Finding<>(
                        new EvasionCheck(),
                        new EvasionCheck.Result(
                                100,
                                0.9,
                                List.of(new EvasionCheck.Curve(
                                        "pgd",
                                        "linf",
                                        JsonNodeFactory.instance.objectNode().put("steps", 20),
                                        100,
                                        0.9,
                                        List.of(
                                                new EvasionCheck.Point(0, 0.9, 0, 0, 0.1),
                                                new EvasionCheck.Point(0.1, 0.05, 0.94, 0.1, 0.2)))),
                                new EvasionDiagnostics(0, 0.5, 0, List.of()),
                                "marauder attack pgd",
                                List.of(),
                                new InputSpec(new int[] {1, 28, 28}, 0, 1),
                                List.of())),
                new Finding<>(
                        new BlackBoxEvasionCheck(),
                        new BlackBoxEvasionCheck.Result(
                                new TransferResult(
                                        "fgsm",
                                        "mlp",
                                        1200,
                                        300,
                                        List.of(
                                                new SubstituteTraining.Round(0, 150, 150, 0.95),
                                                new SubstituteTraining.Round(1, 300, 300, 0.97)),
                                        100,
                                        0.9,
                                        0.7,
                                        0.8,
                                        List.of(
                                                new TransferResult.AtEpsilon(0, 0.9, 0, 0, 0.7, 0),
                                                new TransferResult.AtEpsilon(0.1, 0.3, 0.67, 0.95, 0.05, 0.1)),
                                        12.5,
                                        Provenance.start().finish()),
                                150,
                                "marauder attack transfer",
                                new BlackBoxEvasionCheck.SquareCost(
                                        0.1, 100, 0.2, 0.78, 120, 300L, 1000, "marauder attack square"),
                                new BlackBoxEvasionCheck.DecisionCost(20, 0.9, 2.1, 1000, "marauder attack hsj"),
                                List.of())),
                new Finding<>(
                        new MembershipInferenceCheck(),
                        new MembershipInferenceCheck.Result(List.of(MembershipRun.of(mia)), "marauder mia")),
                new Finding<>(new DifferentialPrivacyCheck(), DifferentialPrivacyCheck.of(dp)),
                new Finding<>(
                        new EmpiricalPrivacyAuditCheck(),
                        new EmpiricalPrivacyAuditCheck.Result(
                                List.of(
                                        new CanaryAuditRun(
                                                0.4,
                                                0.95,
                                                null,
                                                1e-5,
                                                1000,
                                                497,
                                                100,
                                                70,
                                                "one-run",
                                                "non-private",
                                                0.85),
                                        new CanaryAuditRun(
                                                0.1, 0.95, 1.7, 1e-5, 1000, 503, 100, 55, "one-run", "dp-sgd", 0.8)),
                                "marauder privacy audit")),
                new Finding<>(
                        new ModelInversionCheck(),
                        new ModelInversionCheck.Result(
                                "mi-face",
                                "white-box",
                                List.of(new ModelInversionCheck.Reconstruction(0, 0.9, 10, 10)),
                                "marauder invert",
                                null,
                                List.of())),
                new Finding<>(
                        new ModelExtractionCheck(),
                        new ModelExtractionCheck.Result(
                                784,
                                2000,
                                List.of(new ModelExtractionCheck.Attempt(
                                        "equation-solving", "logreg", 785, 0.9995, 1.0, 1.2)),
                                785L,
                                "marauder extract --target m --data fashion-mnist --kind equation")),
                new Finding<>(
                        new DefensesCheck(),
                        new DefensesCheck.Result(
                                new dev.marauder.core.model.TrainingDefense(
                                        "pgd-adversarial-training",
                                        "Madry et al. 2018",
                                        java.util.Map.of("norm", "linf", "epsilon", 0.1)),
                                new DefensesCheck.DeclaredRobustness(
                                        "pgd-adversarial-training",
                                        dev.marauder.core.norm.Norm.LINF,
                                        0.1,
                                        40,
                                        0.8,
                                        0.6,
                                        0.55,
                                        List.of(new dev.marauder.attacks.evasion.AttackEnsemble.Evaluation.Stage(
                                                "apgd-ce", 80, 25, 0.55, 3.0))),
                                List.of(new dev.marauder.defenses.transform.DefenseEvaluation.Report(
                                        "bitdepth",
                                        "Xu, Evans & Qi 2018",
                                        0.1,
                                        dev.marauder.core.norm.Norm.LINF,
                                        100,
                                        0.8,
                                        0.79,
                                        0.1,
                                        0.75,
                                        0.1,
                                        "bpda",
                                        "broken",
                                        1.0,
                                        List.of("the loss gradient is exactly zero"),
                                        12.0)),
                                dev.marauder.defenses.certification.CertificationResult.of(
                                        new dev.marauder.defenses.certification.RandomizedSmoothing(
                                                0.5, 50, 500, 0.001, 500, 0L),
                                        List.of(
                                                new dev.marauder.defenses.certification.RandomizedSmoothing.Certificate(
                                                        1, 0.4, 0.79, 400),
                                                new dev.marauder.defenses.certification.RandomizedSmoothing.Certificate(
                                                        -1, 0, 0.4, 250)),
                                        new int[] {1, 0},
                                        1100,
                                        2.0),
                                0.9,
                                new dev.marauder.defenses.detection.AdmissionTradeoff(
                                        100,
                                        100,
                                        0.72,
                                        0.55,
                                        0.38,
                                        0.85,
                                        0.2,
                                        List.of(
                                                new dev.marauder.defenses.detection.AdmissionTradeoff.Point(0, 0, 0),
                                                new dev.marauder.defenses.detection.AdmissionTradeoff.Point(
                                                        0.31, 0.25, 0.45),
                                                new dev.marauder.defenses.detection.AdmissionTradeoff.Point(
                                                        1.01, 1, 1))),
                                0.1,
                                List.of(),
                                "m",
                                "--data fashion-mnist")),
                new Finding<>(
                        new MemorizationCheck(),
                        new MemorizationCheck.Result(
                                List.of(Json.mapper().treeToValue(exposure, ExposureRun.class)), "marauder exposure")),
                new Finding<>(
                        new GatewayCheck(),
                        new GatewayCheck.Result(
                                new dev.marauder.core.model.ServingPolicy(
                                        true, "top-1, 2 decimals", "1200/100000", 2, 0, 7, 0, 412),
                                1200)));
    }

    static Stream<Finding<?>> fixtureStream() throws Exception {
        return fixtures().stream();
    }

    @Test
    void everyRegisteredCheckHasADistinctIdAndNameAndAFixture() throws Exception {
        Set<String> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (AuditCheck<?> c : AuditChecks.all()) {
            assertThat(ids.add(c.id())).as("duplicate id " + c.id()).isTrue();
            assertThat(names.add(c.name())).as("duplicate name " + c.name()).isTrue();
            assertThat(c.id()).matches("[a-z][a-z0-9_]*");
        }
        assertThat(fixtures().stream().map(f -> f.check().id()).toList())
                .containsExactlyElementsOf(
                        AuditChecks.all().stream().map(AuditCheck::id).toList());
        assertThatThrownBy(() -> new Audit(List.of(new ModelCheck(), new ModelCheck())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureStream")
    void rendersItsSectionAndSummaryLinesAndItsResultIsJson(Finding<?> f) throws Exception {
        ReportSection section = f.section();
        assertThat(section.id()).isEqualTo(f.check().id());
        assertThat(section.blocks()).isNotEmpty();
        JsonNode data = Json.mapper().valueToTree(section.data());
        assertThat(data.size()).isPositive();
        List<SummaryLine> lines = f.summary();
        assertThat(lines).isNotEmpty();
        for (SummaryLine line : lines) {
            assertThat(line.rule()).isNotBlank();
            assertThat(line.command()).startsWith("marauder");
        }
        // the result is an immutable record that Jackson writes in snake_case
        JsonNode json = Json.mapper().valueToTree(f.result());
        assertThat(json.isObject()).isTrue();
        json.fieldNames().forEachRemaining(k -> assertThat(k).matches("[a-z][a-z0-9_]*"));
    }

    @Test
    void verdictsOfTheFixtures() throws Exception {
        List<Finding<?>> all = fixtures();
        assertThat(all.get(1).summary().get(0).severity()).isEqualTo(Severity.HIGH); // 0.05 / 0.9 <= 0.1
        assertThat(all.get(1).summary().get(0).headline())
                .isEqualTo("robust accuracy 0.0500 at eps 0.1 (clean 0.9000)");
        assertThat(all.get(2).summary().get(0).severity()).isEqualTo(Severity.MEDIUM); // 0.2 / 0.9 <= 0.5
        assertThat(all.get(2).summary().get(0).headline())
                .isEqualTo("robust accuracy 0.200 at eps 0.1; 300 queries to fool half the examples");
        assertThat(all.get(2).summary().get(1).severity()).isEqualTo(Severity.MEDIUM); // 0.3 / 0.9 <= 0.5
        assertThat(all.get(2).summary().get(1).headline())
                .isEqualTo("robust accuracy 0.300 (clean 0.900), transfer success 0.670 at eps 0.1");
        assertThat(all.get(3).summary().get(0).severity()).isEqualTo(Severity.MEDIUM); // TPR 0.004, AUC 0.61
        assertThat(all.get(4).summary().get(0).severity()).isEqualTo(Severity.MEDIUM); // epsilon 1.7
        assertThat(all.get(4).summary().get(0).command())
                .isEqualTo("marauder privacy epsilon --n 8000 --batch 256"
                        + " --epochs 1.024 --noise 1.0 --delta 1.0E-5 --accountant rdp");
        assertThat(all.get(5).summary())
                .extracting(SummaryLine::severity)
                .containsExactly(Severity.MEDIUM, Severity.LOW);
        assertThat(all.get(7).summary().get(0).severity()).isEqualTo(Severity.HIGH); // 785 <= 10 x 785 queries
        assertThat(all.get(7).summary().get(0).headline())
                .isEqualTo("0.99 test fidelity with 785 queries (d + 1 = 785)");
        assertThat(all.get(8).summary())
                .extracting(SummaryLine::severity)
                // 0.55 / 0.8 > 0.5; broken; 0.5 >= 0.5 x 0.9; AUC 0.72
                .containsExactly(Severity.LOW, Severity.HIGH, Severity.LOW, Severity.MEDIUM);
        assertThat(all.get(8).summary().get(1).headline())
                .isEqualTo("broken: robust accuracy 0.7500 non-adaptive, 0.1000 adaptive (undefended 0.1000)");
        assertThat(all.get(8).summary().get(2).headline())
                .isEqualTo("certified accuracy 0.5000 at L2 radius 0.25, median radius 0.4000");
        assertThat(all.get(9).summary().get(0).severity()).isEqualTo(Severity.HIGH); // one secret extracted
        assertThat(all.get(10).summary().get(0).severity()).isEqualTo(Severity.LOW); // hardened, budget, alerts
        assertThat(all.get(10).summary().get(0).headline())
                .isEqualTo("outputs top-1, 2 decimals; budget 1200/100000; 0 limited, 7 blocked, 0 refused; 2 alerts");
        assertThat(new DifferentialPrivacyCheck()
                        .summary(DifferentialPrivacyCheck.of(null))
                        .get(0)
                        .severity())
                .isEqualTo(Severity.HIGH);
        JsonNode empirical = JSON.readTree(Json.write(all.get(5).result()));
        assertThat(empirical.get("empirical_audits").get(0).has("claimed_epsilon"))
                .isTrue();
    }

    @Test
    void theReportOpensWithTheSummaryTableAndListsTheSkippedChecks(@TempDir Path dir) throws Exception {
        AuditOutcome outcome = new AuditOutcome(
                "m",
                fixtures(),
                List.of(new SkippedCheck("something", "it needs something else")),
                Provenance.start().finish());
        Report report = AuditReport.of(outcome);
        assertThat(report.summary()).hasSize(16);
        assertThat(report.sections())
                .extracting(ReportSection::id)
                .containsExactly(
                        "model",
                        "evasion",
                        "black_box_evasion",
                        "membership_inference",
                        "privacy",
                        "empirical_privacy_audit",
                        "model_inversion",
                        "model_extraction",
                        "defenses",
                        "memorization",
                        "gateway");
        String html = ReportWriter.toHtml(report);
        int h1 = html.indexOf("<h1");
        int firstSection = html.indexOf("<section");
        assertThat(h1).isNotNegative();
        assertThat(firstSection).isGreaterThan(h1);
        assertThat(html.substring(firstSection)).startsWith("<section id=\"report-summary\"");
        assertThat(html).contains("it needs something else");
        ReportWriter.write(report, dir);
        JsonNode json = JSON.readTree(Files.readString(dir.resolve(ReportWriter.JSON_FILE)));
        assertThat(json.get("summary")).hasSize(16);
        assertThat(json.get("skipped").get(0).get("reason").asText()).isEqualTo("it needs something else");
        assertThat(json.get("sections")
                        .get("membership_inference")
                        .get("runs")
                        .get(0)
                        .get("auc")
                        .asDouble())
                .isEqualTo(0.61);
        assertThat(json.get("sections").get("evasion").has("raw")).isFalse();
    }

    @Test
    void applicabilityNeedsAReasonExactlyWhenACheckDoesNotApply() {
        assertThat(Applicability.yes().applies()).isTrue();
        assertThat(Applicability.no("because").reason()).isEqualTo("because");
        assertThatThrownBy(() -> Applicability.no(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Applicability(true, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
