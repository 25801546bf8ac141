package dev.marauder.privacy.membership;

/** Argument checks shared by the membership-inference classes, with messages that name the value. */
final class Checks {
    private Checks() {}

    /** Checks that {@code scores} is non-null, non-empty and finite; returns it. */
    static double[] scores(String name, double[] scores) {
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

    static double falsePositiveRate(double fpr) {
        if (!(fpr >= 0 && fpr <= 1)) {
            throw new IllegalArgumentException("false positive rate must be in [0, 1], got " + fpr);
        }
        return fpr;
    }

    /** Checks one label per example, each in [0, classes). */
    static int[] labels(int[] labels, int examples, int classes) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        if (labels.length != examples) {
            throw new IllegalArgumentException("need one label per example, got " + labels.length + " labels for "
                    + examples + " examples");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label[" + i + "] must be in [0, " + classes + "), got "
                        + labels[i]);
            }
        }
        return labels;
    }
}
