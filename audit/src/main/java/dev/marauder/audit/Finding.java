package dev.marauder.audit;

import dev.marauder.report.ReportSection;
import dev.marauder.report.SummaryLine;
import java.util.List;
import java.util.Objects;

/**
 * A check that ran, with its result: keeps the check and its result type together so that the
 * section and summary can be rendered without casts.
 *
 * @param check the check
 * @param result what it returned
 * @param <R> the result type
 */
public record Finding<R extends Record>(AuditCheck<R> check, R result) {

    /** Validates that both are present. */
    public Finding {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(result, () -> "result of check " + check.id());
    }

    /** Runs {@code check} on {@code context}. */
    static <R extends Record> Finding<R> run(
            AuditCheck<R> check,
            AuditContext context,
            dev.marauder.core.progress.Progress progress,
            java.util.function.Consumer<String> warnings) {
        return new Finding<>(check, check.run(context, progress, warnings));
    }

    /** The check's report section for the result. */
    public ReportSection section() {
        return check.section(result);
    }

    /** The check's summary lines for the result. */
    public List<SummaryLine> summary() {
        return check.summary(result);
    }
}
