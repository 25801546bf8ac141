package dev.marauder.report;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A {@link Report}'s verdict as JUnit XML, the Ant/Surefire test-report format that CI servers
 * show as test results.
 *
 * <pre>{@code
 * <testsuites name="marauder audit" tests="3" failures="1" errors="0" skipped="1">
 *   <testsuite name="marauder audit" tests="3" failures="1" errors="0" skipped="1" timestamp="...">
 *     <properties><property name="marauder_version" value="0.1.0"/>...</properties>
 *     <testcase classname="marauder.audit" name="evasion">
 *       <failure message="1 finding at or above high: ..." type="high">...</failure>
 *     </testcase>
 *     <testcase classname="marauder.audit" name="membership"><system-out>...</system-out></testcase>
 *     <testcase classname="marauder.audit" name="model inversion"><skipped message="reason"/></testcase>
 *   </testsuite>
 * </testsuites>
 * }</pre>
 *
 * <p>One test case per audit check (the summary lines grouped by {@link SummaryLine#check()}, or by
 * threat when a line names no check): it fails when any of its lines is at or above the gate
 * severity (lines not assessed never fail, as with {@code --fail-on}), and lists every line in its
 * failure text or its {@code system-out}. One skipped test case per {@link SkippedCheck}, with the
 * reason. Provenance entries are suite properties (non-string values as compact JSON). Written with
 * the JDK's {@link XMLStreamWriter}, so text is escaped; characters XML 1.0 cannot hold are
 * replaced by U+FFFD.
 */
public final class JunitReport {
    /** The test suite's name. */
    public static final String SUITE = "marauder audit";

    /** The class name of every test case. */
    public static final String CLASS_NAME = "marauder.audit";

    private JunitReport() {}

    /**
     * Renders the JUnit XML.
     *
     * @param report the audit report
     * @param gate the lowest severity that fails a check, e.g. {@link Severity#HIGH}; not {@link
     *     Severity#NOT_ASSESSED}
     * @return the XML document (UTF-8 declared), ending with a newline
     * @throws IllegalArgumentException if {@code gate} is {@link Severity#NOT_ASSESSED}
     */
    public static String render(Report report, Severity gate) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(gate, "gate");
        if (gate == Severity.NOT_ASSESSED) {
            throw new IllegalArgumentException("the gate must be high, medium or low, got not_assessed");
        }
        Map<String, List<SummaryLine>> byCheck = new LinkedHashMap<>();
        for (SummaryLine line : report.summary()) {
            byCheck.computeIfAbsent(SarifLog.ruleId(line), k -> new ArrayList<>())
                    .add(line);
        }
        int failures = 0;
        for (List<SummaryLine> lines : byCheck.values()) {
            failures += failing(lines, gate).isEmpty() ? 0 : 1;
        }
        String tests = Integer.toString(byCheck.size() + report.skipped().size());
        String failed = Integer.toString(failures);
        String skipped = Integer.toString(report.skipped().size());
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuites");
            counts(xml, tests, failed, skipped);
            xml.writeCharacters("\n  ");
            xml.writeStartElement("testsuite");
            counts(xml, tests, failed, skipped);
            xml.writeAttribute("timestamp", report.generatedAt().toString());
            xml.writeCharacters("\n    ");
            xml.writeStartElement("properties");
            for (var it = report.provenance().fields(); it.hasNext(); ) {
                var e = it.next();
                xml.writeEmptyElement("property");
                xml.writeAttribute("name", safe(e.getKey()));
                xml.writeAttribute("value", safe(ReportJson.display(e.getValue())));
            }
            xml.writeEndElement();
            for (Map.Entry<String, List<SummaryLine>> e : byCheck.entrySet()) {
                List<SummaryLine> bad = failing(e.getValue(), gate);
                testcase(xml, e.getKey());
                String lines = e.getValue().stream().map(JunitReport::describe).collect(Collectors.joining("\n"));
                if (bad.isEmpty()) {
                    xml.writeStartElement("system-out");
                    xml.writeCharacters(safe(lines));
                    xml.writeEndElement();
                } else {
                    xml.writeStartElement("failure");
                    xml.writeAttribute(
                            "message",
                            safe(bad.size() + (bad.size() == 1 ? " finding" : " findings") + " at or above "
                                    + gate.key() + ": "
                                    + bad.stream()
                                            .map(l -> l.threat() + ": " + l.headline() + " ["
                                                    + l.severity().key() + "]")
                                            .collect(Collectors.joining("; "))));
                    xml.writeAttribute("type", bad.get(0).severity().key());
                    xml.writeCharacters(safe(lines));
                    xml.writeEndElement();
                }
                xml.writeEndElement();
            }
            for (SkippedCheck s : report.skipped()) {
                testcase(xml, s.name());
                xml.writeEmptyElement("skipped");
                xml.writeAttribute("message", safe(s.reason()));
                xml.writeEndElement();
            }
            xml.writeCharacters("\n  ");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the JUnit XML: " + e.getMessage(), e);
        }
        return text + "\n";
    }

    private static void counts(XMLStreamWriter xml, String tests, String failures, String skipped)
            throws XMLStreamException {
        xml.writeAttribute("name", SUITE);
        xml.writeAttribute("tests", tests);
        xml.writeAttribute("failures", failures);
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", skipped);
    }

    private static void testcase(XMLStreamWriter xml, String name) throws XMLStreamException {
        xml.writeCharacters("\n    ");
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", CLASS_NAME);
        xml.writeAttribute("name", safe(name));
    }

    /** The lines at or above the gate (never those not assessed), most severe first as listed. */
    private static List<SummaryLine> failing(List<SummaryLine> lines, Severity gate) {
        return lines.stream()
                .filter(l ->
                        l.severity() != Severity.NOT_ASSESSED && l.severity().compareTo(gate) <= 0)
                .sorted(java.util.Comparator.comparing(SummaryLine::severity))
                .toList();
    }

    private static String describe(SummaryLine l) {
        StringBuilder b = new StringBuilder("[")
                .append(l.severity().key())
                .append("] ")
                .append(l.threat())
                .append(": ")
                .append(l.headline());
        if (!l.tried().isEmpty()) {
            b.append("\n  tried: ").append(l.tried());
        }
        b.append("\n  rule: ").append(l.rule());
        Classification c = l.classification();
        if (!c.atlas().isEmpty()) {
            b.append("\n  MITRE ATLAS: ").append(refs(c.atlas()));
        }
        if (!c.owasp().isEmpty()) {
            b.append("\n  OWASP ML Top 10: ").append(refs(c.owasp()));
        }
        if (!c.mitigations().isEmpty()) {
            b.append("\n  mitigations: ").append(refs(c.mitigations()));
        }
        if (!c.remediation().isEmpty()) {
            b.append("\n  remediation: ").append(c.remediation());
        }
        if (!l.command().isEmpty()) {
            b.append("\n  reproduce: ").append(l.command());
        }
        return b.toString();
    }

    private static String refs(List<Classification.Reference> refs) {
        return refs.stream().map(Classification.Reference::toString).collect(Collectors.joining(", "));
    }

    /** {@code text} with every character XML 1.0 cannot hold replaced by U+FFFD. */
    static String safe(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean ok = cp == 0x9
                    || cp == 0xA
                    || cp == 0xD
                    || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD)
                    || (cp >= 0x10000 && cp <= 0x10FFFF);
            if (!ok && b == null) {
                b = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (b != null) {
                b.appendCodePoint(ok ? cp : 0xFFFD);
            }
            i += Character.charCount(cp);
        }
        return b == null ? text : b.toString();
    }
}
