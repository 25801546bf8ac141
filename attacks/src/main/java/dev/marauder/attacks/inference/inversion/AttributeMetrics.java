package dev.marauder.attacks.inference.inversion;

import java.util.ArrayList;
import java.util.List;

/**
 * How well an attribute-inference attack recovered one group's sensitive values: accuracy,
 * precision and recall per value, and the baseline of always guessing the value the prior makes
 * most likely (Fredrikson et al. 2015 compare attacks against it).
 *
 * @param rows number of rows attacked
 * @param accuracy fraction of rows whose value was guessed right
 * @param baselineAccuracy fraction of rows whose value is the prior's most likely one
 * @param perValue one entry per value, in value order
 */
public record AttributeMetrics(int rows, double accuracy, double baselineAccuracy, List<ValueMetrics> perValue) {

    /** Copies the per-value list, so the record owns it. */
    public AttributeMetrics {
        perValue = List.copyOf(perValue);
    }

    /**
     * Precision and recall of one value.
     *
     * @param value the value's name
     * @param support rows whose true value this is
     * @param guessed rows the attack assigned this value
     * @param correct rows with this value that the attack assigned it
     * @param precision {@code correct / guessed}, null if the attack never guessed the value
     * @param recall {@code correct / support}, null if no row has the value
     */
    public record ValueMetrics(String value, int support, int guessed, int correct, Double precision, Double recall) {}

    /**
     * Scores guesses against the truth.
     *
     * @param guesses guessed value index per row
     * @param truth true value index per row
     * @param baselineValue the value index the baseline always guesses
     * @param valueNames names of the values, indexed by value
     * @throws IllegalArgumentException if the arrays differ in length or an index is out of range
     */
    public static AttributeMetrics of(int[] guesses, int[] truth, int baselineValue, List<String> valueNames) {
        int values = valueNames.size();
        if (guesses.length != truth.length) {
            throw new IllegalArgumentException(guesses.length + " guesses for " + truth.length + " rows");
        }
        if (baselineValue < 0 || baselineValue >= values) {
            throw new IllegalArgumentException("baseline value " + baselineValue + " is outside 0.." + (values - 1));
        }
        int[] support = new int[values];
        int[] guessed = new int[values];
        int[] correct = new int[values];
        int right = 0;
        int baseline = 0;
        for (int i = 0; i < truth.length; i++) {
            int g = guesses[i];
            int t = truth[i];
            if (g < 0 || g >= values || t < 0 || t >= values) {
                throw new IllegalArgumentException(
                        "row " + i + " has guess " + g + " and truth " + t + "; values are 0.." + (values - 1));
            }
            support[t]++;
            guessed[g]++;
            if (g == t) {
                correct[t]++;
                right++;
            }
            if (t == baselineValue) {
                baseline++;
            }
        }
        List<ValueMetrics> per = new ArrayList<>();
        for (int v = 0; v < values; v++) {
            per.add(new ValueMetrics(
                    valueNames.get(v),
                    support[v],
                    guessed[v],
                    correct[v],
                    guessed[v] == 0 ? null : (double) correct[v] / guessed[v],
                    support[v] == 0 ? null : (double) correct[v] / support[v]));
        }
        int n = truth.length;
        return new AttributeMetrics(
                n, n == 0 ? Double.NaN : (double) right / n, n == 0 ? Double.NaN : (double) baseline / n, per);
    }
}
