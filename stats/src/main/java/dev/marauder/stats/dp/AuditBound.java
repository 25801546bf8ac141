package dev.marauder.stats.dp;

import dev.marauder.stats.Require;

/**
 * The result of a one-run privacy audit (Steinke, Nasr and Jagielski 2023, "Privacy Auditing with
 * One (1) Training Run", NeurIPS 2023): a lower bound on the epsilon of the audited training
 * algorithm that holds with the stated confidence. If the algorithm really is
 * (epsilon, delta)-differentially private, the probability that the audit reports an
 * {@code epsilonLowerBound} above that epsilon is at most {@code 1 - confidence}.
 *
 * <p>Immutable. See {@link OneRunAudit} for how it is computed.
 *
 * @param epsilonLowerBound the audited lower bound, {@code >= 0} (0 when the guesses do not
 *     beat chance convincingly)
 * @param confidence the confidence {@code 1 - beta} with which the bound holds (for a best-of
 *     selection, the family-wise confidence after the Bonferroni correction)
 * @param delta the delta of the (epsilon, delta) guarantee that was tested
 * @param canaries {@code m}, the number of canaries, each included in training independently
 *     with probability 1/2
 * @param guesses {@code r}, the number of canaries the auditor guessed on (it abstained on the
 *     other {@code m - r})
 * @param correct {@code v}, the number of correct guesses
 * @param method how the bound was obtained: {@link #ONE_RUN} or {@link #ONE_RUN_BEST_OF_SPLITS}
 */
public record AuditBound(
        double epsilonLowerBound,
        double confidence,
        double delta,
        int canaries,
        int guesses,
        int correct,
        String method) {
    /** One pre-chosen set of guesses, tested at the full confidence. */
    public static final String ONE_RUN = "one_run";
    /**
     * The best of several guess splits tried on the same scores, each tested at the Bonferroni
     * corrected confidence.
     */
    public static final String ONE_RUN_BEST_OF_SPLITS = "one_run_best_of_splits";

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the bound is negative or not finite, the confidence is
     *     outside (0, 1), delta outside [0, 1), the counts are not {@code 0 <= correct <= guesses
     *     <= canaries} with {@code canaries >= 1}, or the method is null
     */
    public AuditBound {
        if (!(epsilonLowerBound >= 0) || Double.isInfinite(epsilonLowerBound)) {
            throw new IllegalArgumentException("epsilon lower bound must be finite and >= 0, got " + epsilonLowerBound);
        }
        Require.confidence(confidence);
        Require.delta(delta);
        Require.guessCounts(canaries, guesses, correct);
        if (method == null) {
            throw new IllegalArgumentException("method must not be null");
        }
    }
}
