package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.provenance.FileHash;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Small tables with a sensitive attribute, for attribute-inference attacks, as
 * {@link SensitiveTable}s: numeric columns as they are, categorical columns one-hot.
 *
 * <p>Built in: {@link #penguins()}, the Palmer Archipelago penguins (Gorman, Williams and Fraser
 * 2014, "Ecological Sexual Dimorphism and Environmental Variability within a Community of
 * Antarctic Penguins (Genus Pygoscelis)", PLoS ONE 9(3)), shipped in the jar as
 * {@code penguins/penguins.csv}: the 333 complete records of 344 from {@code data/penguins.json}
 * of the npm package {@code vega-datasets} 3.2.1 (data under CC0 1.0), made by
 * {@code scripts/make-text-data.sh}. Columns: {@code species} (Adelie 146, Chinstrap 68,
 * Gentoo 119), {@code island} (Biscoe 163, Dream 123, Torgersen 47), {@code beak_length_mm},
 * {@code beak_depth_mm}, {@code flipper_length_mm}, {@code body_mass_g}, {@code sex} (female
 * 165, male 168).
 *
 * <p>Any other CSV file with a header row can be read with {@link #readCsv}: a column is numeric
 * if every cell is a finite decimal number, else categorical; empty cells are errors.
 */
public final class TabularDatasets {
    /** Name of the built-in penguins table. */
    public static final String PENGUINS = "penguins";
    /** SHA-256 of the shipped {@code penguins.csv}, pinned in the script too. */
    public static final String PENGUINS_CSV_SHA256 = "9f4c6c1c7bc2367c7414d758bdbdc300b0a1a7ebe37b13d85df1cb779e4f04c6";
    /** The label column of the penguins table. */
    public static final String PENGUINS_LABEL = "species";
    /** The default sensitive column of the penguins table. */
    public static final String PENGUINS_SENSITIVE = "sex";

    private static final String PENGUINS_RESOURCE = "penguins/penguins.csv";
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private TabularDatasets() {}

    /**
     * The shipped penguins table: label {@code species}, sensitive attribute {@code sex}
     * (female, male). Features, in order: {@code island=Biscoe}, {@code island=Dream},
     * {@code island=Torgersen}, {@code beak_length_mm}, {@code beak_depth_mm},
     * {@code flipper_length_mm}, {@code body_mass_g}, {@code sex=female}, {@code sex=male}.
     */
    public static SensitiveTable penguins() {
        return penguins(PENGUINS_SENSITIVE);
    }

    /**
     * The shipped penguins table with {@code sensitiveColumn} ({@code sex} or {@code island}) as
     * the sensitive attribute; label {@code species}.
     *
     * @throws IllegalArgumentException if {@code sensitiveColumn} is not {@code sex} or
     *     {@code island}
     */
    public static SensitiveTable penguins(String sensitiveColumn) {
        if (!"sex".equals(sensitiveColumn) && !"island".equals(sensitiveColumn)) {
            throw new IllegalArgumentException("the penguins' sensitive column must be sex or island, got '"
                    + DataFiles.oneLine(String.valueOf(sensitiveColumn), 80) + "'");
        }
        String resource =
                "classpath:" + TabularDatasets.class.getPackageName().replace('.', '/') + "/" + PENGUINS_RESOURCE;
        byte[] bytes;
        try (InputStream in = TabularDatasets.class.getResourceAsStream(PENGUINS_RESOURCE)) {
            if (in == null) {
                throw new DataFormatException(resource + ": the built-in penguins table is missing from the class"
                        + " path; the Marauder jar is incomplete");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw DataFiles.failure(resource, e);
        }
        return parse(PENGUINS, text(resource, bytes), FileHash.sha256(bytes), PENGUINS_LABEL, sensitiveColumn);
    }

    /**
     * Reads a UTF-8 CSV file with a header row (format as in {@link CsvReader}: comma-separated,
     * optional double quotes, blank lines skipped) into a table with {@code labelColumn} as the
     * class label (class names sorted) and {@code sensitiveColumn} as the sensitive attribute
     * (values sorted in {@link String#compareTo} order, even if they look like numbers).
     *
     * @throws DataFormatException naming the file, line and column of the first problem
     * @throws IllegalArgumentException if the two column names are equal
     */
    public static SensitiveTable readCsv(Path file, String labelColumn, String sensitiveColumn) {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try (InputStream in = DataFiles.open(file)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw DataFiles.failure(file.toString(), e);
        }
        return parse(
                file.toString(), text(file.toString(), bytes), FileHash.sha256(bytes), labelColumn, sensitiveColumn);
    }

    private static String text(String source, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new DataFormatException(source + ": not UTF-8 text");
        }
    }

    private static SensitiveTable parse(
            String source, String text, String sha256, String labelColumn, String sensitiveColumn) {
        Objects.requireNonNull(labelColumn, "labelColumn");
        Objects.requireNonNull(sensitiveColumn, "sensitiveColumn");
        if (labelColumn.equals(sensitiveColumn)) {
            throw new IllegalArgumentException("the label and the sensitive column must differ, both are '"
                    + DataFiles.oneLine(labelColumn, 80) + "'");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> header = null;
        int headerLine = 0;
        List<List<String>> rows = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            if (lines[n].isBlank()) {
                continue;
            }
            List<String> cells = CsvReader.split(source, lines[n], n + 1);
            if (header == null) {
                header = cells;
                headerLine = n + 1;
                continue;
            }
            if (cells.size() != header.size()) {
                throw new DataFormatException(source + ": line " + (n + 1) + " has " + cells.size()
                        + " cells, expected " + header.size() + " as in the header on line " + headerLine);
            }
            for (int c = 0; c < cells.size(); c++) {
                if (cells.get(c).isEmpty()) {
                    throw new DataFormatException(source + ": line " + (n + 1) + ", column " + c + " ("
                            + DataFiles.oneLine(header.get(c), 80) + "): empty cell");
                }
            }
            rows.add(cells);
        }
        if (header == null) {
            throw new DataFormatException(source + ": empty file: no header row");
        }
        if (rows.isEmpty()) {
            throw new DataFormatException(source + ": no data rows after the header on line " + headerLine);
        }
        int label = column(source, header, labelColumn, "label");
        int sensitiveAt = column(source, header, sensitiveColumn, "sensitive");
        int columns = header.size();

        // Per column: numeric, or categorical with its sorted values.
        List<List<String>> categories = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            boolean numeric = c != label && c != sensitiveAt;
            TreeSet<String> values = new TreeSet<>();
            for (List<String> row : rows) {
                values.add(row.get(c));
                numeric &= DECIMAL.matcher(row.get(c)).matches() && Double.isFinite(Double.parseDouble(row.get(c)));
            }
            categories.add(numeric ? null : List.copyOf(values));
        }
        if (categories.get(sensitiveAt).size() < 2) {
            throw new DataFormatException(source + ": sensitive column '" + DataFiles.oneLine(sensitiveColumn, 80)
                    + "' has a single value, "
                    + DataFiles.oneLine(categories.get(sensitiveAt).get(0), 80)
                    + "; an attribute to infer needs at least 2");
        }

        List<String> names = new ArrayList<>();
        List<Integer> numericColumns = new ArrayList<>();
        int[] offset = new int[columns];
        int[] sensitiveColumns = null;
        for (int c = 0; c < columns; c++) {
            if (c == label) {
                continue;
            }
            offset[c] = names.size();
            List<String> values = categories.get(c);
            if (values == null) {
                numericColumns.add(names.size());
                names.add(header.get(c));
            } else {
                if (c == sensitiveAt) {
                    sensitiveColumns = new int[values.size()];
                    for (int v = 0; v < values.size(); v++) {
                        sensitiveColumns[v] = names.size() + v;
                    }
                }
                for (String v : values) {
                    names.add(header.get(c) + "=" + v);
                }
            }
        }
        List<String> classNames = categories.get(label);
        List<String> sensitiveValues = categories.get(sensitiveAt);
        double[][] x = new double[rows.size()][names.size()];
        int[] y = new int[rows.size()];
        int[] s = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            for (int c = 0; c < columns; c++) {
                String cell = row.get(c);
                List<String> values = categories.get(c);
                if (c == label) {
                    y[i] = values.indexOf(cell);
                } else if (values == null) {
                    x[i][offset[c]] = Double.parseDouble(cell);
                } else {
                    int v = values.indexOf(cell);
                    x[i][offset[c] + v] = 1;
                    if (c == sensitiveAt) {
                        s[i] = v;
                    }
                }
            }
        }
        return new SensitiveTable(
                source,
                sha256,
                names,
                x,
                numericColumns.stream().mapToInt(Integer::intValue).toArray(),
                header.get(label),
                classNames,
                y,
                header.get(sensitiveAt),
                sensitiveValues,
                sensitiveColumns,
                s);
    }

    private static int column(String source, List<String> header, String name, String role) {
        int c = header.indexOf(name);
        if (c < 0) {
            throw new DataFormatException(source + ": no " + role + " column named '" + DataFiles.oneLine(name, 80)
                    + "' in the header (columns: " + DataFiles.oneLine(String.join(", ", header), 200) + ")");
        }
        if (header.lastIndexOf(name) != c) {
            throw new DataFormatException(
                    source + ": the header names column '" + DataFiles.oneLine(name, 80) + "' twice");
        }
        return c;
    }
}
