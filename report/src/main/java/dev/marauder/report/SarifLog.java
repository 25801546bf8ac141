package dev.marauder.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@link Report}'s verdict as a SARIF log, the OASIS Static Analysis Results Interchange Format
 * Version 2.1.0 (OASIS Standard, 27 March 2020, with Errata 01;
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/), which code-scanning dashboards and CI systems
 * read.
 *
 * <p>The log has one run whose {@code tool.driver} is Marauder, with one reporting descriptor
 * (rule) per audit check and one result per summary line:
 *
 * <ul>
 *   <li>a rule's {@code id} is the line's {@link SummaryLine#check()} (the threat, lower-cased, when
 *       the line names no check); its {@code help} states the severity rules and the remediation
 *       (ATLAS mitigations and the command); {@code properties.tags} are {@code security} and the
 *       ATLAS and OWASP ids; {@code properties.security-severity} is the score code-scanning tools
 *       rank by (8.0 high, 5.0 medium, 2.0 low; absent when nothing was assessed);
 *   <li>a result's {@code level} follows {@link #level(Severity)}, its message is "threat:
 *       headline", its location is the audited model, and its {@code properties} hold the line's
 *       fields as given (headline, tried, rule, command, severity key, the headline figures with
 *       their baselines when compared, ATLAS, OWASP and mitigation
 *       ids, remediation); a line not assessed is also of {@code kind} {@code open} (SARIF
 *       §3.27.9: the tool could not decide);
 *   <li>the skipped checks are {@code toolExecutionNotifications} of the run's one invocation
 *       (level {@code note}, the check as {@code descriptor.id}, the reason in the message);
 *   <li>{@code run.properties} holds the report's title, generation time and provenance.
 * </ul>
 *
 * <p>The output validates against the SARIF 2.1.0 JSON schema (checked in the tests).
 */
