package dev.marauder.stats;

/**
 * The one place for the argument checks that several modules share (Guava's {@code Preconditions}
 * in spirit): each returns its argument and throws {@link IllegalArgumentException} with a message
 * that names the parameter and the offending value. One rule per concept: {@code delta} means the
 * same everywhere, in accountants, DP-SGD settings, audits and membership metrics.
 */
public final class Require {
    private Require() {}

    /**
     * The delta of an (epsilon, delta) guarantee or bound: in {@code [0, 1)}. {@code 0} asks about
     * pure epsilon-DP; accountants of Gaussian mechanisms answer it with {@code +infinity}, since no
     * finite epsilon holds at delta 0 (they never under-report).
     */
    public static double delta(double delta) {
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
        }
        return delta;
    }

    /** The confidence of a statistical bound: in {@code (0, 1)}. */
    public static double confidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        return confidence;
    }

    /** A probability or rate named {@code name}: in {@code [0, 1]}. */
    public static double probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + p);
        }
        return p;
    }

    /** A false-positive rate: in {@code [0, 1]}. */
    public static double falsePositiveRate(double fpr) {
        return probability("false positive rate", fpr);
    }

    /** A noise multiplier (finite, {@code >= 0}) and a sample rate ({@code [0, 1]}) of a sampled Gaussian mechanism. */
    public static void gaussianMechanism(double noiseMultiplier, double sampleRate) {
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier must be finite and >= 0, got " + noiseMultiplier);
        }
        probability("sample rate", sampleRate);
    }

    /** A finite, strictly positive number named {@code name}. */
    public static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive number, got " + value);
        }
        return value;
    }

    /** Non-null, non-empty, all finite scores named {@code name}; returns them. */
    public static double[] finiteScores(String name, double[] scores) {
        if (scores == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (scores.length == 0) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] must be finite, got " + scores[i]);
            }
        }
        return scores;
    }

    /** One label per example, each in {@code [0, classes)}; returns them. */
    public static int[] labels(int[] labels, int examples, int classes) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        if (labels.length != examples) {
            throw new IllegalArgumentException(
                    "need one label per example, got " + labels.length + " labels for " + examples + " examples");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "label[" + i + "] must be in [0, " + classes + "), got " + labels[i]);
            }
        }
        return labels;
    }

    /** Counts of a guessing game: {@code canaries >= 1}, {@code 0 <= correct <= guesses <= canaries}. */
    public static void guessCounts(int canaries, int guesses, int correct) {
        if (canaries < 1) {
            throw new IllegalArgumentException("canaries must be >= 1, got " + canaries);
        }
        if (guesses < 0 || guesses > canaries) {
            throw new IllegalArgumentException("guesses must be in [0, canaries = " + canaries + "], got " + guesses);
        }
        if (correct < 0 || correct > guesses) {
            throw new IllegalArgumentException(
                    "correct guesses must be in [0, guesses = " + guesses + "], got " + correct);
        }
    }
}
