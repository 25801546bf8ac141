package dev.marauder.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An audit report: a title, the caller's provenance, when it was generated, and ordered sections.
 * Write it with {@link ReportWriter#write(Report, java.nio.file.Path)}.
 *
 * <p>Provenance is whatever lets a reader reproduce or trust the results (Marauder version, git
 * commit, Java and OS, engine, seed, settings, data and model hashes, start and end times). It is
 * supplied by the caller and shown as given, in insertion order, in a table at the end of the HTML
 * and under {@code provenance} in {@code report.json}. Keys are lower snake_case; values are
 * strings or any value Jackson can write (non-string values are shown as compact JSON).
 *
 * <p>Instances are immutable, but sections implemented by callers may compute their content when
 * asked.
 */
public final class Report {
  private final String title;
  private final Map<String, Object> provenance;
  private final Instant generatedAt;
  private final List<ReportSection> sections;

  private Report(Builder b) {
    this.title = b.title;
    this.provenance = Collections.unmodifiableMap(new LinkedHashMap<>(b.provenance));
    this.generatedAt =
        b.generatedAt != null ? b.generatedAt : Instant.now().truncatedTo(ChronoUnit.MILLIS);
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

  /** Provenance entries in insertion order (unmodifiable). */
  public Map<String, Object> provenance() {
    return provenance;
  }

  /** When the report was generated. */
  public Instant generatedAt() {
    return generatedAt;
  }

  /** The sections, in display order. */
  public List<ReportSection> sections() {
    return sections;
  }

  /**
   * Builds a {@link Report}. Required: the title. Optional: provenance entries, sections, and the
   * generation time (default: the time of {@link #build()}, to the millisecond).
   */
  public static final class Builder {
    private final String title;
    private final Map<String, Object> provenance = new LinkedHashMap<>();
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
     * @throws IllegalArgumentException if the key is not snake_case or already used
     */
    public Builder provenance(String key, Object value) {
      Keys.requireSnakeCase(key, "provenance key");
      Objects.requireNonNull(value, () -> "value of provenance key \"" + key + "\"");
      if (provenance.containsKey(key)) {
        throw new IllegalArgumentException("provenance key \"" + key + "\" is already set");
      }
      provenance.put(key, value);
      return this;
    }

    /** Adds every entry as by {@link #provenance(String, Object)}, in the map's order. */
    public Builder provenance(Map<String, ?> entries) {
      entries.forEach(this::provenance);
      return this;
    }

    /** Sets the generation time, e.g. from a fixed clock in tests. */
    public Builder generatedAt(Instant when) {
      this.generatedAt = Objects.requireNonNull(when, "generatedAt");
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
     * @throws IllegalArgumentException if a section id is not snake_case, or two sections share
     *     an id
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
      return new Report(this);
    }
  }
}
