package dev.marauder.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An audit report: a title, a verdict (summary lines and skipped checks), the caller's
 * provenance, when it was generated, and ordered sections. Write it with {@link
 * ReportWriter#write(Report, java.nio.file.Path)}.
 *
 * <pre>{@code
 * Report report = Report.builder("Marauder audit: mnist-cnn")
 *     .provenance(result.provenance())                  // a record, or key by key
 *     .summaryLine(new SummaryLine("Evasion (white-box)", "PGD-20 L-inf, eps 0.1",
 *         "robust accuracy 0.03 at eps 0.1", Severity.HIGH,
 *         "high if robust accuracy < 0.5 x clean accuracy", "marauder attack pgd ..."))
 *     .skipped("membership inference", "no training data was given")
 *     .section(evasionSection)
 *     .build();
 * }</pre>
 *
 * <p>The summary lines form a table shown first in the HTML, right after the title, in the order
 * they were added; the skipped checks are listed under it ("Not run: ... because ..."). In {@code
 * report.json} they are the top-level lists {@code summary} and {@code skipped} (both present,
 * possibly empty); see {@link SummaryLine} and {@link SkippedCheck} for their fields.
 *
 * <p>Provenance is whatever lets a reader reproduce or trust the results (Marauder version, git
 * commit, Java and OS, engine, seed, settings, data and model hashes, start and end times). It is
 * supplied by the caller and shown as given, in insertion order, in a table at the end of the HTML
 * and under {@code provenance} in {@code report.json}. Keys are lower snake_case; values are
 * strings or any value Jackson can write (non-string values are shown as compact JSON). Values are
 * converted to JSON when they are added, so a value Jackson cannot write fails there.
 *
 * <p>Instances are immutable, but sections implemented by callers may compute their content when
 * asked.
 */
public final class Report {
    private final String title;
    private final ObjectNode provenance;
    private final Instant generatedAt;
    private final List<SummaryLine> summary;
    private final List<SkippedCheck> skipped;
    private final List<ReportSection> sections;

    private Report(Builder b) {
        this.title = b.title;
        this.provenance = b.provenance.deepCopy();
        this.generatedAt = b.generatedAt != null ? b.generatedAt : Instant.now().truncatedTo(ChronoUnit.MILLIS);
        this.summary = List.copyOf(b.summary);
        this.skipped = List.copyOf(b.skipped);
        this.sections = List.copyOf(b.sections);
    }

    /**
     * Starts a report.
     *
     * @param title the report's heading and HTML page title
     * @return a builder
     */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** The report's heading. */
    public String title() {
        return title;
    }

    /**
     * The provenance as a JSON object whose fields are in insertion order.
     *
     * @return a copy; changing it does not change the report
     */
    public ObjectNode provenance() {
        return provenance.deepCopy();
    }

    /** When the report was generated. */
    public Instant generatedAt() {
        return generatedAt;
    }

    /** The verdict table's lines, in display order (unmodifiable; may be empty). */
    public List<SummaryLine> summary() {
        return summary;
    }

    /** The checks that did not run, in display order (unmodifiable; may be empty). */
    public List<SkippedCheck> skipped() {
        return skipped;
    }

    /** The sections, in display order. */
    public List<ReportSection> sections() {
        return sections;
    }

    /**
     * Builds a {@link Report}. Required: the title. Optional: provenance entries, summary lines,
     * skipped checks, sections, and the generation time (default: the time of {@link #build()}, to
     * the millisecond). Lists keep the order in which entries are added.
     */
    public static final class Builder {
        private final String title;
        private final ObjectNode provenance = ReportJson.MAPPER.createObjectNode();
        private final List<SummaryLine> summary = new ArrayList<>();
        private final List<SkippedCheck> skipped = new ArrayList<>();
        private final List<ReportSection> sections = new ArrayList<>();
        private Instant generatedAt;

        private Builder(String title) {
            this.title = Objects.requireNonNull(title, "report title");
        }

        /**
         * Adds a provenance entry.
         *
         * @param key lower snake_case, not already used, e.g. {@code "git_commit"}
         * @param value a string, number, map, list, record, {@link Instant}... ; not null
         * @return this builder
         * @throws IllegalArgumentException if the key is not snake_case or already used, or Jackson
         *     cannot write the value
         */
        public Builder provenance(String key, Object value) {
            Keys.requireSnakeCase(key, "provenance key");
            Objects.requireNonNull(value, () -> "value of provenance key \"" + key + "\"");
            return put(key, ReportJson.toTree(value, "provenance value \"" + key + "\""));
        }

        /**
         * Adds every property of {@code entries}, in order, as by {@link #provenance(String, Object)}:
         * the components of a record (named in snake_case), the properties of a bean, the entries of
         * a {@link Map} or the fields of a JSON object. Nested values stay structured. A null
         * property is written as JSON {@code null}, as Jackson writes it.
         *
         * @param entries a value that Jackson writes as a JSON object, e.g. the caller's provenance
         *     record
         * @return this builder
         * @throws IllegalArgumentException if {@code entries} is not written as a JSON object, or a key
         *     is not snake_case or already used
         */
        public Builder provenance(Object entries) {
            Objects.requireNonNull(entries, "provenance");
            ObjectNode object = ReportJson.toObject(entries, "provenance", "provenance key");
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                put(e.getKey(), e.getValue());
            }
            return this;
        }

        private Builder put(String key, JsonNode value) {
            if (provenance.has(key)) {
                throw new IllegalArgumentException("provenance key \"" + key + "\" is already set");
            }
            provenance.set(key, value);
            return this;
        }

        /** Sets the generation time, e.g. from a fixed clock in tests. */
        public Builder generatedAt(Instant when) {
            this.generatedAt = Objects.requireNonNull(when, "generatedAt");
            return this;
        }

        /** Appends a line to the summary table shown before the sections. */
        public Builder summaryLine(SummaryLine line) {
            summary.add(Objects.requireNonNull(line, "summary line"));
            return this;
        }

        /** Appends summary lines in order, as by {@link #summaryLine(SummaryLine)}. */
        public Builder summaryLines(List<SummaryLine> lines) {
            lines.forEach(this::summaryLine);
            return this;
        }

        /**
         * Records a check that did not run.
         *
         * @param check the check and the reason; its name must not be used by another skipped check
         * @return this builder
         */
        public Builder skipped(SkippedCheck check) {
            skipped.add(Objects.requireNonNull(check, "skipped check"));
            return this;
        }

        /**
         * Records a check that did not run, as by {@link #skipped(SkippedCheck)}.
         *
         * @param name the check, e.g. {@code "evasion (white-box)"}
         * @param reason why, phrased to follow "because", e.g. {@code "the model gives no gradients"}
         * @return this builder
         * @throws IllegalArgumentException if either is blank
         */
        public Builder skipped(String name, String reason) {
            return skipped(new SkippedCheck(name, reason));
        }

        /** Records skipped checks in order, as by {@link #skipped(SkippedCheck)}. */
        public Builder skippedChecks(List<SkippedCheck> checks) {
            checks.forEach(this::skipped);
            return this;
        }

        /** Appends a section. */
        public Builder section(ReportSection section) {
            sections.add(Objects.requireNonNull(section, "section"));
            return this;
        }

        /** Appends sections in order. */
        public Builder sections(List<? extends ReportSection> sections) {
            sections.forEach(this::section);
            return this;
        }

        /**
         * Validates and builds the report.
         *
         * @throws IllegalArgumentException if a section id is not snake_case, two sections share an
         *     id, or two skipped checks share a name
         */
        public Report build() {
            Set<String> ids = new HashSet<>();
            for (ReportSection s : sections) {
                String id = Keys.requireSnakeCase(s.id(), "section id");
                Objects.requireNonNull(s.title(), () -> "title of section \"" + id + "\"");
                if (!ids.add(id)) {
                    throw new IllegalArgumentException("two sections have the id \"" + id + "\"");
                }
            }
            Set<String> names = new HashSet<>();
            for (SkippedCheck c : skipped) {
                if (!names.add(c.name())) {
                    throw new IllegalArgumentException("the check \"" + c.name() + "\" is listed as skipped twice");
                }
            }
            return new Report(this);
        }
    }
}
