package dev.marauder.privacy.accounting;

import dev.marauder.stats.LogSpace;
import dev.marauder.stats.Require;
import dev.marauder.stats.StandardNormal;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/**
 * Rényi differential privacy (RDP) of the sampled Gaussian mechanism, and its conversion to an
 * (epsilon, delta) guarantee. Pure functions on doubles, no state.
 *
 * <p><b>RDP of one step.</b> DP-SGD's step samples each example independently with probability
 * {@code q} and adds Gaussian noise of standard deviation {@code sigma} (the noise multiplier, for
 * sensitivity 1). Its RDP of order {@code alpha} is {@code log(A_alpha) / (alpha - 1)}, with
 * {@code A_alpha} computed as in Mironov, Talwar and Zhang 2019, "Rényi Differential Privacy of
 * the Sampled Gaussian Mechanism" (arXiv:1908.10530), Section 3.3:
 * <ul>
 *   <li>integer orders: the finite binomial sum
 *       {@code A = sum_{i=0..alpha} C(alpha, i) q^i (1-q)^(alpha-i) exp((i^2 - i) / (2 sigma^2))},
 *       rewritten as {@code 1 +} a sum of positive terms for {@code A - 1} and summed in log space,
 *       so that tiny sample rates keep full relative precision;</li>
 *   <li>fractional orders: the two generalised binomial series for the integrals below and above
 *       {@code z0 = sigma^2 log(1/q - 1) + 1/2}, each term carrying a normal tail probability
 *       ({@code log Phi} computed without underflow). The series keep the signs of the generalised
 *       binomial coefficients, as Opacus does (dp_accounting, since 2024, adds their absolute
 *       values instead, which is a looser upper bound: 3% looser at order 1.5 in its own test).
 *       Past {@code i > alpha} the terms alternate in sign and shrink, so stopping once both are
 *       below {@code e^-30} times the running total bounds the error by that amount. An order
 *       whose series does not converge within {@value #MAX_SERIES_TERMS} terms, or cancels to a
 *       non-positive value, gets RDP {@code +Infinity}, which is always a valid (useless) bound
 *       and simply takes that order out of the minimum in {@link #epsilon}.</li>
 *   <li>{@code q = 0}: 0; {@code sigma = 0} (and {@code q > 0}): {@code +Infinity};
 *       {@code q = 1}: the Gaussian mechanism, {@code alpha / (2 sigma^2)} exactly.</li>
 * </ul>
 * RDP composes by addition, so {@code steps} steps (or several segments) add their RDP per order.
 *
 * <p><b>Conversion.</b> {@link #epsilon} uses the conversion of Balle, Barthe, Gaboardi, Hsu and
 * Sato 2020, "Hypothesis Testing Interpretations and Rényi Differential Privacy" (AISTATS,
 * arXiv:1905.09982, Theorem 21), as Opacus's {@code get_privacy_spent} and dp_accounting do:
 * {@code epsilon = rdp + log((alpha - 1)/alpha) - (log(delta) + log(alpha)) / (alpha - 1)},
 * minimised over the orders. As in dp_accounting, an order whose RDP {@code r} already gives
 * {@code delta >= sqrt(1 - exp(-r))} yields epsilon 0 (total variation is at most that bound,
 * and RDP of any order above 1 is at least the KL divergence).
 */
public final class RdpMath {
    /** Terms after which a fractional order's series is given up (the order then gets +Infinity). */
    public static final int MAX_SERIES_TERMS = 200_000;

    /** Stop a fractional series when both new terms are below the total times {@code e^-30}. */
    private static final double SERIES_CUTOFF = 30;

    private RdpMath() {}

    /**
     * An epsilon and the RDP order at which the minimum was reached.
     *
     * @param epsilon the epsilon, {@code >= 0}, possibly {@code +Infinity}
     * @param order the optimal order, or NaN when every order gives {@code +Infinity}
     */
    public record EpsilonAndOrder(double epsilon, double order) {}

    /**
     * The default orders, those of Google's dp_accounting {@code RdpAccountant}:
     * {@code 1 + x/10} for {@code x = 1..99} (1.1 to 10.9), the integers 11 to 63, and 128, 256,
     * 512, 1024. They include every order of Opacus's default grid.
     */
    public static double[] defaultOrders() {
        return DoubleStream.concat(
                        DoubleStream.concat(
                                IntStream.rangeClosed(1, 99).mapToDouble(x -> 1 + x / 10.0),
                                IntStream.rangeClosed(11, 63).asDoubleStream()),
                        DoubleStream.of(128, 256, 512, 1024))
                .toArray();
    }

