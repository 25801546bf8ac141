package dev.marauder.core.data;

import java.util.random.RandomGenerator;

/**
 * Random orderings of {@code 0..n-1} for reproducible splits, batch orders and subsets: the
 * Fisher-Yates shuffle (for {@code i} from {@code n-1} down to 1, swap {@code i} with
 * {@code nextInt(i + 1)}), so a given generator and seed always give the same order.
 */
public final class Permutations {
    private Permutations() {}

    /** A uniformly random permutation of {@code 0..n-1} drawn from {@code random}. */
    public static int[] shuffled(int n, RandomGenerator random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
