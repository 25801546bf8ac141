package dev.marauder.privacy.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The log normal distribution function against mpmath 1.3 at 40 digits
 * ({@code mp.log(mp.ncdf(x))} and {@code mp.log(c) - mp.log(1 - c)}). Tolerance 1e-12 relative
 * (at least 1e-15 absolute), which the series near 2 and the continued fraction both meet and a
 * wrong term would not.
 */
class StandardNormalTest {
    @ParameterizedTest
    @CsvSource({
        "-40,    -804.60844201375378817,  -804.60844201375378817",
        "-20,    -203.91715537109726394,  -203.91715537109726394",
        "-8.5,   -39.197396428217669289,  -39.197396428217669279",
        "-5,     -15.064998393988725736,  -15.064998107337112772",
        "-3,     -6.6077262215103495433,  -6.6063754115456013495",
        "-2.83,  -6.0630034254651945831,  -6.0606733126529053981",
        "-2.5,   -5.0816482772786904984,  -5.075419251792830496",
        "-1.4142, -2.5427273827509199642, -2.4608103594844176793",
        "-1,     -1.8410216450092635058,  -1.6682678659858136162",
        "-0.3,   -0.96210281816885065666, -0.48069265658036945149",
        "0,      -0.69314718055994530942, 0.0",
        "0.3,    -0.48141016158848120517, 0.48069265658036945149",
        "1,      -0.17275377902344988953, 1.6682678659858136162",
        "2.83,   -0.0023301128122891850793, 6.0606733126529053981",
        "5,      -2.8665161296376359338e-7, 15.064998107337112772",
        "8.5,    -9.4795348222033183991e-18, 39.197396428217669279",
    })
    void matchesMpmath(double x, double logCdf, double logOdds) {
        assertThat(StandardNormal.logCdf(x)).isCloseTo(logCdf, within(Math.max(1e-15, 1e-12 * Math.abs(logCdf))));
        assertThat(StandardNormal.logOdds(x)).isCloseTo(logOdds, within(Math.max(1e-15, 1e-12 * Math.abs(logOdds))));
    }

    @Property(tries = 200)
    void logOddsIsOddAndIncreasing(@ForAll @DoubleRange(min = -50, max = 50) double x) {
        assertThat(StandardNormal.logOdds(-x)).isEqualTo(-StandardNormal.logOdds(x));
        assertThat(StandardNormal.logOdds(x + 1e-3)).isGreaterThan(StandardNormal.logOdds(x));
    }
}