    /** Opacus's {@code RDPAccountant.DEFAULT_ALPHAS}: {@code 1 + x/10} for {@code x = 1..99}, then 12 to 63. */
    public static double[] opacusOrders() {
        return DoubleStream.concat(
                        IntStream.rangeClosed(1, 99).mapToDouble(x -> 1 + x / 10.0),
                        IntStream.rangeClosed(12, 63).asDoubleStream())
                .toArray();
    }

    /**
     * The orders of TensorFlow Privacy's {@code compute_dp_sgd_privacy}: 1.25, 1.5, 1.75, 2, 2.25,
     * 2.5, 3, 3.5, 4, 4.5, the integers 5 to 63, and 128, 256, 512.
     */
    public static double[] tfPrivacyOrders() {
        return DoubleStream.concat(
                        DoubleStream.concat(
                                DoubleStream.of(1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 3.5, 4.0, 4.5),
                                IntStream.rangeClosed(5, 63).asDoubleStream()),
                        DoubleStream.of(128, 256, 512))
                .toArray();
    }

    /**
     * RDP of one step of the sampled Gaussian mechanism at one order.
     *
     * @param noiseMultiplier noise standard deviation over sensitivity, {@code >= 0}
     * @param sampleRate Poisson sampling probability, in {@code [0, 1]}
     * @param order the Rényi order {@code alpha > 1} ({@code +Infinity} allowed)
     * @return the RDP, {@code >= 0}, possibly {@code +Infinity}
     */
    public static double rdp(double noiseMultiplier, double sampleRate, double order) {
        Require.gaussianMechanism(noiseMultiplier, sampleRate);
        checkOrder(order);
        double q = sampleRate;
        double sigma = noiseMultiplier;
        if (q == 0) {
            return 0;
        }
        if (sigma == 0 || Double.isInfinite(order)) {
            return Double.POSITIVE_INFINITY;
        }
        if (q == 1) {
            return order / (2 * sigma * sigma);
        }
        double logA = order == Math.rint(order) && order <= Integer.MAX_VALUE - 1
                ? logAInteger(q, sigma, (int) order)
                : logAFractional(q, sigma, order);
        return Math.max(0, logA / (order - 1));
    }

