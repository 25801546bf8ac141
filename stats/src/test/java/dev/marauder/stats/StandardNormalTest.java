package dev.marauder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The standard normal against 20-digit values from mpmath 1.3 at 40 digits ({@code mp.erfc},
 * {@code mp.ncdf}, {@code mp.log(mp.ncdf(x))} and {@code mp.log(c) - mp.log(1 - c)}). Tolerance
 * 1e-12 relative (printed as a percentage: 1e-10 %; at least 1e-15 absolute for the log-odds):
 * the implementation reaches about 1e-15, except {@code 1 - erf} just below 1.5 (1e-14); 1e-12
 * leaves room for platform differences in {@code Math.exp} and {@code Math.log} while still
 * catching any wrong term or coefficient.
 */
class StandardNormalTest {
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
        assertThat(StandardNormal.erfc(y)).isCloseTo(erfc, withinPercentage(1e-10));
        assertThat(StandardNormal.logErfc(y)).isCloseTo(logErfc, withinPercentage(1e-10));
    }

    @Test
    void logErfcStaysFiniteWhereErfcUnderflows() {
        assertThat(StandardNormal.erfc(30)).isZero();
        assertThat(StandardNormal.logErfc(30)).isCloseTo(-903.97411711064387808, withinPercentage(1e-10));
        assertThat(StandardNormal.logErfc(100)).isCloseTo(-10005.177585122664333, withinPercentage(1e-10));
        assertThat(StandardNormal.erfc(0)).isEqualTo(1.0);
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
        assertThat(StandardNormal.cdf(x)).isCloseTo(cdf, withinPercentage(1e-10));
        assertThat(StandardNormal.logCdf(x)).isCloseTo(logCdf, withinPercentage(1e-10));
        assertThat(StandardNormal.sf(-x)).isEqualTo(StandardNormal.cdf(x));
    }

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
    void cdfUnderflowsToZeroWhileLogCdfStaysAccurate(double x, double cdf, double logCdf) {
        if (cdf > Double.MIN_NORMAL) {
            assertThat(StandardNormal.cdf(x)).isCloseTo(cdf, withinPercentage(1e-10));
        } else {
            assertThat(StandardNormal.cdf(x)).isZero(); // below the smallest double
        }
        assertThat(StandardNormal.logCdf(x)).isCloseTo(logCdf, withinPercentage(1e-10));
    }

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
    void logCdfAndLogOdds(double x, double logCdf, double logOdds) {
        assertThat(StandardNormal.logCdf(x)).isCloseTo(logCdf, within(Math.max(1e-15, 1e-12 * Math.abs(logCdf))));
        assertThat(StandardNormal.logOdds(x)).isCloseTo(logOdds, within(Math.max(1e-15, 1e-12 * Math.abs(logOdds))));
    }

    @Property(tries = 200)
    void logOddsIsOddAndIncreasing(@ForAll @DoubleRange(min = -50, max = 50) double x) {
        assertThat(StandardNormal.logOdds(-x)).isEqualTo(-StandardNormal.logOdds(x));
        assertThat(StandardNormal.logOdds(x + 1e-3)).isGreaterThan(StandardNormal.logOdds(x));
    }

    @Test
    void intervalMassesHaveNoCancellationInTheTails() {
        // mpmath: ncdf(10.001) - ncdf(10) = 7.65625228405795e-26, where 1 - cdf would give 0
        assertThat(StandardNormal.mass(10, 10.001)).isCloseTo(7.65625228405795e-26, withinPercentage(1e-8));
        assertThat(StandardNormal.mass(-10.001, -10)).isEqualTo(StandardNormal.mass(10, 10.001));
        assertThat(StandardNormal.mass(-1, 1)).isCloseTo(0.68268949213708589717, withinPercentage(1e-10));
        assertThat(StandardNormal.mass(1, -1)).isZero();
    }

    @Test
    void pdfOverCdfIsFiniteInTheFarLowerTail() {
        // phi(x)/Phi(x) ~ -x - 1/x + 2/x^3 ... for x -> -infinity
        assertThat(StandardNormal.pdfOverCdf(-40)).isCloseTo(40.024968847207264, withinPercentage(1e-10));
        assertThat(StandardNormal.pdfOverCdf(-1))
                .isCloseTo(StandardNormal.pdf(-1) / StandardNormal.cdf(-1), withinPercentage(1e-12));
        assertThat(StandardNormal.pdfOverCdf(0)).isCloseTo(2 / Math.sqrt(2 * Math.PI), withinPercentage(1e-12));
        assertThat(StandardNormal.logCdf(Double.NEGATIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void functionsOfXPropagateNaN() {
        assertThat(StandardNormal.cdf(Double.NaN)).isNaN();
        assertThat(StandardNormal.logCdf(Double.NaN)).isNaN();
        assertThat(StandardNormal.logOdds(Double.NaN)).isNaN();
        assertThat(StandardNormal.pdfOverCdf(Double.NaN)).isNaN();
    }

    @Test
    void rejectsNegativeArguments() {
        assertThatThrownBy(() -> StandardNormal.erfc(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StandardNormal.logErfc(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        // p, Phi^-1(p) from mpmath 1.3 at 50 digits (findroot on log ncdf)
        "1e-300, -37.047096299361199237",
        "1e-20, -9.2623400897984075737",
        "1e-5, -4.2648907939228246285",
        "0.001, -3.0902323061678135415",
        "0.025, -1.9599639845400542355",
        "0.1, -1.281551565544600467",
        "0.3, -0.52440051270804078404",
        "0.4999, -0.00025066283008803509892",
        "0.7, 0.52440051270804078404",
        "0.975, 1.9599639845400542355",
    })
    void quantileMatchesReferenceValues(double p, double expected) {
        // a few ulps, plus near p = 1/2 the conditioning of Phi^-1: the ulp of p (5.6e-17) moves
        // the quantile by 1.4e-16, which is much more than an ulp of a quantile near 0
        assertThat(StandardNormal.quantile(p)).isCloseTo(expected, within(1e-14 * Math.abs(expected) + 2e-16));
    }

    @Property
    void quantileInvertsTheCdf(@ForAll @DoubleRange(min = 0.31, max = 300) double minusLog10P) {
        double p = Math.pow(10, -minusLog10P);
        double x = StandardNormal.quantile(p);
        // an ulp of x moves Phi(x) by x^2 ulps relative (d log Phi / dx is about |x| in the tail)
        assertThat(StandardNormal.cdf(x)).isCloseTo(p, within(p * (1e-14 + 4e-16 * x * x)));
    }

    @Test
    void quantileRejectsProbabilitiesOutsideTheOpenInterval() {
        assertThat(StandardNormal.quantile(0.5)).isZero();
        for (double p : new double[] {0, 1, -0.1, Double.NaN}) {
            assertThatThrownBy(() -> StandardNormal.quantile(p))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(0, 1)");
        }
    }
}
