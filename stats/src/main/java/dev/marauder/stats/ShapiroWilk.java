package dev.marauder.stats;

import java.util.Arrays;

/**
 * The Shapiro-Wilk test of normality (Shapiro and Wilk 1965, "An analysis of variance test for
 * normality (complete samples)", Biometrika 52) for {@code 3 <= n <= 5000}, with the coefficients
 * and p-value of Royston (1995), "Remark AS R94: A remark on algorithm AS 181: the W-test for
 * normality", Applied Statistics 44(4), the algorithm behind SciPy's {@code scipy.stats.shapiro}
 * and R's {@code shapiro.test}. Small {@code W} means "not normal".
 *
 * <p>For the sorted sample {@code x(1) <= ... <= x(n)},
 * {@code W = (sum_i a_i x(i))^2 / sum_i (x(i) - mean)^2}, where the coefficients {@code a} are
 * antisymmetric with unit norm. Royston's approximation: with
 * {@code m_i = Phi^-1((i - 3/8) / (n + 1/4))} and {@code u = 1 / sqrt(n)}, the two largest
 * coefficients are {@code m_i / |m|} plus a degree-5 polynomial in {@code u} (one for
 * {@code n <= 5}), and the others are {@code m_i} rescaled so that {@code |a| = 1}; for
 * {@code n = 3}, {@code a = (-sqrt(1/2), 0, sqrt(1/2))}. {@code 1 - W} is computed as
 * {@code (sqrt(ssa ssx) - sax)(sqrt(ssa ssx) + sax) / (ssa ssx)} on the range-scaled sample, which
 * keeps its relative precision when {@code W} is close to 1. The p-value is exact for
 * {@code n = 3} ({@code (6/pi)(asin(sqrt W) - pi/3)}); for {@code 4 <= n <= 11}
 * {@code -log(gamma - log(1 - W))}, and for {@code n >= 12} {@code log(1 - W)}, is taken as normal
 * with a mean and log standard deviation that are polynomials in {@code n} or {@code log n}
 * (upper tail). The approximations to {@code a} and to the null distribution are Royston's; the
 * arithmetic is double precision throughout,
 * the normal quantiles included, and agrees with SciPy 1.17 to 1e-9 relative on W and 1e-6
 * relative on p (see {@code ShapiroWilkTest}).
 *
 * <p>Censored samples (AS R94's {@code n1 < n}) are not implemented. Cost: a sort, plus
 * {@code n / 2} normal quantiles for the coefficients, which are cached for the last {@code n}
 * asked, so that repeated tests of windows of one size (as PRADA's) skip them.
 */
public final class ShapiroWilk {
    /** The smallest sample the test accepts. */
    public static final int MIN_SIZE = 3;
    /** The largest sample the test accepts (Royston's approximation is validated up to here). */
    public static final int MAX_SIZE = 5000;

    // Royston (1995), AS R94: polynomials for the two largest coefficients in u = 1/sqrt(n) ...
    private static final double[] C1 = {0.0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056};
    private static final double[] C2 = {0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633};
    // ... and for the null distribution: mean and log sd of the normalised W for 4 <= n <= 11 (in n) ...
    private static final double[] C3 = {0.5440, -0.39978, 0.025054, -6.714e-4};
    private static final double[] C4 = {1.3822, -0.77857, 0.062767, -0.0020322};
    // ... and for n >= 12 (in log n), with gamma(n) bounding log(1 - W) for small n
    private static final double[] C5 = {-1.5861, -0.31082, -0.083751, 0.0038915};
    private static final double[] C6 = {-0.4803, -0.082676, 0.0030302};
    private static final double[] GAMMA = {-2.273, 0.459};

    private record Coefficients(int n, double[] a) {}

    /** The coefficients of the last size asked (immutable once published). */
    private static volatile Coefficients cache = new Coefficients(0, new double[0]);

    private ShapiroWilk() {}

    /**
     * The outcome of a test.
     *
     * @param w the statistic, in (0, 1]; 1 for a sample that is exactly as normal as can be
     * @param pValue the probability of a {@code W} at most this small for a normal sample of this
     *     size, in [0, 1]
     * @param n the sample size
     */
    public record Result(double w, double pValue, int n) {}