public final class SarifLog {
    /** A number, or its name ("Infinity", "NaN") where JSON has no number for it. */
    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.put(key, Double.toString(v));
        }
    }

    /** The {@code $schema} of the log: the OASIS-published SARIF 2.1.0 schema. */
    public static final String SCHEMA =
            "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    private SarifLog() {}

    /**
     * The SARIF level of a severity: high is {@code error}, medium {@code warning}, low {@code
     * note}, not assessed {@code none}.
     */
    public static String level(Severity severity) {
        return switch (severity) {
            case HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW -> "note";
            case NOT_ASSESSED -> "none";
        };
    }

    /**
     * The artifact URI of a model as the command line names it: an {@code http(s)://} URL as it is,
     * anything else as the absolute {@code file:} URI of the path.
     *
     * @param model a model file or directory, or the URL of a served model
     * @return the URI for {@code artifactLocation.uri}
     */
    public static String artifactUri(String model) {
        Objects.requireNonNull(model, "model");
        String lower = model.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return URI.create(model).toString();
        }
        return Path.of(model).toAbsolutePath().normalize().toUri().toString();
    }

    /**
     * Renders the SARIF log.
     *
     * @param report the audit report
     * @param artifactUri the audited model's URI (see {@link #artifactUri(String)})
     * @param toolVersion Marauder's version, e.g. {@code 0.1.0-SNAPSHOT}
     * @param informationUri where users learn about the tool ({@code tool.driver.informationUri}),
     *     an absolute URI; null to leave it out (the project has no published home page yet)
     * @return the pretty-printed JSON, ending with a newline
     */
    public static String render(Report report, String artifactUri, String toolVersion, URI informationUri) {
        SummaryLine.requireNonBlank(artifactUri, "artifact URI");
        SummaryLine.requireNonBlank(toolVersion, "tool version");
        ObjectNode log = ReportJson.MAPPER.createObjectNode();
        log.put("$schema", SCHEMA);
        log.put("version", "2.1.0");
        ObjectNode run = log.putArray("runs").addObject();

        Map<String, List<SummaryLine>> byRule = new LinkedHashMap<>();
        for (SummaryLine line : report.summary()) {
            byRule.computeIfAbsent(ruleId(line), k -> new ArrayList<>()).add(line);
        }
        List<String> ruleIds = List.copyOf(byRule.keySet());

        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "Marauder");
        driver.put("version", toolVersion);
        if (informationUri != null) {
            if (!informationUri.isAbsolute()) {
                throw new IllegalArgumentException("informationUri must be absolute, got " + informationUri);
            }
            driver.put("informationUri", informationUri.toString());
        }
        ArrayNode rules = driver.putArray("rules");
        for (Map.Entry<String, List<SummaryLine>> e : byRule.entrySet()) {
            rules.add(rule(e.getKey(), e.getValue()));
        }

        ObjectNode invocation = run.putArray("invocations").addObject();
        invocation.put("executionSuccessful", true);
        invocation.put("endTimeUtc", report.generatedAt().toString());
        ArrayNode notifications = invocation.putArray("toolExecutionNotifications");
        for (SkippedCheck s : report.skipped()) {
            ObjectNode n = notifications.addObject();
            n.put("level", "note");
            n.putObject("message").put("text", "skipped " + s.name() + ": " + s.reason());
            n.putObject("descriptor").put("id", s.name());
            n.putObject("properties").put("check", s.name()).put("reason", s.reason());
        }

        ArrayNode results = run.putArray("results");
        for (SummaryLine line : report.summary()) {
            String id = ruleId(line);
            ObjectNode r = results.addObject();
            r.put("ruleId", id);
            r.put("ruleIndex", ruleIds.indexOf(id));
            r.put("level", level(line.severity()));
            if (line.severity() == Severity.NOT_ASSESSED) {
                r.put("kind", "open");
            }
            r.putObject("message").put("text", line.threat() + ": " + line.headline());
            r.putArray("locations")
                    .addObject()
                    .putObject("physicalLocation")
                    .putObject("artifactLocation")
                    .put("uri", artifactUri);
            ObjectNode p = r.putObject("properties");
            p.put("threat", line.threat());
            p.put("headline", line.headline());
            p.put("tried", line.tried());
            p.put("rule", line.rule());
            p.put("command", line.command());
            p.put("severity", line.severity().key());
            Classification c = line.classification();
            ids(p.putArray("atlas"), c.atlas());
            ids(p.putArray("owasp"), c.owasp());
            ids(p.putArray("mitigations"), c.mitigations());
            p.put("remediation", c.remediation());
            ArrayNode figures = p.putArray("figures");
            for (Figure f : line.figures()) {
                ObjectNode o = figures.addObject().put("name", f.name()).put("higher_is_worse", f.higherIsWorse());
                number(o, "value", f.value());
                if (f.baseline() != null) {
                    number(o, "baseline", f.baseline());
                    o.put("regressed", f.regressed());
                }
            }
        }

        ObjectNode properties = run.putObject("properties");
        properties.put("title", report.title());
        properties.put("generated_at", report.generatedAt().toString());
        properties.set("provenance", report.provenance());
        try {
            return ReportJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(log) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the SARIF log: " + e.getOriginalMessage(), e);
        }
    }

    /** The rule id of a line: its check, or its threat lower-cased when it names no check. */
    static String ruleId(SummaryLine line) {
        return line.check().isBlank()
                ? line.threat().strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", "_")
                : line.check();
    }

    private static ObjectNode rule(String id, List<SummaryLine> lines) {
        ObjectNode rule = ReportJson.MAPPER.createObjectNode();
        rule.put("id", id);
        Set<String> threats = distinct(lines, SummaryLine::threat);
        rule.put("name", String.join(" / ", threats));
        rule.putObject("shortDescription").put("text", String.join("; ", threats));
        Set<Classification.Reference> atlas = new LinkedHashSet<>();
        Set<Classification.Reference> owasp = new LinkedHashSet<>();
        Set<Classification.Reference> mitigations = new LinkedHashSet<>();
        Set<String> remediations = new LinkedHashSet<>();
        for (SummaryLine l : lines) {
            atlas.addAll(l.classification().atlas());
            owasp.addAll(l.classification().owasp());
            mitigations.addAll(l.classification().mitigations());
            if (!l.classification().remediation().isBlank()) {
                remediations.add(l.classification().remediation());
            }
        }
        StringBuilder full = new StringBuilder(String.join("; ", threats)).append('.');
        if (!atlas.isEmpty()) {
            full.append(" MITRE ATLAS: ").append(join(atlas)).append('.');
        }
        if (!owasp.isEmpty()) {
            full.append(" OWASP ML Top 10: ").append(join(owasp)).append('.');
        }
        rule.putObject("fullDescription").put("text", full.toString());
        StringBuilder help = new StringBuilder("Severity: ")
                .append(String.join("; ", distinct(lines, SummaryLine::rule)))
                .append('.');
        if (!mitigations.isEmpty()) {
            help.append(" Mitigations (MITRE ATLAS): ")
                    .append(join(mitigations))
                    .append('.');
        }
        if (!remediations.isEmpty()) {
            help.append(" Remediation: ").append(String.join("; ", remediations));
        }
        Set<String> commands = distinct(lines, SummaryLine::command);
        commands.remove("");
        if (!commands.isEmpty()) {
            help.append(remediations.isEmpty() ? "" : ".")
                    .append(" Reproduce: ")
                    .append(String.join("; ", commands));
        }
        rule.putObject("help").put("text", help.toString());
        ObjectNode properties = rule.putObject("properties");
        ArrayNode tags = properties.putArray("tags");
        tags.add("security");
        atlas.forEach(r -> tags.add(r.id()));
        owasp.forEach(r -> tags.add(r.id()));
        Severity worst =
                lines.stream().map(SummaryLine::severity).min(Enum::compareTo).orElse(Severity.NOT_ASSESSED);
        String score = switch (worst) {
            case HIGH -> "8.0";
            case MEDIUM -> "5.0";
            case LOW -> "2.0";
            case NOT_ASSESSED -> null;
        };
        if (score != null) {
            properties.put("security-severity", score);
        }
        return rule;
    }

    private static Set<String> distinct(List<SummaryLine> lines, java.util.function.Function<SummaryLine, String> f) {
        return lines.stream().map(f).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String join(Set<Classification.Reference> refs) {
        return refs.stream().map(Classification.Reference::toString).collect(Collectors.joining(", "));
    }

    private static void ids(ArrayNode array, List<Classification.Reference> refs) {
        refs.forEach(r -> array.add(r.id()));
    }
}
