package dev.marauder.attacks.inference.memorization;

import dev.marauder.stats.SkewNormal;

/**
 * The exposure of a canary: how much more likely a trained model finds the inserted secret than
 * the other possible secrets, in bits (Carlini, Liu, Erlingsson, Kos and Song 2019, "The Secret
 * Sharer: Evaluating and Testing Unintended Memorization in Neural Networks", USENIX Security
 * 2019: the definitions of rank and exposure, and their estimation by a skew-normal fit).
 *
 * <p>The model's log-perplexity of a candidate secret {@code r} is
 * {@code Px(r) = -log Pr(canary text of r | model)} (usually summed over the secret's symbols,
 * given the prefix). Its rank among all candidates {@code R} is its position when they are
 * sorted by log-perplexity, the most likely first, and
 * {@code exposure = log2 |R| - log2 rank}: from 0 (the canary is the least likely, or no more
 * likely than any candidate) to {@code log2 |R|} (the canary is the most likely). The base of the
 * logarithm in the log-perplexities does not matter, as long as it is the same for all of them.
 *
 * <ul>
 *   <li>{@link #exact}: from the log-perplexities of all {@code |R|} candidates. Ties are counted
 *       against the canary: its rank is the number of candidates whose log-perplexity is at most
 *       its own (itself included), so exposure is never overstated by ties, and a model that
 *       scores every candidate alike has exposure 0.</li>
 *   <li>{@link #extrapolated}: from a sample of random candidates, when {@code R} is too large to
 *       enumerate. A {@link SkewNormal} is fitted to the sample's log-perplexities (maximum
 *       likelihood) and {@code exposure = -log2 F(Px(canary))}, with the fitted distribution
 *       function {@code F}: the fraction of the space expected to be at least as likely as the
 *       canary, which is {@code rank / |R|} in the limit. Unlike the exact value it is not capped at
 *       {@code log2 |R|}, and it is only as good as the fit in the lower tail.</li>
 * </ul>
 *
 * <p>Pure math on doubles; the model's scores come from elsewhere.
 */
public final class Exposure {
    private static final double LN_2 = Math.log(2);

    private Exposure() {}

    /**
     * The canary's rank among all candidates: the number of candidates whose log-perplexity is
     * at most the canary's (ties counted against the canary), from 1 to
     * {@code logPerplexities.length}.
     *
     * @param logPerplexities the log-perplexity of every candidate secret, the canary's included
     * @param canaryIndex where the canary's own log-perplexity is in the array
     * @throws IllegalArgumentException if the array is empty, the index is out of range, or a
     *     value is NaN
     */
    public static long rank(double[] logPerplexities, int canaryIndex) {
        if (logPerplexities.length == 0) {
            throw new IllegalArgumentException("no candidate log-perplexities");
        }
        if (canaryIndex < 0 || canaryIndex >= logPerplexities.length) {
            throw new IllegalArgumentException(
                    "canary index " + canaryIndex + " is outside 0.." + (logPerplexities.length - 1));
        }
        double canary = logPerplexities[canaryIndex];
        long rank = 1;
        for (int i = 0; i < logPerplexities.length; i++) {
            double v = logPerplexities[i];
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("log-perplexity of candidate " + i + " is NaN");
            }
            if (i != canaryIndex && v <= canary) {
                rank++;
            }
        }
        return rank;
    }

    /**
     * {@code log2 |R| - log2 rank}.
     *
     * @throws IllegalArgumentException unless {@code 1 <= rank <= space}
     */
    public static double fromRank(long rank, long space) {
        if (space < 1) {
            throw new IllegalArgumentException("the space of candidates must hold at least 1, got " + space);
        }
        if (rank < 1 || rank > space) {
            throw new IllegalArgumentException("rank " + rank + " is outside 1.." + space);
        }
        return log2(space) - log2(rank);
    }

    /**
     * The exact exposure of the canary at {@code canaryIndex}: {@code log2 n - log2 rank} for
     * {@code n = logPerplexities.length} candidates, with {@link #rank}.
     *
     * @param logPerplexities the log-perplexity of every candidate of the space, the canary's
     *     included (for example indexed by {@link CanaryFormat#index})
     * @throws IllegalArgumentException as {@link #rank}
     */
    public static double exact(double[] logPerplexities, int canaryIndex) {
        return fromRank(rank(logPerplexities, canaryIndex), logPerplexities.length);
    }

    /**
     * The extrapolated exposure: a skew-normal fitted by maximum likelihood ({@link SkewNormal#fit})
     * to {@code sampleLogPerplexities}, then {@link #extrapolated(double, SkewNormal)}.
     *
     * @param canaryLogPerplexity the canary's log-perplexity
     * @param sampleLogPerplexities log-perplexities of candidates drawn uniformly from the space
     *     (thousands, for a good fit of the tail); the canary should not be among them
     * @throws IllegalArgumentException if the canary's value is NaN or the sample cannot be fitted
     *     (fewer than 3 values, non-finite values, no spread)
     */
    public static double extrapolated(double canaryLogPerplexity, double[] sampleLogPerplexities) {
        if (Double.isNaN(canaryLogPerplexity)) {
            throw new IllegalArgumentException("canary log-perplexity is NaN");
        }
        return extrapolated(canaryLogPerplexity, SkewNormal.fit(sampleLogPerplexities));
    }

    /**
     * {@code -log2 F(canaryLogPerplexity)} for the distribution {@code F} of the candidates'
     * log-perplexities; at least 0.
     *
     * @throws IllegalArgumentException if the canary's value is NaN
     */
    public static double extrapolated(double canaryLogPerplexity, SkewNormal candidates) {
        if (Double.isNaN(canaryLogPerplexity)) {
            throw new IllegalArgumentException("canary log-perplexity is NaN");
        }
        return Math.max(0, -candidates.logCdf(canaryLogPerplexity) / LN_2);
    }

    private static double log2(long v) {
        return Math.log(v) / LN_2;
    }
}
