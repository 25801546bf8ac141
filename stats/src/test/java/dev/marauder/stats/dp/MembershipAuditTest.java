package dev.marauder.stats.dp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The classic Clopper-Pearson audit of Jagielski et al. 2020 and Nasr et al. 2021. */
class MembershipAuditTest {
    @ParameterizedTest
    @CsvSource({
        // TP, P, FP, N, delta, confidence, epsilon, TPR lower, FPR upper, direction.
        // Reference: mpmath 1.3 at 40 digits, Clopper-Pearson ends at (1 - confidence) / 2 by
        // bisection on exact binomial tails, then max(log((tl - delta) / fu),
        // log((1 - fu - delta) / (1 - tl)), 0). Tolerance 1e-12 relative.
        "950,  1000, 50,  1000, 0,     0.95, 2.6597520047532237, 0.93460951208450636, 0.065390487915493645, TPR_OVER_FPR",
        "300,  1000, 5,   1000, 1e-5,  0.95, 3.1511969722881758, 0.27172111212914446, 0.011629470559812148, TPR_OVER_FPR",
        "999,  1000, 700, 1000, 0,     0.95, 3.8893716025456191, 0.99444107572017333, 0.72827888787085554,  TNR_OVER_FNR",
        "100,  1000, 100, 1000, 0,     0.95, 0,                  0.082105334355580003, 0.12028793651869263, TNR_OVER_FNR",
        "1000, 1000, 0,   1000, 0,     0.95, 5.6005875312989235, 0.99631791610313433, 0.0036820838968656712, TPR_OVER_FPR",
        "40,   50,   3,   60,   0.01,  0.9,  1.692039057819992,  0.68440393857998613, 0.12418721047743612,  TPR_OVER_FPR",
    })
    void matchesReferenceValues(
            int tp,
            int positives,
            int fp,
            int negatives,
            double delta,
            double confidence,
            double epsilon,
            double tprLower,
            double fprUpper,
            MembershipBound.Direction direction) {
        MembershipBound bound = MembershipAudit.epsilonLowerBound(tp, positives, fp, negatives, delta, confidence);
        assertThat(bound.epsilonLowerBound()).isCloseTo(epsilon, within(1e-12 * Math.max(1, epsilon)));
        assertThat(bound.tprLower()).isCloseTo(tprLower, within(1e-12 * tprLower));
        assertThat(bound.fprUpper()).isCloseTo(fprUpper, within(1e-12 * fprUpper));
        assertThat(bound.direction()).isEqualTo(direction);
        assertThat(bound.confidence()).isEqualTo(confidence);
        assertThat(bound.truePositives()).isEqualTo(tp);
        assertThat(bound.negatives()).isEqualTo(negatives);
    }

    @Test
    void perfectTestHasTheClosedForm() {
        // TP = P = N, FP = 0 at 95%: tl = 0.025^(1/n), fu = 1 - tl, so epsilon = logit(tl)
        for (int n : new int[] {10, 100, 10_000}) {
            double tl = Math.exp(Math.log(0.025) / n);
            double expected = Math.log(tl) - Math.log(-Math.expm1(Math.log(0.025) / n));
            assertThat(MembershipAudit.epsilonLowerBound(n, n, 0, n, 0, 0.95).epsilonLowerBound())
                    .isCloseTo(expected, within(1e-12 * expected));
        }
    }

    @Test
    void deltaAndConfidenceOnlyLowerTheBound() {
        double base =
                MembershipAudit.epsilonLowerBound(300, 1000, 5, 1000, 0, 0.95).epsilonLowerBound();
        assertThat(MembershipAudit.epsilonLowerBound(300, 1000, 5, 1000, 1e-3, 0.95)
                        .epsilonLowerBound())
                .isLessThan(base);
        assertThat(MembershipAudit.epsilonLowerBound(300, 1000, 5, 1000, 0, 0.99)
                        .epsilonLowerBound())
                .isLessThan(base);
        assertThat(MembershipAudit.epsilonLowerBound(301, 1000, 5, 1000, 0, 0.95)
                        .epsilonLowerBound())
                .isGreaterThan(base);
        // delta above the true positive rate leaves nothing in that direction
        assertThat(MembershipAudit.epsilonLowerBound(10, 1000, 0, 1000, 0.5, 0.95)
                        .epsilonLowerBound())
                .isZero();
    }

    @Test
    void simulatedAuditsOfRandomizedResponseRarelyOvershoot() {
        // 1000 audits, each of 500 + 500 independent trials of randomized response with epsilon =
        // 1.5 (TPR = q, FPR = 1 - q, the extreme 1.5-DP test), seed fixed: the bound exceeds 1.5
        // in at most 5% of them (union bound: each interval end misses with at most 2.5%). The
        // exact probability, summed over all (TP, FP), is 0.0149 (observed: 0.014), so 5% is 9 standard
        // errors away; the mean bound is 1.31.
        double epsilon = 1.5;
        double q = 1 / (1 + Math.exp(-epsilon));
        SplittableRandom random = new SplittableRandom(5L);
        int overshoot = 0;
        double sum = 0;
        int trials = 1000;
        for (int t = 0; t < trials; t++) {
            int tp = 0;
            int fp = 0;
            for (int i = 0; i < 500; i++) {
                tp += random.nextDouble() < q ? 1 : 0;
                fp += random.nextDouble() < 1 - q ? 1 : 0;
            }
            double bound =
                    MembershipAudit.epsilonLowerBound(tp, 500, fp, 500, 0, 0.95).epsilonLowerBound();
            if (bound > epsilon) {
                overshoot++;
            }
            sum += bound;
        }
        assertThat((double) overshoot / trials).isLessThanOrEqualTo(0.05);
        assertThat(sum / trials).isGreaterThan(1.0);
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> MembershipAudit.epsilonLowerBound(5, 4, 0, 4, 0, 0.95))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MembershipAudit.epsilonLowerBound(1, 4, 0, 0, 0, 0.95))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MembershipAudit.epsilonLowerBound(1, 4, 0, 4, -0.1, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delta");
        assertThatThrownBy(() -> MembershipAudit.epsilonLowerBound(1, 4, 0, 4, 0, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("confidence");
    }
}
