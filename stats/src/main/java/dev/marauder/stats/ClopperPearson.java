package dev.marauder.stats;

/**
 * Exact (Clopper-Pearson) confidence bounds for a binomial proportion: from {@code k} successes in
 * {@code n} independent trials, the bounds that contain the true success probability with at least
 * the stated confidence, whatever it is (Clopper and Pearson 1934, "The use of confidence or
 * fiducial limits illustrated in the case of the binomial", Biometrika 26).
 *
 * <p>The one-sided lower bound at confidence {@code 1 - alpha} is the {@code p} with
 * {@code P[Binomial(n, p) >= k] = alpha}, i.e. the {@code alpha} quantile of Beta(k, n - k + 1)
 * (0 when {@code k = 0}); the upper bound is the {@code 1 - alpha} quantile of
 * Beta(k + 1, n - k) (1 when {@code k = n}). The two-sided interval puts {@code alpha / 2} on each
 * side, as SciPy's {@code binomtest(...).proportion_ci(method="exact")} and statsmodels'
 * {@code proportion_confint(method="beta")} do. The quantiles come from {@link IncompleteBeta}, to
 * about 1e-14 relative, and the upper bound is computed through its complement so that bounds near
 * 1 keep their digits ({@code 1 - upper} is as precise as {@code lower}).
 */
public final class ClopperPearson {
    private ClopperPearson() {}

    /**
     * A two-sided interval for a proportion.
     *
     * @param lower the lower end, in [0, 1]
     * @param upper the upper end, in [lower, 1]
     * @param confidence the confidence with which the interval contains the true proportion
     */
    public record Interval(double lower, double upper, double confidence) {}

    /**
     * The one-sided lower bound: the true proportion is at least this with probability at least
     * {@code confidence}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= successes <= trials}, {@code trials >= 1}
     *     and {@code 0 < confidence < 1}
     */
    public static double lowerBound(int successes, int trials, double confidence) {
        return lower(successes, trials, 1 - Require.confidence(confidence)).x();
    }

    /**
     * The one-sided upper bound: the true proportion is at most this with probability at least
     * {@code confidence}.
     *
     * @throws IllegalArgumentException as {@link #lowerBound}
     */
    public static double upperBound(int successes, int trials, double confidence) {
        return upper(successes, trials, 1 - Require.confidence(confidence)).x();
    }

    /**
     * The two-sided interval, with {@code (1 - confidence) / 2} outside on each side.
     *
     * @throws IllegalArgumentException as {@link #lowerBound}
     */
    public static Interval interval(int successes, int trials, double confidence) {
        double alpha = 1 - Require.confidence(confidence);
        return new Interval(
                lower(successes, trials, alpha / 2).x(),
                upper(successes, trials, alpha / 2).x(),
                confidence);
    }

    /** The lower bound at level {@code 1 - alpha}, with its complement to full precision. */
    public static IncompleteBeta.Root lower(int successes, int trials, double alpha) {
        checkCounts(successes, trials);
        if (successes == 0) {
            return new IncompleteBeta.Root(0, 1);
        }
        return IncompleteBeta.inverse(alpha, successes, trials - successes + 1);
    }

    /** The upper bound at level {@code 1 - alpha}, with its complement to full precision. */
    public static IncompleteBeta.Root upper(int successes, int trials, double alpha) {
        checkCounts(successes, trials);
        if (successes == trials) {
            return new IncompleteBeta.Root(1, 0);
        }
        // P[Binomial(n, p) <= k] = 1 - I_p(k + 1, n - k) = I_{1-p}(n - k, k + 1) = alpha
        IncompleteBeta.Root complement = IncompleteBeta.inverse(alpha, trials - successes, successes + 1);
        return new IncompleteBeta.Root(complement.oneMinusX(), complement.x());
    }

    private static void checkCounts(int successes, int trials) {
        if (trials < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + trials);
        }
        if (successes < 0 || successes > trials) {
            throw new IllegalArgumentException("successes must be in [0, " + trials + "], got " + successes);
        }
    }
}
