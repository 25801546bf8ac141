package dev.marauder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Log-gamma, log-beta and the regularized incomplete beta function against mpmath 1.3 at 40
 * digits ({@code mp.loggamma}, {@code mp.log(mp.beta(a, b))}, {@code mp.betainc(a, b, 0, x,
 * regularized=True)}; for parameters in the hundred thousands, where mpmath's hypergeometric
 * series gives up, the exact binomial sum {@code I_x(a, b) = P[Binomial(a + b - 1, x) >= a]} at 50
 * digits). Tolerances: 1e-13 absolute for log-gamma (its error is absolute, about 1e-15) and
 * 1e-12 relative elsewhere, which leaves room for platform differences in {@code Math.log} yet
 * catches any wrong term.
 */
class IncompleteBetaTest {
    @ParameterizedTest
    @CsvSource({
        "0.5,    0.57236494292470008707",
        "1,      0.0",
        "2,      0.0",
        "3.5,    1.2009736023470742248",
        "9.999,  12.799575780077412467",
        "10,     12.801827480081469611",
        "0.001,  6.9071788853838536825",
        "123.4,  469.33609744219055844",
        "1e6,    12815504.56914761166",
        "1e-300, 690.77552789821370521",
    })
    void logGamma(double x, double expected) {
        assertThat(IncompleteBeta.logGamma(x)).isCloseTo(expected, within(1e-13 * Math.max(1, Math.abs(expected))));
    }

    @ParameterizedTest
    @CsvSource({
        "1e5,  2e5,   -190958.88527911684967",
        "0.5,  0.5,   1.1447298858494001741",
        "3,    1e6,   -40.753387493330377006",
        "12.5, 7.25,  -12.812329327932779412",
        "1,    1,     0.0",
    })
    void logBeta(double a, double b, double expected) {
        assertThat(IncompleteBeta.logBeta(a, b)).isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
        assertThat(IncompleteBeta.logBeta(b, a)).isEqualTo(IncompleteBeta.logBeta(a, b));
    }

    @ParameterizedTest
    @CsvSource({
        // x, a, b, I_x(a, b), log I_x(a, b)
        "0.3,    2,      5,      0.579825,                  -0.5450289451074889094",
        "0.01,   50,     50,     3.1130219337164220049e-72, -164.65053275829133899",
        "0.5,    1e5,    1e5,    0.5,                       -0.69314718055994530942",
        "0.9,    3,      4,      0.99873,                   -0.0012708071334453564033",
        "0.4999, 100000, 100001, 0.46525358117815868683,    -0.76517268616933947079",
        "0.2,    0.5,    3.5,    0.77254718194023687815,    -0.25806219513006674704",
        "1e-7,   1,      1e6,    0.095162586488227807318,   -2.3521684135024291646",
        // a >= 10 b with a whole b: the finite binomial sum, here with a fractional a
        "0.993,  1234.567, 7,    0.2361497801984558023145,  -1.443289013411327850501",
        "0.9962, 5000.25,  20,   0.5539294549855860595849,  -0.5907179379141143712503",
    })
    void regularizedIncompleteBeta(double x, double a, double b, double expected, double expectedLog) {
        assertThat(IncompleteBeta.regularized(x, a, b)).isCloseTo(expected, withinPercentage(1e-10));
        assertThat(IncompleteBeta.logRegularized(x, 1 - x, a, b))
                .isCloseTo(expectedLog, within(1e-12 * Math.max(1, Math.abs(expectedLog))));
    }

