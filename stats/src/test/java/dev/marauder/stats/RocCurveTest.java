package dev.marauder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The ROC curve and its metrics, against brute-force counts and hand-built examples. */
class RocCurveTest {
    @Property(tries = 200)
    void aucIsTheMannWhitneyStatisticWithTiesCountedHalf(
            @ForAll @IntRange(min = 1, max = 60) int members,
            @ForAll @IntRange(min = 1, max = 60) int nonMembers,
            @ForAll @IntRange(min = 1, max = 8) int levels,
            @ForAll long seed) {
        // scores drawn from few levels, so ties within and across groups are common
        SplittableRandom random = new SplittableRandom(seed);
        double[] in =
                random.doubles(members).map(u -> Math.floor(u * levels) + 0.5).toArray();
        double[] out = random.doubles(nonMembers)
                .map(u -> Math.floor(u * levels) * 0.9)
                .toArray();
        double pairs = 0;
        for (double a : in) {
            for (double b : out) {
                pairs += a > b ? 1 : a == b ? 0.5 : 0;
            }
        }
        RocCurve roc = RocCurve.of(in, out);
        assertThat(roc.auc()).isCloseTo(pairs / (members * nonMembers), within(1e-12));
        // and the brute-force balanced accuracy and TPR at FPR over every possible threshold
        double bestBalanced = 0.5;
        double target = 0.25;
        double bestTpr = 0;
        for (double t : concat(in, out)) {
            double tpr = count(in, t) / (double) members;
            double fpr = count(out, t) / (double) nonMembers;
            bestBalanced = Math.max(bestBalanced, (tpr + 1 - fpr) / 2);
            if (fpr <= target) {
                bestTpr = Math.max(bestTpr, tpr);
            }
        }
        assertThat(roc.balancedAccuracy()).isCloseTo(bestBalanced, within(1e-12));
        assertThat(roc.truePositiveRateAt(target)).isEqualTo(bestTpr);
    }

    @Test
    void separatedScoresGiveAPerfectCurve() {
        RocCurve roc = RocCurve.of(new double[] {5, 6, 7}, new double[] {1, 2, 3, 4});
        assertThat(roc.auc()).isEqualTo(1);
        assertThat(roc.balancedAccuracy()).isEqualTo(1);
        assertThat(roc.truePositiveRateAt(0)).isEqualTo(1);
        assertThat(roc.truePositiveRateAt(0.001)).isEqualTo(1);
        // reversed scores: AUC 0, and the best balanced accuracy is the trivial 1/2
        RocCurve reversed = RocCurve.of(new double[] {1, 2}, new double[] {5, 6});
        assertThat(reversed.auc()).isEqualTo(0);
        assertThat(reversed.balancedAccuracy()).isEqualTo(0.5);
        assertThat(reversed.truePositiveRateAt(0.4)).isEqualTo(0);
    }

    @Test
    void tiesMakeDiagonalStepsAndMinusZeroEqualsZero() {
        RocCurve roc = RocCurve.of(new double[] {1, 0.0}, new double[] {-0.0, -1});
        assertThat(roc.points())
                .containsExactly(
                        new RocPoint(Double.POSITIVE_INFINITY, 0, 0),
                        new RocPoint(1, 0, 0.5),
                        new RocPoint(0, 0.5, 1),
                        new RocPoint(-1, 1, 1));
        assertThat(roc.auc()).isEqualTo(0.875); // pairs: 1 beats both, 0 ties -0 and beats -1
    }

    @Test
    void truePositiveRateAtLowFalsePositiveRateFollowsTheLiraConvention() {
        // 1000 non-members scored 0..999; 4 members scored 1000.5, 999.5, 998.5 and 10.
        double[] out = new double[1000];
        for (int k = 0; k < out.length; k++) {
            out[k] = k;
        }
        double[] in = {1000.5, 999.5, 998.5, 10};
        RocCurve roc = RocCurve.of(in, out);
        // FPR <= 0.001 allows one false positive (999): threshold 998.5 flags 3 members and 999 only
        assertThat(roc.truePositiveRateAt(0.001)).isEqualTo(0.75);
        assertThat(roc.pointAt(0.001)).isEqualTo(new RocPoint(998.5, 0.001, 0.75));
        // just below 0.001 no false positive is allowed: threshold 999.5 flags 2 members
        assertThat(roc.truePositiveRateAt(0.000999)).isEqualTo(0.5);
        // FPR <= 0.002 allows 999 and 998: still 3 members, since 10 needs 990 false positives
        assertThat(roc.truePositiveRateAt(0.002)).isEqualTo(0.75);
        assertThat(roc.truePositiveRateAt(0.99)).isEqualTo(1);
    }