    /**
     * RDP of {@code steps} steps of the sampled Gaussian mechanism at each of {@code orders}.
     *
     * @throws IllegalArgumentException for a negative noise or step count, a rate outside
     *     {@code [0, 1]} or an order not above 1
     */
    public static double[] rdp(double noiseMultiplier, double sampleRate, long steps, double[] orders) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        double[] out = new double[orders.length];
        for (int k = 0; k < orders.length; k++) {
            double r = rdp(noiseMultiplier, sampleRate, orders[k]);
            out[k] = steps == 0 ? 0 : r * steps;
        }
        return out;
    }

    /**
     * The smallest epsilon over the orders for which RDP values {@code rdp} imply
     * (epsilon, delta)-DP, by Balle et al. 2020, Theorem 21.
     *
     * @param orders Rényi orders, each above 1
     * @param rdp the RDP at each order (same length)
     * @param delta the target delta, in {@code [0, 1)}; 0 gives {@code +infinity}
     */
    public static EpsilonAndOrder epsilon(double[] orders, double[] rdp, double delta) {
        if (orders.length != rdp.length) {
            throw new IllegalArgumentException(
                    "orders and rdp must have the same length, got " + orders.length + " and " + rdp.length);
        }
        Require.delta(delta);
        if (delta == 0) {
            return new EpsilonAndOrder(Double.POSITIVE_INFINITY, Double.NaN); // RDP implies no pure DP
        }
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = Double.NaN;
        double logDelta = Math.log(delta);
        for (int k = 0; k < orders.length; k++) {
            double a = orders[k];
            checkOrder(a);
            double r = rdp[k];
            if (Double.isNaN(r)) {
                throw new IllegalArgumentException("rdp at order " + a + " is NaN");
            }
            r = Math.max(0, r); // tiny negative values can only come from rounding
            double eps;
            if (Double.isInfinite(r) || Double.isInfinite(a)) {
                eps = Double.POSITIVE_INFINITY;
            } else if (delta * delta + Math.expm1(-r) > 0) {
                eps = 0;
            } else {
                eps = r + Math.log1p(-1 / a) - (logDelta + Math.log(a)) / (a - 1);
            }
            if (eps < best) {
                best = eps;
                bestOrder = a;
            }
        }
        return new EpsilonAndOrder(Math.max(0, best), bestOrder);
    }

    /**
     * {@code log(A_alpha)} for an integer order. Since the binomial weights
     * {@code C(alpha, i) q^i (1-q)^(alpha-i)} sum to 1,
     * {@code A - 1 = sum_{i>=2} C(alpha, i) q^i (1-q)^(alpha-i) expm1((i^2 - i) / (2 sigma^2))}, a sum
     * of positive terms (those for {@code i = 0, 1} vanish). It is summed in log space and
     * {@code log(A) = log1p(A - 1)}, which keeps full relative precision even when {@code A - 1}
     * is far below rounding of 1 (tiny sample rates, where the RDP is about {@code q^2}).
     */
    static double logAInteger(double q, double sigma, int alpha) {
        if (alpha < 2) {
            return 0;
        }
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigma2 = 2 * sigma * sigma;
        double[] terms = new double[alpha - 1];
        double logBinom = Math.log(alpha); // log C(alpha, 1)
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 2; i <= alpha; i++) {
            logBinom += Math.log((double) (alpha - i + 1) / i);
            double c = ((double) i * i - i) / twoSigma2;
            double logExpm1 = c + Math.log(-Math.expm1(-c)); // log(exp(c) - 1), also for large c
            double t = logBinom + i * logQ + (alpha - i) * log1mQ + logExpm1;
            terms[i - 2] = t;
            max = Math.max(max, t);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return 0;
        }
        double sum = 0;
        for (double t : terms) {
            sum += Math.exp(t - max);
        }
        double logAMinus1 = max + Math.log(sum);
        // log(1 + exp(x)), without overflow for large x
        return logAMinus1 > 0 ? logAMinus1 + Math.log1p(Math.exp(-logAMinus1)) : Math.log1p(Math.exp(logAMinus1));
    }

    /**
     * {@code log(A_alpha)} for a fractional order: the two alternating series of Mironov et al.
     * 2019, Section 3.3, with signs kept; {@code +Infinity} if they fail to converge or cancel.
     */
    static double logAFractional(double q, double sigma, double alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double sigma2 = sigma * sigma;
        double z0 = sigma2 * (log1mQ - logQ) + 0.5;
        SignedLogSum below = new SignedLogSum();
        SignedLogSum above = new SignedLogSum();
        double logAbsBinom = 0; // log |C(alpha, i)|
        int sign = 1; // sign of C(alpha, i)
        double previous0 = Double.POSITIVE_INFINITY;
        double previous1 = Double.POSITIVE_INFINITY;
        for (int i = 0; i < MAX_SERIES_TERMS; i++) {
            double j = alpha - i;
            double logT0 = logAbsBinom + i * logQ + j * log1mQ;
            double logT1 = logAbsBinom + j * logQ + i * log1mQ;
            double logE0 = StandardNormal.logCdf((z0 - i) / sigma);
            double logE1 = StandardNormal.logCdf((j - z0) / sigma);
            double logS0 = logT0 + ((double) i * i - i) / (2 * sigma2) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma2) + logE1;
            below.add(sign, logS0);
            above.add(sign, logS1);
            if (i > alpha && logS0 < previous0 && logS1 < previous1) {
                double total = Math.max(below.logMagnitude(), above.logMagnitude());
                if (Math.max(logS0, logS1) < total - SERIES_CUTOFF) {
                    if (below.signum() <= 0 || above.signum() <= 0) {
                        return Double.POSITIVE_INFINITY;
                    }
                    return LogSpace.add(below.logMagnitude(), above.logMagnitude());
                }
            }
            previous0 = logS0;
            previous1 = logS1;
            // C(alpha, i + 1) = C(alpha, i) * (alpha - i) / (i + 1)
            logAbsBinom += Math.log(Math.abs(alpha - i)) - Math.log(i + 1.0);
            if (alpha - i < 0) {
                sign = -sign;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static void checkOrder(double order) {
        if (!(order > 1)) {
            throw new IllegalArgumentException("RDP order must be > 1, got " + order);
        }
    }

    /**
     * A running sum of signed terms {@code s * exp(l)}, kept as a scaled sum relative to the
     * largest exponent seen, so that neither overflow nor underflow occurs.
     */
    private static final class SignedLogSum {
        private double reference = Double.NEGATIVE_INFINITY;
        private double scaled; // sum of s * exp(l - reference)

        void add(int sign, double logMagnitude) {
            if (logMagnitude == Double.NEGATIVE_INFINITY) {
                return;
            }
            if (logMagnitude > reference) {
                scaled = scaled * Math.exp(reference - logMagnitude) + sign;
                reference = logMagnitude;
            } else {
                scaled += sign * Math.exp(logMagnitude - reference);
            }
        }

        int signum() {
            return (int) Math.signum(scaled);
        }

        double logMagnitude() {
            return reference + Math.log(Math.abs(scaled));
        }
    }
}
