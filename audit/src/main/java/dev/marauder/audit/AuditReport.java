package dev.marauder.audit;

import dev.marauder.report.Report;

/**
 * Turns an {@link AuditOutcome} into the audit {@link Report}: the summary table (every check's
 * summary lines, in check order), the skipped checks with their reasons, the provenance, and every
 * check's own section. It knows no check by name, so a new check needs no change here.
 */
public final class AuditReport {
    private AuditReport() {}

    /** The full report of an audit. */
    public static Report of(AuditOutcome outcome) {
        return of(outcome, outcome.summary());
    }

    /**
     * The full report of an audit with {@code summary} as its summary lines (the outcome's, compared
     * with a baseline audit by {@link BaselineComparison}).
     */
    public static Report of(AuditOutcome outcome, java.util.List<dev.marauder.report.SummaryLine> summary) {
        Report.Builder b = Report.builder("Marauder audit: " + outcome.modelName())
                .provenance(outcome.provenance())
                .summaryLines(summary)
                .skippedChecks(outcome.skipped());
        outcome.findings().forEach(f -> b.section(f.section()));
        return b.build();
    }
}
