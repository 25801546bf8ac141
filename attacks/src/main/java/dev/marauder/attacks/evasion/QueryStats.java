package dev.marauder.attacks.evasion;

import java.util.Arrays;

/**
 * The model queries a black-box attack spent, per example and summarised. Absent (null) in the
 * results of white-box attacks, whose cost is counted in gradient steps instead.
 *
 * @param maxQueries the per-example budget the attack ran under
 * @param perExample queries spent on each example, in data order (each at most {@code maxQueries})
 * @param median the median of {@code perExample}
 * @param mean the mean of {@code perExample}
 * @param total the sum of {@code perExample}
 */
public record QueryStats(long maxQueries, long[] perExample, double median, double mean, long total) {

    /** The statistics of per-example counts. */
    public static QueryStats of(long maxQueries, long[] perExample) {
        if (perExample.length == 0) {
            throw new IllegalArgumentException("no examples to summarise");
        }
        long[] sorted = perExample.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        long total = 0;
        for (long q : sorted) {
            total += q;
        }
        return new QueryStats(maxQueries, perExample.clone(), median, (double) total / n, total);
    }
}
