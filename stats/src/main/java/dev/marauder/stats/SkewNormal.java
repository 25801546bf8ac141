package dev.marauder.stats;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The skew-normal distribution of Azzalini (1985, "A Class of Distributions Which Includes the
 * Normal Ones", Scandinavian Journal of Statistics 12(2)), with density
 * {@code f(x) = (2 / omega) phi(z) Phi(alpha z)}, {@code z = (x - xi) / omega}, and distribution
 * function {@code F(x) = Phi(z) - 2 T(z, alpha)} with Owen's {@link OwensT T}. Carlini et al.
 * (2019, "The Secret Sharer", estimating exposure by distribution modelling) fit it to the
 * log-perplexities of random candidate secrets to extrapolate a canary's rank beyond what can be
 * enumerated (the memorization attacks' {@code Exposure}).
 *
 * <p>{@link #logCdf} stays accurate far into the lower tail: where {@code Phi(z) - 2T(z, alpha)}
 * would cancel (shape {@code alpha > 0}, {@code z < 0}, the difference below 1/64 of
 * {@code Phi(z)}) or underflow, the tail {@code integral_-inf^z f} is computed instead, in
 * logarithms, by Gauss-Legendre quadrature after the substitution {@code t = z - v / s} with
 * {@code s = (log f)'(z) > 0}, under which the integrand of {@code v} is bounded by
 * {@code exp(-v)} (the density is log-concave).
 *
 * @param location {@code xi}, any finite value
 * @param scale {@code omega}, finite and positive
 * @param shape {@code alpha}, finite; 0 gives the normal distribution, positive values a longer
 *     right tail
 */
public record SkewNormal(double location, double scale, double shape) {
    /**
     * The largest {@code |shape|} {@link #fit} returns: beyond it the distribution is
     * indistinguishable from a shifted half-normal, and the likelihood keeps rising without a
     * maximum on some samples.
     */
    public static final double MAX_FITTED_SHAPE = 100;

    private static final double LOG_2 = Math.log(2);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    /**
     * @throws IllegalArgumentException if a parameter is not finite or the scale is not positive
     */
    public SkewNormal {
        if (!Double.isFinite(location)) {
            throw new IllegalArgumentException("skew-normal location must be finite, got " + location);
        }
        if (!(scale > 0 && Double.isFinite(scale))) {
            throw new IllegalArgumentException("skew-normal scale must be finite and positive, got " + scale);
        }
        if (!Double.isFinite(shape)) {
            throw new IllegalArgumentException("skew-normal shape must be finite, got " + shape);
        }
    }

    /** {@code delta = alpha / sqrt(1 + alpha^2)}. */
    public double delta() {
        return shape / Math.sqrt(1 + shape * shape);
    }

    /** The mean, {@code xi + omega delta sqrt(2/pi)}. */
    public double mean() {
        return location + scale * delta() * SQRT_2_OVER_PI;
    }

    /** The variance, {@code omega^2 (1 - 2 delta^2 / pi)}. */
    public double variance() {
        double d = delta();
        return scale * scale * (1 - 2 * d * d / Math.PI);
    }

    /** The skewness, {@code (4 - pi)/2 (delta sqrt(2/pi))^3 / (1 - 2 delta^2/pi)^(3/2)}, in (-0.9953, 0.9953). */
    public double skewness() {
        double m = delta() * SQRT_2_OVER_PI;
        return (4 - Math.PI) / 2 * m * m * m / Math.pow(1 - m * m, 1.5);
    }

    /** The density at {@code x}. */
    public double pdf(double x) {
        return Math.exp(logPdf(x));
    }

    /** The logarithm of the density at {@code x}. */
    public double logPdf(double x) {
        double z = (x - location) / scale;
        return LOG_2 - Math.log(scale) + StandardNormal.logPdf(z) + StandardNormal.logCdf(shape * z);
    }

    /** {@code P(X <= x)}. */
    public double cdf(double x) {
        double z = (x - location) / scale;
        if (z == Double.NEGATIVE_INFINITY) {
            return 0;
        }
        if (z == Double.POSITIVE_INFINITY) {
            return 1;
        }
        double direct = StandardNormal.cdf(z) - 2 * OwensT.t(z, shape);
        if (needsTail(z, direct)) {
            return Math.exp(logTail(z));
        }
        return Math.min(1, Math.max(0, direct));
    }

    /** {@code log P(X <= x)}, accurate in the lower tail (see above). */
    public double logCdf(double x) {
        double z = (x - location) / scale;
        if (z == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        if (z == Double.POSITIVE_INFINITY) {
            return 0;
        }
        double direct = StandardNormal.cdf(z) - 2 * OwensT.t(z, shape);
        if (needsTail(z, direct)) {
            return logTail(z);
        }
        return Math.log(Math.min(1, Math.max(Double.MIN_VALUE, direct)));
    }

    /** Whether {@code Phi(z) - 2T(z, alpha)} has cancelled or underflowed in the lower tail. */
    private boolean needsTail(double z, double direct) {
        if (z >= 0) {
            return false;
        }
        return !(direct > 1e-280) || (shape > 0 && direct < StandardNormal.cdf(z) / 64);
    }

    /** {@code log integral_-inf^z f} for the standard ({@code xi = 0, omega = 1}) density, {@code z < 0}. */
    private double logTail(double z) {
        double logF = standardLogPdf(z);
        double slope = -z + shape * StandardNormal.pdfOverCdf(shape * z);
        if (!(slope > 0)) {
            // cannot happen for z < 0 left of the mode; keep the direct value as a fallback
            return Math.log(Math.max(Double.MIN_VALUE, StandardNormal.cdf(z) - 2 * OwensT.t(z, shape)));
        }
        // 7 panels of width 6: the integrand is within a factor 1 of exp(-v), whose 20-point rule on
        // such a panel errs by about 1e-29; the cut at 42 drops at most exp(-42) = 6e-19 of it.
        double integral = GaussLegendre.integrate(v -> Math.exp(standardLogPdf(z - v / slope) - logF), 0, 42, 7);
        return logF - Math.log(slope) + Math.log(integral);
    }

    private double standardLogPdf(double z) {
        return LOG_2 + StandardNormal.logPdf(z) + StandardNormal.logCdf(shape * z);
    }

    /** A draw: {@code xi + omega (delta |U0| + sqrt(1 - delta^2) U1)} with independent standard normals. */
    public double sample(RandomGenerator random) {
        double d = delta();
        double u0 = Math.abs(random.nextGaussian());
        double u1 = random.nextGaussian();
        return location + scale * (d * u0 + Math.sqrt(1 - d * d) * u1);
    }

    /** {@code n} independent draws. */
    public double[] sample(RandomGenerator random, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("number of draws must be >= 0, got " + n);
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = sample(random);
        }
        return x;
    }

    /** {@code sum_i log f(x_i)}. */
    public double logLikelihood(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += logPdf(v);
        }
        return sum;
    }

    /**
     * The method-of-moments fit: the mean, variance and skewness of the sample (with divisor
     * {@code n}) matched to the distribution's. The skewness of a skew-normal lies within
     * {@code +-0.9953}; a sample skewness beyond {@code +-0.99} is treated as {@code +-0.99}
     * ({@code |delta| <= 0.99936}, {@code |alpha| <= 27.9}).
     *
     * @throws IllegalArgumentException if there are fewer than 3 values, a value is not finite,
     *     or all values are equal
     */
    public static SkewNormal fitMoments(double[] x) {
        checkSample(x);
        int n = x.length;
        double mean = Arrays.stream(x).sum() / n;
        double m2 = 0;
        double m3 = 0;
        for (double v : x) {
            double d = v - mean;
            m2 += d * d;
            m3 += d * d * d;
        }
        m2 /= n;
        m3 /= n;
        double skew = Math.max(-0.99, Math.min(0.99, m3 / Math.pow(m2, 1.5)));
        // skew = (4 - pi)/2 * mu^3 / (1 - mu^2)^(3/2) with mu = delta sqrt(2/pi)
        double r = Math.cbrt(2 * Math.abs(skew) / (4 - Math.PI));
        double mu = Math.copySign(r / Math.sqrt(1 + r * r), skew);
        double delta = mu / SQRT_2_OVER_PI;
        double omega = Math.sqrt(m2 / (1 - mu * mu));
        return new SkewNormal(mean - omega * mu, omega, delta / Math.sqrt(1 - delta * delta));
    }

    /**
     * The maximum-likelihood fit: BFGS quasi-Newton ascent with backtracking line search over
     * {@code (xi, log omega, alpha)} on the standardised sample, with the analytic gradient,
     * started from {@link #fitMoments} (so the result is never less likely than the moment fit),
     * stopped when the gradient of the mean log-likelihood is below 1e-9; {@code |alpha|} is kept
     * within {@link #MAX_FITTED_SHAPE}. Costs some tens of passes over the sample.
     *
     * @throws IllegalArgumentException if there are fewer than 3 values, a value is not finite,
     *     or all values are equal
     */
    public static SkewNormal fit(double[] x) {
        checkSample(x);
        int n = x.length;
        double mean = Arrays.stream(x).sum() / n;
        double sd = Math.sqrt(Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / n);
        double[] z = Arrays.stream(x).map(v -> (v - mean) / sd).toArray();
        SkewNormal start = fitMoments(z);
        double[] best = Bfgs.minimise(
                (p, g) -> negativeMeanLogLikelihood(z, p, g),
                new double[] {start.location, Math.log(start.scale), start.shape});
        return new SkewNormal(mean + sd * best[0], sd * Math.exp(best[1]), best[2]);
    }

    /**
     * Minus the mean log-likelihood of the standardised sample {@code z} at
     * {@code p = (xi, log omega, alpha)}, without the constant {@code log(2 / sqrt(2 pi))}, and
     * its gradient in {@code gradient}; infinity outside the allowed region.
     */
    private static double negativeMeanLogLikelihood(double[] z, double[] p, double[] gradient) {
        double xi = p[0];
        double eta = p[1];
        double alpha = p[2];
        if (!(Math.abs(alpha) <= MAX_FITTED_SHAPE) || !(Math.abs(eta) < 50) || !Double.isFinite(xi)) {
            return Double.POSITIVE_INFINITY;
        }
        double omega = Math.exp(eta);
        double sum = 0;
        double gXi = 0;
        double gEta = 0;
        double gAlpha = 0;
        for (double v : z) {
            double t = (v - xi) / omega;
            double u = alpha * t;
            double logPhi = StandardNormal.logCdf(u);
            double w = Math.exp(StandardNormal.logPdf(u) - logPhi); // phi(u) / Phi(u)
            sum += -0.5 * t * t + logPhi;
            gXi += t - alpha * w;
            gEta += t * t - alpha * w * t;
            gAlpha += w * t;
        }
        int n = z.length;
        // d/dxi = (1/omega) sum (t - alpha w); d/deta = -n + sum (t^2 - alpha w t); d/dalpha = sum w t
        gradient[0] = -gXi / omega / n;
        gradient[1] = -(gEta - n) / n;
        gradient[2] = -gAlpha / n;
        return -(sum / n - eta);
    }

    private static void checkSample(double[] x) {
        if (x.length < 3) {
            throw new IllegalArgumentException("a skew-normal fit needs at least 3 values, got " + x.length);
        }
        double first = x[0];
        boolean spread = false;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException("value " + x[i] + " at index " + i + " of the sample is not finite");
            }
            spread |= x[i] != first;
        }
        if (!spread) {
            throw new IllegalArgumentException(
                    "all " + x.length + " values of the sample equal " + first + "; a skew-normal fit needs spread");
        }
    }

    /** BFGS minimisation with an Armijo backtracking line search. */
    private static final class Bfgs {
        private Bfgs() {}

        interface Objective {
            /** The value at {@code p}, with the gradient written to {@code gradient}. */
            double value(double[] p, double[] gradient);
        }

        static double[] minimise(Objective f, double[] start) {
            int d = start.length;
            double[] x = start.clone();
            double[] g = new double[d];
            double fx = f.value(x, g);
            if (!Double.isFinite(fx)) {
                return x;
            }
            double[][] h = identity(d); // approximate inverse Hessian
            double[] trial = new double[d];
            double[] gTrial = new double[d];
            for (int iteration = 0; iteration < 500; iteration++) {
                if (maxAbs(g) < 1e-9) {
                    break;
                }
                double[] direction = new double[d];
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        direction[i] -= h[i][j] * g[j];
                    }
                }
                double slope = dot(direction, g);
                if (!(slope < 0)) {
                    h = identity(d);
                    for (int i = 0; i < d; i++) {
                        direction[i] = -g[i];
                    }
                    slope = dot(direction, g);
                }
                double step = 1;
                double fTrial = Double.NaN;
                boolean accepted = false;
                for (int k = 0; k < 60; k++) {
                    for (int i = 0; i < d; i++) {
                        trial[i] = x[i] + step * direction[i];
                    }
                    fTrial = f.value(trial, gTrial);
                    if (fTrial <= fx + 1e-4 * step * slope) {
                        accepted = true;
                        break;
                    }
                    step *= 0.5;
                }
                if (!accepted || !(fTrial < fx)) {
                    break; // no further progress in double precision
                }
                double[] s = new double[d];
                double[] y = new double[d];
                for (int i = 0; i < d; i++) {
                    s[i] = trial[i] - x[i];
                    y[i] = gTrial[i] - g[i];
                }
                double sy = dot(s, y);
                if (sy > 1e-300) {
                    update(h, s, y, sy);
                }
                System.arraycopy(trial, 0, x, 0, d);
                System.arraycopy(gTrial, 0, g, 0, d);
                fx = fTrial;
            }
            return x;
        }

        /** {@code H <- (I - rho s y') H (I - rho y s') + rho s s'} with {@code rho = 1 / s'y}. */
        private static void update(double[][] h, double[] s, double[] y, double sy) {
            int d = s.length;
            double rho = 1 / sy;
            double[] hy = new double[d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    hy[i] += h[i][j] * y[j];
                }
            }
            double yhy = dot(y, hy);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
                }
            }
        }

        private static double[][] identity(int d) {
            double[][] m = new double[d][d];
            for (int i = 0; i < d; i++) {
                m[i][i] = 1;
            }
            return m;
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }

        private static double maxAbs(double[] a) {
            double m = 0;
            for (double v : a) {
                m = Math.max(m, Math.abs(v));
            }
            return m;
        }
    }
}
