package dev.marauder.attacks.estimation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The shared estimators: NES reproduces, bit for bit, the estimate MI-Face computed before it was
 * shared; both converge to the true gradient of a linear function; probes stay inside the bounds.
 */
class GradientEstimatorsTest {
    private static final InputSpec SPEC = new InputSpec(
            new int[] {2, 3}, dev.marauder.core.model.Layout.NCHW, new float[] {0, -1}, new float[] {1, 1});

    /** A linear function with a known gradient. */
    private static final double[] W = {0.5, -2, 1, 0.25, -0.75, 3};

    private static PointLoss linear(boolean checkBounds) {
        return (points, owners) -> {
            double[] out = new double[points.length];
            for (int p = 0; p < points.length; p++) {
                for (int j = 0; j < W.length; j++) {
                    if (checkBounds) {
                        assertThat(points[p][j]).isBetween(SPEC.lowerAt(j), SPEC.upperAt(j));
                    }
                    out[p] += W[j] * points[p][j];
                }
            }
            return out;
        };
    }

    private static float[][] middle() {
        return new float[][] {{0.5f, 0.5f, 0.5f, 0f, 0f, 0f}};
    }

    @Test
    void nesConvergesToTheGradient() {
        float[][] g = new NesGradientEstimator(4000, 0.01f)
                .estimate(middle(), SPEC, new SplittableRandom[] {new SplittableRandom(1)}, linear(true));
        for (int j = 0; j < W.length; j++) {
            // Standard error of each coordinate: |W| / sqrt(4000) ~ 0.06 at most; 4 of them allowed.
            assertThat((double) g[0][j]).isCloseTo(W[j], org.assertj.core.data.Offset.offset(0.25));
        }
    }

    @Test
    void spsaConvergesToTheGradient() {
        float[][] g = new SpsaGradientEstimator(4000, 0.01f)
                .estimate(middle(), SPEC, new SplittableRandom[] {new SplittableRandom(2)}, linear(true));
        for (int j = 0; j < W.length; j++) {
            assertThat((double) g[0][j]).isCloseTo(W[j], org.assertj.core.data.Offset.offset(0.25));
        }
    }

    @Test
    void probesStayInsideTheBoundsAtABound() {
        float[][] corner = {{0f, 1f, 0f, -1f, 1f, -1f}};
        new NesGradientEstimator(50, 0.5f)
                .estimate(corner, SPEC, new SplittableRandom[] {new SplittableRandom(3)}, linear(true));
        new SpsaGradientEstimator(50, 0.5f)
                .estimate(corner, SPEC, new SplittableRandom[] {new SplittableRandom(3)}, linear(true));
    }

    /** MI-Face's NES estimate as it was computed before the estimator was shared (commit 45aebf1). */
    private static float[][] formerMiFaceEstimate(
            float[][] x,
            int samples,
            float sigma,
            SplittableRandom[] random,
            float[][][] probabilities,
            int[] targets) {
        int d = SPEC.size();
        float[][][] noise = new float[x.length][samples][d];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < samples; j++) {
                for (int k = 0; k < d; k++) {
                    noise[r][j][k] = (float) random[r].nextGaussian();
                }
            }
        }
        float[][] gradient = new float[x.length][d];
        for (int r = 0; r < x.length; r++) {
            int t = targets[r];
            for (int j = 0; j < samples; j++) {
                double diff = (double) probabilities[r][2 * j + 1][t] - probabilities[r][2 * j][t];
                float w = (float) (diff / (2.0 * samples * sigma));
                for (int k = 0; k < d; k++) {
                    gradient[r][k] += w * noise[r][j][k];
                }
            }
        }
        return gradient;
    }

    @Test
    void nesGivesMiFaceTheEstimateItHadBefore() {
        float[][] x = {{0.1f, 0.9f, 0.3f, -0.5f, 0.2f, 0.7f}, {0f, 0f, 1f, 1f, -1f, 0f}};
        int[] targets = {1, 0};
        int samples = 7;
        float sigma = 0.013f;
        // "Probabilities" that depend on the probe point in a non-linear way, two classes.
        PointLoss minusPTarget = (points, owners) -> {
            double[] out = new double[points.length];
            for (int p = 0; p < points.length; p++) {
                out[p] = -(double) probabilities(points[p])[targets[owners[p]]];
            }
            return out;
        };
        float[][] now = new NesGradientEstimator(samples, sigma)
                .estimate(
                        x,
                        SPEC,
                        new SplittableRandom[] {new SplittableRandom(9), new SplittableRandom(10)},
                        minusPTarget);
        // The same probes, recomputed the old way.
        float[][][] p = new float[x.length][2 * samples][];
        SplittableRandom[] replay = {new SplittableRandom(9), new SplittableRandom(10)};
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < samples; j++) {
                float[] plus = new float[SPEC.size()];
                float[] minus = new float[SPEC.size()];
                for (int k = 0; k < SPEC.size(); k++) {
                    float u = (float) replay[r].nextGaussian();
                    plus[k] = Math.min(SPEC.upperAt(k), Math.max(SPEC.lowerAt(k), x[r][k] + sigma * u));
                    minus[k] = Math.min(SPEC.upperAt(k), Math.max(SPEC.lowerAt(k), x[r][k] - sigma * u));
                }
                p[r][2 * j] = probabilities(plus);
                p[r][2 * j + 1] = probabilities(minus);
            }
        }
        float[][] before = formerMiFaceEstimate(
                x,
                samples,
                sigma,
                new SplittableRandom[] {new SplittableRandom(9), new SplittableRandom(10)},
                p,
                targets);
        for (int r = 0; r < x.length; r++) {
            assertThat(now[r]).containsExactly(before[r]);
        }
    }

    private static float[] probabilities(float[] v) {
        double z = 0;
        for (int j = 0; j < v.length; j++) {
            z += W[j] * v[j] * v[j] + 0.1 * v[j];
        }
        float p1 = (float) (1 / (1 + Math.exp(-z)));
        return new float[] {1 - p1, p1};
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new NesGradientEstimator(0, 0.1f)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new NesGradientEstimator(1, 0f)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new SpsaGradientEstimator(1, Float.NaN)).hasMessageContaining("positive");
    }
}