    @Test
    void downsamplingKeepsTheLowFalsePositiveEndExactly() {
        SplittableRandom random = new SplittableRandom(3);
        double[] in = random.doubles(20_000).map(u -> gaussian(random) + 1).toArray();
        double[] out = random.doubles(50_000).map(u -> gaussian(random)).toArray();
        RocCurve roc = RocCurve.of(in, out);
        List<RocPoint> thin = roc.downsampled(500);
        assertThat(thin).hasSizeLessThanOrEqualTo(500).hasSizeGreaterThan(300);
        assertThat(thin.get(0)).isEqualTo(new RocPoint(Double.POSITIVE_INFINITY, 0, 0));
        assertThat(thin.get(thin.size() - 1).falsePositiveRate()).isEqualTo(1);
        assertThat(thin.get(thin.size() - 1).truePositiveRate()).isEqualTo(1);
        for (int k = 1; k < thin.size(); k++) {
            assertThat(thin.get(k).falsePositiveRate())
                    .isGreaterThanOrEqualTo(thin.get(k - 1).falsePositiveRate());
            assertThat(thin.get(k).truePositiveRate())
                    .isGreaterThanOrEqualTo(thin.get(k - 1).truePositiveRate());
        }
        // every corner of the full curve (a point not inside a vertical or horizontal run) with FPR
        // up to 20 / 50,000 is there, so the staircase is exact at the low-FPR end
        List<RocPoint> all = roc.points();
        int corners = 0;
        for (int k = 1; k < all.size() - 1; k++) {
            RocPoint p = all.get(k);
            boolean vertical = all.get(k - 1).falsePositiveRate() == p.falsePositiveRate()
                    && all.get(k + 1).falsePositiveRate() == p.falsePositiveRate();
            boolean horizontal = all.get(k - 1).truePositiveRate() == p.truePositiveRate()
                    && all.get(k + 1).truePositiveRate() == p.truePositiveRate();
            if (p.falsePositiveRate() <= 20 / 50_000.0 && !vertical && !horizontal) {
                assertThat(thin).contains(p);
                corners++;
            }
        }
        assertThat(corners).isGreaterThan(20);
        // each kept point is a point of the full curve, and the TPR at 1e-3 can be read off exactly
        assertThat(new java.util.HashSet<>(all)).containsAll(thin);
        double thinTpr = thin.stream()
                .filter(p -> p.falsePositiveRate() <= 0.001)
                .mapToDouble(RocPoint::truePositiveRate)
                .max()
                .orElseThrow();
        assertThat(thinTpr).isEqualTo(roc.truePositiveRateAt(0.001)).isGreaterThan(0);
    }

    @Test
    void smallCurvesAreOnlyCompressedLosslessly() {
        // a vertical run of 3 member-only points collapses to its two ends
        RocCurve roc = RocCurve.of(new double[] {9, 8, 7, 1}, new double[] {5, 0});
        assertThat(roc.size()).isEqualTo(7);
        assertThat(roc.downsampled(8))
                .containsExactly(
                        new RocPoint(Double.POSITIVE_INFINITY, 0, 0),
                        new RocPoint(7, 0, 0.75),
                        new RocPoint(5, 0.5, 0.75),
                        new RocPoint(1, 0.5, 1),
                        new RocPoint(0, 1, 1));
    }

    @Test
    void rejectsBadInputNamingTheProblem() {
        assertThatThrownBy(() -> RocCurve.of(new double[0], new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member scores must not be empty");
        assertThatThrownBy(() -> RocCurve.of(new double[] {1}, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-member scores must not be null");
        assertThatThrownBy(() -> RocCurve.of(new double[] {1, Double.NaN}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member scores[1] must be finite");
        assertThatThrownBy(() -> RocCurve.of(new double[] {1}, new double[] {Double.NEGATIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-member scores[0]");
        RocCurve roc = RocCurve.of(new double[] {1}, new double[] {0});
        assertThatThrownBy(() -> roc.truePositiveRateAt(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("false positive rate");
        assertThatThrownBy(() -> roc.downsampled(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 8");
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static int count(double[] scores, double threshold) {
        int n = 0;
        for (double s : scores) {
            n += s >= threshold ? 1 : 0;
        }
        return n;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
