package dev.marauder.audit;

import dev.marauder.core.provenance.Provenance;
import dev.marauder.report.SkippedCheck;
import dev.marauder.report.SummaryLine;
import java.util.List;
import java.util.Optional;

/**
 * Everything one audit found: the checks that ran with their results, in registry order, and the
 * checks that did not apply with the reason.
 *
 * @param modelName the audited model's name, for the report title
 * @param findings the checks that ran, in the order of {@link AuditChecks#all()}
 * @param skipped the checks that did not apply
 * @param provenance versions, settings, hashes and times of the audit
 */
public record AuditOutcome(
        String modelName, List<Finding<?>> findings, List<SkippedCheck> skipped, Provenance provenance) {

    /** Copies the lists. */
    public AuditOutcome {
        findings = List.copyOf(findings);
        skipped = List.copyOf(skipped);
    }

    /** The result of the check whose result type is {@code type}, if it ran. */
    public <R extends Record> Optional<R> result(Class<R> type) {
        return findings.stream()
                .map(Finding::result)
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst();
    }

    /** Every summary line, in check order. */
    public List<SummaryLine> summary() {
        return findings.stream()
                .flatMap(f -> f.summary().stream()
                        .map(line -> line.attributed(
                                f.check().id(), ThreatCatalog.classify(f.check().id(), line))))
                .toList();
    }
}
