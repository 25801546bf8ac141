package dev.marauder.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One piece of a {@link ReportSection}'s body, rendered to HTML by {@link ReportWriter}.
 *
 * <p>The set of blocks is closed so that the writer alone decides how text reaches HTML: every
 * string a block carries is plain text and is HTML-escaped on output; there is no way to inject
 * markup. The blocks are paragraph text ({@link Paragraph}), a callout ({@link Notice}), a
 * key-value table ({@link KeyValues}), a data table ({@link Table}), a {@link Chart} and an
 * {@link ImageGrid}.
 *
 * <p>Table cells and key-value values may be any object. {@link Double} and {@link Float} values
 * are shown to four significant digits (scientific notation below 0.001 or from one million up);
 * other values use {@link String#valueOf(Object)}. Pass a pre-formatted {@link String} for any
 * other precision. The exact numbers belong in the section's {@link ReportSection#data()}.
 */
public sealed interface Block permits Block.Paragraph, Block.Notice, Block.KeyValues, Block.Table, Chart, ImageGrid {

    /** A paragraph of plain text. */
    static Paragraph paragraph(String text) {
        return new Paragraph(text);
    }

    /** A neutral callout, e.g. a caveat on how a number should be read. */
    static Notice note(String text) {
        return new Notice(Notice.Level.NOTE, text);
    }

    /** A warning callout, e.g. "the model is not robust at epsilon = 8/255". */
    static Notice warning(String text) {
        return new Notice(Notice.Level.WARNING, text);
    }

    /** A two-column table of labels and values, in the map's iteration order. */
    static KeyValues keyValues(Map<String, ?> entries) {
        Map<String, String> shown = new LinkedHashMap<>();
        entries.forEach((k, v) -> shown.put(Objects.requireNonNull(k, "key-value label"), formatCell(v)));
        return new KeyValues(shown);
    }

    /**
     * A data table.
     *
     * @param header column headings
     * @param rows rows of exactly {@code header.size()} cells each
     * @throws IllegalArgumentException if a row has the wrong number of cells
     */
    static Table table(List<String> header, List<? extends List<?>> rows) {
        List<List<String>> shown = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            List<?> row = rows.get(r);
            if (row.size() != header.size()) {
                throw new IllegalArgumentException(
                        "table row " + r + " has " + row.size() + " cells but the header has " + header.size());
            }
            List<String> cells = new ArrayList<>(row.size());
            for (Object cell : row) {
                cells.add(formatCell(cell));
            }
            shown.add(cells);
        }
        return new Table(header, shown);
    }

    /**
     * Formats a value for display as described in the {@link Block} documentation.
     *
     * @param value any value; {@code null} is shown as an empty cell
     * @return the text shown in a table cell
     */
    static String formatCell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double || value instanceof Float) {
            double v = ((Number) value).doubleValue();
            if (!Double.isFinite(v)) {
                return String.valueOf(v);
            }
            if (v == 0) {
                return "0";
            }
            double abs = Math.abs(v);
            if (abs < 1e-3 || abs >= 1e6) {
                return String.format(Locale.ROOT, "%.3e", v);
            }
            return new BigDecimal(v)
                    .round(new MathContext(4))
                    .stripTrailingZeros()
                    .toPlainString();
        }
        return String.valueOf(value);
    }

    /**
     * A paragraph of plain text.
     *
     * @param text the text; HTML-escaped on output
     */
    record Paragraph(String text) implements Block {
        /** Validates the text. */
        public Paragraph {
            Objects.requireNonNull(text, "paragraph text");
        }
    }

    /**
     * A highlighted callout.
     *
     * @param level how loudly to show it
     * @param text the message; HTML-escaped on output
     */
    record Notice(Level level, String text) implements Block {
        /** Validates the fields. */
        public Notice {
            Objects.requireNonNull(level, "notice level");
            Objects.requireNonNull(text, "notice text");
        }

        /** How loudly a {@link Notice} is shown. */
        public enum Level {
            /** A neutral remark, shown in blue. */
            NOTE,
            /** A finding or caveat that needs attention, shown in amber. */
            WARNING
        }
    }

    /**
     * A two-column label/value table; build it with {@link Block#keyValues(Map)}.
     *
     * @param entries labels mapped to display text, in display order
     */
    record KeyValues(Map<String, String> entries) implements Block {
        /** Copies the entries, keeping their order. */
        public KeyValues {
            Map<String, String> copy = new LinkedHashMap<>();
            entries.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "label"), Objects.requireNonNull(v, k)));
            entries = Collections.unmodifiableMap(copy);
        }
    }

    /**
     * A table with a header row; build it with {@link Block#table(List, List)} to format cells.
     * Columns whose cells all look numeric are right-aligned.
     *
     * @param header column headings
     * @param rows rows of display text, each as long as the header
     */
    record Table(List<String> header, List<List<String>> rows) implements Block {
        /** Copies and validates the table. */
        public Table {
            header = List.copyOf(header);
            if (header.isEmpty()) {
                throw new IllegalArgumentException("a table needs at least one column");
            }
            List<List<String>> copy = new ArrayList<>(rows.size());
            for (int r = 0; r < rows.size(); r++) {
                List<String> row = List.copyOf(rows.get(r));
                if (row.size() != header.size()) {
                    throw new IllegalArgumentException(
                            "table row " + r + " has " + row.size() + " cells but the header has " + header.size());
                }
                copy.add(row);
            }
            rows = List.copyOf(copy);
        }
    }
}
