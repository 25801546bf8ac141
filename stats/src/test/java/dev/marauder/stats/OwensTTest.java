package dev.marauder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Owen's T against 17-digit values from mpmath 40-digit quadrature of the defining integral,
 * split into panels no wider than {@code 1/(10h)} (SciPy 1.17's {@code owens_t} agrees to 1e-15,
 * except 4e-14 at {@code h = 20, 36}). Tolerance {@code 1e-13 + 2e-15 h^2} relative: the
 * implementation reaches about 1e-15, but for large {@code h} any double computation of
 * {@code exp(-h^2 (1 + x^2) / 2)} carries the rounding of its argument, {@code h^2/2} ulps.
 */
class OwensTTest {
    @ParameterizedTest
    @CsvSource({
        "0.5,   0.5,   0.064488602847503757",
        "1,     0.25,  0.023408245742525982",
        "2,     0.9,   0.010928598829162457",
        "0.1,   10,    0.22679969643349899",
        "3,     2,     0.00067494901553521615",
        "5,     0.3,   1.2609125674824891e-7",
        "10,    1,     3.809926512080263e-24",
        "1,     100,   0.079327626965728526",
        "0.01,  0.99,  0.1241923552400626",
        "7,     20,    6.399062719429175e-13",
        "0.3,   1e4,   0.19104428890552368",
        "2.5,   1.0,   0.0030855526911589944",
        "20,    0.5,   1.3768120593031672e-89",
        "36,    0.3,   2.0913120328987182e-284",
        "0.001, 1e6,   0.24980052889304447",
        "4,     1.5,   1.5835620906758643e-5",
    })
    void matchesHighPrecisionQuadrature(double h, double a, double expected) {
        assertThat(OwensT.t(h, a)).isCloseTo(expected, withinPercentage(tolerance(h)));
    }

    /** The relative tolerance, as a percentage. */
    private static double tolerance(double h) {
        return 100 * (1e-13 + 2e-15 * h * h);
    }

    @Test
    void closedForms() {
        assertThat(OwensT.t(1.7, 0)).isZero();
        assertThat(OwensT.t(0, 1)).isEqualTo(Math.atan(1) / (2 * Math.PI)); // 1/8
        assertThat(OwensT.t(0, 3.5)).isEqualTo(Math.atan(3.5) / (2 * Math.PI));
        assertThat(OwensT.t(0, Double.POSITIVE_INFINITY)).isEqualTo(0.25);
        assertThat(OwensT.t(2, Double.POSITIVE_INFINITY))
                .isCloseTo(StandardNormal.cdf(-2) / 2, withinPercentage(1e-12));
        assertThat(OwensT.t(Double.POSITIVE_INFINITY, 2)).isZero();
        assertThat(OwensT.t(Double.NaN, 1)).isNaN();
        assertThat(OwensT.t(1, Double.NaN)).isNaN();
    }

    @Property(tries = 200)
    void atZeroHItIsTheArcTangent(@ForAll @DoubleRange(min = -1e3, max = 1e3) double a) {
        assertThat(OwensT.t(0, a)).isCloseTo(Math.atan(a) / (2 * Math.PI), withinPercentage(1e-12));
    }

    @Property(tries = 200)
    void atAOneItIsHalfPhiTimesQ(@ForAll @DoubleRange(min = 0, max = 30) double h) {
        // T(h, 1) = Phi(h) (1 - Phi(h)) / 2
        double expected = 0.5 * StandardNormal.cdf(h) * StandardNormal.cdf(-h);
        assertThat(OwensT.t(h, 1)).isCloseTo(expected, withinPercentage(tolerance(h)));
    }

    @Property(tries = 200)
    void evenInHOddInA(
            @ForAll @DoubleRange(min = -10, max = 10) double h, @ForAll @DoubleRange(min = -50, max = 50) double a) {
        double t = OwensT.t(h, a);
        assertThat(OwensT.t(-h, a)).isEqualTo(t);
        assertThat(OwensT.t(h, -a)).isEqualTo(-t);
        // |T(h, a)| <= atan(|a|) / 2 pi, with equality only at h = 0
        assertThat(Math.abs(t)).isLessThanOrEqualTo(Math.atan(Math.abs(a)) / (2 * Math.PI) * (1 + 1e-15));
    }

    @Property(tries = 100)
    void matchesAdaptiveSimpsonOfTheIntegral(
            @ForAll @DoubleRange(min = 0, max = 6) double h, @ForAll @DoubleRange(min = 0, max = 25) double a) {
        double expected = Quadrature.simpson(x -> Math.exp(-0.5 * h * h * (1 + x * x)) / (1 + x * x), 0, a, 1e-12)
                / (2 * Math.PI);
        double actual = OwensT.t(h, a);
        assertThat(actual).isCloseTo(expected, withinPercentage(1e-7));
    }
}
