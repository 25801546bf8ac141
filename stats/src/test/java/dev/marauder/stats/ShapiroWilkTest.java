package dev.marauder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shapiro-Wilk against SciPy 1.17.1 ({@code scipy.stats.shapiro}) on normal, uniform and
 * exponential samples of 3 to 5000 values. The samples come from SplitMix64, re-implemented here
 * bit for bit from {@code scripts/reference/shapiro_wilk.py}, which wrote
 * {@code shapiro_wilk_reference.csv}; the CSV's sum of each sample checks that both sides drew the
 * same one. Tolerances: W to 2e-9 relative and p to 1e-6 relative (the largest differences
 * measured are 8e-10 and 6e-7, at n = 500 and 5000). For n = 3, where the coefficients are exact,
 * both agree to an ulp; for larger n the differences of about 1e-10 in W are those of the
 * expected normal order statistics {@code m_i}, which are full double precision here and, as far
 * as we can tell, come from a 7-digit normal quantile in SciPy's port of AS R94. p differs more
 * where W is close to 1, since it depends on {@code log(1 - W)}.
 */
class ShapiroWilkTest {
    record Reference(String distribution, int n, long seed, double sum, double w, double p) {}

    static Stream<Reference> references() throws IOException {
        List<Reference> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(ShapiroWilkTest.class.getResourceAsStream("shapiro_wilk_reference.csv")),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("#") || line.startsWith("distribution")) {
                    continue;
                }
                String[] f = line.split(",");
                out.add(new Reference(
                        f[0],
                        Integer.parseInt(f[1]),
                        Long.parseLong(f[2]),
                        Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]),
                        Double.parseDouble(f[5])));
            }
        }
        assertThat(out).hasSize(33);
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("references")
    void matchesScipy(Reference r) {
        double[] x = sample(r.distribution(), r.n(), r.seed());
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        assertThat(sum).as("the sample SciPy tested").isCloseTo(r.sum(), within(1e-12 * (1 + Math.abs(r.sum()))));
        double[] copy = x.clone();
        ShapiroWilk.Result result = ShapiroWilk.test(x);
        assertThat(x).as("the caller's array").containsExactly(copy);
        assertThat(result.n()).isEqualTo(r.n());
        assertThat(result.w()).as("W").isCloseTo(r.w(), within(2e-9 * r.w()));
        assertThat(result.pValue()).as("p").isCloseTo(r.p(), within(1e-6 * r.p()));
    }

    @Test
    void threeValuesHaveTheExactDistribution() {
        // equally spaced: W = 1, p = 1; one value far out: W -> 3/4, p -> 0
        ShapiroWilk.Result spaced = ShapiroWilk.test(new double[] {1, 2, 3});
        assertThat(spaced.w()).isCloseTo(1, within(1e-15));
        assertThat(spaced.pValue()).isCloseTo(1, within(1e-7));
        ShapiroWilk.Result skewed = ShapiroWilk.test(new double[] {0, 0, 1});
        assertThat(skewed.w()).isCloseTo(0.75, within(1e-15));
        assertThat(skewed.pValue()).isCloseTo(0, within(1e-7));
    }

    @Test
    void refusesSamplesItCannotTest() {
        assertThatThrownBy(() -> ShapiroWilk.test(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShapiroWilk.test(new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 2");
        assertThatThrownBy(() -> ShapiroWilk.test(new double[5001]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 5001");
        assertThatThrownBy(() -> ShapiroWilk.test(new double[] {1, Double.NaN, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> ShapiroWilk.test(new double[] {1, 2, Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> ShapiroWilk.test(new double[] {4, 4, 4, 4}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("distinct");
    }

    @Property(tries = 200)
    void statisticIsInTheUnitIntervalAndInvariantToShiftAndScale(
            @ForAll @IntRange(min = 3, max = 300) int n,
            @ForAll @LongRange(min = 1, max = 1_000_000) long seed,
            @ForAll @DoubleRange(min = -1e3, max = 1e3) double shift,
            @ForAll @DoubleRange(min = -3, max = 3) double log10Scale) {
        double scale = Math.pow(10, log10Scale);
        double[] x = sample(seed % 3 == 0 ? "normal" : seed % 3 == 1 ? "uniform" : "exponential", n, seed);
        double[] moved = new double[n];
        for (int i = 0; i < n; i++) {
            moved[i] = shift + scale * x[i];
        }
        ShapiroWilk.Result original = ShapiroWilk.test(x);
        ShapiroWilk.Result transformed = ShapiroWilk.test(moved);
        assertThat(original.w()).isGreaterThan(0).isLessThanOrEqualTo(1);
        assertThat(original.pValue()).isBetween(0.0, 1.0);
        // the affine map rounds each value once; 1e-9 covers that at the extreme shift/scale ratios
        assertThat(transformed.w()).isCloseTo(original.w(), within(1e-9));
        assertThat(transformed.pValue()).isCloseTo(original.pValue(), within(1e-6));
    }

    /** The samples of {@code shapiro_wilk.py}, drawn from SplitMix64 the same way. */
    static double[] sample(String distribution, int n, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (distribution) {
                case "uniform" -> rng.uniform();
                case "exponential" -> -Math.log(1 - rng.uniform());
                case "normal" -> {
                    double u1 = rng.uniform();
                    double u2 = rng.uniform();
                    yield Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
                }
                default -> throw new IllegalArgumentException(distribution);
            };
        }
        return x;
    }

    /** Steele, Lea and Flood (2014), "Fast splittable pseudorandom number generators", OOPSLA. */
    static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            this.state = seed;
        }

        long next() {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        double uniform() {
            return (next() >>> 11) * 0x1p-53;
        }
    }
}