    @ParameterizedTest
    @CsvSource({
        // x, a, b, log I_x(a, b): 22 of 300 random points (parameters 0.5 to 10^6, x within 8
        // standard deviations of the mean; the first eight are the hardest ones, most with
        // a >> b near the mean). Reference: mpmath betainc at 40 digits for non-integer
        // parameters, the exact binomial sum for integer ones. Over all 300 the largest error is
        // 6e-13 (the fourth row), hence 1e-12 absolute.
        "0.9948873891156691, 24868.0, 76.0, -14.98614293210783905352289",
        "0.9999351058445095, 974900.0, 35.0, -10.10173897620152917947635",
        "2.433990643652996e-05, 63.0, 14061.0, -268.7581697183677625978039",
        "0.9701480029415107, 674479.0, 19819.0, -23.58009576940661117872591",
        "0.9913118353842998, 234440.0, 1857.0, -12.23476018930154114210612",
        "0.9996323778462969, 113322.0, 24.0, -6.743041886963454434761385",
        "0.4743701207257402, 112083.0, 122851.0, -5.465000213610695500414697",
        "0.9998880005259663, 42897.0, 3.0, -1.951346310208597197141043",
        "0.32239861378546814, 6.646463429851754, 47.87863750774783, -0.0002094337073030691992721637",
        "0.7604575146909679, 50547.0, 16501.0, -0.00003609716536302759136893106",
        "0.9995050686531977, 12810.0, 2.0, -4.348291565597929783531986",
        "0.7990828551826223, 28.422557863483004, 4.723107748850168, -1.817544779589364406755213",
        "0.8351033545258797, 1751.0, 439.0, -0.000006646159506031775212694726",
        "0.966038202279734, 19.281128975526748, 2.011389060518237, -0.1598220882826418652493223",
        "0.5669984697174543, 7.783620984711557, 0.5925635843068563, -5.389830663439391627407532",
        "0.04306372922837483, 0.5241319689553329, 11.874751327389186, -0.3956860417725302363919442",
        "0.9610058075346887, 100.26657565379527, 0.6368852573229894, -4.899567755787453864334842",
        "0.7122151400062116, 40.0, 5.0, -6.484489002596934973086459",
        "0.00903665728311713, 15.0, 2318.0, -0.07111461662095104866782942",
        "0.17892736219060135, 35.88692076786098, 65.91874861257882, -10.94137427129813423418459",
        "0.0002792797009364763, 51.0, 222684.0, -0.06735545116966101257415233",
        "0.0007882504319805272, 342.0, 399172.0, -2.681794637083835533405566",
    })
    void logRegularizedOverRandomPoints(double x, double a, double b, double expectedLog) {
        // 1 - x is exact in binary for x >= 1/2 (Sterbenz), and only rounded for x < 1/2
        assertThat(IncompleteBeta.logRegularized(x, 1 - x, a, b)).isCloseTo(expectedLog, within(1e-12));
    }

    @Test
    void logarithmStaysFiniteWhereTheValueUnderflows() {
        // I_x(1, b) = 1 - (1 - x)^b, so at tiny x it is b x (1 - (b - 1) x / 2 + ...)
        assertThat(IncompleteBeta.logRegularized(1e-200, 1, 1, 1e4))
                .isCloseTo(Math.log(1e4) + Math.log(1e-200), within(1e-12));
        // I_x(a, 1) = x^a
        assertThat(IncompleteBeta.logRegularized(1e-3, 1 - 1e-3, 200, 1))
                .isCloseTo(200 * Math.log(1e-3), within(1e-10));
        assertThat(IncompleteBeta.regularized(0, 2, 3)).isZero();
        assertThat(IncompleteBeta.regularized(1, 2, 3)).isEqualTo(1.0);
    }

    @Property(tries = 200)
    void mirrorIdentity(
            @ForAll @DoubleRange(min = 0.01, max = 0.99) double x,
            @ForAll @DoubleRange(min = 0.5, max = 2000) double a,
            @ForAll @DoubleRange(min = 0.5, max = 2000) double b) {
        double sum = IncompleteBeta.regularized(x, a, b) + IncompleteBeta.regularized(1 - x, b, a);
        assertThat(sum).isCloseTo(1.0, within(1e-13));
    }

    @Property(tries = 300)
    void inverseSolvesTheEquation(
            @ForAll @DoubleRange(min = -27.6, max = -0.001) @Scale(4) double logP,
            @ForAll @DoubleRange(min = 0.5, max = 1e5) double a,
            @ForAll @DoubleRange(min = 0.5, max = 1e5) double b) {
        double p = Math.exp(logP);
        IncompleteBeta.Root root = IncompleteBeta.inverse(p, a, b);
        assertThat(root.x() + root.oneMinusX()).isCloseTo(1.0, within(1e-15));
        // the equation holds to the precision the slope allows: |d log I / d log x| * 1e-15 plus rounding
        double logI = IncompleteBeta.logRegularized(root.x(), root.oneMinusX(), a, b);
        double slope =
                Math.exp(IncompleteBeta.logFront(root.x(), root.oneMinusX(), a, b) - Math.log(root.oneMinusX()) - logI);
        assertThat(logI).isCloseTo(Math.log(p), within(1e-12 + 4e-15 * slope * Math.max(1, -Math.log(root.x()))));
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> IncompleteBeta.logGamma(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0");
        assertThatThrownBy(() -> IncompleteBeta.logBeta(-1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IncompleteBeta.inverse(1, 2, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IncompleteBeta.logRegularized(-0.1, 1.1, 2, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
