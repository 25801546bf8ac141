package dev.marauder.stats.dp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one-run audit of Steinke, Nasr and Jagielski 2023: reference values, exact checks, properties, simulations. */
class OneRunAuditTest {
    private static final MathContext CONTEXT = new MathContext(60);

    // ---- reference values ------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
        // m, r, v, delta, confidence, epsilon lower bound.
        // Reference: the paper's p-value (P[Binomial(r, q) >= v] + 2 m delta alpha) evaluated in
        // mpmath 1.3 at 30 digits with exact binomial sums, and 100 bisection steps on epsilon.
        // The authors' own float procedure (p_value_DP_audit / get_eps_audit, 30 bisection steps,
        // SciPy 1.17.1) agrees to its 1e-9 resolution: 5.809068337, 1.630823191, 1.626143480,
        // 3.465376347, 0.7292532390, 0.6761431666, 1.730452769, 0.8065115875, 0.3571259072, 0, 0.
        // Tolerance 1e-11 relative: our bisection stops at 1e-13.
        "1000,   1000, 1000, 0,      0.95, 5.8090683385466123",
        "1000,   100,  90,   0,      0.95, 1.630823192740974",
        "1000,   100,  90,   1e-5,   0.95, 1.6261434806957263",
        "1000,   100,  100,  1e-5,   0.95, 3.4653763478110467",
        "10000,  1000, 700,  1e-5,   0.95, 0.72925323902571201",
        "10000,  1000, 700,  1e-5,   0.99, 0.67614316669526385",
        "1000,   200,  200,  1e-3,   0.95, 1.730452770037419",
        "1000,   200,  150,  1e-4,   0.95, 0.80651158772999154",
        "100000, 5000, 3000, 1e-6,   0.95, 0.35712590727738878",
        "1000,   1000, 500,  1e-5,   0.95, 0",
        "1000,   500,  260,  0,      0.95, 0",
    })
    void matchesTheAuthorsProcedure(int m, int r, int v, double delta, double confidence, double expected) {
        AuditBound bound = OneRunAudit.epsilonLowerBound(m, r, v, delta, confidence);
        assertThat(bound.epsilonLowerBound()).isCloseTo(expected, within(1e-11 * Math.max(1e-3, expected)));
        assertThat(bound)
                .isEqualTo(new AuditBound(bound.epsilonLowerBound(), confidence, delta, m, r, v, AuditBound.ONE_RUN));
    }

    @Test
    void allCorrectWithoutDeltaHasAClosedForm() {
        // v = r: P[Binomial(r, q) >= r] = q^r = beta, so epsilon = logit(beta^(1/r))
        for (int r : new int[] {5, 10, 100, 1000, 100_000}) {
            double q = Math.exp(Math.log(0.05) / r);
            double expected = Math.log(q) - Math.log(-Math.expm1(Math.log(0.05) / r));
            assertThat(OneRunAudit.epsilonLowerBound(r, r, r, 0, 0.95).epsilonLowerBound())
                    .isCloseTo(expected, within(1e-13 * expected));
        }
        // with r = 4 not even all-correct beats chance at 95%: 0.05^(1/4) = 0.47 < 1/2
        assertThat(OneRunAudit.epsilonLowerBound(4, 4, 4, 0, 0.95).epsilonLowerBound())
                .isZero();
    }

    // ---- against direct computation -----------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"20, 18", "60, 45", "100, 90", "150, 150", "200, 130", "200, 199"})
    void pureBoundIsWhereTheExactBinomialTailCrossesBeta(int r, int v) {
        double beta = 0.05;
        double epsilon = OneRunAudit.epsilonLowerBound(1000, r, v, 0, 1 - beta).epsilonLowerBound();
        assertThat(epsilon).isPositive();
        // exact tails (BigDecimal, 60 digits) just below and above the bound straddle beta
        assertThat(exactTail(r, v, epsilon - 1e-9)).isLessThan(beta);
        assertThat(exactTail(r, v, epsilon + 1e-9)).isGreaterThan(beta);
    }

    @ParameterizedTest
    @CsvSource({
        "100, 20,  18,  0.5,  0",
        "100, 20,  18,  2.0,  0",
        "500, 200, 130, 0.3,  0",
        "500, 200, 130, 0.3,  1e-3",
        "100, 60,  50,  1.2,  1e-3",
        "100, 60,  59,  3.0,  5e-3",
        "300, 200, 199, 4.0,  1e-4",
        "300, 200, 150, 0.0,  1e-4",
        "100, 80,  30,  1.0,  1e-3",
    })
    void pValueMatchesADirectSum(int m, int r, int v, double epsilon, double delta) {
        // beta + 2 m delta max_i P[v - i <= B < v] / i, all in exact arithmetic over every i
        BigDecimal q = BigDecimal.valueOf(1 / (1 + Math.exp(-epsilon)));
        BigDecimal tail = BigDecimal.ZERO;
        for (int k = v; k <= r; k++) {
            tail = tail.add(pmf(r, k, q));
        }
        BigDecimal alpha = BigDecimal.ZERO;
        BigDecimal partial = BigDecimal.ZERO;
        for (int i = 1; i <= v; i++) {
            partial = partial.add(pmf(r, v - i, q));
            alpha = alpha.max(partial.divide(BigDecimal.valueOf(i), CONTEXT));
        }
        double expected = Math.min(
                1, tail.add(alpha.multiply(BigDecimal.valueOf(2.0 * m * delta))).doubleValue());
        assertThat(OneRunAudit.pValue(m, r, v, epsilon, delta)).isCloseTo(expected, within(1e-12 * expected));
    }

    @Test
    void logPValueStaysFiniteWhereThePValueUnderflows() {
        // v = r = 2000 at epsilon = 0: P = 2^-2000, log = -2000 log 2
        assertThat(OneRunAudit.pValue(2000, 2000, 2000, 0, 0)).isZero();
        assertThat(OneRunAudit.logPValue(2000, 2000, 2000, 0, 0)).isCloseTo(-2000 * Math.log(2), within(1e-9));
        assertThat(OneRunAudit.logPValue(2000, 2000, 0, 5, 0)).isZero();
    }

    // ---- properties ----------------------------------------------------------------------

    @Property(tries = 80)
    void moreCorrectGuessesNeverLowerTheBound(
            @ForAll @IntRange(min = 1, max = 400) int r,
            @ForAll @DoubleRange(min = 0.5, max = 1) double share,
            @ForAll @IntRange(min = 1, max = 5) int more,
            @ForAll("deltas") double delta) {
        int v = (int) Math.round(share * r);
        Assume.that(v + more <= r);
        int m = 1000; // 2 m delta <= 1 for every delta drawn
        assertThat(OneRunAudit.epsilonLowerBound(m, r, v + more, delta, 0.95).epsilonLowerBound())
                .isGreaterThanOrEqualTo(
                        OneRunAudit.epsilonLowerBound(m, r, v, delta, 0.95).epsilonLowerBound());
    }

    @Property(tries = 80)
    void moreConfidenceNeverRaisesTheBound(
            @ForAll @IntRange(min = 1, max = 400) int r,
            @ForAll @DoubleRange(min = 0.5, max = 1) double share,
            @ForAll @DoubleRange(min = 0.5, max = 0.99) double confidence,
            @ForAll("deltas") double delta) {
        int v = (int) Math.round(share * r);
        double lower =
                OneRunAudit.epsilonLowerBound(1000, r, v, delta, confidence).epsilonLowerBound();
        double higher = OneRunAudit.epsilonLowerBound(1000, r, v, delta, 1 - (1 - confidence) / 10)
                .epsilonLowerBound();
        assertThat(higher).isLessThanOrEqualTo(lower);
    }

    @Property(tries = 80)
    void deltaOnlyLowersTheBoundAndTheBoundIsTight(
            @ForAll @IntRange(min = 10, max = 400) int r,
            @ForAll @DoubleRange(min = 0.6, max = 1) double share,
            @ForAll("deltas") double delta) {
        int v = (int) Math.round(share * r);
        int m = 1000;
        double pure = OneRunAudit.epsilonLowerBound(m, r, v, 0, 0.95).epsilonLowerBound();
        double approx = OneRunAudit.epsilonLowerBound(m, r, v, delta, 0.95).epsilonLowerBound();
        assertThat(approx).isLessThanOrEqualTo(pure);
        if (approx > 0) {
            // the p-value is at most beta at the bound and above it just beyond
            assertThat(OneRunAudit.pValue(m, r, v, approx, delta)).isLessThanOrEqualTo(0.05 * (1 + 1e-12));
            assertThat(OneRunAudit.pValue(m, r, v, approx * (1 + 1e-9) + 1e-12, delta))
                    .isGreaterThan(0.05);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Double> deltas() {
        return net.jqwik.api.Arbitraries.of(0.0, 1e-8, 1e-5, 1e-4, 5e-4);
    }

    @Test
    void guessesAtChanceGiveZero() {
        for (int r : new int[] {2, 10, 100, 1000, 10_000}) {
            for (double delta : new double[] {0, 1e-5}) {
                assertThat(OneRunAudit.epsilonLowerBound(20_000, r, r / 2, delta, 0.95)
                                .epsilonLowerBound())
                        .isZero();
                assertThat(OneRunAudit.epsilonLowerBound(20_000, r, 0, delta, 0.95)
                                .epsilonLowerBound())
                        .isZero();
            }
        }
        assertThat(OneRunAudit.epsilonLowerBound(10, 0, 0, 0, 0.95).epsilonLowerBound())
                .isZero();
    }

    @Test
    void allCorrectBoundGrowsWithTheNumberOfGuesses() {
        for (double delta : new double[] {0, 1e-6, 1e-5}) {
            double previous = 0;
            for (int r : new int[] {10, 30, 100, 300, 1000, 3000, 10_000, 30_000}) {
                double bound =
                        OneRunAudit.epsilonLowerBound(50_000, r, r, delta, 0.95).epsilonLowerBound();
                // With 2 m delta = 1 (delta = 1e-5) a few dozen guesses cannot rule out even
                // (0, delta)-DP: the delta term alone exceeds beta. Once positive, the bound grows.
                if (previous > 0 || r >= 100) {
                    assertThat(bound).isGreaterThan(previous);
                } else {
                    assertThat(bound).isGreaterThanOrEqualTo(previous);
                }
                previous = bound;
            }
        }
    }

    // ---- exact coverage and simulated audits ---------------------------------------------------

    @ParameterizedTest
    @CsvSource({"100, 1.0, 0", "500, 1.0, 0", "500, 0.5, 1e-5", "1000, 2.0, 1e-6", "200, 0.3, 0"})
    void randomizedResponseIsFlaggedWithProbabilityAtMostBeta(int r, double epsilon, double delta) {
        // Randomized response with this epsilon is the extreme epsilon-DP algorithm: the correct
        // guesses are exactly Binomial(r, q). Summing its probabilities over every v whose bound
        // exceeds epsilon gives the exact probability of a wrong audit, which must be <= beta
        // (it is 0.0441, 0.0420, 0.0452, 0.0492 and 0.0476 for these rows: the bound is close to
        // tight, so the test would notice a bound that is too large).
        BigDecimal q = BigDecimal.valueOf(1 / (1 + Math.exp(-epsilon)));
        BigDecimal wrong = BigDecimal.ZERO;
        for (int v = 0; v <= r; v++) {
            // (the delta = 0 bound is cheap and never below the delta > 0 one, so it screens)
            if (OneRunAudit.epsilonLowerBound(2 * r, r, v, 0, 0.95).epsilonLowerBound() > epsilon
                    && OneRunAudit.epsilonLowerBound(2 * r, r, v, delta, 0.95).epsilonLowerBound() > epsilon) {
                wrong = wrong.add(pmf(r, v, q));
            }
        }
        assertThat(wrong.doubleValue()).isLessThanOrEqualTo(0.05).isGreaterThan(0.04);
    }

    @Test
    void simulatedAuditsOfAKnownEpsilonRarelyOvershoot() {
        // 20,000 audits of randomized response with epsilon = 1 and r = 100 guesses (seed fixed):
        // v ~ Binomial(100, e/(1+e)). The exact probability of a bound above 1 at these
        // parameters is 0.0441 (computed as in the test above); with 20,000 trials its standard
        // error is 0.0015, so 5% leaves 4 standard errors and the fixed seed is not a lucky one.
        double epsilon = 1;
        double q = 1 / (1 + Math.exp(-epsilon));
        SplittableRandom random = new SplittableRandom(7L);
        int trials = 20_000;
        int overshoot = 0;
        double sum = 0;
        for (int t = 0; t < trials; t++) {
            int v = binomial(random, 100, q);
            double bound = OneRunAudit.epsilonLowerBound(1000, 100, v, 0, 0.95).epsilonLowerBound();
            if (bound > epsilon) {
                overshoot++;
            }
            sum += bound;
        }
        assertThat((double) overshoot / trials).isLessThanOrEqualTo(0.05);
        // (observed: 0.04405) and the audit has power: the mean bound is 0.62
        assertThat(sum / trials).isGreaterThan(0.35);
    }

    @Test
    void bestSplitOfAScoredRandomizedResponseAudit() {
        // 300 one-run audits of m = 1000 canaries through randomized response with epsilon = 2:
        // each canary's output bit equals its inclusion bit with probability q; the score is the
        // bit plus independent noise (post-processing, so still 2-DP). Four splits are tried with
        // the Bonferroni correction. The bound must exceed 2 in at most 5% of the audits (observed:
        // 7 of 300; for the 250/250 split, chosen in most audits, v is exactly Binomial(500, q),
        // and each split is tested at 1 - 0.05/4), and should come close to it (mean 1.72).
        double epsilon = 2;
        double q = 1 / (1 + Math.exp(-epsilon));
        List<OneRunAudit.Split> splits = List.of(
                new OneRunAudit.Split(50, 50),
                new OneRunAudit.Split(100, 100),
                new OneRunAudit.Split(200, 0),
                new OneRunAudit.Split(250, 250));
        SplittableRandom random = new SplittableRandom(11L);
        int m = 1000;
        int overshoot = 0;
        double sum = 0;
        int trials = 300;
        for (int t = 0; t < trials; t++) {
            double[] scores = new double[m];
            boolean[] included = new boolean[m];
            for (int i = 0; i < m; i++) {
                included[i] = random.nextBoolean();
                boolean bit = random.nextDouble() < q ? included[i] : !included[i];
                scores[i] = (bit ? 1 : 0) + 0.5 * random.nextDouble();
            }
            OneRunAudit.SplitSelection selection = OneRunAudit.bestSplit(scores, included, splits, 1e-5, 0.95);
            if (selection.bound().epsilonLowerBound() > epsilon) {
                overshoot++;
            }
            sum += selection.bound().epsilonLowerBound();
        }
        assertThat((double) overshoot / trials).isLessThanOrEqualTo(0.05);
        assertThat(sum / trials).isBetween(1.4, 2.0);
    }

    // ---- splits -----------------------------------------------------------------------------

    @Test
    void correctGuessesCountsTopAndBottomWithTiesByIndex() {
        double[] scores = {0.9, 0.1, 0.5, 0.5, 0.8, 0.2};
        boolean[] included = {true, false, false, true, true, true};
        // by score: 0 (0.9, in), 4 (0.8, in), 2 (0.5, out), 3 (0.5, in), 5 (0.2, in), 1 (0.1, out)
        assertThat(OneRunAudit.correctGuesses(scores, included, new OneRunAudit.Split(2, 0)))
                .isEqualTo(2);
        assertThat(OneRunAudit.correctGuesses(scores, included, new OneRunAudit.Split(3, 0)))
                .isEqualTo(2);
        assertThat(OneRunAudit.correctGuesses(scores, included, new OneRunAudit.Split(4, 0)))
                .isEqualTo(3);
        assertThat(OneRunAudit.correctGuesses(scores, included, new OneRunAudit.Split(0, 2)))
                .isEqualTo(1);
        assertThat(OneRunAudit.correctGuesses(scores, included, new OneRunAudit.Split(2, 1)))
                .isEqualTo(3);
        assertThat(OneRunAudit.correctGuesses(scores, included, new OneRunAudit.Split(3, 3)))
                .isEqualTo(3);
    }

    @Test
    void bestSplitTestsEachCandidateAtTheBonferroniConfidence() {
        SplittableRandom random = new SplittableRandom(3L);
        int m = 2000;
        double[] scores = new double[m];
        boolean[] included = new boolean[m];
        for (int i = 0; i < m; i++) {
            included[i] = random.nextBoolean();
            scores[i] = (included[i] ? 1.5 : 0) + random.nextGaussian();
        }
        List<OneRunAudit.Split> splits = new ArrayList<>();
        for (int k : new int[] {10, 30, 100, 300}) {
            splits.add(new OneRunAudit.Split(k, k));
            splits.add(new OneRunAudit.Split(k, 0));
        }
        OneRunAudit.SplitSelection selection = OneRunAudit.bestSplit(scores, included, splits, 1e-5, 0.95);
        double perTest = 1 - 0.05 / splits.size();
        assertThat(OneRunAudit.perTestConfidence(0.95, splits.size())).isEqualTo(perTest);
        double best = 0;
        for (int j = 0; j < splits.size(); j++) {
            OneRunAudit.Split split = splits.get(j);
            int v = OneRunAudit.correctGuesses(scores, included, split);
            AuditBound expected = OneRunAudit.epsilonLowerBound(m, split.guesses(), v, 1e-5, perTest);
            assertThat(selection.candidates().get(j)).isEqualTo(expected);
            best = Math.max(best, expected.epsilonLowerBound());
        }
        AuditBound bound = selection.bound();
        assertThat(bound.epsilonLowerBound()).isEqualTo(best).isPositive();
        assertThat(bound.confidence()).isEqualTo(0.95);
        assertThat(bound.method()).isEqualTo(AuditBound.ONE_RUN_BEST_OF_SPLITS);
        assertThat(bound.guesses()).isEqualTo(selection.split().guesses());
        // one candidate costs nothing: the plain bound at the full confidence
        OneRunAudit.Split only = new OneRunAudit.Split(100, 100);
        assertThat(OneRunAudit.bestSplit(scores, included, List.of(only), 1e-5, 0.95)
                        .bound()
                        .epsilonLowerBound())
                .isEqualTo(OneRunAudit.epsilonLowerBound(
                                m, 200, OneRunAudit.correctGuesses(scores, included, only), 1e-5, 0.95)
                        .epsilonLowerBound());
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> OneRunAudit.epsilonLowerBound(10, 11, 5, 0, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("11");
        assertThatThrownBy(() -> OneRunAudit.epsilonLowerBound(10, 5, 6, 0, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6");
        assertThatThrownBy(() -> OneRunAudit.epsilonLowerBound(10, 5, 5, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delta");
        assertThatThrownBy(() -> OneRunAudit.epsilonLowerBound(10, 5, 5, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("confidence");
        assertThatThrownBy(() -> OneRunAudit.pValue(10, 5, 5, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OneRunAudit.Split(0, 0)).isInstanceOf(IllegalArgumentException.class);
        double[] scores = {1, 2, Double.NaN};
        boolean[] included = {true, false, true};
        assertThatThrownBy(() -> OneRunAudit.correctGuesses(scores, included, new OneRunAudit.Split(1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> OneRunAudit.correctGuesses(new double[2], included, new OneRunAudit.Split(1, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OneRunAudit.correctGuesses(new double[3], included, new OneRunAudit.Split(2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only 3");
        OneRunAudit.Split twice = new OneRunAudit.Split(1, 0);
        assertThatThrownBy(() -> OneRunAudit.bestSplit(new double[3], included, List.of(twice, twice), 0, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> new AuditBound(-1, 0.95, 0, 10, 5, 5, AuditBound.ONE_RUN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** {@code P[Binomial(r, q) >= v]} in exact arithmetic, q from the double logistic of epsilon. */
    private static double exactTail(int r, int v, double epsilon) {
        BigDecimal q = BigDecimal.valueOf(1 / (1 + Math.exp(-epsilon)));
        BigDecimal tail = BigDecimal.ZERO;
        for (int k = v; k <= r; k++) {
            tail = tail.add(pmf(r, k, q));
        }
        return tail.doubleValue();
    }

    private static BigDecimal pmf(int r, int k, BigDecimal q) {
        BigDecimal choose = new BigDecimal(binomialCoefficient(r, k));
        return choose.multiply(q.pow(k, CONTEXT), CONTEXT)
                .multiply(BigDecimal.ONE.subtract(q).pow(r - k, CONTEXT), CONTEXT);
    }

    private static BigInteger binomialCoefficient(int n, int k) {
        BigInteger c = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            c = c.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return c;
    }

    private static int binomial(SplittableRandom random, int n, double p) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }
}
