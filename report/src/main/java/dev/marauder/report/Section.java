package dev.marauder.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable {@link ReportSection} made of blocks and a JSON object of data, built with {@link
 * #builder(String, String)}. The data can be a capability's typed result ({@link
 * Builder#data(Object)}), entries added one by one ({@link Builder#data(String, Object)}), or both.
 *
 * <pre>{@code
 * ReportSection evasion = Section.builder("evasion", "Evasion robustness")
 *     .paragraph("PGD (Madry et al., 2018), L-infinity, 40 steps, white-box, untargeted.")
 *     .warning("Robust accuracy drops below 10% at epsilon = 0.1.")
 *     .table(List.of("epsilon", "robust accuracy"), rows)
 *     .chart("accuracy_vs_epsilon", chart)
 *     .data(pgdResult)     // a record: its components become snake_case data keys
 *     .data("budget_note", "epsilon in [0, 1] pixel units")
 *     .build();
 * }</pre>
 */
public final class Section implements ReportSection {
    private final String id;
    private final String title;
    private final List<Block> blocks;
    private final ObjectNode data;

    private Section(Builder b) {
        this.id = b.id;
        this.title = b.title;
        this.blocks = List.copyOf(b.blocks);
        this.data = b.data.deepCopy();
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

    /**
     * The data entries in insertion order, as a JSON object.
     *
     * @return a copy; changing it does not change the section
     */
    @Override
    public ObjectNode data() {
        return data.deepCopy();
    }

    @Override
    public String toString() {
        return "Section[" + id + ", \"" + title + "\", " + blocks.size() + " blocks, data keys " + keys() + "]";
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        data.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Builds a {@link Section}; blocks appear in the order they are added. */
    public static final class Builder {
        private final String id;
        private final String title;
        private final List<Block> blocks = new ArrayList<>();
        private final ObjectNode data = ReportJson.MAPPER.createObjectNode();

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
         * section's data, e.g. {@code "roc_curve": {"title": ..., "x_axis": ..., "series": [...]}}.
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
         * Adds a data entry for {@code report.json}. The value is converted to JSON now, so a value
         * Jackson cannot write fails here rather than when the report is written.
         *
         * @param key lower snake_case, not already used in this section
         * @param value any value Jackson can write (see {@link ReportSection#data()}); not null
         * @return this builder
         * @throws IllegalArgumentException if the key is not snake_case or is already used, or Jackson
         *     cannot write the value
         */
        public Builder data(String key, Object value) {
            Keys.requireSnakeCase(key, "data key in section \"" + id + "\"");
            Objects.requireNonNull(value, () -> "value of data key \"" + key + "\"");
            return put(key, ReportJson.toTree(value, "value of data key \"" + key + "\" in section \"" + id + "\""));
        }

        /**
         * Adds every property of {@code result} as a data entry, in order, as by {@link #data(String,
         * Object)}: the components of a record (in snake_case), the properties of a bean, the entries
         * of a {@link Map} or the fields of a JSON object. This is how a capability puts its typed
         * result into the report. A null property is written as JSON {@code null}, as Jackson writes
         * it.
         *
         * @param result a value that Jackson writes as a JSON object; not null
         * @return this builder
         * @throws IllegalArgumentException if {@code result} is not written as a JSON object, or one of
         *     its top-level keys is not snake_case or is already used
         */
        public Builder data(Object result) {
            Objects.requireNonNull(result, () -> "data of section \"" + id + "\"");
            ObjectNode object =
                    ReportJson.toObject(result, "data of section \"" + id + "\"", "data key in section \"" + id + "\"");
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                put(e.getKey(), e.getValue());
            }
            return this;
        }

        private Builder put(String key, JsonNode value) {
            if (data.has(key)) {
                throw new IllegalArgumentException("section \"" + id + "\" already has data key \"" + key + "\"");
            }
            data.set(key, value);
            return this;
        }

        /** Builds the section. */
        public Section build() {
            return new Section(this);
        }
    }
}
