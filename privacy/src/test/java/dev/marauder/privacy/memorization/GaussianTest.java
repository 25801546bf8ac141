package dev.marauder.privacy.memorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The normal distribution function against 20-digit values from mpmath ({@code mp.ncdf} at 40
 * digits). Tolerance 1e-12 relative (1e-10 %): the implementation reaches about 1e-15; the margin
 * is for platform differences in {@code Math.exp} and {@code Math.log}.
 */
class GaussianTest {
    @ParameterizedTest
    @CsvSource({
        "-40, 3.6558935409150297037e-350, -804.60844201375378817",
        "-20, 2.7536241186062336951e-89,  -203.91715537109726394",
        "-5,  2.8665157187919391167e-7,   -15.064998393988725736",
        "-1,  0.15865525393145705141,     -1.8410216450092635058",
        "0,   0.5,                        -0.69314718055994530942",
        "0.5, 0.69146246127401310364,     -0.36894641528865639307",
        "3,   0.99865010196836990547,     -0.0013508099647481937988",
        "10,  1.0,                        -7.6198530241605260704e-24",
    })
    void cdfAndItsLogarithm(double x, double cdf, double logCdf) {
        if (cdf > Double.MIN_NORMAL) {
            assertThat(Gaussian.cdf(x)).isCloseTo(cdf, withinPercentage(1e-10));
        } else {
            assertThat(Gaussian.cdf(x)).isZero(); // below the smallest double
        }
        assertThat(Gaussian.logCdf(x)).isCloseTo(logCdf, withinPercentage(1e-10));
    }

    @Test
    void pdfOverCdfIsFiniteInTheFarLowerTail() {
        // phi(x)/Phi(x) ~ -x - 1/x + 2/x^3 ... for x -> -infinity
        assertThat(Gaussian.pdfOverCdf(-40)).isCloseTo(40.024968847207264, withinPercentage(1e-10));
        assertThat(Gaussian.pdfOverCdf(-1)).isCloseTo(Gaussian.pdf(-1) / Gaussian.cdf(-1), withinPercentage(1e-12));
        assertThat(Gaussian.pdfOverCdf(0)).isCloseTo(2 / Math.sqrt(2 * Math.PI), withinPercentage(1e-12));
        assertThat(Gaussian.logCdf(Double.NEGATIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
    }
}
