package dev.marauder.cli;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import java.nio.file.Path;

/**
 * A {@code FEATURES,LABELS} pair of files given as one option value, as {@code --members},
 * {@code --non-members} and {@code --candidates} take them ({@code marauder mia}, {@code marauder
 * audit}).
 */
final class LabelledFiles {
    private LabelledFiles() {}

    /**
     * Splits {@code value} into its two file names.
     *
     * @throws UsageException if it is not two non-blank names separated by one comma
     */
    static String[] parse(String value, String option) {
        String[] parts = value.split(",", -1);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new UsageException(
                    option + " needs FEATURES,LABELS (two files separated by a comma), got '" + value + "'");
        }
        return parts;
    }

    /** Loads the pair, after checking that both files exist (naming {@code option} if not). */
    static LabeledData load(String[] files, String option) {
        Inputs.requireExists(Path.of(files[0]), option);
        Inputs.requireExists(Path.of(files[1]), option);
        return Datasets.loadPair(Path.of(files[0]), Path.of(files[1]));
    }
}
