package dev.marauder.privacy.membership;

/**
 * The logarithm of the standard normal distribution function, accurate in both tails, for the
 * offline LiRA test. ({@code dev.marauder.privacy.accounting} has a more elaborate one, private to
 * that package.)
 *
 * <p>{@code Phi(x) = erfc(-x / sqrt 2) / 2}. For {@code t < 2}, {@code erfc(t) = 1 - erf(t)}
 * with {@code erf} from its series of positive terms
 * {@code erf(t) = 2/sqrt(pi) exp(-t^2) sum_n (2t^2)^n t / (1*3*...*(2n+1))}; for {@code t >= 2},
 * {@code log erfc(t) = -t^2 + log(K(t) / sqrt(pi))} with Laplace's continued fraction
 * {@code K(t) = 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + ...))))}, evaluated by the modified Lentz
 * method, so that the logarithm stays finite far beyond the point where {@code Phi} underflows.
 * Relative error about 1e-13 (checked against mpmath in {@code StandardNormalTest}).
 */
final class StandardNormal {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double LOG_HALF = Math.log(0.5);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
    private static final double SERIES_LIMIT = 2;
    private static final int MAX_TERMS = 1000;
    private static final double TINY = 1e-300;

    private StandardNormal() {}

    /** {@code log P(Z <= x)} for a standard normal {@code Z}; minus infinity only at minus infinity. */
    static double logCdf(double x) {
        if (x >= 0) {
            return Math.log1p(-0.5 * erfc(x * SQRT_HALF));
        }
        return LOG_HALF + logErfc(-x * SQRT_HALF);
    }

    /**
     * {@code log(Phi(x) / (1 - Phi(x)))}: strictly increasing, odd, and free of saturation in
     * either tail (about {@code x^2 / 2} in size far out).
     */
    static double logOdds(double x) {
        return logCdf(x) - logCdf(-x);
    }

    /** {@code erfc(t)} for {@code t >= 0}. */
    static double erfc(double t) {
        if (t < SERIES_LIMIT) {
            return 1 - erfSeries(t);
        }
        return Math.exp(logErfc(t));
    }

    /** {@code log erfc(t)} for {@code t >= 0}. */
    static double logErfc(double t) {
        if (t < SERIES_LIMIT) {
            return Math.log1p(-erfSeries(t));
        }
        if (Double.isInfinite(t)) {
            return Double.NEGATIVE_INFINITY;
        }
        return -t * t - LOG_SQRT_PI + Math.log(continuedFraction(t));
    }

    private static double erfSeries(double t) {
        double twoTSquared = 2 * t * t;
        double term = t;
        double sum = t;
        for (int n = 1; n < MAX_TERMS; n++) {
            term *= twoTSquared / (2 * n + 1);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-t * t) * sum;
    }

    /** {@code 1/(t + (1/2)/(t + (2/2)/(t + (3/2)/(t + ...))))} by the modified Lentz method. */
    private static double continuedFraction(double t) {
        double f = t;
        double c = t;
        double d = 0;
        for (int n = 1; n < MAX_TERMS; n++) {
            double a = 0.5 * n;
            d = t + a * d;
            d = 1 / (Math.abs(d) < TINY ? TINY : d);
            c = t + a / c;
            if (Math.abs(c) < TINY) {
                c = TINY;
            }
            double change = c * d;
            f *= change;
            if (Math.abs(change - 1) < 1e-16) {
                break;
            }
        }
        return 1 / f;
    }
}
