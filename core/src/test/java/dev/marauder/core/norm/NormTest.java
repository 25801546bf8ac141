package dev.marauder.core.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The norm strategies: exact values on known vectors, and projection properties. */
class NormTest {

    @Test
    void normsOfKnownVectors() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray d = m.create(new float[] {3, -4, 0, 0, 1, 1, -1, 1}, new Shape(2, 2, 2));
            assertThat(Norm.LINF.norms(d).toFloatArray()).containsExactly(4f, 1f);
            assertThat(Norm.L2.norms(d).toFloatArray()).containsExactly(5f, 2f);
            assertThat(Norm.LINF.steepestAscent(d).toFloatArray()).containsExactly(1, -1, 0, 0, 1, 1, -1, 1);
            assertThat(Norm.L2.steepestAscent(d).toFloatArray())
                    .containsExactly(new float[] {0.6f, -0.8f, 0, 0, 0.5f, 0.5f, -0.5f, 0.5f}, within(1e-7f));
            // A zero gradient has no direction: the step is zero, not NaN.
            assertThat(Norm.L2.steepestAscent(m.zeros(new Shape(1, 4))).toFloatArray())
                    .containsOnly(0f);
        }
    }

    @Property(tries = 60)
    void projectionLandsInTheBallAndKeepsPointsInside(
            @ForAll("norm") Norm norm,
            @ForAll @DoubleRange(min = 0.0, max = 3.0) double eps,
            @ForAll @IntRange(min = 1, max = 5) int n,
            @ForAll @DoubleRange(min = 0.01, max = 10) double scale,
            @ForAll long seed) {
        try (NDManager m = NDManager.newBaseManager()) {
            java.util.Random r = new java.util.Random(seed);
            float[] v = new float[n * 12];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * scale);
            }
            NDArray delta = m.create(v, new Shape(n, 3, 4));
            NDArray projected = norm.projectToBall(delta, eps);
            float[] norms = norm.norms(projected).toFloatArray();
            float[] before = norm.norms(delta).toFloatArray();
            for (int i = 0; i < n; i++) {
                assertThat((double) norms[i]).isLessThanOrEqualTo(eps * (1 + 1e-6) + 1e-7);
                if (before[i] <= eps) {
                    // already inside: unchanged
                    assertThat(norms[i]).isCloseTo(before[i], within(1e-5f * Math.max(1, before[i])));
                }
            }
            // Projecting twice changes nothing more.
            assertThat(norm.projectToBall(projected, eps).toFloatArray())
                    .containsExactly(projected.toFloatArray(), within(1e-5f));
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Norm> norm() {
        return net.jqwik.api.Arbitraries.of(Norm.values());
    }

    @Test
    void namesParse() {
        assertThat(Norm.of("linf")).isEqualTo(Norm.LINF);
        assertThat(Norm.of("L2")).isEqualTo(Norm.L2);
        assertThat(Norm.of("l1")).isEqualTo(Norm.L1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Norm.of("l3"))
                .hasMessageContaining("choose linf, l2 or l1");
        assertThat(dev.marauder.core.json.Json.write(Norm.L1)).isEqualTo("\"l1\"");
    }

    @Test
    void dualNormsPair() {
        assertThat(Norm.LINF.dual()).isEqualTo(Norm.L1);
        assertThat(Norm.L1.dual()).isEqualTo(Norm.LINF);
        assertThat(Norm.L2.dual()).isEqualTo(Norm.L2);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray g = m.create(new float[] {3, -4, 0.5f, 0, 1, 1, -1, 2}, new Shape(2, 4));
            // For L-infinity and L2 the steepest-ascent direction attains the dual norm: <g, u> = ||g||_*.
            for (Norm norm : new Norm[] {Norm.LINF, Norm.L2}) {
                float[] dot = g.mul(norm.steepestAscent(g)).sum(new int[] {1}).toFloatArray();
                assertThat(dot).containsExactly(norm.dual().norms(g).toFloatArray(), within(1e-6f));
            }
            assertThat(Norm.L1.norms(g).toFloatArray()).containsExactly(7.5f, 5f);
        }
    }

    @Test
    void l1SteepestAscentMovesTheTopCoordinatesWithUnitL1Norm() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 200 coordinates: the top 1% are 2 coordinates per example.
            float[] v = new float[2 * 200];
            for (int i = 0; i < v.length; i++) {
                v[i] = 0.01f * ((i % 7) - 3);
            }
            v[17] = -5;
            v[150] = 4;
            v[200 + 3] = 2;
            v[200 + 199] = -3;
            NDArray g = m.create(v, new Shape(2, 200));
            int before = m.getManagedArrays().size();
            float[] u = Norm.L1.steepestAscent(g).toFloatArray();
            assertThat(m.getManagedArrays()).as("temporaries closed").hasSize(before + 1);
            float[] expected = new float[v.length];
            expected[17] = -0.5f;
            expected[150] = 0.5f;
            expected[203] = 0.5f;
            expected[399] = -0.5f;
            // within(0f): signed zeros (-0.0 where the gradient is negative) are zeros.
            assertThat(u).containsExactly(expected, within(0f));
            assertThat(Norm.L1.steepestAscent(m.zeros(new Shape(1, 50))).toFloatArray())
                    .containsExactly(new float[50], within(0f));
        }
    }

    @Test
    void l1ProjectionOfHandComputedExamples() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Duchi et al.'s algorithm by hand. (3, -1, 0.5), eps 2: rho = 1, theta = 1 -> (2, 0, 0).
            // (1, 0.8, -0.6, 0.1), eps 2: rho = 3, theta = 0.4 / 3.
            NDArray a = m.create(new float[] {3, -1, 0.5f}, new Shape(1, 3));
            assertThat(Norm.L1.projectToBall(a, 2).toFloatArray())
                    .containsExactly(new float[] {2, 0, 0}, within(1e-6f));
            NDArray b = m.create(new float[] {1, 0.8f, -0.6f, 0.1f}, new Shape(1, 4));
            float t = 0.4f / 3;
            assertThat(Norm.L1.projectToBall(b, 2).toFloatArray())
                    .containsExactly(new float[] {1 - t, 0.8f - t, -(0.6f - t), 0}, within(1e-6f));
            // Inside the ball: unchanged, bit for bit. Epsilon 0: the origin.
            NDArray inside = m.create(new float[] {0.5f, -0.25f, 0, 0.125f}, new Shape(1, 4));
            assertThat(Norm.L1.projectToBall(inside, 1).toFloatArray()).containsExactly(inside.toFloatArray());
            assertThat(Norm.L1.projectToBall(b, 0).toFloatArray()).containsExactly(new float[4], within(0f));
        }
    }

    /**
     * Against an independent solution: the projection is {@code sign(v) max(|v| - theta, 0)} where
     * theta solves {@code sum max(|v_i| - theta, 0) = eps}, found here by bisection in double.
     */
    @Property(tries = 40)
    void l1ProjectionMatchesBisection(
            @ForAll @DoubleRange(min = 0.01, max = 20) double eps,
            @ForAll @IntRange(min = 1, max = 60) int d,
            @ForAll long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[3 * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * (r.nextBoolean() ? 1 : 0.05));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] p = Norm.L1.projectToBall(m.create(v, new Shape(3, d)), eps).toFloatArray();
            for (int e = 0; e < 3; e++) {
                double l1 = 0;
                double max = 0;
                for (int i = 0; i < d; i++) {
                    l1 += Math.abs(v[e * d + i]);
                    max = Math.max(max, Math.abs(v[e * d + i]));
                }
                double theta = 0;
                if (l1 > eps) {
                    double lo = 0;
                    double hi = max;
                    for (int it = 0; it < 200; it++) {
                        double mid = (lo + hi) / 2;
                        double s = 0;
                        for (int i = 0; i < d; i++) {
                            s += Math.max(Math.abs(v[e * d + i]) - mid, 0);
                        }
                        if (s > eps) {
                            lo = mid;
                        } else {
                            hi = mid;
                        }
                    }
                    theta = (lo + hi) / 2;
                }
                for (int i = 0; i < d; i++) {
                    double x = v[e * d + i];
                    double expected = Math.signum(x) * Math.max(Math.abs(x) - theta, 0);
                    // float32 sums of up to 60 values of size up to ~20: a few ulps of 20.
                    assertThat((double) p[e * d + i]).isCloseTo(expected, within(2e-5 * Math.max(1, eps)));
                }
            }
        }
    }

    /**
     * Uniform points: inside the ball, with the volume fractions of a uniform distribution in two
     * dimensions: P(||x|| <= eps / 2) = 1/4 for every norm (volume scales as r^d), and
     * P(|x_1| <= eps / 2) = 1/2 (square), 0.6090 (disc) and 3/4 (diamond). 20000 draws: standard
     * errors below 0.0035, so the tolerance 0.015 is over four of them.
     */
    @Test
    void uniformPointsFillTheBall() {
        // Disc of radius 1: the strip |x| <= 1/2 has area 2 (x sqrt(1 - x^2) + asin x) at x = 1/2.
        double disc = 2 * (0.5 * Math.sqrt(0.75) + Math.asin(0.5)) / Math.PI;
        double[] strip = {0.5, disc, 0.75};
        Norm[] norms = {Norm.LINF, Norm.L2, Norm.L1};
        int n = 20000;
        double eps = 0.3;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray like = m.zeros(new Shape(n, 2));
            for (int k = 0; k < norms.length; k++) {
                NDArray points = norms[k].uniformInBall(like, eps, new java.util.SplittableRandom(42));
                float[] sizes = norms[k].norms(points).toFloatArray();
                float[] xy = points.toFloatArray();
                int small = 0;
                int inStrip = 0;
                for (int i = 0; i < n; i++) {
                    assertThat((double) sizes[i]).isLessThanOrEqualTo(eps * (1 + 1e-6));
                    small += sizes[i] <= eps / 2 ? 1 : 0;
                    inStrip += Math.abs(xy[2 * i]) <= eps / 2 ? 1 : 0;
                }
                assertThat(small / (double) n).as(norms[k] + " radius").isCloseTo(0.25, within(0.015));
                assertThat(inStrip / (double) n).as(norms[k] + " strip").isCloseTo(strip[k], within(0.015));
            }
        }
    }

    @Test
    void projectionAroundACenterRespectsTheBallAndTheBox() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray center = m.create(new float[] {0.1f, 0.9f, 0.5f, 0.5f}, new Shape(1, 4));
            NDArray candidate = m.create(new float[] {-1f, 2f, 0.5f, 0.6f}, new Shape(1, 4));
            for (Norm norm : Norm.values()) {
                float[] p = norm.projectionAround(center, 0.3, 0, 1)
                        .apply(candidate)
                        .toFloatArray();
                NDArray feasible = m.create(p, new Shape(1, 4));
                assertThat((double) norm.norms(feasible.sub(center)).getFloat(0))
                        .as(norm.id())
                        .isLessThanOrEqualTo(0.3 + 1e-6);
                for (float x : p) {
                    assertThat(x).isBetween(0f, 1f);
                }
            }
            // L-infinity is exact: each coordinate clipped to the intersection of the two boxes.
            assertThat(Norm.LINF
                            .projectionAround(center, 0.3, 0, 1)
                            .apply(candidate)
                            .toFloatArray())
                    .containsExactly(new float[] {0f, 1f, 0.5f, 0.6f}, within(1e-7f));
        }
    }
}
