package dev.marauder.attacks.inference.membership;

import dev.marauder.stats.Require;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shadow-model membership attack of Shokri, Stronati, Song and Shmatikov 2017 ("Membership
 * Inference Attacks Against Machine Learning Models", IEEE S&amp;P 2017).
 *
 * <p>Threat model: black-box queries returning the class distribution, the true labels, and
 * data from the same distribution as the target's training data. The attacker trains shadow
 * models that imitate the target, on data whose membership it knows, and records each shadow
 * model's predictions on its own training examples (members) and on held-out examples
 * (non-members). From those it trains attack models that tell the two apart, one per class (the
 * true label of the example), and applies them to the target model's predictions. The scores are
 * the attack models' probabilities of "member".
 *
 * <p>This class does the attack-model part on plain arrays; training the shadow models is the
 * caller's (concatenate the predictions of all shadow models, with their membership flags).
 *
 * <p>Choices, and how they differ from the paper:
 * <ul>
 *   <li>Features: the prediction vector sorted in decreasing order, instead of the raw vector.
 *       For the attack model of one class the raw vector is informative only through its shape
 *       (how peaked, how much mass the runner-up classes get), which sorting keeps, while it
 *       removes the dependence on which wrong class got the mass, so fewer shadow examples are
 *       needed (Salem et al. 2019, "ML-Leaks", use the top 3 sorted probabilities). Optionally
 *       only the {@code topClasses} largest are kept, and optionally their logarithms
 *       ({@link Features#SORTED_LOG_PROBABILITIES}) are used, which separates confidences near 1
 *       that the raw values crowd together. Features are standardised with the training rows'
 *       mean and standard deviation.</li>
 *   <li>Attack model: logistic regression (Tribuo's linear SGD model with the log-loss and
 *       AdaGrad, a fixed number of epochs and seed), instead of the paper's small neural network:
 *       a few features, little data per class, and a deterministic, fast fit. No explicit L2
 *       penalty: standardisation and the limited epochs keep the weights moderate.</li>
 *   <li>Classes with too little shadow data (fewer than {@code minExamplesPerClass} rows, or no
 *       member or no non-member among them) get no model of their own: their examples are scored
 *       by a global attack model trained on the shadow data of all classes. Classes that never
 *       occur in the shadow data are treated the same way.</li>
 * </ul>
 *
 * <p>Immutable settings; the data are passed at call time. Note that Tribuo logs two INFO lines
 * (through {@code java.util.logging}) per attack model trained.
 */
public final class ShadowModelAttack {
    /** The features the attack models see. */
    public enum Features {
        /** The largest predicted probabilities, in decreasing order. */
        SORTED_PROBABILITIES,
        /** Their natural logarithms (probabilities from {@link ClassProbabilities}, so finite). */
        SORTED_LOG_PROBABILITIES
    }

    private final Features features;
    private final int topClasses;
    private final int minExamplesPerClass;
    private final int epochs;
    private final long seed;

    private ShadowModelAttack(Features features, int topClasses, int minExamplesPerClass, int epochs, long seed) {
        this.features = features;
        this.topClasses = topClasses;
        this.minExamplesPerClass = minExamplesPerClass;
        this.epochs = epochs;
        this.seed = seed;
    }

    /**
     * A builder with the defaults: sorted probabilities of all classes, a class model from 20
     * rows, 20 epochs, seed 1.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The settings of a shadow-model attack, for reports.
     *
     * @param features the attack model's input features
     * @param topClasses how many top probabilities it sees ("all" or a count)
     * @param minExamplesPerClass the fewest training examples for a per-class attack model
     * @param epochs the attack model's training epochs
     * @param seed its seed
     */
    public record Settings(String features, String topClasses, int minExamplesPerClass, int epochs, long seed) {}

    /** The settings, for reports. */
    public Settings settings() {
        return new Settings(
                features.name().toLowerCase(Locale.ROOT),
                topClasses == 0 ? "all" : String.valueOf(topClasses),
                minExamplesPerClass,
                epochs,
                seed);
    }

    /**
     * Trains the attack models.
     *
     * @param shadowPredictions the shadow models' predictions on their members and non-members
     * @param labels the true label of each of those examples
     * @param members whether each example was in the training set of the shadow model that
     *     predicted it
     * @throws IllegalArgumentException if the arrays do not match, or the data hold no member or
     *     no non-member
     */
    public ShadowAttackModel train(ClassProbabilities shadowPredictions, int[] labels, boolean[] members) {
        if (shadowPredictions == null) {
            throw new IllegalArgumentException("shadow predictions must not be null");
        }
        int n = shadowPredictions.examples();
        int classes = shadowPredictions.classes();
        Require.labels(labels, n, classes);
        if (members == null || members.length != n) {
            throw new IllegalArgumentException("need one membership flag per shadow example: " + n + " examples, got "
                    + (members == null ? "null" : members.length) + " flags");
        }
        int width = featureCount(classes);
        List<double[]> allRows = new ArrayList<>(n);
        List<Boolean> allMembers = new ArrayList<>(n);
        Map<Integer, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            allRows.add(featureVector(shadowPredictions.row(i), width));
            allMembers.add(members[i]);
            byClass.computeIfAbsent(labels[i], c -> new ArrayList<>()).add(i);
        }
        if (!allMembers.contains(true) || !allMembers.contains(false)) {
            throw new IllegalArgumentException("shadow data must contain both members and non-members, got "
                    + (allMembers.contains(true) ? "only members" : "only non-members"));
        }
        AttackClassifier global =
                AttackClassifier.train(allRows, allMembers, epochs, seed, "shadow predictions of all classes");
        Map<Integer, AttackClassifier> perClass = new TreeMap<>();
        for (Map.Entry<Integer, List<Integer>> entry : byClass.entrySet()) {
            List<Integer> indices = entry.getValue();
            List<double[]> rows = new ArrayList<>(indices.size());
            List<Boolean> flags = new ArrayList<>(indices.size());
            for (int i : indices) {
                rows.add(allRows.get(i));
                flags.add(members[i]);
            }
            if (indices.size() >= minExamplesPerClass && flags.contains(true) && flags.contains(false)) {
                perClass.put(
                        entry.getKey(),
                        AttackClassifier.train(
                                rows, flags, epochs, seed, "shadow predictions of class " + entry.getKey()));
            }
        }
        return new ShadowAttackModel(this, classes, perClass, global);
    }

    /** The features of one prediction (its log-probabilities). */
    double[] featureVector(double[] logProbabilities, int width) {
        double[] sorted = logProbabilities.clone();
        Arrays.sort(sorted);
        double[] out = new double[width];
        for (int f = 0; f < width; f++) {
            double logP = sorted[sorted.length - 1 - f];
            out[f] = features == Features.SORTED_PROBABILITIES ? Math.exp(logP) : logP;
        }
        return out;
    }

    int featureCount(int classes) {
        return topClasses == 0 ? classes : Math.min(topClasses, classes);
    }

    @Override
    public String toString() {
        return "ShadowModelAttack" + settings();
    }

    /** Builds a {@link ShadowModelAttack}; validated in {@link #build()}. */
    public static final class Builder {
        private Features features = Features.SORTED_PROBABILITIES;
        private int topClasses = 0;
        private int minExamplesPerClass = 20;
        private int epochs = 20;
        private long seed = 1;

        private Builder() {}

        /** The features (default sorted probabilities). */
        public Builder optFeatures(Features value) {
            features = value;
            return this;
        }

        /** Keep only the largest {@code value} probabilities, at least 1 (default: all classes). */
        public Builder optTopClasses(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("top classes must be at least 1, got " + value);
            }
            topClasses = value;
            return this;
        }

        /** The fewest shadow rows for a class to get its own attack model, at least 2 (default 20). */
        public Builder optMinExamplesPerClass(int value) {
            minExamplesPerClass = value;
            return this;
        }

        /** Passes of SGD over the data per attack model, at least 1 (default 20). */
        public Builder optEpochs(int value) {
            epochs = value;
            return this;
        }

        /** The seed of the SGD shuffling and initialisation (default 1). */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /**
         * The attack.
         *
         * @throws IllegalArgumentException if a setting is out of range or null
         */
        public ShadowModelAttack build() {
            if (features == null) {
                throw new IllegalArgumentException("features must not be null");
            }
            if (minExamplesPerClass < 2) {
                throw new IllegalArgumentException(
                        "min examples per class must be at least 2, got " + minExamplesPerClass);
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            }
            return new ShadowModelAttack(features, topClasses, minExamplesPerClass, epochs, seed);
        }
    }
}
