package dev.marauder.report;

import java.util.List;

/**
 * What one audit capability contributes to a {@link Report}: a titled part of {@code index.html}
 * and an entry in {@code report.json}.
 *
 * <p>Most capabilities build a {@link Section} with its builder; implement this interface directly
 * only to compute blocks or data lazily. {@link ReportWriter} calls {@link #blocks()} and {@link
 * #data()} once each per write, before touching any file, so an exception thrown from either
 * aborts the write and leaves earlier reports intact.
 */
public interface ReportSection {

    /**
     * The section's anchor in the HTML ({@code index.html#id}) and its key under {@code sections} in
     * {@code report.json}; lower snake_case, unique within a report, e.g. {@code "evasion"}.
     */
    String id();

    /** The heading shown in the HTML and in its table of contents, as plain text. */
    String title();

    /** The body of the section for people, in order. */
    List<Block> blocks();

    /**
     * The section's results for machines, written to {@code report.json} under {@code
     * sections.<id>} with Jackson. Any value that Jackson writes as a JSON object: typically the
     * capability's own immutable result record (its components are written in snake_case), or a
     * {@link com.fasterxml.jackson.databind.node.ObjectNode} such as {@link Section#data()}. Nested
     * values may be lists, arrays, numbers, strings, booleans, {@code java.time} values, records and
     * beans. Top-level keys must be lower snake_case; keys of nested maps are written as given.
     *
     * @return the data; not null
     */
    Object data();
}
