/**
 * A self-contained HTML and JSON report builder for Marauder audits.
 *
 * <p>Each audit capability (evasion, membership inference, extraction, privacy accounting, ...)
 * contributes one {@link dev.marauder.report.ReportSection}: an anchor id, a title, a list of
 * {@link dev.marauder.report.Block}s for people and a {@code data()} object for machines (its
 * typed result record, or a JSON object), and usually one {@link dev.marauder.report.SummaryLine}
 * for the verdict table at the top: threat, what was tried, headline number, {@link
 * dev.marauder.report.Severity} with the rule that produced it, and the command that reproduces
 * it. Checks that did not apply are listed as {@link dev.marauder.report.SkippedCheck}s with the
 * reason. A {@link dev.marauder.report.Report} orders all of this and carries the caller's
 * provenance;
 * {@link dev.marauder.report.ReportWriter} turns it into {@code index.html} (one file: inline CSS,
 * images as {@code data:} URIs, no scripts, nothing fetched from the network) and
 * {@code report.json} (snake_case keys), each replaced atomically.
 *
 * <p>This package knows nothing about attacks, models or engines; it depends only on Jackson and
 * XChart, and on Java2D in headless mode for pictures.
 */
package dev.marauder.report;