    /**
     * Tests {@code sample} for normality. Leaves the array unchanged.
     *
     * @throws IllegalArgumentException if the sample is null, has fewer than 3 or more than 5000
     *     values, holds a NaN or infinite value, or all its values are equal
     */
    public static Result test(double[] sample) {
        if (sample == null) {
            throw new IllegalArgumentException("Shapiro-Wilk sample must not be null");
        }
        int n = sample.length;
        if (n < MIN_SIZE || n > MAX_SIZE) {
            throw new IllegalArgumentException(
                    "Shapiro-Wilk needs between " + MIN_SIZE + " and " + MAX_SIZE + " values, got " + n);
        }
        double[] x = Require.finiteScores("Shapiro-Wilk sample", sample).clone();
        Arrays.sort(x);
        double range = x[n - 1] - x[0];
        if (!(range > 0)) {
            throw new IllegalArgumentException(
                    "Shapiro-Wilk needs a sample with distinct values, all " + n + " equal " + x[0]);
        }
        double[] a = coefficients(n);
        // centre on the middle value and scale by the range: W is invariant, the sums better conditioned
        double middle = x[n / 2];
        double mean = 0;
        for (double v : x) {
            mean += (v - middle) / range;
        }
        mean /= n;
        double ssx = 0;
        for (double v : x) {
            double d = (v - middle) / range - mean;
            ssx += d * d;
        }
        double sax = 0;
        double ssa = 0;
        for (int i = 0; i < a.length; i++) {
            sax += a[i] * ((x[n - 1 - i] - x[i]) / range);
            ssa += 2 * a[i] * a[i];
        }
        double root = Math.sqrt(ssa * ssx);
        double oneMinusW = Math.max(0, (root - sax) * (root + sax) / (ssa * ssx));
        double w = 1 - oneMinusW;
        return new Result(w, pValue(n, w, oneMinusW), n);
    }

    /**
     * The upper half of the coefficients of a sample of size {@code n}: {@code a[i]} multiplies
     * {@code x(n - i) - x(i + 1)} (0-based {@code i < n / 2}), positive and decreasing.
     */
    private static double[] coefficients(int n) {
        Coefficients cached = cache;
        if (cached.n() == n) {
            return cached.a();
        }
        int half = n / 2;
        double[] a = new double[half];
        if (n == 3) {
            a[0] = Math.sqrt(0.5);
        } else {
            double[] m = new double[half];
            double sumSquares = 0;
            for (int i = 0; i < half; i++) {
                m[i] = -StandardNormal.quantile((i + 1 - 0.375) / (n + 0.25));
                sumSquares += m[i] * m[i];
            }
            sumSquares *= 2;
            double norm = Math.sqrt(sumSquares);
            double u = 1 / Math.sqrt(n);
            a[0] = m[0] / norm + polynomial(C1, u);
            int first;
            double scale;
            if (n > 5) {
                a[1] = m[1] / norm + polynomial(C2, u);
                first = 2;
                scale = Math.sqrt(
                        (sumSquares - 2 * m[0] * m[0] - 2 * m[1] * m[1]) / (1 - 2 * a[0] * a[0] - 2 * a[1] * a[1]));
            } else {
                first = 1;
                scale = Math.sqrt((sumSquares - 2 * m[0] * m[0]) / (1 - 2 * a[0] * a[0]));
            }
            for (int i = first; i < half; i++) {
                a[i] = m[i] / scale;
            }
        }
        cache = new Coefficients(n, a);
        return a;
    }

    private static double pValue(int n, double w, double oneMinusW) {
        if (n == 3) {
            // exact: W is 3/4 + (1/4) sin^2 of a uniform angle
            double p = 6 / Math.PI * (Math.asin(Math.sqrt(w)) - Math.PI / 3);
            return Math.min(1, Math.max(0, p));
        }
        double logOneMinusW = Math.log(oneMinusW);
        double y;
        double mean;
        double sd;
        if (n <= 11) {
            double gamma = polynomial(GAMMA, n);
            if (logOneMinusW >= gamma) {
                return 0; // beyond the approximation's support (cannot happen for 4 <= n <= 11: W is too large)
            }
            y = -Math.log(gamma - logOneMinusW);
            mean = polynomial(C3, n);
            sd = Math.exp(polynomial(C4, n));
        } else {
            double logN = Math.log(n);
            y = logOneMinusW;
            mean = polynomial(C5, logN);
            sd = Math.exp(polynomial(C6, logN));
        }
        return StandardNormal.sf((y - mean) / sd);
    }

    /** {@code c[0] + c[1] x + c[2] x^2 + ...} by Horner's rule. */
    private static double polynomial(double[] c, double x) {
        double value = c[c.length - 1];
        for (int i = c.length - 2; i >= 0; i--) {
            value = value * x + c[i];
        }
        return value;
    }
}
