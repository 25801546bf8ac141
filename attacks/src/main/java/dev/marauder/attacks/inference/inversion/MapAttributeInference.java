package dev.marauder.attacks.inference.inversion;

import ai.djl.ndarray.NDManager;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.provenance.Provenance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Maximum a posteriori attribute inference, the model-inversion attack on tabular data of
 * Fredrikson, Lantz, Jha, Lin, Page &amp; Ristenpart 2014, "Privacy in Pharmacogenetics: An
 * End-to-End Case Study of Personalized Warfarin Dosing" (USENIX Security 2014), as restated for
 * black-box models by Fredrikson, Jha &amp; Ristenpart 2015, "Model Inversion Attacks that Exploit
 * Confidence Information and Basic Countermeasures" (CCS 2015, Section 4).
 *
 * <p>Threat model: black-box. The attacker knows a row's features except one sensitive attribute,
 * the label observed for the row, the marginal prior of the attribute, and can query the model.
 * For each candidate value {@code v} it queries the row with the attribute set to {@code v} and
 * guesses {@code argmax_v P(observed | x_v) * prior(v)}; ties go to the value of higher prior,
 * then to the lower index. {@code P(observed | x_v)} is the model's probability of the observed
 * label (softmax of logits, or the probability returned). For label-only models it is the
 * model's error model {@code pi(observed, f(x_v))}, the probability that the true label is
 * {@code observed} when the model answers {@code f(x_v)}, from a confusion matrix the caller
 * supplies (the 2015 paper's estimator for models that reveal only labels). Queries: one per row
 * and value.
 *
 * <p>Settings: the prior (required; non-negative, summing to 1), value names (default
 * {@code 0, 1, ...}), the confusion matrix (label-only models only) and the number of rows per
 * query batch (default 256).
 */
public final class MapAttributeInference {
    private final double[] prior;
    private final List<String> valueNames;
    private final double[][] errorModel;
    private final int batchSize;

    private MapAttributeInference(Builder b) {
        this.prior = b.prior.clone();
        this.valueNames = List.copyOf(b.valueNames);
        this.errorModel = b.errorModel;
        this.batchSize = b.batchSize;
    }

    /**
     * A builder with the marginal prior of the sensitive attribute.
     *
     * @param prior {@code prior[v]} is the probability of value index {@code v} in the population
     */
    public static Builder builder(double[] prior) {
        return new Builder(prior);
    }

    /** The attack's name, {@code map-attribute-inference}. */
    public String name() {
        return "map-attribute-inference";
    }

    /** The prior, indexed by value. */
    public double[] prior() {
        return prior.clone();
    }

    /** The value names, indexed by value. */
    public List<String> valueNames() {
        return valueNames;
    }

    /** The value the prior makes most likely (the lower index on ties): the baseline's guess. */
    public int baselineValue() {
        int best = 0;
        for (int v = 1; v < prior.length; v++) {
            if (prior[v] > prior[best]) {
                best = v;
            }
        }
        return best;
    }

    /**
     * The settings of the attack, as recorded in results and provenance.
     *
     * @param attack the attack's name
     * @param prior the prior over the sensitive values
     * @param values the sensitive values' names
     * @param labelOnlyErrorModel whether a confusion matrix stands in for confidence scores
     * @param batchSize queries per batch
     */
    public record Settings(
            String attack, double[] prior, List<String> values, boolean labelOnlyErrorModel, int batchSize) {}

    /** The settings, for results and provenance. */
    public Settings settings() {
        return new Settings(name(), prior.clone(), valueNames, errorModel != null, batchSize);
    }

    /**
     * Guesses the sensitive value of every row.
     *
     * @param model black-box access; queried {@code rows * values} times
     * @param targets the rows, their candidates and observed labels
     * @throws IllegalArgumentException if the targets' number of values differs from the prior's,
     *     an observed label is not a class of the model, a candidate does not fit the model's
     *     input, or the model's output kind does not match the configured error model
     */
    public AttributeGuesses infer(Classifier model, AttributeTargets targets) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(targets, "targets");
        int values = prior.length;
        if (targets.values() != values) {
            throw new IllegalArgumentException(
                    "the targets have " + targets.values() + " candidate values, the prior " + values);
        }
        boolean labelOnly = model.outputKind() == OutputKind.LABELS;
        if (labelOnly && errorModel == null) {
            throw new IllegalArgumentException("the model returns labels only; give a confusion matrix"
                    + " (optConfusionMatrix) for the label-only estimator");
        }
        if (!labelOnly && errorModel != null) {
            throw new IllegalArgumentException("a confusion matrix is for label-only models, but this model returns "
                    + model.outputKind().name().toLowerCase(java.util.Locale.ROOT));
        }
        int classes = model.classes();
        if (errorModel != null && errorModel.length != classes) {
            throw new IllegalArgumentException("the confusion matrix is " + errorModel.length + " x "
                    + errorModel.length + ", the model has " + classes + " classes");
        }
        int[] observed = targets.observed();
        for (int i = 0; i < observed.length; i++) {
            if (observed[i] >= classes) {
                throw new IllegalArgumentException("observed label " + observed[i] + " of row " + i
                        + " is not a class of the model (0.." + (classes - 1) + ")");
            }
        }
        InputSpec spec = model.inputSpec();
        int rows = targets.rows();
        int[] guesses = new int[rows];
        double[][] posteriors = new double[rows][];
        long queries = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int start = 0; start < rows; start += batchSize) {
                int end = Math.min(rows, start + batchSize);
                float[][] points = new float[(end - start) * values][];
                for (int i = start; i < end; i++) {
                    for (int v = 0; v < values; v++) {
                        float[] x = targets.candidates().features(i, v);
                        if (x == null || x.length != spec.size()) {
                            throw new IllegalArgumentException("candidate (row " + i + ", value " + v + ") has "
                                    + (x == null ? "no" : String.valueOf(x.length)) + " features, the model takes "
                                    + spec.size());
                        }
                        points[(i - start) * values + v] = x;
                    }
                }
                float[][] scores;
                try (NDManager scope = manager.newSubManager()) {
                    scores = Queries.probabilities(model, Queries.batch(scope, points, spec));
                }
                queries += points.length;
                for (int i = start; i < end; i++) {
                    double[] s = new double[values];
                    for (int v = 0; v < values; v++) {
                        float[] p = scores[(i - start) * values + v];
                        double likelihood = labelOnly ? errorModel[observed[i]][argMax(p)] : p[observed[i]];
                        s[v] = likelihood * prior[v];
                    }
                    guesses[i] = pick(s);
                    posteriors[i] = normalise(s);
                }
            }
        }
        return new AttributeGuesses(guesses, posteriors, queries);
    }

    /**
     * Attacks training members and non-members and scores both against their true values.
     *
     * @param members rows the model was trained on, with their true values
     * @param nonMembers rows it was not trained on, with their true values
     * @throws IllegalArgumentException if either group lacks true values, or as {@link #infer}
     */
    public AttributeInferenceResult evaluate(Classifier model, AttributeTargets members, AttributeTargets nonMembers) {
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(nonMembers, "nonMembers");
        if (members.truth() == null || nonMembers.truth() == null) {
            throw new IllegalArgumentException("evaluation needs the true values of "
                    + (members.truth() == null ? "the members" : "the non-members"));
        }
        Provenance.Recorder provenance =
                Provenance.start().settings(settings()).hashes(model.info().fileHashes());
        AttributeGuesses m = infer(model, members);
        AttributeGuesses n = infer(model, nonMembers);
        int baseline = baselineValue();
        return new AttributeInferenceResult(
                name(),
                valueNames,
                prior,
                valueNames.get(baseline),
                AttributeMetrics.of(m.guesses(), members.truth(), baseline, valueNames),
                AttributeMetrics.of(n.guesses(), nonMembers.truth(), baseline, valueNames),
                m.queries() + n.queries(),
                provenance.finish());
    }

    /** The index of the highest score; ties to the higher prior, then the lower index. */
    private int pick(double[] s) {
        int best = 0;
        for (int v = 1; v < s.length; v++) {
            if (s[v] > s[best] || s[v] == s[best] && prior[v] > prior[best]) {
                best = v;
            }
        }
        return best;
    }

    private double[] normalise(double[] s) {
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        double[] out = new double[s.length];
        for (int v = 0; v < s.length; v++) {
            out[v] = sum > 0 ? s[v] / sum : prior[v];
        }
        return out;
    }

    private static int argMax(float[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Builds a {@link MapAttributeInference}; validated in {@link #build()}. */
    public static final class Builder {
        private final double[] prior;
        private List<String> valueNames;
        private double[][] errorModel;
        private int batchSize = 256;
        private double[][] confusion;

        private Builder(double[] prior) {
            this.prior = prior == null ? null : prior.clone();
        }

        /** Names of the values, indexed by value (default {@code 0, 1, ...}). */
        public Builder optValueNames(List<String> names) {
            valueNames = names == null ? null : List.copyOf(names);
            return this;
        }

        /**
         * For label-only models: counts or rates {@code confusion[trueLabel][predictedLabel]} of the
         * model on data the attacker has, from which the error model
         * {@code pi(y, y') = confusion[y][y'] / sum_z confusion[z][y']} is derived (a predicted
         * label never seen gets a uniform column).
         */
        public Builder optConfusionMatrix(double[][] value) {
            confusion = value;
            return this;
        }

        /** Rows per query batch (default 256). */
        public Builder optBatchSize(int value) {
            batchSize = value;
            return this;
        }

        /** The attack. */
        public MapAttributeInference build() {
            if (prior == null || prior.length < 2) {
                throw new IllegalArgumentException("the prior needs at least 2 values, got "
                        + (prior == null ? "none" : String.valueOf(prior.length)));
            }
            double sum = 0;
            for (int v = 0; v < prior.length; v++) {
                if (!(prior[v] >= 0 && prior[v] <= 1)) {
                    throw new IllegalArgumentException("prior of value " + v + " must be in [0, 1], got " + prior[v]);
                }
                sum += prior[v];
            }
            if (Math.abs(sum - 1) > 1e-6) {
                throw new IllegalArgumentException("the prior must sum to 1, got " + sum);
            }
            if (valueNames == null) {
                List<String> names = new ArrayList<>();
                for (int v = 0; v < prior.length; v++) {
                    names.add(String.valueOf(v));
                }
                valueNames = names;
            } else if (valueNames.size() != prior.length) {
                throw new IllegalArgumentException(
                        valueNames.size() + " value names for a prior of " + prior.length + " values");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            errorModel = confusion == null ? null : errorModel(confusion);
            return new MapAttributeInference(this);
        }

        private static double[][] errorModel(double[][] confusion) {
            int k = confusion.length;
            if (k < 2) {
                throw new IllegalArgumentException("the confusion matrix needs at least 2 classes, got " + k);
            }
            double[] columnSums = new double[k];
            for (int y = 0; y < k; y++) {
                if (confusion[y] == null || confusion[y].length != k) {
                    throw new IllegalArgumentException("the confusion matrix must be square, but row " + y + " has "
                            + (confusion[y] == null ? 0 : confusion[y].length) + " entries for " + k + " rows");
                }
                for (int p = 0; p < k; p++) {
                    double c = confusion[y][p];
                    if (!(c >= 0) || Double.isInfinite(c)) {
                        throw new IllegalArgumentException(
                                "confusion entry [" + y + "][" + p + "] must be finite and >= 0, got " + c);
                    }
                    columnSums[p] += c;
                }
            }
            double[][] pi = new double[k][k];
            for (int y = 0; y < k; y++) {
                for (int p = 0; p < k; p++) {
                    pi[y][p] = columnSums[p] > 0 ? confusion[y][p] / columnSums[p] : 1.0 / k;
                }
            }
            return pi;
        }
    }
}
