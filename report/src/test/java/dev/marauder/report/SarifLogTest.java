package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SARIF 2.1.0 log of a report: valid against the schema, one rule per check, one result per line. */
class SarifLogTest {
    private static final ObjectMapper READER = new ObjectMapper();
    private static final String MODEL = "file:///models/mnist-cnn.pt";

    static final Classification EVASION = new Classification(
            List.of(new Classification.Reference("AML.T0043.000", "White-Box Optimization")),
            List.of(new Classification.Reference("ML01:2023", "Input Manipulation Attack")),
            List.of(
                    new Classification.Reference("AML.M0003", "Model Hardening"),
                    new Classification.Reference("AML.M0015", "Adversarial Input Detection")),
            "marauder defend train --method pgd --model mnist-cnn");
    static final Classification MEMBERSHIP = new Classification(
            List.of(new Classification.Reference("AML.T0024.000", "Infer Training Data Membership")),
            List.of(new Classification.Reference("ML04:2023", "Membership Inference Attack")),
            List.of(new Classification.Reference("AML.M0002", "Passive ML Output Obfuscation")),
            "");

    /** Four checks (evasion with two lines), every severity, classifications, two skipped checks. */
    static Report report() {
        List<SummaryLine> sample = SampleReports.summary();
        List<SummaryLine> lines = new ArrayList<>();
        lines.add(sample.get(0).attributed("evasion", EVASION));
        lines.add(new SummaryLine(
                        "Evasion (black-box)",
                        "Square attack, 1000 queries",
                        "robust accuracy 0.41 at eps 0.15",
                        Severity.MEDIUM,
                        "medium if robust accuracy < 0.8 x clean accuracy",
                        "marauder attack square --model mnist-cnn --eps 0.15")
                .attributed("evasion", EVASION));
        lines.add(sample.get(1)
                .attributed("membership", MEMBERSHIP)
                .withFigures(
                        Figure.of("auc", 0.61, true).comparedWith(0.55, 0.02),
                        Figure.of("epsilon", Double.POSITIVE_INFINITY, true)));
        lines.add(sample.get(2).attributed("privacy", Classification.NONE));
        lines.add(sample.get(3)); // no check id: the rule id comes from the threat
        return Report.builder("Marauder audit: mnist-cnn <\"&'>")
                .generatedAt(SampleReports.GENERATED_AT)
                .provenance(SampleReports.provenance())
                .summaryLines(lines)
                .skipped("extraction", "the model answers with labels only")
                .skipped("evasion (white-box)", "the model is behind an API & gives no gradients")
                .build();
    }

    private static JsonNode log(Report report) throws Exception {
        return READER.readTree(
                SarifLog.render(report, MODEL, "0.1.0-SNAPSHOT", URI.create("https://example.org/marauder")));
    }

    @Test
    void theLogOfAReportWithSeveralChecksSeveritiesAndSkippedChecksIsValidSarif() throws Exception {
        JsonNode log = log(report());
        assertThat(SarifSchema.violations(log)).isEmpty();
        // without informationUri, and for an empty report, too
        assertThat(SarifSchema.violations(READER.readTree(SarifLog.render(report(), MODEL, "1", null))))
                .isEmpty();
        Report empty = Report.builder("empty").build();
        assertThat(SarifSchema.violations(READER.readTree(SarifLog.render(empty, MODEL, "1", null))))
                .isEmpty();
    }

    @Test
    void theHeadlineFiguresAndTheirBaselinesAreResultProperties() throws Exception {
        JsonNode results = log(report()).get("runs").get(0).get("results");
        JsonNode figures = results.get(2).get("properties").get("figures");
        assertThat(figures).hasSize(2);
        assertThat(figures.get(0).get("name").asText()).isEqualTo("auc");
        assertThat(figures.get(0).get("baseline").asDouble()).isEqualTo(0.55);
        assertThat(figures.get(0).get("regressed").asBoolean()).isTrue();
        assertThat(figures.get(1).get("value").asText()).isEqualTo("Infinity");
    }

    @Test
    void aBrokenLogIsRejectedByTheSchema() throws Exception {
        ObjectNode badLevel = (ObjectNode) log(report());
        ((ObjectNode) badLevel.at("/runs/0/results/0")).put("level", "fatal");
        assertThat(SarifSchema.violations(badLevel)).isNotEmpty();
        ObjectNode noVersion = (ObjectNode) log(report());
        noVersion.remove("version");
        assertThat(SarifSchema.violations(noVersion)).isNotEmpty();
        ObjectNode noRuleId = (ObjectNode) log(report());
        ((ObjectNode) noRuleId.at("/runs/0/tool/driver/rules/0")).remove("id");
        assertThat(SarifSchema.violations(noRuleId)).isNotEmpty();
        ObjectNode negativeIndex = (ObjectNode) log(report());
        ((ObjectNode) negativeIndex.at("/runs/0/results/1")).put("ruleIndex", -2);
        assertThat(SarifSchema.violations(negativeIndex)).isNotEmpty();
    }

