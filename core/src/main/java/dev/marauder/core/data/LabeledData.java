package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Examples with their integer class labels, and where they came from.
 *
 * @param features one example per index of the first dimension, e.g. {@code [N, 1, 28, 28]}
 * @param labels class index per example, {@code labels.length == features.examples()}
 * @param source a human-readable description of the origin (dataset name or file paths)
 * @param sha256 SHA-256 (hex) of the bytes the data was read from, for provenance
 */
public record LabeledData(FloatTensor features, int[] labels, String source, String sha256) {

    public LabeledData {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (features.examples() != labels.length) {
            throw new DataFormatException(
                    source + ": " + labels.length + " labels for " + features.examples() + " examples");
        }
    }

    /** Number of examples. */
    public int size() {
        return labels.length;
    }

    /** Number of classes implied by the labels (largest label + 1). */
    public int classCount() {
        return Arrays.stream(labels).max().orElse(-1) + 1;
    }

    /** Examples {@code from} (inclusive) to {@code to} (exclusive). */
    public LabeledData slice(int from, int to) {
        return new LabeledData(
                features.slice(from, to),
                Arrays.copyOfRange(labels, from, to),
                source + "[" + from + ":" + to + "]",
                sha256);
    }

    /** The examples at {@code indices}. */
    public LabeledData select(int[] indices) {
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            l[i] = labels[indices[i]];
        }
        return new LabeledData(features.select(indices), l, source, sha256);
    }
}
