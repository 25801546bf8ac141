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
            assertThat(Norm.L2.steepestAscent(m.zeros(new Shape(1, 4))).toFloatArray()).containsOnly(0f);
        }
    }

    @Property(tries = 60)
    void projectionLandsInTheBallAndKeepsPointsInside(@ForAll("norm") Norm norm,
            @ForAll @DoubleRange(min = 0.0, max = 3.0) double eps, @ForAll @IntRange(min = 1, max = 5) int n,
            @ForAll @DoubleRange(min = 0.01, max = 10) double scale, @ForAll long seed) {
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
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Norm.of("l1")).hasMessageContaining("choose linf or l2");
    }
}
