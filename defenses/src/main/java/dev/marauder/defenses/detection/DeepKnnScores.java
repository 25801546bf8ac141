package dev.marauder.defenses.detection;

import java.util.Arrays;
import java.util.List;

/**
 * What a {@link FittedDeepKnn} says about a batch of inputs: per input, the DkNN's prediction,
 * its credibility (the p-value of the predicted label: how well the training neighbours of every
 * layer support it, relative to the calibration data) and its confidence (one minus the second
 * largest p-value), as in Papernot &amp; McDaniel 2018. Low credibility flags inputs unlike the
 * training data, such as adversarial examples.
 *
 * @param layers the layers searched
 * @param hiddenLayers false when the model gave no access to its layers and only its output
 *     scores were searched
 * @param predictions the label of largest p-value, per input
 * @param credibility the largest p-value, per input, in [0, 1]
 * @param confidence one minus the second largest p-value, per input, in [0, 1]
 */
public record DeepKnnScores(
        List<Layer> layers, boolean hiddenLayers, int[] predictions, double[] credibility, double[] confidence) {

    /**
     * Checks that the arrays agree.
     *
     * @throws IllegalArgumentException if their lengths differ
     */
    public DeepKnnScores {
        layers = List.copyOf(layers);
        if (credibility.length != predictions.length || confidence.length != predictions.length) {
            throw new IllegalArgumentException("per-input arrays of different lengths");
        }
    }

    /** The number of inputs scored. */
    public int size() {
        return predictions.length;
    }

    /** The mean credibility (NaN for no inputs). */
    public double meanCredibility() {
        return Arrays.stream(credibility).average().orElse(Double.NaN);
    }

    /** The share of inputs whose DkNN prediction is the given label (NaN for no inputs). */
    public double accuracy(int[] labels) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + predictions.length + " inputs");
        }
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] == labels[i]) {
                hits++;
            }
        }
        return labels.length == 0 ? Double.NaN : (double) hits / labels.length;
    }
}
