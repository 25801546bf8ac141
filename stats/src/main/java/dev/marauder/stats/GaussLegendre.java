package dev.marauder.stats;

import java.util.function.DoubleUnaryOperator;

/**
 * Composite Gauss-Legendre quadrature with 20 points per panel, for smooth integrands (Owen's T,
 * the skew-normal's far tail). The nodes are the roots of the Legendre polynomial {@code P_20},
 * found by Newton's method from the approximations {@code cos(pi (i - 1/4) / (n + 1/2))}; the
 * weights are {@code 2 / ((1 - x^2) P_20'(x)^2)}.
 */
public final class GaussLegendre {
    private static final int N = 20;
    private static final double[] NODES = new double[N];
    private static final double[] WEIGHTS = new double[N];

    static {
        for (int i = 0; i < N; i++) {
            double x = Math.cos(Math.PI * (i + 0.75) / (N + 0.5));
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++) {
                // P_N(x) and P_N'(x) by the three-term recurrence.
                double p0 = 1;
                double p1 = x;
                for (int k = 2; k <= N; k++) {
                    double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                derivative = N * (x * p1 - p0) / (x * x - 1);
                double step = p1 / derivative;
                x -= step;
                if (Math.abs(step) < 1e-16) {
                    break;
                }
            }
            NODES[i] = x;
            WEIGHTS[i] = 2 / ((1 - x * x) * derivative * derivative);
        }
    }

    private GaussLegendre() {}

    /** {@code integral_a^b f} over {@code panels} equal panels. */
    public static double integrate(DoubleUnaryOperator f, double a, double b, int panels) {
        double width = (b - a) / panels;
        double half = 0.5 * width;
        double sum = 0;
        for (int p = 0; p < panels; p++) {
            double mid = a + (p + 0.5) * width;
            double panel = 0;
            for (int i = 0; i < N; i++) {
                panel += WEIGHTS[i] * f.applyAsDouble(mid + half * NODES[i]);
            }
            sum += half * panel;
        }
        return sum;
    }
}
