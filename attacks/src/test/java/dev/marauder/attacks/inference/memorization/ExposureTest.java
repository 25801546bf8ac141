package dev.marauder.attacks.inference.memorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.marauder.stats.SkewNormal;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ExposureTest {
    private static final double LOG2_MILLION = Math.log(1e6) / Math.log(2); // 19.9315685693...

    @Test
    void theMostLikelyCanaryOfAMillionHasFullExposure() {
        double[] px = new SplittableRandom(1).doubles(1_000_000, 10, 30).toArray();
        px[123_456] = 9.5; // below every other candidate
        assertThat(Exposure.rank(px, 123_456)).isEqualTo(1);
        assertThat(Exposure.exact(px, 123_456)).isCloseTo(19.931568569324174, within(1e-12));
        assertThat(Exposure.exact(px, 123_456)).isEqualTo(LOG2_MILLION);
        px[123_456] = 31; // above every other candidate
        assertThat(Exposure.exact(px, 123_456)).isZero();
    }

    @Test
    void tiesCountAgainstTheCanary() {
        double[] px = {3, 1, 2, 2, 2, 5};
        assertThat(Exposure.rank(px, 2)).isEqualTo(4); // 1, and the three 2s
        assertThat(Exposure.rank(px, 1)).isEqualTo(1);
        assertThat(Exposure.exact(px, 2)).isCloseTo(Math.log(6.0 / 4) / Math.log(2), within(1e-15));
        // a model that scores every candidate alike exposes nothing
        assertThat(Exposure.exact(new double[1000], 17)).isZero();
        assertThat(Exposure.fromRank(8, 1024)).isEqualTo(7);
    }

    @Property(tries = 200)
    void exposureFallsAsTheRankRises(@ForAll @LongRange(min = 1, max = 1_000_000) long rank) {
        double e = Exposure.fromRank(rank, 1_000_000);
        assertThat(e).isBetween(0.0, LOG2_MILLION);
        assertThat(Exposure.fromRank(Math.min(rank + 1, 1_000_000), 1_000_000)).isLessThanOrEqualTo(e);
        // rank r of n: 2^-exposure = r / n
        assertThat(Math.pow(2, -e)).isCloseTo(rank / 1e6, within(1e-12));
    }

    @Property(tries = 50)
    void rankIsOnePlusTheOthersAtOrBelow(
            @ForAll @IntRange(min = 1, max = 300) int n, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] px = random.ints(n, 0, 20).asDoubleStream().toArray(); // many ties
        int canary = random.nextInt(n);
        double[] sorted = px.clone();
        Arrays.sort(sorted);
        int atOrBelow = 0;
        while (atOrBelow < n && sorted[atOrBelow] <= px[canary]) {
            atOrBelow++;
        }
        assertThat(Exposure.rank(px, canary)).isEqualTo(atOrBelow);
    }

    /**
     * A million candidates with log-perplexities drawn from a skew-normal, the canary at ranks
     * 1000, 100 and 10 (exact exposure 9.97, 13.29 and 16.61 bits). Tolerances from 50 seeds:
     * <ul>
     *   <li>with the true distribution, the extrapolation differs from the exact exposure only by
     *       the draw's noise in the rank of the k-th smallest (relative deviation about
     *       {@code 1/sqrt(k)}): at most 0.08 and 0.35 bits at ranks 1000 and 100 over 50 seeds,
     *       tested within 0.15 and 0.5;</li>
     *   <li>with a maximum-likelihood fit to 10,000 sampled candidates, the fit's own error in the
     *       lower tail adds to that, unbiased (median within 0.03 bits) but at most 0.54, 1.06 and
     *       1.87 bits away over 50 seeds, tested within 0.6, 1.2 and 2.</li>
     * </ul>
     * Either still catches a wrong distribution function, logarithm base or sign, each off by
     * several bits.
     */
    @Test
    void extrapolatedExposureAgreesWithTheExactOne() {
        SkewNormal model = new SkewNormal(60, 8, 3); // a longer right tail, as for log-perplexities
        SplittableRandom random = new SplittableRandom(2019);
        double[] px = model.sample(random, 1_000_000);
        double[] sorted = px.clone();
        Arrays.sort(sorted);
        double[] sample = new double[10_000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = px[random.nextInt(px.length)];
        }
        SkewNormal fitted = SkewNormal.fit(sample);
        int[] ranks = {1000, 100, 10};
        double[] trueTolerance = {0.15, 0.5, Double.NaN};
        double[] fitTolerance = {0.6, 1.2, 2};
        for (int k = 0; k < ranks.length; k++) {
            double canary = sorted[ranks[k] - 1];
            int index = indexOf(px, canary);
            double exact = Exposure.exact(px, index);
            assertThat(exact).isCloseTo(LOG2_MILLION - Math.log(ranks[k]) / Math.log(2), within(1e-12));
            if (k < 2) {
                assertThat(Exposure.extrapolated(canary, model))
                        .as("true model, rank %d", ranks[k])
                        .isCloseTo(exact, within(trueTolerance[k]));
            }
            assertThat(Exposure.extrapolated(canary, fitted))
                    .as("fit, rank %d", ranks[k])
                    .isCloseTo(exact, within(fitTolerance[k]));
            assertThat(Exposure.extrapolated(canary, sample)).isEqualTo(Exposure.extrapolated(canary, fitted));
        }
        // beyond the most likely candidate the extrapolation keeps rising past log2 |R|
        assertThat(Exposure.extrapolated(sorted[0] - 10, fitted)).isGreaterThan(LOG2_MILLION + 10);
        // a canary at the median candidate has exposure 1 bit
        assertThat(Exposure.extrapolated(sorted[500_000], fitted)).isCloseTo(1, within(0.05));
        assertThat(Exposure.extrapolated(1e6, fitted)).isZero();
    }

    private static int indexOf(double[] values, double v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        throw new AssertionError(v + " not found");
    }

    @Test
    void badInputsAreRejected() {
        assertThatThrownBy(() -> Exposure.rank(new double[0], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no candidate log-perplexities");
        assertThatThrownBy(() -> Exposure.rank(new double[3], 3)).hasMessage("canary index 3 is outside 0..2");
        assertThatThrownBy(() -> Exposure.exact(new double[] {1, Double.NaN}, 0))
                .hasMessage("log-perplexity of candidate 1 is NaN");
        assertThatThrownBy(() -> Exposure.fromRank(0, 10)).hasMessage("rank 0 is outside 1..10");
        assertThatThrownBy(() -> Exposure.fromRank(11, 10)).hasMessage("rank 11 is outside 1..10");
        assertThatThrownBy(() -> Exposure.fromRank(1, 0))
                .hasMessage("the space of candidates must hold at least 1, got 0");
        assertThatThrownBy(() -> Exposure.extrapolated(Double.NaN, new SkewNormal(0, 1, 0)))
                .hasMessage("canary log-perplexity is NaN");
        assertThatThrownBy(() -> Exposure.extrapolated(1, new double[] {1, 1, 1}))
                .hasMessage("all 3 values of the sample equal 1.0; a skew-normal fit needs spread");
    }
}
