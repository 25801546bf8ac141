package dev.marauder.privacy.accounting;

import java.util.List;

/**
 * Tracks the privacy spent by DP-SGD (the sampled Gaussian mechanism of Abadi et al. 2016,
 * "Deep Learning with Differential Privacy") and converts it to an (epsilon, delta) guarantee.
 *
 * <p>Privacy is with respect to adding or removing one example (the relation used by Opacus, TF
 * Privacy and dp_accounting), with Poisson sampling of each example at the given rate at every
 * step; the guarantee covers the release of every intermediate model, not just the last one.
 *
 * <p>An accountant is stateful: {@link #step} appends to its {@link #history()}, and
 * {@link #copy()} gives an independent accountant with the same history (for "what if" questions
 * without disturbing the real one). Implementations are not thread-safe. The math itself lives in
 * stateless classes ({@link RdpMath}, {@link PrivacyLossDistribution}), in the spirit of Opacus,
 * whose accountants share this same small interface.
 *
 * @see RdpAccountant
 * @see PldAccountant
 */
public interface PrivacyAccountant {

    /**
     * Records {@code steps} steps with the given noise multiplier and sample rate. Consecutive
     * steps with the same noise and rate are merged into one {@link Segment}; zero steps are ignored.
     *
     * @throws IllegalArgumentException if the noise is negative or not finite, the rate is outside
     *     {@code [0, 1]} or the steps are negative
     */
    void step(double noiseMultiplier, double sampleRate, long steps);

    /** Records one step; see {@link #step(double, double, long)}. */
    default void step(double noiseMultiplier, double sampleRate) {
        step(noiseMultiplier, sampleRate, 1);
    }

    /**
     * The smallest epsilon this accountant can certify such that all steps so far are
     * (epsilon, delta)-differentially private: an upper bound on the true epsilon, 0 for an empty
     * history, {@code +Infinity} when no finite epsilon can be certified (for example a step
     * without noise).
     *
     * @throws IllegalArgumentException if {@code delta} is not in {@code (0, 1)}
     */
    double epsilon(double delta);

    /** The steps recorded so far, oldest first, as an immutable list. */
    List<Segment> history();

    /** The total number of steps recorded. */
    default long totalSteps() {
        long total = 0;
        for (Segment s : history()) {
            total += s.steps();
        }
        return total;
    }

    /** The accountant's kind and history, to save as JSON and {@link AccountantState#restore() restore}. */
    default AccountantState state() {
        return new AccountantState(mechanism(), history());
    }

    /** An independent accountant of the same kind and settings, with a copy of the history. */
    PrivacyAccountant copy();

    /** The accounting method: {@code "rdp"} or {@code "pld"}. */
    String mechanism();
}
