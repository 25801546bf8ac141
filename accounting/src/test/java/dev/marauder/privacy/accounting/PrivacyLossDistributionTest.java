package dev.marauder.privacy.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.marauder.privacy.accounting.PrivacyLossDistribution.Adjacency;
import dev.marauder.stats.StandardNormal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The privacy loss distribution against exact hockey-stick divergences (Gaussian mechanism in
 * closed form, subsampled Gaussian by its one-dimensional formula) and against Google's
 * dp_accounting, whose PLD accountant uses the same discretisation.
 */
class PrivacyLossDistributionTest {
    private static final double H = PrivacyLossDistribution.DEFAULT_INTERVAL;

    /**
     * Exact delta(epsilon) of the Gaussian mechanism with sensitivity 1 and noise sigma (Balle
     * and Wang 2018, "Improving the Gaussian Mechanism for Differential Privacy", Theorem 8):
     * {@code Phi(1/(2 sigma) - eps sigma) - e^eps Phi(-1/(2 sigma) - eps sigma)}.
     */
    static double gaussianDelta(double sigma, double eps) {
        return StandardNormal.cdf(0.5 / sigma - eps * sigma)
                - Math.exp(eps) * StandardNormal.cdf(-0.5 / sigma - eps * sigma);
    }

    /**
     * Exact delta(epsilon) of one step of the Poisson-subsampled Gaussian for removal, written out
     * independently of the class under test: with P = (1-q)N(0, s^2) + qN(1, s^2) and
     * Q = N(0, s^2), the loss log(1 - q + q exp((2x-1)/(2 s^2))) exceeds eps iff x > x*, so
     * delta = P(x > x*) - e^eps Q(x > x*).
     */
    static double subsampledRemoveDelta(double sigma, double q, double eps) {
        double xStar = sigma * sigma * Math.log((Math.exp(eps) - 1 + q) / q) + 0.5;
        return q * StandardNormal.sf((xStar - 1) / sigma)
                + (1 - q) * StandardNormal.sf(xStar / sigma)
                - Math.exp(eps) * StandardNormal.sf(xStar / sigma);
    }

    private static double epsilon(double sigma, double q, long steps, double delta) {
        PldAccountant a = new PldAccountant();
        a.step(sigma, q, steps);
        return a.epsilon(delta);
    }

    @ParameterizedTest
    @CsvSource({
        // sigma, steps, exact epsilon at delta 1e-5 of the Gaussian mechanism with noise
        // sigma / sqrt(steps), solved from gaussianDelta with mpmath at 50 digits.
        "0.7, 2,     10.1224945839075",
        "10,  100,   4.37717809568122",
        "100, 10000, 4.37717809568122",
    })
    void withoutSamplingCompositionMatchesTheExactGaussian(double sigma, long steps, double exact) {
        double eps = epsilon(sigma, 1, steps, 1e-5);
        // An upper bound, and tight: the grid error grows with the number of compositions, to
        // about 1e-5 relative after 10,000.
        assertThat(eps).isGreaterThanOrEqualTo(exact).isCloseTo(exact, withinPercentage(2e-3));
    }

    @Test
    void oneStepDominatesTheExactDivergenceEverywhere() {
        PrivacyLossDistribution gauss = PrivacyLossDistribution.subsampledGaussian(1, 1, Adjacency.REMOVE, H);
        PrivacyLossDistribution sub = PrivacyLossDistribution.subsampledGaussian(0.8, 0.05, Adjacency.REMOVE, H);
        for (double eps = 0; eps <= 6; eps += 0.37) {
            // At or above the exact value, up to rounding in the sums (1e-13 relative).
            double exactGauss = gaussianDelta(1, eps);
            assertThat(gauss.deltaForEpsilon(eps))
                    .isGreaterThanOrEqualTo(exactGauss * (1 - 1e-13))
                    .isCloseTo(exactGauss, within(1e-9));
            double exactSub = subsampledRemoveDelta(0.8, 0.05, eps);
            assertThat(sub.deltaForEpsilon(eps))
                    .isGreaterThanOrEqualTo(exactSub * (1 - 1e-13))
                    .isCloseTo(exactSub, within(1e-9));
        }
        // Connect the dots preserves the total probability and puts almost nothing at infinity.
        assertThat(sub.finiteMass() + sub.infinityMass()).isCloseTo(1, within(1e-12));
        assertThat(sub.infinityMass()).isLessThan(1e-27);
        assertThat(sub.minLoss()).isLessThanOrEqualTo(Math.log1p(-0.05));
        PrivacyLossDistribution add = PrivacyLossDistribution.subsampledGaussian(0.8, 0.05, Adjacency.ADD, H);
        assertThat(add.maxLoss()).isGreaterThanOrEqualTo(-Math.log1p(-0.05)).isLessThan(-Math.log1p(-0.05) + H);
        assertThat(add.infinityMass()).isZero();
    }

    @ParameterizedTest
    @CsvSource({
        // q, noise, steps, delta, epsilon from dp_accounting's PLDAccountant (default interval
        // 1e-4, connect-the-dots), run from google/differential-privacy at commit b5b0286; the
        // second and third are also TensorFlow Privacy's published test values
        // (compute_dp_sgd_privacy_lib_test.py: 2.4612381, 18.6977407), the fourth its privacy
        // statement "1.199". Same construction, independent code: we agree to ~1e-8 relative.
        "0.04,   1.5,  2250, 1e-5, 6.768787373891152",
        "0.01,   0.7,  120,  1e-5, 2.461238122377863",
        "0.01,   0.35, 120,  1e-5, 18.697740738746546",
        "0.0064, 1.0,  782,  1e-6, 1.1986507746750674",
        "1,      0.7,  2,    1e-5, 10.12249458470905",
    })
    void agreesWithDpAccounting(double q, double sigma, long steps, double delta, double expected) {
        assertThat(epsilon(sigma, q, steps, delta)).isCloseTo(expected, withinPercentage(1e-5));
    }

