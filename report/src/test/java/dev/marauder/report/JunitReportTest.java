package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The JUnit XML of a report, parsed back with the JDK's parser. */
class JunitReportTest {
    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> testcases(Document doc) {
        NodeList nodes = doc.getElementsByTagName("testcase");
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    @Test
    void oneTestCasePerCheckFailingAtOrAboveTheGateAndOnePerSkippedCheck() throws Exception {
        // checks: evasion (high + medium), membership (medium), privacy (low), model_inversion (not assessed)
        Document high = parse(JunitReport.render(SarifLogTest.report(), Severity.HIGH));
        Element suites = high.getDocumentElement();
        assertThat(suites.getTagName()).isEqualTo("testsuites");
        Element suite = (Element) suites.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("name")).isEqualTo("marauder audit");
        for (Element e : List.of(suites, suite)) {
            assertThat(e.getAttribute("tests")).isEqualTo("6");
            assertThat(e.getAttribute("failures")).isEqualTo("1");
            assertThat(e.getAttribute("skipped")).isEqualTo("2");
            assertThat(e.getAttribute("errors")).isEqualTo("0");
        }
        List<Element> cases = testcases(high);
        assertThat(cases.stream().map(c -> c.getAttribute("name")))
                .containsExactly(
                        "evasion", "membership", "privacy", "model_inversion", "extraction", "evasion (white-box)");
        assertThat(cases)
                .allSatisfy(c -> assertThat(c.getAttribute("classname")).isEqualTo("marauder.audit"));
        Element failure = (Element) cases.get(0).getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message"))
                .isEqualTo("1 finding at or above high: Evasion (white-box): robust accuracy 0.061 at eps 0.15"
                        + " (clean 0.991) [high]");
        assertThat(failure.getAttribute("type")).isEqualTo("high");
        assertThat(failure.getTextContent())
                .contains("[medium] Evasion (black-box)")
                .contains("MITRE ATLAS: AML.T0043.000 White-Box Optimization")
                .contains("remediation: marauder defend train --method pgd");
        assertThat(cases.get(1).getElementsByTagName("failure").getLength()).isZero();
        assertThat(cases.get(1).getElementsByTagName("system-out").item(0).getTextContent())
                .startsWith("[medium] Membership inference: TPR 0.0123 at 0.1% FPR");
        Element skipped = (Element) cases.get(5).getElementsByTagName("skipped").item(0);
        assertThat(skipped.getAttribute("message")).isEqualTo("the model is behind an API & gives no gradients");
        assertThat(suite.getElementsByTagName("property").getLength()).isEqualTo(9);

        Document low = parse(JunitReport.render(SarifLogTest.report(), Severity.LOW));
        assertThat(low.getDocumentElement().getAttribute("failures")).isEqualTo("3"); // never the not-assessed one
        Element evasionAtMedium = testcases(parse(JunitReport.render(SarifLogTest.report(), Severity.MEDIUM)))
                .get(0);
        assertThat(((Element) evasionAtMedium.getElementsByTagName("failure").item(0)).getAttribute("message"))
                .startsWith("2 findings at or above medium: Evasion (white-box)");
        assertThatThrownBy(() -> JunitReport.render(SarifLogTest.report(), Severity.NOT_ASSESSED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void markupQuotesAndCharactersXmlCannotHoldSurviveTheRoundTrip() throws Exception {
        String evil = "<script>alert('x')</script> & \"quoted\" ]]> \u0001\ud800 done";
        Report report = Report.builder("evil")
                .generatedAt(SampleReports.GENERATED_AT)
                .provenance("note", evil)
                .summaryLine(new SummaryLine(evil, evil, evil, Severity.HIGH, evil, evil)
                        .attributed(evil, Classification.NONE))
                .skipped(evil, evil)
                .build();
        String xml = JunitReport.render(report, Severity.HIGH);
        Document doc = parse(xml);
        String kept = "<script>alert('x')</script> & \"quoted\" ]]> \ufffd\ufffd done";
        List<Element> cases = testcases(doc);
        assertThat(cases).hasSize(2);
        assertThat(cases.get(0).getAttribute("name")).isEqualTo(kept);
        Element failure = (Element) cases.get(0).getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).contains(kept + ": " + kept + " [high]");
        assertThat(failure.getTextContent()).contains("rule: " + kept);
        assertThat(((Element) cases.get(1).getElementsByTagName("skipped").item(0)).getAttribute("message"))
                .isEqualTo(kept);
        assertThat(((Element) doc.getElementsByTagName("property").item(0)).getAttribute("value"))
                .isEqualTo(kept);
    }

    @Test
    void anEmptyReportIsAnEmptySuite() throws Exception {
        Document doc = parse(JunitReport.render(Report.builder("empty").build(), Severity.HIGH));
        assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo("0");
        assertThat(testcases(doc)).isEmpty();
    }
}
