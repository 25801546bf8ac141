package dev.marauder.stats;

import java.util.function.DoubleUnaryOperator;

/** Adaptive Simpson quadrature for tests: an independent check on the library's Gauss-Legendre. */
final class Quadrature {
    private Quadrature() {}

    /**
     * {@code integral_a^b f} of a non-negative {@code f} to about {@code relative} relative error
     * (of a first estimate by composite Simpson on 256 intervals).
     */
    static double simpson(DoubleUnaryOperator f, double a, double b, double relative) {
        int n = 256;
        double h = (b - a) / n;
        double coarse = f.applyAsDouble(a) + f.applyAsDouble(b);
        for (int i = 1; i < n; i++) {
            coarse += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
        }
        coarse *= h / 3;
        double tolerance = Math.max(relative * Math.abs(coarse), Double.MIN_NORMAL);
        double fa = f.applyAsDouble(a);
        double fb = f.applyAsDouble(b);
        double fm = f.applyAsDouble(0.5 * (a + b));
        double whole = (b - a) / 6 * (fa + 4 * fm + fb);
        return step(f, a, b, fa, fm, fb, whole, tolerance, 40);
    }

    private static double step(
            DoubleUnaryOperator f,
            double a,
            double b,
            double fa,
            double fm,
            double fb,
            double whole,
            double tolerance,
            int depth) {
        double m = 0.5 * (a + b);
        double flm = f.applyAsDouble(0.5 * (a + m));
        double frm = f.applyAsDouble(0.5 * (m + b));
        double left = (m - a) / 6 * (fa + 4 * flm + fm);
        double right = (b - m) / 6 * (fm + 4 * frm + fb);
        double both = left + right;
        if (depth <= 0 || Math.abs(both - whole) <= 15 * tolerance) {
            return both + (both - whole) / 15;
        }
        return step(f, a, m, fa, flm, fm, left, tolerance / 2, depth - 1)
                + step(f, m, b, fm, frm, fb, right, tolerance / 2, depth - 1);
    }
}
