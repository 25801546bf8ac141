package dev.marauder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.apache.commons.numbers.gamma.Erfc;
import org.apache.commons.numbers.gamma.RegularizedBeta;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The hand-written special functions ({@link IncompleteBeta}'s log-space regularized beta and its
 * two-sided inverse, {@link StandardNormal}'s log-tails) agree with Apache Commons Numbers and
 * Statistics wherever a double can represent the answer. They exist because the library gives
 * neither a logarithm that stays finite below the smallest double nor {@code 1 - x} to full
 * precision; elsewhere the library is used directly.
 */
class LibraryCrossTest {
    private static final int TRIES_BETA = 300;
    private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

    @Property(tries = TRIES_BETA)
    void regularizedBetaAgreesWithTheLibrary(
            @ForAll @DoubleRange(min = 0.5, max = 2000) double a,
            @ForAll @DoubleRange(min = 0.5, max = 2000) double b,
            @ForAll @DoubleRange(min = 0.001, max = 0.999) @Scale(6) double x) {
        double library = RegularizedBeta.value(x, a, b);
        double ours = IncompleteBeta.regularized(x, a, b);
        // Tolerances: both sides are accurate to a few ulps (1e-13 relative allows a few dozen).
        // Both are accurate to a few ulps where the value is not tiny; relative 1e-10 also allows
        // the library's own error near the mean of large-parameter distributions.
        if (library > 1e-200) {
            assertThat(ours).isCloseTo(library, within(1e-10 * library));
        }
        // Deep in the tail the library's own value drifts (1e-8 relative near 1e-299, where this
        // class is checked against mpmath to 1e-14 in IncompleteBetaTest), so the logarithms are
        // compared down to 1e-250 only.
        if (library > 1e-250) {
            assertThat(IncompleteBeta.logRegularized(x, 1 - x, a, b)).isCloseTo(Math.log(library), within(1e-9));
        }
    }

    @Property(tries = 200)
    void theInverseAgreesWithTheLibrarysQuantile(
            @ForAll @DoubleRange(min = 0.5, max = 500) double a,
            @ForAll @DoubleRange(min = 0.5, max = 500) double b,
            @ForAll @DoubleRange(min = 1e-6, max = 0.999999) @Scale(8) double p) {
        IncompleteBeta.Root root = IncompleteBeta.inverse(p, a, b);
        double library = BetaDistribution.of(a, b).inverseCumulativeProbability(p);
        assertThat(root.x()).isCloseTo(library, within(1e-9 * Math.max(library, 1e-12)));
        assertThat(root.x() + root.oneMinusX()).isCloseTo(1, within(1e-15));
    }

    @Property(tries = 300)
    void logGammaIsTheLibrarysAndLogBetaAgreesWithIt(
            @ForAll @DoubleRange(min = 0.01, max = 1e6) double a,
            @ForAll @DoubleRange(min = 0.01, max = 1e6) double b) {
        assertThat(IncompleteBeta.logGamma(a)).isEqualTo(org.apache.commons.numbers.gamma.LogGamma.value(a));
        double library = org.apache.commons.numbers.gamma.LogBeta.value(a, b);
        assertThat(IncompleteBeta.logBeta(a, b)).isCloseTo(library, within(1e-12 * Math.max(1, Math.abs(library))));
    }

    @Property(tries = 500)
    void theNormalAgreesWithTheLibraryAndGoesFurther(@ForAll @DoubleRange(min = -37, max = 37) double x) {
        // In the far tails exp(-x^2/2) carries a relative error of about x^2/2 ulps in any double
        // implementation (StandardNormal's own is checked against mpmath in StandardNormalTest).
        double relative = 1e-14 + 4e-16 * x * x;
        assertThat(StandardNormal.cdf(x))
                .isCloseTo(
                        NORMAL.cumulativeProbability(x), within(relative * NORMAL.cumulativeProbability(x) + 1e-300));
        assertThat(StandardNormal.sf(x))
                .isCloseTo(NORMAL.survivalProbability(x), within(relative * NORMAL.survivalProbability(x) + 1e-300));
        double y = Math.abs(x) / 6;
        assertThat(StandardNormal.erfc(y)).isCloseTo(Erfc.value(y), within(relative * Erfc.value(y) + 1e-300));
        assertThat(StandardNormal.logPdf(x))
                .isCloseTo(NORMAL.logDensity(x), within(1e-12 * Math.max(1, Math.abs(x * x))));
    }

    @Property(tries = 100)
    void beyondDoublesTheLogCdfStaysFiniteWhereTheLibraryUnderflows(
            @ForAll @DoubleRange(min = -1e6, max = -40) double x) {
        assertThat(NORMAL.cumulativeProbability(x)).isZero();
        double log = StandardNormal.logCdf(x);
        // log Phi(x) ~ -x^2/2 - log(-x) - log(sqrt(2 pi)) for large negative x
        double asymptote = -x * x / 2 - Math.log(-x) - 0.5 * Math.log(2 * Math.PI);
        assertThat(log).isFinite().isCloseTo(asymptote, within(1e-2 / (x * x) * Math.abs(asymptote) + 1e-9));
    }
}