    @Test
    void oneRulePerCheckAndOneResultPerSummaryLine() throws Exception {
        JsonNode run = log(report()).get("runs").get(0);
        JsonNode driver = run.at("/tool/driver");
        assertThat(driver.get("name").asText()).isEqualTo("Marauder");
        assertThat(driver.get("version").asText()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(driver.get("informationUri").asText()).isEqualTo("https://example.org/marauder");
        JsonNode rules = driver.get("rules");
        List<String> ids = new ArrayList<>();
        rules.forEach(r -> ids.add(r.get("id").asText()));
        assertThat(ids).containsExactly("evasion", "membership", "privacy", "model_inversion");

        JsonNode evasion = rules.get(0);
        assertThat(evasion.get("name").asText()).isEqualTo("Evasion (white-box) / Evasion (black-box)");
        assertThat(evasion.at("/shortDescription/text").asText()).contains("Evasion (white-box)");
        assertThat(evasion.at("/help/text").asText())
                .contains("high if robust accuracy < 0.5 x clean accuracy")
                .contains("medium if robust accuracy < 0.8 x clean accuracy")
                .contains("AML.M0003 Model Hardening")
                .contains("AML.M0015 Adversarial Input Detection")
                .contains("marauder defend train --method pgd --model mnist-cnn");
        assertThat(texts(evasion.at("/properties/tags"))).containsExactly("security", "AML.T0043.000", "ML01:2023");
        assertThat(evasion.at("/properties/security-severity").asText()).isEqualTo("8.0");
        assertThat(rules.get(1).at("/properties/security-severity").asText()).isEqualTo("5.0");
        assertThat(rules.get(3).at("/properties").has("security-severity")).isFalse();

        JsonNode results = run.get("results");
        assertThat(results).hasSize(5);
        int[] indexes = {0, 0, 1, 2, 3};
        String[] levels = {"error", "warning", "warning", "note", "none"};
        for (int i = 0; i < 5; i++) {
            JsonNode r = results.get(i);
            assertThat(r.get("ruleIndex").asInt()).isEqualTo(indexes[i]);
            assertThat(r.get("ruleId").asText()).isEqualTo(ids.get(indexes[i]));
            assertThat(r.get("level").asText()).isEqualTo(levels[i]);
            assertThat(r.at("/locations/0/physicalLocation/artifactLocation/uri")
                            .asText())
                    .isEqualTo(MODEL);
        }
        assertThat(results.get(4).get("kind").asText()).isEqualTo("open");
        assertThat(results.get(0).has("kind")).isFalse();

        JsonNode first = results.get(0);
        assertThat(first.at("/message/text").asText())
                .isEqualTo("Evasion (white-box): robust accuracy 0.061 at eps 0.15 (clean 0.991)");
        JsonNode p = first.get("properties");
        assertThat(p.get("headline").asText()).isEqualTo("robust accuracy 0.061 at eps 0.15 (clean 0.991)");
        assertThat(p.get("tried").asText()).isEqualTo("PGD-40 L-inf, eps 0.15, 1000 test images");
        assertThat(p.get("rule").asText())
                .isEqualTo("high if robust accuracy < 0.5 x clean accuracy at the stated eps");
        assertThat(p.get("command").asText()).startsWith("marauder attack pgd");
        assertThat(p.get("severity").asText()).isEqualTo("high");
        assertThat(texts(p.get("atlas"))).containsExactly("AML.T0043.000");
        assertThat(texts(p.get("owasp"))).containsExactly("ML01:2023");
        assertThat(texts(p.get("mitigations"))).containsExactly("AML.M0003", "AML.M0015");
        assertThat(p.get("remediation").asText()).isEqualTo("marauder defend train --method pgd --model mnist-cnn");
    }

    @Test
    void skippedChecksAreNotificationsAndTheProvenanceIsARunProperty() throws Exception {
        JsonNode run = log(report()).get("runs").get(0);
        JsonNode invocation = run.at("/invocations/0");
        assertThat(invocation.get("executionSuccessful").asBoolean()).isTrue();
        JsonNode notes = invocation.get("toolExecutionNotifications");
        assertThat(notes).hasSize(2);
        assertThat(notes.get(1).at("/descriptor/id").asText()).isEqualTo("evasion (white-box)");
        assertThat(notes.get(1).at("/message/text").asText())
                .isEqualTo("skipped evasion (white-box): the model is behind an API & gives no gradients");
        assertThat(notes.get(1).at("/properties/reason").asText())
                .isEqualTo("the model is behind an API & gives no gradients");
        assertThat(notes.get(0).get("level").asText()).isEqualTo("note");
        assertThat(run.at("/properties/provenance/git_commit").asText()).isEqualTo("3f2c9e1d0b7a");
        assertThat(run.at("/properties/provenance/settings/steps").asInt()).isEqualTo(40);
        assertThat(run.at("/properties/title").asText()).isEqualTo("Marauder audit: mnist-cnn <\"&'>");
    }

    @ParameterizedTest
    @CsvSource({"HIGH, error", "MEDIUM, warning", "LOW, note", "NOT_ASSESSED, none"})
    void severitiesMapToSarifLevels(Severity severity, String level) {
        assertThat(SarifLog.level(severity)).isEqualTo(level);
    }

    @Test
    void artifactUrisAreFileUrisOrTheModelsUrl() {
        assertThat(SarifLog.artifactUri("http://127.0.0.1:8080/v2/models/fmnist"))
                .isEqualTo("http://127.0.0.1:8080/v2/models/fmnist");
        assertThat(SarifLog.artifactUri("/models/a b.pt")).isEqualTo("file:///models/a%20b.pt");
        assertThat(SarifLog.artifactUri("model")).startsWith("file:/").endsWith("/model");
        assertThatThrownBy(() -> SarifLog.render(report(), "", "1", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("artifact URI");
        assertThatThrownBy(() -> SarifLog.render(report(), MODEL, "1", URI.create("relative/page")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
