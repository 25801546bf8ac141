/**
 * The audit: one {@link dev.marauder.audit.AuditCheck} per capability, the registry of checks
 * ({@link dev.marauder.audit.AuditChecks#all()}), the runner that runs those that apply to a model
 * ({@link dev.marauder.audit.Audit}) and the report made of their sections and summary lines
 * ({@link dev.marauder.audit.AuditReport}). The severity rules of the summary table live in one
 * place, {@link dev.marauder.audit.SeverityRules}.
 *
 * <p>Results of separate {@code marauder} runs given to the audit (membership inference, canary
 * exposure, empirical privacy audits) are read into the small read-side records {@link
 * dev.marauder.audit.MembershipRun}, {@link dev.marauder.audit.ExposureRun} and {@link
 * dev.marauder.audit.CanaryAuditRun}, which name only the fields the report shows.
 */
package dev.marauder.audit;
