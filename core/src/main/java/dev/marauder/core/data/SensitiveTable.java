package dev.marauder.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Rows of a table ready for a classifier, with one categorical column marked sensitive: the data
 * of attribute-inference (model-inversion) attacks such as the MAP estimator of Fredrikson,
 * Lantz, Jha, Lin, Page and Ristenpart 2014 ("Privacy in Pharmacogenetics: An End-to-End Case
 * Study of Personalized Warfarin Dosing", USENIX Security 2014) and Fredrikson, Jha and Ristenpart
 * 2015 ("Model Inversion Attacks that Exploit Confidence Information and Basic Countermeasures",
 * CCS 2015). A model is trained on all features (the sensitive one included) to predict the
 * label; the attacker, who knows a row's other features and its label, tries each value
 * {@code v} of the sensitive attribute with {@link #withSensitive(int, int)} and picks the value
 * maximising {@code P(label | features with v) * prior(v)}, with the prior from {@link #prior()}.
 *
 * <p>Features are raw, not standardised: numeric columns as read, categorical columns one-hot
 * (one 0/1 feature per value, values in sorted order, named {@code column=value}), in the order
 * of the file's columns, the label column left out. The sensitive column is one such one-hot
 * block, {@link #sensitiveColumns()}. {@link #standardization()} fits the numeric columns only,
 * so one-hot values stay 0/1 and {@link #withSensitive(double[], int)} may be applied to raw or
 * standardised vectors alike.
 *
 * <p>Immutable: every accessor returns a copy.
 */
public final class SensitiveTable {
    private final String source;
    private final String sha256;
    private final List<String> featureNames;
    private final double[][] features;
    private final int[] numericColumns;
    private final String labelName;
    private final List<String> classNames;
    private final int[] labels;
    private final String sensitiveName;
    private final List<String> sensitiveValues;
    private final int[] sensitiveColumns;
    private final int[] sensitive;

    /**
     * A table; the arrays and lists are copied.
     *
     * @param source where the rows came from
     * @param sha256 SHA-256 (hex) of the bytes they were read from
     * @param featureNames one name per feature
     * @param features one row per example, each of {@code featureNames.size()} finite values
     * @param numericColumns the feature indices that are numeric (the rest are one-hot)
     * @param labelName name of the label column
     * @param classNames class names, indexed by label
     * @param labels class index of each row
     * @param sensitiveName name of the sensitive column
     * @param sensitiveValues the sensitive attribute's values, indexed by value index
     * @param sensitiveColumns the feature index of each sensitive value's one-hot column
     * @param sensitive value index of each row; row {@code i} must have 1 in column
     *     {@code sensitiveColumns[sensitive[i]]} and 0 in the other sensitive columns
     * @throws IllegalArgumentException naming the first inconsistency
     */
    public SensitiveTable(
            String source,
            String sha256,
            List<String> featureNames,
            double[][] features,
            int[] numericColumns,
            String labelName,
            List<String> classNames,
            int[] labels,
            String sensitiveName,
            List<String> sensitiveValues,
            int[] sensitiveColumns,
            int[] sensitive) {
        this.source = Objects.requireNonNull(source, "source");
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
        this.featureNames = List.copyOf(featureNames);
        this.labelName = Objects.requireNonNull(labelName, "labelName");
        this.classNames = List.copyOf(classNames);
        this.sensitiveName = Objects.requireNonNull(sensitiveName, "sensitiveName");
        this.sensitiveValues = List.copyOf(sensitiveValues);
        this.numericColumns = numericColumns.clone();
        this.sensitiveColumns = sensitiveColumns.clone();
        this.labels = labels.clone();
        this.sensitive = sensitive.clone();
        int width = this.featureNames.size();
        this.features = new double[features.length][];
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != width) {
                throw new IllegalArgumentException(
                        source + ": row " + i + " has " + features[i].length + " features, expected " + width);
            }
            for (int j = 0; j < width; j++) {
                if (!Double.isFinite(features[i][j])) {
                    throw new IllegalArgumentException(source + ": feature " + this.featureNames.get(j) + " of row " + i
                            + " is not finite: " + features[i][j]);
                }
            }
            this.features[i] = features[i].clone();
        }
        if (labels.length != features.length || sensitive.length != features.length) {
            throw new IllegalArgumentException(source + ": " + features.length + " rows but " + labels.length
                    + " labels and " + sensitive.length + " sensitive values");
        }
        for (int j : numericColumns) {
            if (j < 0 || j >= width) {
                throw new IllegalArgumentException(source + ": numeric column " + j + " is outside 0.." + (width - 1));
            }
        }
        if (this.sensitiveValues.size() < 2 || sensitiveColumns.length != this.sensitiveValues.size()) {
            throw new IllegalArgumentException(source + ": the sensitive attribute needs at least 2 values, each with"
                    + " one column; got " + this.sensitiveValues.size() + " values and " + sensitiveColumns.length
                    + " columns");
        }
        for (int c : sensitiveColumns) {
            if (c < 0 || c >= width || Arrays.stream(numericColumns).anyMatch(j -> j == c)) {
                throw new IllegalArgumentException(
                        source + ": sensitive column " + c + " is not a one-hot feature index in 0.." + (width - 1));
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= this.classNames.size()) {
                throw new IllegalArgumentException(source + ": label " + labels[i] + " of row " + i
                        + " is not a class index 0.." + (this.classNames.size() - 1));
            }
            int s = sensitive[i];
            if (s < 0 || s >= this.sensitiveValues.size()) {
                throw new IllegalArgumentException(source + ": sensitive value " + s + " of row " + i
                        + " is not a value index 0.." + (this.sensitiveValues.size() - 1));
            }
            for (int v = 0; v < sensitiveColumns.length; v++) {
                if (this.features[i][sensitiveColumns[v]] != (v == s ? 1 : 0)) {
                    throw new IllegalArgumentException(source + ": row " + i + " has sensitive value "
                            + this.sensitiveValues.get(s) + " but its one-hot columns do not say so");
                }
            }
        }
    }

    /** Where the rows came from, e.g. {@code penguins}. */
    public String source() {
        return source;
    }

    /** SHA-256 (hex) of the bytes the rows were read from, for provenance. */
    public String sha256() {
        return sha256;
    }

    /** Number of rows. */
    public int size() {
        return features.length;
    }

    /** Number of features per row. */
    public int featureCount() {
        return featureNames.size();
    }

    /** The feature names, e.g. {@code beak_length_mm} or {@code island=Dream}. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Raw features, one fresh row per example. */
    public double[][] features() {
        double[][] copy = new double[features.length][];
        for (int i = 0; i < features.length; i++) {
            copy[i] = features[i].clone();
        }
        return copy;
    }

    /** Raw features of row {@code row}, a fresh array. */
    public double[] features(int row) {
        return features[checkRow(row)].clone();
    }

    /** The feature indices of the numeric columns, ascending; the others are one-hot. */
    public int[] numericColumns() {
        return numericColumns.clone();
    }

    /** Name of the label column, e.g. {@code species}. */
    public String labelName() {
        return labelName;
    }

    /** Class names, indexed by label, in sorted order. */
    public List<String> classNames() {
        return classNames;
    }

    /** Class index of each row, a fresh array. */
    public int[] labels() {
        return labels.clone();
    }

    /** Name of the sensitive column, e.g. {@code sex}. */
    public String sensitiveName() {
        return sensitiveName;
    }

    /** The sensitive attribute's values, indexed by value index, in sorted order. */
    public List<String> sensitiveValues() {
        return sensitiveValues;
    }

    /** Value index of the sensitive attribute of each row, a fresh array. */
    public int[] sensitive() {
        return sensitive.clone();
    }

    /** The feature index of each sensitive value's one-hot column, in value order. */
    public int[] sensitiveColumns() {
        return sensitiveColumns.clone();
    }

    /**
     * The raw features of row {@code row} with its sensitive attribute set to value index
     * {@code value}: the attacker's candidate input. A fresh array.
     *
     * @throws IllegalArgumentException if {@code row} or {@code value} is out of range
     */
    public double[] withSensitive(int row, int value) {
        return withSensitive(features[checkRow(row)], value);
    }

    /**
     * A copy of {@code featureVector}, raw or standardised by {@link #standardization()}, with
     * its sensitive one-hot columns set to value index {@code value}.
     *
     * @throws IllegalArgumentException if the vector's length is not {@link #featureCount()} or
     *     {@code value} is out of range
     */
    public double[] withSensitive(double[] featureVector, int value) {
        if (featureVector.length != featureNames.size()) {
            throw new IllegalArgumentException(
                    "feature vector has " + featureVector.length + " values, the table " + featureNames.size());
        }
        if (value < 0 || value >= sensitiveValues.size()) {
            throw new IllegalArgumentException("sensitive value index " + value + " is outside 0.."
                    + (sensitiveValues.size() - 1) + " " + sensitiveValues);
        }
        double[] out = featureVector.clone();
        for (int v = 0; v < sensitiveColumns.length; v++) {
            out[sensitiveColumns[v]] = v == value ? 1 : 0;
        }
        return out;
    }

    /**
     * The empirical marginal distribution of the sensitive attribute over this table's rows:
     * {@code prior()[v]} is the fraction of rows with value index {@code v}.
     *
     * @throws IllegalStateException if the table has no rows
     */
    public double[] prior() {
        if (features.length == 0) {
            throw new IllegalStateException(source + ": no rows to estimate a prior from");
        }
        double[] p = new double[sensitiveValues.size()];
        for (int s : sensitive) {
            p[s]++;
        }
        for (int v = 0; v < p.length; v++) {
            p[v] /= features.length;
        }
        return p;
    }

    /**
     * Standardises the numeric columns with their mean and population std over this table's rows
     * (fit it on the training rows); one-hot columns pass unchanged.
     *
     * @throws IllegalArgumentException if the table has no rows
     */
    public Standardization standardization() {
        if (features.length == 0) {
            throw new IllegalArgumentException(source + ": no rows to fit a standardisation to");
        }
        return Standardization.fit(features, numericColumns);
    }

    /**
     * The rows at {@code rows}, in that order (repeats allowed), e.g. a training split.
     *
     * @throws IllegalArgumentException naming the first index out of range
     */
    public SensitiveTable select(int... rows) {
        double[][] x = new double[rows.length][];
        int[] y = new int[rows.length];
        int[] s = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            int i = checkRow(rows[k]);
            x[k] = features[i];
            y[k] = labels[i];
            s[k] = sensitive[i];
        }
        return new SensitiveTable(
                source,
                sha256,
                featureNames,
                x,
                numericColumns,
                labelName,
                classNames,
                y,
                sensitiveName,
                sensitiveValues,
                sensitiveColumns,
                s);
    }

    /** The raw features as a float tensor {@code [rows, features]} with the labels. */
    public LabeledData toLabeledData() {
        return toLabeledData(features);
    }

    /** The features standardised by {@code standardization} as a float tensor with the labels. */
    public LabeledData toLabeledData(Standardization standardization) {
        return toLabeledData(standardization.apply(features));
    }

    private LabeledData toLabeledData(double[][] x) {
        int width = featureNames.size();
        float[] data = new float[x.length * width];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < width; j++) {
                data[i * width + j] = (float) x[i][j];
            }
        }
        return new LabeledData(new FloatTensor(data, x.length, width), labels.clone(), source, sha256);
    }

    private int checkRow(int row) {
        if (row < 0 || row >= features.length) {
            throw new IllegalArgumentException(
                    "row " + row + " is outside 0.." + (features.length - 1) + " of " + source);
        }
        return row;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add(source);
        parts.add(features.length + " rows");
        parts.add(featureNames.size() + " features");
        parts.add("label " + labelName + " " + classNames);
        parts.add("sensitive " + sensitiveName + " " + sensitiveValues);
        return "SensitiveTable[" + String.join(", ", parts) + "]";
    }
}
