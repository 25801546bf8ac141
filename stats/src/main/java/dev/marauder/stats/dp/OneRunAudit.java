package dev.marauder.stats.dp;

import dev.marauder.stats.ClopperPearson;
import dev.marauder.stats.IncompleteBeta;
import dev.marauder.stats.LogSpace;
import dev.marauder.stats.Require;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Privacy auditing with one training run (Steinke, Nasr and Jagielski 2023, "Privacy Auditing
 * with One (1) Training Run", NeurIPS 2023, arXiv:2305.08846).
 *
 * <p>The game: {@code m} canaries are each included in the training set independently with
 * probability 1/2, and the model is trained once. The auditor then scores every canary (any score,
 * black-box such as the loss, or white-box such as a gradient alignment; higher meaning "more
 * likely included"), guesses IN for the {@code k+} highest scores and OUT for the {@code k-}
 * lowest, abstains on the rest, and counts its correct guesses {@code v} out of
 * {@code r = k+ + k-}. Privacy limits how well any auditor can do:
 * <ul>
 *   <li>{@code delta = 0} (the paper's main result for pure DP): the number of correct guesses of an
 *       epsilon-DP algorithm is stochastically dominated by {@code Binomial(r, q)} with
 *       {@code q = e^epsilon / (1 + e^epsilon)}, the accuracy of randomized response. The p-value
 *       of {@code v} is the binomial tail {@code P[Binomial(r, q) >= v] = I_q(v, r - v + 1)},
 *       and the largest epsilon it rejects has a closed form: {@code logit} of the one-sided
 *       Clopper-Pearson lower bound on the accuracy {@code v / r} at confidence
 *       {@code 1 - beta}. Computed through {@link IncompleteBeta} in log space, exact to about
 *       1e-13.</li>
 *   <li>{@code delta > 0}: the bound of the paper's main theorem for (epsilon, delta)-DP in the
 *       explicit form its authors evaluate (the {@code p_value_DP_audit} procedure published with
 *       the paper, reproduced for instance in Google's {@code jax_privacy.auditing}):
 *       <pre>
 *   P[W &gt;= v] &lt;= P[Binomial(r, q) &gt;= v] + 2 m delta * alpha,
 *   alpha = max over i = 1..v of  P[v - i &lt;= Binomial(r, q) &lt; v] / i,
 *       </pre>
 *       capped at 1. This is the bound itself, not a looser stand-in. The lower bound is the
 *       largest epsilon whose p-value is at most {@code beta}, found by bisection between 0 and
 *       the {@code delta = 0} bound (which it never exceeds) to 1e-13 relative, keeping the
 *       rejected end, so the result always has p-value at most {@code beta}.</li>
 * </ul>
 *
 * <p>Why the reported bound is valid: if the algorithm is (epsilon0, delta)-DP it is also
 * (epsilon, delta)-DP for every epsilon above epsilon0, so every such epsilon's bound applies to
 * the same {@code W}. Let {@code v*} be the smallest count whose p-value at some epsilon above
 * epsilon0 is at most {@code beta}; reporting a bound above epsilon0 needs {@code W >= v*}, which
 * has probability at most that p-value. So any epsilon with p-value at most {@code beta} is a
 * valid lower bound, whether or not the p-value is monotone. It is monotone (so the bisection
 * finds the largest such epsilon) whenever {@code 2 m delta <= 1}: the tail's derivative in
 * {@code q} is {@code r P[Binomial(r - 1, q) = v - 1]} and each {@code P[v - i <= B < v] / i}
 * falls at most that fast, so the p-value does not decrease in epsilon; and
 * {@code alpha(v + 1) <= max(P[B = v], alpha(v))}, so it does not increase in {@code v}. For
 * {@code 2 m delta > 1} the result is still valid but may be below the best bound the theorem
 * allows.
 *
 * <p>{@link #bestSplit} tries several {@code (k+, k-)} splits on the same scores and reports the
 * best; trying {@code J} splits costs a Bonferroni correction, each being tested at confidence
 * {@code 1 - beta / J} ({@link #perTestConfidence}), so that the reported maximum holds with
 * confidence {@code 1 - beta}, as the paper requires when it picks the best of several guess
 * counts.
 *
 * <p>All methods are static, pure and thread-safe.
 */
public final class OneRunAudit {
    private static final double RESCALE = 1e280;
    private static final double LOG_RESCALE = Math.log(RESCALE);
    private static final double BISECTION_TOLERANCE = 1e-13;

    private OneRunAudit() {}

    /**
     * How many guesses to make: IN for the {@code positiveGuesses} highest scores, OUT for the
     * {@code negativeGuesses} lowest (the paper's {@code k+} and {@code k-}).
     *
     * @param positiveGuesses {@code k+ >= 0}
     * @param negativeGuesses {@code k- >= 0}
     */
    public record Split(int positiveGuesses, int negativeGuesses) {
        /**
         * Checks the counts.
         *
         * @throws IllegalArgumentException if a count is negative or both are 0
         */
        public Split {
            if (positiveGuesses < 0 || negativeGuesses < 0 || positiveGuesses + negativeGuesses < 1) {
                throw new IllegalArgumentException("need k+ >= 0, k- >= 0 and at least one guess, got k+ = "
                        + positiveGuesses + ", k- = " + negativeGuesses);
            }
        }

        /** {@code r = k+ + k-}. */
        public int guesses() {
            return positiveGuesses + negativeGuesses;
        }
    }

    /**
     * The outcome of {@link #bestSplit}.
     *
     * @param bound the best bound, with the family-wise confidence and method
     *     {@link AuditBound#ONE_RUN_BEST_OF_SPLITS}
     * @param split the split that gave it (the first one, if several tie)
     * @param candidates the bound of every split tried, in the order given, each at the
     *     per-test confidence
     */
    public record SplitSelection(AuditBound bound, Split split, List<AuditBound> candidates) {
        /** Copies the candidate list. */
        public SplitSelection {
            candidates = List.copyOf(candidates);
        }
    }

    /**
     * The audited epsilon lower bound from the counts of a one-run audit: the largest epsilon such
     * that {@code correct} or more correct guesses would have probability at most
     * {@code 1 - confidence} under every (epsilon, delta)-DP algorithm.
     *
     * @param canaries {@code m >= 1}, each included independently with probability 1/2
     * @param guesses {@code r}, the guesses made, in [0, m]
     * @param correct {@code v}, the correct guesses, in [0, r]
     * @param delta the delta of the guarantee being tested, in [0, 1)
     * @param confidence {@code 1 - beta}, in (0, 1)
     * @throws IllegalArgumentException if a count or parameter is out of range
     */
    public static AuditBound epsilonLowerBound(
            int canaries, int guesses, int correct, double delta, double confidence) {
        Require.guessCounts(canaries, guesses, correct);
        Require.delta(delta);
        double beta = 1 - Require.confidence(confidence);
        return new AuditBound(
                epsilon(canaries, guesses, correct, delta, beta),
                confidence,
                delta,
                canaries,
                guesses,
                correct,
                AuditBound.ONE_RUN);
    }

    /**
     * The p-value of {@code correct} correct guesses under the hypothesis that the algorithm is
     * (epsilon, delta)-DP: the bound on {@code P[W >= correct]} described in the class comment.
     *
     * @param epsilon the epsilon of the hypothesis, {@code >= 0}
     * @throws IllegalArgumentException if a count or parameter is out of range
     */
    public static double pValue(int canaries, int guesses, int correct, double epsilon, double delta) {
        return Math.exp(logPValue(canaries, guesses, correct, epsilon, delta));
    }

    /**
     * The logarithm of {@link #pValue}, finite far below the smallest double.
     *
     * @throws IllegalArgumentException if a count or parameter is out of range
     */
    public static double logPValue(int canaries, int guesses, int correct, double epsilon, double delta) {
        Require.guessCounts(canaries, guesses, correct);
        Require.delta(delta);
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        }
        return logP(canaries, guesses, correct, epsilon, delta);
    }

    /**
     * The confidence at which each of {@code tests} tests must be run for all of them to hold
     * together with {@code confidence} (Bonferroni: {@code 1 - (1 - confidence) / tests}).
     *
     * @throws IllegalArgumentException if {@code tests < 1} or the confidence is outside (0, 1)
     */
    public static double perTestConfidence(double confidence, int tests) {
        Require.confidence(confidence);
        if (tests < 1) {
            throw new IllegalArgumentException("number of tests must be >= 1, got " + tests);
        }
        return 1 - (1 - confidence) / tests;
    }

    /**
     * The correct guesses of one split: IN for the {@code k+} highest scores, OUT for the
     * {@code k-} lowest. Equal scores are ordered by canary index, which is harmless because
     * inclusion is independent of the index (do not order canaries by membership).
     *
     * @param scores one score per canary, higher meaning more likely included; not NaN
     * @param included whether each canary was included in training
     * @throws IllegalArgumentException if the arrays differ in length, are empty, hold a NaN,
     *     or the split needs more guesses than there are canaries
     */
    public static int correctGuesses(double[] scores, boolean[] included, Split split) {
        return correct(descendingOrder(scores, included), included, checkSplit(split, scores.length));
    }

    /**
     * Tries every split on the same scores and reports the largest bound, each split tested at
     * confidence {@code 1 - (1 - confidence) / J} for {@code J} splits, so that the reported bound
     * holds with {@code confidence}.
     *
     * @param scores one score per canary, higher meaning more likely included; not NaN
     * @param included whether each canary was included in training
     * @param candidates the distinct splits to try (a few, chosen before seeing the scores)
     * @param delta the delta of the guarantee being tested, in [0, 1)
     * @param confidence the family-wise confidence {@code 1 - beta}, in (0, 1)
     * @throws IllegalArgumentException if the arrays differ in length, are empty, hold a NaN,
     *     there are no candidates, a candidate repeats or needs more guesses than there are
     *     canaries, or a parameter is out of range
     */
    public static SplitSelection bestSplit(
            double[] scores, boolean[] included, List<Split> candidates, double delta, double confidence) {
        Require.delta(delta);
        Require.confidence(confidence);
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("at least one split is needed");
        }
        Set<Split> seen = new HashSet<>();
        for (Split split : candidates) {
            checkSplit(split, scores.length);
            if (!seen.add(split)) {
                throw new IllegalArgumentException("split tried twice: " + split);
            }
        }
        int[] order = descendingOrder(scores, included);
        int m = scores.length;
        double perTest = perTestConfidence(confidence, candidates.size());
        AuditBound[] bounds = new AuditBound[candidates.size()];
        int best = 0;
        for (int j = 0; j < bounds.length; j++) {
            Split split = candidates.get(j);
            bounds[j] = epsilonLowerBound(m, split.guesses(), correct(order, included, split), delta, perTest);
            if (bounds[j].epsilonLowerBound() > bounds[best].epsilonLowerBound()) {
                best = j;
            }
        }
        AuditBound chosen = bounds[best];
        return new SplitSelection(
                new AuditBound(
                        chosen.epsilonLowerBound(),
                        confidence,
                        delta,
                        m,
                        chosen.guesses(),
                        chosen.correct(),
                        AuditBound.ONE_RUN_BEST_OF_SPLITS),
                candidates.get(best),
                Arrays.asList(bounds));
    }

    // ---- the bound ------------------------------------------------------------------------

    /** The largest epsilon with p-value at most {@code beta} (arguments already checked). */
    static double epsilon(int m, int r, int v, double delta, double beta) {
        if (v == 0) {
            return 0;
        }
        // delta = 0: P[Binomial(r, q) >= v] <= beta exactly when q is at most the one-sided
        // Clopper-Pearson lower bound at level 1 - beta.
        IncompleteBeta.Root q = ClopperPearson.lower(v, r, beta);
        if (!(q.x() > 0.5)) {
            return 0;
        }
        double pure = Math.log(q.x()) - Math.log(q.oneMinusX());
        if (delta == 0) {
            return pure;
        }
        // The delta term only adds to the p-value, so the bound lies in [0, pure].
        double logBeta = Math.log(beta);
        if (logP(m, r, v, 0, delta) > logBeta) {
            return 0;
        }
        double lo = 0;
        double hi = pure;
        if (logP(m, r, v, hi, delta) <= logBeta) {
            return hi;
        }
        while (hi - lo > BISECTION_TOLERANCE * Math.max(1, hi)) {
            double mid = 0.5 * (lo + hi);
            if (logP(m, r, v, mid, delta) <= logBeta) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The log p-value (arguments already checked). */
    private static double logP(int m, int r, int v, double epsilon, double delta) {
        if (v == 0) {
            return 0;
        }
        // q = e^eps / (1 + e^eps) and 1 - q, each to full relative precision
        double log1pExp = Math.log1p(Math.exp(-epsilon));
        double logQ = -log1pExp;
        double logOneMinusQ = -epsilon - log1pExp;
        double q = Math.exp(logQ);
        double oneMinusQ = Math.exp(logOneMinusQ);
        double logTail = IncompleteBeta.logRegularized(q, oneMinusQ, v, r - v + 1);
        if (delta == 0) {
            return Math.min(0, logTail);
        }
        double logAlpha = logAlpha(r, v, epsilon, q, oneMinusQ, logQ, logOneMinusQ);
        double logExtra = Math.log(2.0 * m * delta) + logAlpha;
        return Math.min(0, LogSpace.add(logTail, logExtra));
    }

    /**
     * {@code log max_{i=1..v} P[v - i <= Binomial(r, q) < v] / i}. The probabilities
     * {@code P[B = k]} for {@code k = v-1, v-2, ...} come from {@code P[B = v - 1]} (in log space)
     * by the ratio {@code P[B = k-1] / P[B = k] = k (1 - q) / ((r - k + 1) q)}, summed in linear
     * space relative to {@code P[B = v - 1]} with rescaling, so nothing overflows or underflows.
     * The ratio falls as {@code k} does; once it is below 1 the rest of the sum is at most
     * {@code term / (1 - ratio)}, and once that is negligible no later {@code i} can raise the
     * maximum (the partial sum no longer grows, while {@code i} does), so the loop stops: the cost
     * is about the distance from {@code v} to the bulk of the binomial, not {@code v}.
     */
    private static double logAlpha(
            int r, int v, double epsilon, double q, double oneMinusQ, double logQ, double logOneMinusQ) {
        // P[B = k] = front(q, 1 - q, k + 1, r - k + 1) / ((r + 1) q (1 - q)), here with k = v - 1
        double scale = IncompleteBeta.logFront(q, oneMinusQ, v, r - v + 2) - Math.log(r + 1.0) - logQ - logOneMinusQ;
        double odds = Math.exp(-epsilon); // (1 - q) / q
        double term = 1;
        double sum = 0;
        double best = 0;
        int k = v - 1;
        for (int i = 1; i <= v; i++) {
            sum += term;
            best = Math.max(best, sum / i);
            if (sum > RESCALE) {
                sum /= RESCALE;
                term /= RESCALE;
                best /= RESCALE;
                scale += LOG_RESCALE;
            }
            if (k == 0) {
                break;
            }
            double ratio = k * odds / (r - k + 1);
            term *= ratio;
            k--;
            if (ratio < 1 && term / (1 - ratio) <= 1e-17 * sum) {
                break;
            }
        }
        return Math.log(best) + scale;
    }

    // ---- guesses from scores ----------------------------------------------------------------

    private static Split checkSplit(Split split, int canaries) {
        if (split == null) {
            throw new IllegalArgumentException("split must not be null");
        }
        if (split.guesses() > canaries) {
            throw new IllegalArgumentException("split " + split + " needs " + split.guesses()
                    + " guesses but there are only " + canaries + " canaries");
        }
        return split;
    }

    /** Canary indices by decreasing score, ties by increasing index. */
    private static int[] descendingOrder(double[] scores, boolean[] included) {
        if (scores.length != included.length) {
            throw new IllegalArgumentException("need one inclusion flag per score, got " + scores.length
                    + " scores and " + included.length + " flags");
        }
        if (scores.length == 0) {
            throw new IllegalArgumentException("at least one canary is needed");
        }
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score of canary " + i + " is NaN");
            }
        }
        Integer[] boxed = new Integer[scores.length];
        Arrays.setAll(boxed, i -> i);
        Arrays.sort(boxed, (i, j) -> Double.compare(scores[j], scores[i])); // stable
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    private static int correct(int[] order, boolean[] included, Split split) {
        int correct = 0;
        for (int i = 0; i < split.positiveGuesses(); i++) {
            if (included[order[i]]) {
                correct++;
            }
        }
        for (int i = order.length - split.negativeGuesses(); i < order.length; i++) {
            if (!included[order[i]]) {
                correct++;
            }
        }
        return correct;
    }
}
