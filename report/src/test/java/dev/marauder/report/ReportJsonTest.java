package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportJsonTest {
    /** A result type as another module would contribute it: camelCase Java, snake_case JSON. */
    record AttackSummary(String attackName, double cleanAccuracy, double robustAccuracy, int nQueries) {}

    private static final ObjectMapper READER = new ObjectMapper();

    @Test
    void roundTripsWithSnakeCaseKeys(@TempDir Path dir) throws Exception {
        AttackSummary summary = new AttackSummary("PGD", 0.991, 0.305, 41);
        Report report = Report.builder("round trip")
                .generatedAt(SampleReports.GENERATED_AT)
                .provenance(SampleReports.provenance())
                .section(Section.builder("evasion", "Evasion")
                        .data("pgd_summary", summary)
                        .build())
                .section(SampleReports.membership())
                .build();

        ReportWriter.write(report, dir);
        JsonNode root = READER.readTree(dir.resolve("report.json").toFile());

        assertThat(iterable(root.fieldNames()))
                .containsExactly("title", "generated_at", "summary", "skipped", "provenance", "contents", "sections");
        assertThat(root.get("title").asText()).isEqualTo("round trip");
        assertThat(root.get("generated_at").asText()).isEqualTo("2025-01-31T12:34:56Z");
        JsonNode provenance = root.get("provenance");
        assertThat(iterable(provenance.fieldNames()))
                .containsExactlyElementsOf(SampleReports.provenance().keySet());
        assertThat(provenance.get("seed").asLong()).isEqualTo(42);
        assertThat(provenance.get("started_at").asText()).isEqualTo("2025-01-31T12:30:00Z");
        assertThat(root.get("contents").toString())
                .isEqualTo("[{\"id\":\"evasion\",\"title\":\"Evasion\"},"
                        + "{\"id\":\"membership\",\"title\":\"Membership inference\"}]");

        JsonNode pgd = root.at("/sections/evasion/pgd_summary");
        assertThat(iterable(pgd.fieldNames()))
                .containsExactly("attack_name", "clean_accuracy", "robust_accuracy", "n_queries");
        ObjectMapper snake = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .build();
        assertThat(snake.treeToValue(pgd, AttackSummary.class)).isEqualTo(summary);

        // every object key the writer controls is snake_case, all the way down
        assertAllKeysSnakeCase(root, "");
    }

    /** Provenance as a caller's record would carry it: nested values stay structured. */
    record RunProvenance(String gitCommit, long seed, AttackSummary settings) {}

    @Test
    void takesATypedResultAsSectionDataAndATypedProvenance() throws Exception {
        AttackSummary summary = new AttackSummary("PGD", 0.991, 0.305, 41);
        Section section = Section.builder("evasion", "Evasion")
                .data(summary)
                .data("note", "white-box")
                .build();
        Report report = Report.builder("typed")
                .provenance(new RunProvenance("3f2c9e1", 42, summary))
                .provenance("host", "ci-1")
                .section(section)
                .build();

        JsonNode root = READER.readTree(ReportWriter.toJson(report));

        assertThat(iterable(root.at("/sections/evasion").fieldNames()))
                .containsExactly("attack_name", "clean_accuracy", "robust_accuracy", "n_queries", "note");
        assertThat(root.at("/sections/evasion/n_queries").asInt()).isEqualTo(41);
        assertThat(iterable(root.get("provenance").fieldNames()))
                .containsExactly("git_commit", "seed", "settings", "host");
        assertThat(root.at("/provenance/settings/attack_name").asText()).isEqualTo("PGD");
        // a section's and a report's JSON cannot be changed from outside
        section.data().put("note", "changed");
        report.provenance().put("host", "changed");
        assertThat(section.data().get("note").asText()).isEqualTo("white-box");
        assertThat(report.provenance().get("host").asText()).isEqualTo("ci-1");
        // nor through a JSON node the caller handed in and kept
        ObjectNode node = ReportJson.MAPPER.createObjectNode().put("epsilon", 0.1);
        Section fromNode = Section.builder("s", "S").data(node).build();
        node.put("epsilon", 99.0);
        assertThat(fromNode.data().get("epsilon").asDouble()).isEqualTo(0.1);
    }

    @Test
    void rejectsSectionDataThatIsNotAnObjectOrRepeatsAKey() {
        assertThatThrownBy(() -> Section.builder("s", "S").data(List.of(1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("data of section \"s\" must be written as a JSON object");
        assertThatThrownBy(() -> Section.builder("s", "S")
                        .data("clean_accuracy", 0.5)
                        .data(new AttackSummary("PGD", 0.991, 0.305, 41)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has data key \"clean_accuracy\"");
        assertThatThrownBy(
                        () -> Report.builder("r").provenance(Map.of("seed", 1)).provenance("seed", 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"seed\" is already set");
        assertThatThrownBy(() -> Section.builder("s", "S").data(new Unwritable()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot write data of section \"s\" as JSON");
    }

    /** Jackson cannot write a class without properties (FAIL_ON_EMPTY_BEANS). */
    static final class Unwritable {}

    @Test
    void keepsEveryChartPointIncludingThoseALogAxisCannotShow() throws Exception {
        Report report = Report.builder("r").section(SampleReports.membership()).build();

        JsonNode roc = READER.readTree(ReportWriter.toJson(report)).at("/sections/membership/roc_curve");

        assertThat(roc.get("title").asText()).isEqualTo("Membership inference ROC (log-log)");
        assertThat(roc.at("/x_axis/log").asBoolean()).isTrue();
        assertThat(roc.at("/x_axis/min").asDouble()).isEqualTo(1e-4);
        JsonNode lira = roc.at("/series/0");
        assertThat(lira.get("name").asText()).isEqualTo("LiRA (online)");
        assertThat(lira.get("style").asText()).isEqualTo("line");
        assertThat(lira.get("x")).hasSize(4001);
        assertThat(lira.at("/x/0").asDouble()).isZero();
        assertThat(lira.at("/y/0").asDouble()).isZero();
        assertThat(lira.at("/x/4000").asDouble()).isEqualTo(1.0);
    }

    @Test
    void isPrettyPrinted() {
        String json = ReportWriter.toJson(SampleReports.full());

        assertThat(json)
                .startsWith("{\n  \"title\" : \"Marauder audit: mnist-cnn\",\n")
                .endsWith("}\n");
    }

    @Test
    void rejectsDataKeysThatAreNotSnakeCase() {
        ReportSection camel = new FixedSection("evasion", Map.of("cleanAccuracy", 0.9));
        Report report = Report.builder("r").section(camel).build();

        assertThatThrownBy(() -> ReportWriter.toJson(report))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cleanAccuracy")
                .hasMessageContaining("evasion");
        assertThatThrownBy(() -> Section.builder("s", "S").data("Bad-Key", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad-Key");
        assertThatThrownBy(() -> Report.builder("r").provenance("gitCommit", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gitCommit");
    }

    @Test
    void rejectsDuplicateAndMalformedSectionIds() {
        assertThatThrownBy(() -> Report.builder("r")
                        .section(Section.builder("a", "A").build())
                        .section(Section.builder("a", "B").build())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"a\"");
        assertThatThrownBy(() -> Section.builder("Evasion Robustness", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Evasion Robustness");
        assertThatThrownBy(() -> Report.builder("r")
                        .section(new FixedSection("not-snake", Map.of()))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not-snake");
    }

    @Test
    void writesNonFiniteNumbersAsStrings() throws Exception {
        Section s = Section.builder("s", "S")
                .data("epsilon", Double.POSITIVE_INFINITY)
                .build();

        JsonNode root = READER.readTree(
                ReportWriter.toJson(Report.builder("r").section(s).build()));

        assertThat(root.at("/sections/s/epsilon").asText()).isEqualTo("Infinity");
    }

    private static void assertAllKeysSnakeCase(JsonNode node, String path) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                assertThat(Keys.isSnakeCase(e.getKey()))
                        .as("key %s/%s", path, e.getKey())
                        .isTrue();
                assertAllKeysSnakeCase(e.getValue(), path + "/" + e.getKey());
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                assertAllKeysSnakeCase(node.get(i), path + "/" + i);
            }
        }
    }

    private static <T> List<T> iterable(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** A hand-written section, as a capability may implement the interface directly. */
    record FixedSection(String id, Object data) implements ReportSection {
        @Override
        public String title() {
            return id;
        }

        @Override
        public List<Block> blocks() {
            return List.of();
        }
    }
}
