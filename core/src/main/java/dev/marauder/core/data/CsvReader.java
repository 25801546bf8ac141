package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.provenance.FileHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a numeric table from a CSV file: one example per row, one feature per column, and one
 * column of class labels.
 *
 * <p>Format (RFC 4180 with these choices): UTF-8 text (a leading byte-order mark is skipped),
 * comma-separated, one record per line ({@code \n} or {@code \r\n}); blank lines are skipped;
 * cells may be double-quoted, with {@code ""} for a quote inside, but may not span lines;
 * spaces around cells are ignored. Numbers are decimal, with an optional exponent;
 * {@code nan}, {@code inf} and {@code infinity} (any case, optionally signed) are read as the
 * IEEE values, which {@link DataChecks#requireFinite} can then refuse. Empty cells are errors.
 *
 * <p>The label column is named by {@code labelColumn}: a header name, or a 0-based index if it
 * is all digits, or the last column if it is null or blank. The first row is a header if the
 * label column is given by name, or if none of its cells is empty and one outside the label
 * column is not a number. Labels are either all numbers, each a non-negative integer (such as {@code 3} or
 * {@code 3.0}), used as class indices, or else class names, mapped to indices in sorted order
 * ({@link CsvData#classNames()}).
 *
 * <p>Errors are {@link DataFormatException}s naming the file, the line (counted from 1, as in
 * editors) and the column (counted from 0, as {@code labelColumn} is), e.g. {@code
 * "iris.csv: line 7, column 2 (petal_length): 'abc' is not a number"}.
 */
public final class CsvReader {
    private static final Pattern NUMBER =
            Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?(?i:nan|inf|infinity)");

    private CsvReader() {}

    /**
     * Reads {@code file} as features and integer labels.
     *
     * @param labelColumn header name, 0-based index, or null for the last column
     * @throws DataFormatException naming the file, and the line and column where they apply
     */
    public static LabeledData read(Path file, String labelColumn) {
        return readWithNames(file, labelColumn).data();
    }

    /**
     * Reads {@code file} like {@link #read}, and also returns the header and the class names.
     *
     * @param labelColumn header name, 0-based index, or null for the last column
     * @throws DataFormatException naming the file, and the line and column where they apply
     */
    public static CsvData readWithNames(Path file, String labelColumn) {
        String sha256 = FileHash.sha256(file);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                DataFiles.open(file),
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
            return parse(file.toString(), reader, labelColumn, sha256);
        } catch (CharacterCodingException e) {
            throw new DataFormatException(file, "not UTF-8 text");
        } catch (IOException e) {
            throw DataFiles.failure(file.toString(), e);
        }
    }

    private static CsvData parse(String source, BufferedReader reader, String labelColumn, String sha256)
            throws IOException {
        int lineNo = 0;
        List<String> first = null;
        int firstLine = 0;
        String line;
        while (first == null && (line = reader.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (!line.isBlank()) {
                first = split(source, line, lineNo);
                firstLine = lineNo;
            }
        }
        if (first == null) {
            throw new DataFormatException(source + ": empty file: no rows");
        }
        int columns = first.size();
        if (columns < 2) {
            throw new DataFormatException(source + ": line " + firstLine + " has " + columns
                    + " column; need at least one feature column and a label column");
        }
        int label;
        boolean hasHeader;
        String wanted = labelColumn == null ? "" : labelColumn.strip();
        if (wanted.isEmpty()) {
            label = columns - 1;
            hasHeader = anyNonNumeric(first, label);
        } else if (wanted.chars().allMatch(Character::isDigit)) {
            label = parseIndex(wanted);
            if (label >= columns) {
                throw new DataFormatException(source + ": label column index " + wanted + " is out of range; line "
                        + firstLine + " has " + columns + " columns (0.." + (columns - 1) + ")");
            }
            hasHeader = anyNonNumeric(first, label);
        } else {
            label = first.indexOf(wanted);
            if (label < 0) {
                throw new DataFormatException(source + ": no column named '" + DataFiles.oneLine(wanted, 80)
                        + "' in the header on line " + firstLine + " (columns: "
                        + DataFiles.oneLine(String.join(", ", first), 200) + ")");
            }
            hasHeader = true;
        }
        List<String> header = hasHeader ? first : List.of();

        FloatBuffer features = new FloatBuffer();
        List<String> labels = new ArrayList<>();
        List<Integer> labelLines = new ArrayList<>();
        if (!hasHeader) {
            addRow(source, first, firstLine, label, header, features, labels, labelLines);
        }
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = split(source, line, lineNo);
            if (cells.size() != columns) {
                throw new DataFormatException(source + ": line " + lineNo + " has " + cells.size() + " cells, expected "
                        + columns + " as on line " + firstLine);
            }
            addRow(source, cells, lineNo, label, header, features, labels, labelLines);
        }
        if (labels.isEmpty()) {
            throw new DataFormatException(source + ": no data rows after the header on line " + firstLine);
        }

        int n = labels.size();
        int[] y = new int[n];
        List<String> classNames = List.of();
        boolean numeric = labels.stream().allMatch(s -> NUMBER.matcher(s).matches());
        if (numeric) {
            for (int i = 0; i < n; i++) {
                double v = Double.parseDouble(javaNumber(labels.get(i)));
                if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
                    throw new DataFormatException(source + ": line " + labelLines.get(i) + ", column " + label
                            + name(header, label) + ": label '" + labels.get(i)
                            + "' is not a class index (a non-negative integer); use integers 0..K-1 or class names");
                }
                y[i] = (int) v;
            }
        } else {
            Map<String, Integer> index = new TreeMap<>();
            for (String s : labels) {
                index.put(s, 0);
            }
            classNames = new ArrayList<>(index.keySet());
            for (int i = 0; i < classNames.size(); i++) {
                index.put(classNames.get(i), i);
            }
            for (int i = 0; i < n; i++) {
                y[i] = index.get(labels.get(i));
            }
        }
        FloatTensor x = new FloatTensor(features.toArray(), n, columns - 1);
        return new CsvData(new LabeledData(x, y, source, sha256), header, label, classNames);
    }

    private static void addRow(
            String source,
            List<String> cells,
            int lineNo,
            int label,
            List<String> header,
            FloatBuffer features,
            List<String> labels,
            List<Integer> labelLines) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            if (cell.isEmpty()) {
                throw new DataFormatException(
                        source + ": line " + lineNo + ", column " + c + name(header, c) + ": empty cell");
            }
            if (c == label) {
                labels.add(cell);
                labelLines.add(lineNo);
            } else if (NUMBER.matcher(cell).matches()) {
                features.add(Float.parseFloat(javaNumber(cell)));
            } else {
                throw new DataFormatException(source + ": line " + lineNo + ", column " + c + name(header, c) + ": '"
                        + DataFiles.oneLine(cell, 80) + "' is not a number");
            }
        }
    }

    private static boolean anyNonNumeric(List<String> cells, int except) {
        // A header names every column: a row with an empty cell is a data row with a missing value
        // (and then an error naming the cell), not a header to skip.
        if (cells.stream().anyMatch(String::isBlank)) {
            return false;
        }
        for (int c = 0; c < cells.size(); c++) {
            if (c != except && !NUMBER.matcher(cells.get(c)).matches()) {
                return true;
            }
        }
        return false;
    }

    private static int parseIndex(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static String name(List<String> header, int column) {
        return header.isEmpty() ? "" : " (" + DataFiles.oneLine(header.get(column), 80) + ")";
    }

    /** A number the {@link #NUMBER} pattern accepts, in the spelling Java's parsers accept. */
    private static String javaNumber(String s) {
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        String sign = lower.startsWith("-") ? "-" : "";
        String body = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        if (body.equals("nan")) {
            return "NaN";
        } else if (body.equals("inf") || body.equals("infinity")) {
            return sign + "Infinity";
        }
        return s;
    }

    /** Splits one line into cells, unquoting quoted cells and trimming unquoted ones. */
    static List<String> split(String source, String line, int lineNo) {
        List<String> cells = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder cell = new StringBuilder();
                int open = i++;
                while (true) {
                    if (i >= n) {
                        throw new DataFormatException(source + ": line " + lineNo + ", column " + cells.size()
                                + ": quote opened at character " + (open + 1) + " is not closed on this line");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cell.append(c);
                    }
                }
                while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                    i++;
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new DataFormatException(source + ": line " + lineNo + ", column " + cells.size()
                            + ": unexpected text after a closing quote at character " + (i + 1));
                }
                cells.add(cell.toString());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                cells.add(line.substring(start, i).strip());
            }
            if (i >= n) {
                return cells;
            }
            i++; // the comma
        }
    }

    /** A growable float array, to read rows without boxing. */
    private static final class FloatBuffer {
        private float[] values = new float[1024];
        private int size;

        void add(float v) {
            if (size == values.length) {
                if (size == Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("more than " + size + " values");
                }
                values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8, 2L * size));
            }
            values[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
