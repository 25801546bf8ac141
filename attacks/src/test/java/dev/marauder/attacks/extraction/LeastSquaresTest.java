package dev.marauder.attacks.extraction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastSquaresTest {

    @Test
    void solvesASquareSystemExactly() {
        // y + z = 4, 2x + y = 5, x - 3y + 2z = -6: (1, 3, 1); the zero first pivot needs the row swap
        double[] x = LeastSquares.solve(new double[][] {{0, 1, 1}, {2, 1, 0}, {1, -3, 2}}, new double[] {4, 5, -6});
        assertThat(x[0]).isCloseTo(1, within(1e-12));
        assertThat(x[1]).isCloseTo(3, within(1e-12));
        assertThat(x[2]).isCloseTo(1, within(1e-12));
    }

    @Test
    void fitsAnOverdeterminedSystemInTheLeastSquaresSense() {
        // y = a + b t through (0, 1), (1, 2), (2, 2), (3, 4): the textbook fit a = 0.9, b = 0.9
        double[][] a = {{1, 0}, {1, 1}, {1, 2}, {1, 3}};
        double[] x = LeastSquares.solve(a, new double[] {1, 2, 2, 4});
        assertThat(x[0]).isCloseTo(0.9, within(1e-12));
        assertThat(x[1]).isCloseTo(0.9, within(1e-12));
    }

    @Test
    void recoversARandomLinearMapOf50Unknowns() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 50;
        double[] truth = random.doubles(n, -2, 2).toArray();
        double[][] a = new double[n + 10][n];
        double[] b = new double[n + 10];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = random.nextDouble();
                b[i] += a[i][j] * truth[j];
            }
        }
        double[] x = LeastSquares.solve(a, b);
        for (int j = 0; j < n; j++) {
            assertThat(x[j]).isCloseTo(truth[j], within(1e-8));
        }
        double[][] square = java.util.Arrays.copyOf(a, n);
        double[] y = LeastSquares.solve(square, java.util.Arrays.copyOf(b, n));
        for (int j = 0; j < n; j++) {
            assertThat(y[j]).isCloseTo(truth[j], within(1e-8));
        }
    }

    @Test
    void oneFactorisationServesSeveralRightHandSides() {
        double[][] a = {{1, 0}, {1, 1}, {1, 2}, {1, 3}};
        double[][] x = LeastSquares.solve(a, new double[][] {{1, 2, 2, 4}, {0, 2, 4, 6}});
        assertThat(x[0][0]).isCloseTo(0.9, within(1e-12));
        assertThat(x[0][1]).isCloseTo(0.9, within(1e-12));
        assertThat(x[1][0]).isCloseTo(0, within(1e-12));
        assertThat(x[1][1]).isCloseTo(2, within(1e-12));
        assertThat(LeastSquares.gram(a)).isDeepEqualTo(new double[][] {{4, 6}, {6, 14}});
    }

    @Test
    void refusesSingularAndUnderdeterminedSystems() {
        assertThatThrownBy(() -> LeastSquares.solve(new double[][] {{1, 2}, {2, 4}}, new double[] {1, 2}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("singular");
        assertThatThrownBy(() -> LeastSquares.solve(new double[][] {{1, 2}}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
