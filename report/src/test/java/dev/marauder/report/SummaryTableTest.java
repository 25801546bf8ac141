package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import javax.swing.text.AttributeSet;
import javax.swing.text.MutableAttributeSet;
import javax.swing.text.html.HTML;
import javax.swing.text.html.HTMLEditorKit;
import javax.swing.text.html.parser.ParserDelegator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The verdict at the top of the report: summary lines and skipped checks, in HTML and JSON. */
class SummaryTableTest {
    private static final ObjectMapper READER = new ObjectMapper();
    private static final String EVIL = "<script>alert('x')</script> & \"quoted\"";
    private static final String EVIL_ESCAPED =
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;";

    @Test
    void rendersTheSummaryBeforeTheContentsAndEverySection() throws IOException {
        String html = ReportWriter.toHtml(SampleReports.full());

        // Parsed, not searched: the start tags in document order, as "tag#id" or "tag.class".
        List<String> tags = startTags(html);
        int h1 = tags.indexOf("h1");
        int summary = tags.indexOf("section#report-summary");
        int table = tags.indexOf("table.summary");
        int nav = tags.indexOf("nav.toc");
        int firstSection = tags.indexOf("section#evasion");
        assertThat(h1).as("title").isNotNegative();
        assertThat(summary).as("summary section").isGreaterThan(h1);
        assertThat(table).as("summary table").isGreaterThan(summary);
        assertThat(nav).as("table of contents").isGreaterThan(table);
        assertThat(firstSection).as("first section").isGreaterThan(nav);
        // the summary is the first <section> on the page
        assertThat(tags.stream().filter(t -> t.startsWith("section")).findFirst())
                .contains("section#report-summary");
    }

    @Test
    void showsEachSeverityWithItsClass() {
        String html = ReportWriter.toHtml(SampleReports.full());

        assertThat(html)
                .contains("<tr class=\"severity-high\"><th scope=\"row\">Evasion (white-box)</th>"
                        + "<td><span class=\"badge severity-high\">high</span></td>"
                        + "<td class=\"headline\">robust accuracy 0.061 at eps 0.15 (clean 0.991)</td>"
                        + "<td>PGD-40 L-inf, eps 0.15, 1000 test images</td>"
                        + "<td class=\"rule\">high if robust accuracy &lt; 0.5 x clean accuracy at the stated"
                        + " eps</td><td class=\"mono\">marauder attack pgd --model mnist-cnn --data test.csv"
                        + " --eps 0.15 --steps 40</td></tr>")
                .contains("<span class=\"badge severity-medium\">medium</span>")
                .contains("<span class=\"badge severity-low\">low</span>")
                .contains("<span class=\"badge severity-not-assessed\">not assessed</span>");
        // every severity class is styled by the page's own stylesheet
        for (Severity s : Severity.values()) {
            assertThat(html).contains(".badge." + s.cssClass() + " {");
            assertThat(html).contains("tr." + s.cssClass() + " > th {");
        }
        // an empty "tried" or "command" shows a dash rather than an empty cell
        assertThat(html).contains("<td><span class=\"empty\">&mdash;</span></td>");
        assertThat(html)
                .contains("<li>Not run: <strong>model inversion</strong> because the model has no"
                        + " class-conditional generator to invert</li>");
    }

    @Test
    void keepsTheOrderInWhichLinesWereAdded() {
        String html = ReportWriter.toHtml(SampleReports.full());

        List<Integer> at = new ArrayList<>();
        for (SummaryLine line : SampleReports.summary()) {
            at.add(html.indexOf("<th scope=\"row\">" + line.threat() + "</th>"));
        }
        assertThat(at).doesNotContain(-1).isSorted();
    }

    @Test
    void writesSummaryAndSkippedToReportJson() throws IOException {
        JsonNode root = READER.readTree(ReportWriter.toJson(SampleReports.full()));

        assertThat(iterable(root.fieldNames()))
                .containsExactly("title", "generated_at", "summary", "skipped", "provenance", "contents", "sections");
        JsonNode summary = root.get("summary");
        assertThat(summary).hasSize(4);
        assertThat(iterable(summary.get(0).fieldNames()))
                .containsExactly(
                        "threat",
                        "tried",
                        "headline",
                        "severity",
                        "rule",
                        "command",
                        "check",
                        "classification",
                        "figures");
        assertThat(summary.get(0).get("threat").asText()).isEqualTo("Evasion (white-box)");
        assertThat(summary.get(0).get("headline").asText())
                .isEqualTo("robust accuracy 0.061 at eps 0.15 (clean 0.991)");
        assertThat(summary.get(0).get("rule").asText())
                .isEqualTo("high if robust accuracy < 0.5 x clean accuracy at the stated eps");
        assertThat(summary.get(0).get("command").asText()).startsWith("marauder attack pgd ");
        List<String> severities = new ArrayList<>();
        summary.forEach(line -> severities.add(line.get("severity").asText()));
        assertThat(severities).containsExactly("high", "medium", "low", "not_assessed");
        assertThat(root.get("skipped").toString())
                .isEqualTo("[{\"name\":\"model inversion\",\"reason\":\"the model has no class-conditional"
                        + " generator to invert\"}]");

        // and it reads back into the same records
        List<SummaryLine> back = ReportJson.MAPPER.convertValue(summary, new TypeReference<List<SummaryLine>>() {});
        assertThat(back).isEqualTo(SampleReports.summary());
    }

