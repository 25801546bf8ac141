package dev.marauder.core.data;

import java.util.List;

/**
 * What {@link CsvReader#readWithNames} read from a CSV file: the examples, and the names that
 * give them meaning.
 *
 * @param data features {@code [N, F]} in column order without the label column, and labels
 * @param header the header row's cells, or an empty list if the file has no header row
 * @param labelColumn 0-based index of the label column in the file
 * @param classNames the class names, indexed by label, when the label column held names (sorted
 *     in {@link String#compareTo} order, so label {@code i} is {@code classNames.get(i)}); an
 *     empty list when the label column held numeric class indices, used as they are
 */
public record CsvData(LabeledData data, List<String> header, int labelColumn, List<String> classNames) {
    /** Copies the lists, so that the record is immutable. */
    public CsvData {
        header = List.copyOf(header);
        classNames = List.copyOf(classNames);
    }
}