    @ParameterizedTest
    @CsvSource({
        // dp_accounting's PLDAccountant with a 10x finer grid (interval 1e-5): closer to the true
        // epsilon. Ours at 1e-4 must stay above it (upper bound) and within 1e-5 relative.
        "0.01,   0.7, 120,  1e-5, 2.461237696146536",
        "0.0064, 1.0, 782,  1e-6, 1.1986423341633883",
        "0.04,   1.5, 2250, 1e-5, 6.768780589134904",
    })
    void staysAboveAFinerGrid(double q, double sigma, long steps, double delta, double finer) {
        assertThat(epsilon(sigma, q, steps, delta))
                .isGreaterThanOrEqualTo(finer)
                .isCloseTo(finer, withinPercentage(1e-3));
    }

    @Test
    void dpAccountingPublishedSubsampledGaussian() {
        // dp_accounting, pld/pld_privacy_accountant_test.py, test_self_composed_subsampled_gaussian:
        // Poisson-sampled (0.2) Gaussian (0.5), 3 times: delta at epsilon 1 is 0.15594 (+- 1e-3).
        PldAccountant a = new PldAccountant();
        a.step(0.5, 0.2, 3);
        assertThat(a.delta(1)).isCloseTo(0.15594, within(1e-3));
        assertThat(a.epsilon(0.15594)).isCloseTo(1, within(1e-3));
    }

    @ParameterizedTest
    @CsvSource({
        "1.5, 0.04, 2250, 1e-5",
        "0.7, 0.01, 120, 1e-5",
        "1.0, 0.0064, 782, 1e-6",
        "1.1, 0.0042667, 3000, 1e-5",
        "0.7, 1, 2, 1e-5",
        "2.0, 0.1, 500, 1e-7"
    })
    void tighterThanRdp(double sigma, double q, long steps, double delta) {
        RdpAccountant rdp = new RdpAccountant();
        rdp.step(sigma, q, steps);
        assertThat(epsilon(sigma, q, steps, delta)).isLessThan(rdp.epsilon(delta));
    }

    @Test
    void composingTwoHalvesEqualsComposingTheWhole() {
        PrivacyLossDistribution one = PrivacyLossDistribution.subsampledGaussian(1.2, 0.02, Adjacency.REMOVE, H);
        PrivacyLossDistribution whole = one.selfCompose(400);
        PrivacyLossDistribution halves = one.selfCompose(200).compose(one.selfCompose(200));
        PrivacyLossDistribution steps = one.selfCompose(150).compose(one.selfCompose(250));
        // Both are FFT results of the same convolution; only rounding and truncation differ.
        assertThat(halves.epsilonForDelta(1e-5)).isCloseTo(whole.epsilonForDelta(1e-5), withinPercentage(1e-7));
        assertThat(steps.epsilonForDelta(1e-5)).isCloseTo(whole.epsilonForDelta(1e-5), withinPercentage(1e-7));
        assertThat(whole.finiteMass() + whole.infinityMass()).isCloseTo(1, within(1e-9));
        // The infinite mass grows by at most TAIL_MASS per composition.
        assertThat(halves.infinityMass()).isLessThan(5 * PrivacyLossDistribution.TAIL_MASS);
    }

    @Test
    void identityAndEdgeCases() {
        PrivacyLossDistribution id = PrivacyLossDistribution.identity(H);
        assertThat(id.epsilonForDelta(1e-9)).isZero();
        assertThat(id.deltaForEpsilon(0)).isZero();
        assertThat(PrivacyLossDistribution.subsampledGaussian(1, 0, Adjacency.ADD, H)
                        .size())
                .isEqualTo(1);
        PrivacyLossDistribution one = PrivacyLossDistribution.subsampledGaussian(1, 0.1, Adjacency.REMOVE, H);
        assertThat(one.compose(id).epsilonForDelta(1e-5)).isEqualTo(one.epsilonForDelta(1e-5));
        assertThat(one.selfCompose(0).size()).isEqualTo(1);
        assertThat(one.selfCompose(1)).isSameAs(one);
        assertThat(one.probability(Math.round(one.minLoss() / H) - 1)).isZero();
        // Epsilon is where delta(epsilon) crosses the target: check the round trip.
        double eps = one.selfCompose(100).epsilonForDelta(1e-6);
        assertThat(one.selfCompose(100).deltaForEpsilon(eps)).isCloseTo(1e-6, withinPercentage(1e-6));
    }

    @Test
    void invalidArguments() {
        assertThatThrownBy(() -> PrivacyLossDistribution.subsampledGaussian(0, 0.1, Adjacency.ADD, H))
                .hasMessageContaining("noise multiplier must be > 0");
        assertThatThrownBy(() -> PrivacyLossDistribution.subsampledGaussian(1, 0.1, Adjacency.ADD, -1))
                .hasMessageContaining("interval must be finite and > 0, got -1.0");
        assertThatThrownBy(() -> PrivacyLossDistribution.identity(H).compose(PrivacyLossDistribution.identity(1e-3)))
                .hasMessageContaining("intervals");
        assertThatThrownBy(() -> PrivacyLossDistribution.identity(H).epsilonForDelta(1))
                .hasMessageContaining("delta must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> PrivacyLossDistribution.subsampledGaussian(1e-3, 1, Adjacency.ADD, H))
                .hasMessageContaining("use a larger interval");
    }
}
