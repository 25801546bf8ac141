package dev.marauder.privacy.memorization;

/**
 * The standard normal density and distribution function for the skew-normal: {@code Phi},
 * {@code log Phi} (finite far past the point where {@code Phi} underflows) and the ratio
 * {@code phi / Phi}.
 *
 * <p>With {@code t = -x / sqrt 2}, {@code Phi(x) = erfc(t) / 2}. For {@code |t| < 1.5},
 * {@code erfc(t) = 1 - erf(t)} with {@code erf(t) = 2/sqrt(pi) exp(-t^2) sum_n t (2t^2)^n /
 * (1*3*...*(2n+1))}, a series of positive terms; for {@code t >= 1.5},
 * {@code erfc(t) = exp(-t^2) erfcx(t)} with the scaled function from Laplace's continued
 * fraction {@code sqrt(pi) erfcx(t) = 1/(t + (1/2)/(t + (2/2)/(t + (3/2)/(t + ...))))}, evaluated
 * by the modified Lentz method. Relative error below 1e-14 (checked against mpmath in
 * {@code GaussianTest}). ({@code dev.marauder.privacy.accounting.Normal} is more elaborate, but
 * private to its package.)
 */
final class Gaussian {
    static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
    private static final double LOG_HALF = Math.log(0.5);
    private static final double SERIES_LIMIT = 1.5;

    private Gaussian() {}

    /** The standard normal density. */
    static double pdf(double x) {
        return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /** {@code log} of the standard normal density. */
    static double logPdf(double x) {
        return -0.5 * x * x - LOG_SQRT_2PI;
    }

    /** {@code P(Z <= x)}. */
    static double cdf(double x) {
        double t = -x * SQRT_HALF;
        if (Math.abs(t) < SERIES_LIMIT) {
            return 0.5 - 0.5 * erfSeries(t); // erf is odd
        }
        if (t > 0) {
            return 0.5 * Math.exp(-t * t) * erfcx(t);
        }
        return 1 - 0.5 * Math.exp(-t * t) * erfcx(-t);
    }

    /** {@code log P(Z <= x)}; finite for every finite {@code x}. */
    static double logCdf(double x) {
        double t = -x * SQRT_HALF;
        if (t >= SERIES_LIMIT) {
            if (t == Double.POSITIVE_INFINITY) {
                return Double.NEGATIVE_INFINITY;
            }
            return LOG_HALF - t * t + Math.log(erfcx(t));
        }
        if (t > -SERIES_LIMIT) {
            return Math.log(0.5 - 0.5 * erfSeries(t));
        }
        return Math.log1p(-0.5 * Math.exp(-t * t) * erfcx(-t));
    }

    /** {@code phi(x) / Phi(x)}, the inverse Mills ratio, without overflow or underflow for {@code x < 0}. */
    static double pdfOverCdf(double x) {
        double t = -x * SQRT_HALF;
        if (t >= SERIES_LIMIT) {
            // phi(x) / Phi(x) = exp(-t^2)/sqrt(2 pi) / (exp(-t^2) erfcx(t) / 2)
            return t == Double.POSITIVE_INFINITY ? Double.POSITIVE_INFINITY : SQRT_2_OVER_PI / erfcx(t);
        }
        return pdf(x) / cdf(x);
    }

    /** {@code erf(t)} for {@code |t| < 1.5} from the series of positive terms. */
    private static double erfSeries(double t) {
        double twoT2 = 2 * t * t;
        double term = t;
        double sum = t;
        for (int n = 1; n < 200; n++) {
            term *= twoT2 / (2 * n + 1);
            sum += term;
            if (Math.abs(term) <= 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-t * t) * sum;
    }

    /** {@code exp(t^2) erfc(t)} for {@code t >= 1.5}, by Laplace's continued fraction. */
    static double erfcx(double t) {
        if (t > 1e8) {
            return INV_SQRT_PI / t; // the fraction's first term; the rest is below 1e-16 relative
        }
        // K = t + a1/(t + a2/(t + ...)), a_n = n/2; modified Lentz.
        double tiny = 1e-300;
        double f = t;
        double c = t;
        double d = 0;
        for (int n = 1; n < 5000; n++) {
            double a = 0.5 * n;
            d = t + a * d;
            d = d == 0 ? tiny : d;
            c = t + a / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return INV_SQRT_PI / f;
    }
}
