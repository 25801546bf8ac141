package dev.marauder.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable {@link ReportSection} made of blocks and a data map, built with {@link
 * #builder(String, String)}.
 *
 * <pre>{@code
 * ReportSection evasion = Section.builder("evasion", "Evasion robustness")
 *     .paragraph("PGD (Madry et al., 2018), L-infinity, 40 steps, white-box, untargeted.")
 *     .warning("Robust accuracy drops below 10% at epsilon = 0.1.")
 *     .table(List.of("epsilon", "robust accuracy"), rows)
 *     .chart("accuracy_vs_epsilon", chart)
 *     .data("clean_accuracy", 0.912)
 *     .build();
 * }</pre>
 */
public final class Section implements ReportSection {
  private final String id;
  private final String title;
  private final List<Block> blocks;
  private final Map<String, Object> data;

  private Section(Builder b) {
    this.id = b.id;
    this.title = b.title;
    this.blocks = List.copyOf(b.blocks);
    this.data = Collections.unmodifiableMap(new LinkedHashMap<>(b.data));
  }

  /**
   * Starts a section.
   *
   * @param id lower snake_case anchor and JSON key, e.g. {@code "membership_inference"}
   * @param title heading text
   * @return a builder
   * @throws IllegalArgumentException if {@code id} is not lower snake_case
   */
  public static Builder builder(String id, String title) {
    return new Builder(id, title);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String title() {
    return title;
  }

  @Override
  public List<Block> blocks() {
    return blocks;
  }

  /** The data entries in insertion order (unmodifiable). */
  @Override
  public Map<String, Object> data() {
    return data;
  }

  @Override
  public String toString() {
    return "Section[" + id + ", \"" + title + "\", " + blocks.size() + " blocks, data keys "
        + data.keySet() + "]";
  }

  /** Builds a {@link Section}; blocks appear in the order they are added. */
  public static final class Builder {
    private final String id;
    private final String title;
    private final List<Block> blocks = new ArrayList<>();
    private final Map<String, Object> data = new LinkedHashMap<>();

    private Builder(String id, String title) {
      this.id = Keys.requireSnakeCase(id, "section id");
      this.title = Objects.requireNonNull(title, "section title");
    }

    /** Appends any block. */
    public Builder block(Block block) {
      blocks.add(Objects.requireNonNull(block, "block"));
      return this;
    }

    /** Appends a paragraph; see {@link Block#paragraph(String)}. */
    public Builder paragraph(String text) {
      return block(Block.paragraph(text));
    }

    /** Appends a neutral callout; see {@link Block#note(String)}. */
    public Builder note(String text) {
      return block(Block.note(text));
    }

    /** Appends a warning callout; see {@link Block#warning(String)}. */
    public Builder warning(String text) {
      return block(Block.warning(text));
    }

    /** Appends a key-value table; see {@link Block#keyValues(Map)}. */
    public Builder keyValues(Map<String, ?> entries) {
      return block(Block.keyValues(entries));
    }

    /** Appends a data table; see {@link Block#table(List, List)}. */
    public Builder table(List<String> header, List<? extends List<?>> rows) {
      return block(Block.table(header, rows));
    }

    /**
     * Appends a chart and records its numbers ({@link Chart#data()}) under {@code key} in the
     * section's data.
     *
     * @param key lower snake_case data key, e.g. {@code "roc_curve"}
     * @param chart the chart
     * @return this builder
     */
    public Builder chart(String key, Chart chart) {
      Objects.requireNonNull(chart, "chart");
      data(key, chart.data());
      return block(chart);
    }

    /** Appends an image grid. */
    public Builder images(ImageGrid grid) {
      return block(grid);
    }

    /**
     * Adds a data entry for {@code report.json}.
     *
     * @param key lower snake_case, not already used in this section
     * @param value any value Jackson can write (see {@link ReportSection#data()}); not null
     * @return this builder
     * @throws IllegalArgumentException if the key is not snake_case or is already used
     */
    public Builder data(String key, Object value) {
      Keys.requireSnakeCase(key, "data key in section \"" + id + "\"");
      Objects.requireNonNull(value, () -> "value of data key \"" + key + "\"");
      if (data.containsKey(key)) {
        throw new IllegalArgumentException(
            "section \"" + id + "\" already has data key \"" + key + "\"");
      }
      data.put(key, value);
      return this;
    }

    /** Adds every entry of {@code entries} as by {@link #data(String, Object)}, in order. */
    public Builder data(Map<String, ?> entries) {
      entries.forEach(this::data);
      return this;
    }

    /** Builds the section. */
    public Section build() {
      return new Section(this);
    }
  }
}
