package dev.marauder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Clopper-Pearson intervals against reference values, computed two independent ways: mpmath 1.3
 * at 50 digits (bisection on the exact binomial tail) and SciPy 1.17.1
 * ({@code scipy.stats.beta.ppf(alpha / 2, k, n - k + 1)} and {@code beta.ppf(1 - alpha / 2, k + 1,
 * n - k)}), which agree to 1e-15; the mpmath digits are pinned. Tolerance 1e-13 relative on each
 * end and on its distance to 1 (the implementation reaches a few ulps).
 */
class ClopperPearsonTest {
    @ParameterizedTest
    @CsvSource({
        // k, n, confidence, lower, upper
        "5,     10,     0.95,  0.18708602844739857217,    0.81291397155260142783",
        "0,     10,     0.95,  0.0,                       0.30849710781876076249",
        "10,    10,     0.95,  0.69150289218123923751,    1.0",
        "1,     2,      0.95,  0.012579117093425060372,   0.98742088290657493963",
        "17,    40,     0.9,   0.29184657878614499579,    0.56686091071632338847",
        "1,     1000,   0.95,  0.000025317487491294065907, 0.0055589242798266718285",
        "999,   1000,   0.95,  0.99444107572017332817,    0.99997468251250870593",
        "3,     100000, 0.99,  3.3786619663850132304e-6,  0.00010977039641065204196",
        "50000, 100000, 0.95,  0.49689606249180039767,    0.50310393750819960233",
        "990,   1000,   0.999, 0.97493656685836728451,    0.99729242440083498517",
    })
    void twoSidedIntervalMatchesReferenceValues(int k, int n, double confidence, double lower, double upper) {
        ClopperPearson.Interval interval = ClopperPearson.interval(k, n, confidence);
        assertThat(interval.lower()).isCloseTo(lower, within(1e-13 * lower));
        assertThat(interval.upper()).isCloseTo(upper, within(1e-13 * upper));
        assertThat(interval.confidence()).isEqualTo(confidence);
        // the complements, used by the audits, are as precise
        double alpha = (1 - confidence) / 2;
        // (1 - lower in double loses digits, so compare with the mirrored interval, which is exact
        // by symmetry, and with 1 - lower to the precision of that subtraction)
        ClopperPearson.Interval mirrored = ClopperPearson.interval(n - k, n, confidence);
        assertThat(ClopperPearson.lower(k, n, alpha).oneMinusX())
                .isEqualTo(mirrored.upper())
                .isCloseTo(1 - lower, within(2e-16));
        assertThat(ClopperPearson.upper(k, n, alpha).oneMinusX())
                .isEqualTo(mirrored.lower())
                .isCloseTo(1 - upper, within(2e-16));
    }

    @Test
    void closedFormsAtTheEdges() {
        // k = 0: upper = 1 - alpha^(1/n); k = n: lower = alpha^(1/n) (one-sided at level 1 - alpha)
        for (int n : new int[] {1, 7, 100, 12345, 1_000_000}) {
            assertThat(ClopperPearson.upperBound(0, n, 0.95))
                    .isCloseTo(-Math.expm1(Math.log(0.05) / n), within(1e-14 * ClopperPearson.upperBound(0, n, 0.95)));
            assertThat(ClopperPearson.lowerBound(n, n, 0.95)).isCloseTo(Math.exp(Math.log(0.05) / n), within(1e-15));
            // 2e-14 relative: about 50 ulps of the tiny 1 - x, through log-gamma (Commons Numbers) and a
            // Newton iteration on log I
            assertThat(ClopperPearson.lower(n, n, 0.05).oneMinusX())
                    .isCloseTo(-Math.expm1(Math.log(0.05) / n), within(2e-14 * -Math.expm1(Math.log(0.05) / n)));
            assertThat(ClopperPearson.lowerBound(0, n, 0.95)).isZero();
            assertThat(ClopperPearson.upperBound(n, n, 0.95)).isEqualTo(1.0);
        }
        // mpmath: 0.05^(1/10^6) = 0.99999700427221364746
        assertThat(ClopperPearson.lowerBound(1_000_000, 1_000_000, 0.95))
                .isCloseTo(0.99999700427221364746, within(1e-16));
    }

    @Property(tries = 100)
    void boundsBracketTheEstimateAndWidenWithConfidence(
            @ForAll @IntRange(min = 1, max = 5000) int n,
            @ForAll @DoubleRange(min = 0, max = 1) double share,
            @ForAll @DoubleRange(min = 0.5, max = 0.999) @Scale(3) double c) {
        int k = (int) Math.round(share * n);
        double estimate = (double) k / n;
        ClopperPearson.Interval narrow = ClopperPearson.interval(k, n, c);
        ClopperPearson.Interval wide = ClopperPearson.interval(k, n, 1 - (1 - c) / 2);
        assertThat(narrow.lower()).isLessThanOrEqualTo(estimate);
        assertThat(narrow.upper()).isGreaterThanOrEqualTo(estimate);
        assertThat(wide.lower()).isLessThanOrEqualTo(narrow.lower());
        assertThat(wide.upper()).isGreaterThanOrEqualTo(narrow.upper());
        // symmetry: the interval for n - k failures mirrors the one for k successes
        ClopperPearson.Interval mirrored = ClopperPearson.interval(n - k, n, c);
        assertThat(mirrored.lower()).isCloseTo(1 - narrow.upper(), within(1e-14));
        assertThat(mirrored.upper()).isCloseTo(1 - narrow.lower(), within(1e-14));
    }

    @Test
    void coverageIsAtLeastTheConfidence() {
        // 2000 simulated Binomial(200, 0.3) counts, seed fixed: the two-sided 90% interval misses
        // 0.3 in at most 10% of them. The exact miss rate at these parameters is 7.56% (summed over
        // all k; the intervals are conservative), so 10% is 4 standard errors (0.59%) away.
        SplittableRandom random = new SplittableRandom(20240601L);
        int misses = 0;
        int trials = 2000;
        for (int t = 0; t < trials; t++) {
            int k = 0;
            for (int i = 0; i < 200; i++) {
                if (random.nextDouble() < 0.3) {
                    k++;
                }
            }
            ClopperPearson.Interval interval = ClopperPearson.interval(k, 200, 0.9);
            if (!(interval.lower() <= 0.3 && 0.3 <= interval.upper())) {
                misses++;
            }
        }
        assertThat((double) misses / trials).isLessThanOrEqualTo(0.10);
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> ClopperPearson.interval(3, 2, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3");
        assertThatThrownBy(() -> ClopperPearson.interval(0, 0, 0.95)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClopperPearson.lowerBound(1, 2, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("confidence");
        assertThatThrownBy(() -> ClopperPearson.upperBound(-1, 2, 0.9)).isInstanceOf(IllegalArgumentException.class);
    }
}
