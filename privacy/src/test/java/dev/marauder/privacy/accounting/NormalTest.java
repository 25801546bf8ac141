package dev.marauder.privacy.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The normal tails against 20-digit values from mpmath 1.3 ({@code mp.erfc}, {@code mp.ncdf} at
 * 40 digits). Tolerance 1e-12 relative (printed as a percentage: 1e-10 %): the implementation
 * reaches about 1e-15, except {@code 1 - erf} just below 1.5 (1e-14); 1e-12 leaves room for
 * platform differences in {@code Math.exp} while still catching any wrong term or coefficient.
 */
class NormalTest {
    @ParameterizedTest
    @CsvSource({
        "0.1,    0.8875370839817151016,     -0.11930497373739560532",
        "0.5,    0.47950012218695346232,    -0.73501112983708440303",
        "1.0,    0.15729920705028513066,    -1.8496055099332482486",
        "1.4999, 0.033906748337704729378,   -3.3841412183977522876",
        "1.5,    0.033894853524689272933,   -3.3844920895515527203",
        "1.6,    0.023651616655355992226,   -3.7443238088601259666",
        "2,      0.0046777349810472658379,  -5.3649412646166375745",
        "2.37,   0.00080321021637361909789, -7.1268940895190334412",
        "3,      0.000022090496998585441373, -10.720363041981112568",
        "4.1,    6.7000276540848983727e-9,  -18.821154183082650817",
        "5,      1.5374597944280348502e-12, -27.200889545537434422",
        "6.99,   4.8188138599497818728e-23, -51.386929328232300504",
        "7.999,  1.1406723309454360042e-29, -66.643349844276129179",
        "8.0,    1.122429717298292708e-29,  -66.65947197080516149",
        "10,     2.088487583762544757e-45,  -102.87988902484488857",
        "20,     5.3958656116079009289e-176, -403.56934333410423496",
        "26,     5.6631924088561428465e-296, -679.83119976319423026",
    })
    void erfcAndItsLogarithm(double y, double erfc, double logErfc) {
        assertThat(Normal.erfc(y)).isCloseTo(erfc, withinPercentage(1e-10));
        assertThat(Normal.logErfc(y)).isCloseTo(logErfc, withinPercentage(1e-10));
    }

    @Test
    void logErfcStaysFiniteWhereErfcUnderflows() {
        assertThat(Normal.erfc(30)).isZero();
        assertThat(Normal.logErfc(30)).isCloseTo(-903.97411711064387808, withinPercentage(1e-10));
        assertThat(Normal.logErfc(100)).isCloseTo(-10005.177585122664333, withinPercentage(1e-10));
        assertThat(Normal.erfc(0)).isEqualTo(1.0);
    }

    @ParameterizedTest
    @CsvSource({
        "-40, 3.6558935409150297037e-350, -804.60844201375378817",
        "-10, 7.619853024160526066e-24,   -53.231285150512470578",
        "-3,  0.0013498980316300945267,   -6.6077262215103495433",
        "-1,  0.15865525393145705141,     -1.8410216450092635058",
        "0,   0.5,                        -0.69314718055994530942",
        "0.5, 0.69146246127401310364,     -0.36894641528865639307",
        "3,   0.99865010196836990547,     -0.0013508099647481937988",
        "8,   0.9999999999999993779,      -6.2209605742717860585e-16",
        "10,  1.0,                        -7.6198530241605260704e-24",
    })
    void cdfAndLogCdf(double x, double cdf, double logCdf) {
        assertThat(Normal.cdf(x)).isCloseTo(cdf, withinPercentage(1e-10));
        assertThat(Normal.logCdf(x)).isCloseTo(logCdf, withinPercentage(1e-10));
        assertThat(Normal.sf(-x)).isEqualTo(Normal.cdf(x));
    }

    @Test
    void intervalMassesHaveNoCancellationInTheTails() {
        // mpmath: ncdf(10.001) - ncdf(10) = 7.65625228405795e-26, where 1 - cdf would give 0
        assertThat(Normal.mass(10, 10.001)).isCloseTo(7.65625228405795e-26, withinPercentage(1e-8));
        assertThat(Normal.mass(-10.001, -10)).isEqualTo(Normal.mass(10, 10.001));
        assertThat(Normal.mass(-1, 1)).isCloseTo(0.68268949213708589717, withinPercentage(1e-10));
        assertThat(Normal.mass(1, -1)).isZero();
    }

    @Test
    void rejectsNegativeArguments() {
        assertThatThrownBy(() -> Normal.erfc(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Normal.logErfc(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