    @Test
    void aReportWithoutAVerdictStillRenders() throws IOException {
        Report report =
                Report.builder("plain").section(SampleReports.membership()).build();

        String html = ReportWriter.toHtml(report);
        JsonNode root = READER.readTree(ReportWriter.toJson(report));

        assertThat(html)
                .doesNotContain("report-summary")
                .doesNotContain("Not run")
                .contains("<section id=\"membership\">");
        assertThat(report.summary()).isEmpty();
        assertThat(root.get("summary").isArray()).isTrue();
        assertThat(root.get("summary")).isEmpty();
        assertThat(root.get("skipped")).isEmpty();
    }

    @Test
    void listsSkippedChecksEvenWithoutSummaryLines() {
        Report report = Report.builder("onnx")
                .skipped("evasion (white-box)", "the ONNX model gives no gradients")
                .skipped(new SkippedCheck("privacy accounting", "no training log was given"))
                .build();

        String html = ReportWriter.toHtml(report);

        assertThat(html)
                .contains("<section id=\"report-summary\" class=\"summary\">")
                .contains("<p>No check produced a verdict.</p>")
                .doesNotContain("<table class=\"summary\">")
                .contains("<li>Not run: <strong>evasion (white-box)</strong> because the ONNX model"
                        + " gives no gradients</li>");
        assertThat(html.indexOf("evasion (white-box)")).isLessThan(html.indexOf("privacy accounting"));
    }

    @Test
    void escapesCallerTextInTheVerdict() {
        Report report = Report.builder("r")
                .summaryLine(new SummaryLine(EVIL, EVIL, EVIL, Severity.HIGH, EVIL, EVIL))
                .skipped(EVIL, EVIL)
                .build();

        String html = ReportWriter.toHtml(report);

        assertThat(html).doesNotContain("<script").doesNotContain("alert('x')");
        // threat, headline, tried, rule and command cells; skipped name and reason
        assertThat(count(html, EVIL_ESCAPED)).isEqualTo(7);
        assertThat(html)
                .contains("<th scope=\"row\">" + EVIL_ESCAPED + "</th>")
                .contains("<td class=\"mono\">" + EVIL_ESCAPED + "</td>")
                .contains("<strong>" + EVIL_ESCAPED + "</strong> because " + EVIL_ESCAPED + "</li>");
    }

    @ParameterizedTest
    @CsvSource({
        "HIGH, high, high, severity-high",
        "MEDIUM, medium, medium, severity-medium",
        "LOW, low, low, severity-low",
        "NOT_ASSESSED, not_assessed, not assessed, severity-not-assessed",
    })
    void severitiesHaveStableNames(Severity s, String key, String label, String css) throws IOException {
        assertThat(s.key()).isEqualTo(key);
        assertThat(s.label()).isEqualTo(label);
        assertThat(s.cssClass()).isEqualTo(css);
        assertThat(ReportJson.MAPPER.writeValueAsString(s)).isEqualTo("\"" + key + "\"");
        assertThat(ReportJson.MAPPER.readValue("\"" + key + "\"", Severity.class))
                .isEqualTo(s);
        assertThat(Severity.ofKey(key)).isEqualTo(s);
    }

    @Test
    void rejectsIncompleteLinesAndRepeatedSkippedChecks() {
        assertThatThrownBy(() -> new SummaryLine(" ", "t", "h", Severity.LOW, "r", "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threat");
        assertThatThrownBy(() -> new SummaryLine("Evasion", "t", "", Severity.LOW, "r", "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("headline of summary line \"Evasion\"");
        assertThatThrownBy(() -> new SummaryLine("Evasion", "t", "h", Severity.LOW, "", "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule");
        assertThatThrownBy(() -> new SummaryLine("Evasion", "t", "h", null, "r", "c"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("severity");
        assertThatThrownBy(() -> new SummaryLine("Evasion", null, "h", Severity.LOW, "r", "c"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tried");
        assertThatThrownBy(() -> new SkippedCheck("evasion", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason of skipped check \"evasion\"");
        assertThatThrownBy(() -> Severity.ofKey("critical"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("critical");
        assertThatThrownBy(() -> Report.builder("r")
                        .skipped("evasion", "a")
                        .skipped("evasion", "b")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"evasion\"");
    }

    @Test
    void reportListsAreImmutable() {
        Report report = SampleReports.full();

        assertThatThrownBy(() -> report.summary().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> report.skipped().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Start tags in document order, each as its name plus {@code #id} or {@code .first-class}. */
    private static List<String> startTags(String html) throws IOException {
        List<String> tags = new ArrayList<>();
        // The JDK's HTML 3.2 parser reports tags it does not know (section, nav, header) as simple
        // tags, closing ones with an "endtag" attribute; attribute names are compared as text.
        HTMLEditorKit.ParserCallback callback = new HTMLEditorKit.ParserCallback() {
            @Override
            public void handleStartTag(HTML.Tag t, MutableAttributeSet a, int pos) {
                tags.add(describe(t, a));
            }

            @Override
            public void handleSimpleTag(HTML.Tag t, MutableAttributeSet a, int pos) {
                if (attribute(a, "endtag") == null) {
                    tags.add(describe(t, a));
                }
            }
        };
        new ParserDelegator().parse(new StringReader(html), callback, true);
        return tags;
    }

    private static String describe(HTML.Tag t, AttributeSet a) {
        String id = attribute(a, "id");
        String cls = attribute(a, "class");
        if (id != null) {
            return t + "#" + id;
        }
        return cls != null ? t + "." + cls.split(" ")[0] : t.toString();
    }

    private static String attribute(AttributeSet a, String name) {
        for (Enumeration<?> names = a.getAttributeNames(); names.hasMoreElements(); ) {
            Object n = names.nextElement();
            if (n.toString().equals(name)) {
                return String.valueOf(a.getAttribute(n));
            }
        }
        return null;
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static <T> List<T> iterable(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
