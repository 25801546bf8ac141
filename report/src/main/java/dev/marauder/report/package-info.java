/**
 * A self-contained HTML and JSON report builder for Marauder audits.
 *
 * <p>Each audit capability (evasion, membership inference, extraction, privacy accounting, ...)
 * contributes one {@link dev.marauder.report.ReportSection}: an anchor id, a title, a list of
 * {@link dev.marauder.report.Block}s for people and a {@code data()} map for machines. A
 * {@link dev.marauder.report.Report} orders the sections and carries the caller's provenance;
 * {@link dev.marauder.report.ReportWriter} turns it into {@code index.html} (one file: inline CSS,
 * images as {@code data:} URIs, no scripts, nothing fetched from the network) and
 * {@code report.json} (snake_case keys), each replaced atomically.
 *
 * <p>This package knows nothing about attacks, models or engines; it depends only on Jackson and
 * XChart, and on Java2D in headless mode for pictures.
 */
package dev.marauder.report;
