package dev.marauder.audit;

import dev.marauder.core.progress.Progress;
import dev.marauder.report.ReportSection;
import dev.marauder.report.SummaryLine;
import java.util.List;
import java.util.function.Consumer;

/**
 * One capability's part of an audit: it says whether it applies to the model under audit (its
 * access level: {@link dev.marauder.core.model.Classifier} black-box, {@link
 * dev.marauder.core.model.DifferentiableClassifier} white-box, {@link
 * dev.marauder.core.model.BuiltinClassifier} with a model card) and the inputs, runs, returns its
 * typed result, renders its own report section and gives its lines in the summary table.
 *
 * <p>Adding a capability to the audit means writing a class that implements this interface and
 * adding it to {@link AuditChecks#all()}; neither {@link AuditReport} nor the command line change.
 * Implementations are stateless settings objects: the model and data come with each call.
 *
 * @param <R> the result: an immutable record that Jackson writes (snake_case, with {@code
 *     dev.marauder.core.json.Json#mapper()}); components that are only needed to render the section
 *     (tensors, images) are marked {@code @JsonIgnore}
 */
public interface AuditCheck<R extends Record> {

    /** A stable lower snake_case id; also the id of the section the check renders. */
    String id();

    /** The check as a reader names it, e.g. {@code "evasion (white-box)"}; used when it is skipped. */
    String name();

    /**
     * Whether the check can run on {@code context}; cheap, runs nothing.
     *
     * @return {@link Applicability#yes()}, or {@link Applicability#no(String)} with the reason
     */
    Applicability appliesTo(AuditContext context);

    /**
     * Runs the check; called only when {@link #appliesTo(AuditContext)} said yes.
     *
     * @param context the model, data and settings
     * @param progress where long steps report progress
     * @param warnings where non-fatal problems go (one line each)
     * @return the result
     */
    R run(AuditContext context, Progress progress, Consumer<String> warnings);

    /** The report section of {@code result}, with id {@link #id()}. */
    ReportSection section(R result);

    /** The lines of {@code result} in the summary table at the top of the report (at least one). */
    List<SummaryLine> summary(R result);
}
