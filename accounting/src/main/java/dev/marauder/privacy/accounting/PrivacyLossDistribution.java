package dev.marauder.privacy.accounting;

import dev.marauder.stats.Fft;
import dev.marauder.stats.LogSpace;
import dev.marauder.stats.Require;
import dev.marauder.stats.StandardNormal;
import java.util.Arrays;

/**
 * A discretised privacy loss distribution (PLD): an immutable value, with the pure math to build
 * one for the Poisson-subsampled Gaussian mechanism, compose PLDs and read (epsilon, delta) off
 * them.
 *
 * <p><b>What it is.</b> For a mechanism and a pair of neighbouring datasets with output
 * distributions {@code P} and {@code Q}, the privacy loss of an output {@code o} is
 * {@code L(o) = log(P(o)/Q(o))}, and its distribution when {@code o ~ P} is the PLD
 * (Sommer, Meiser and Mohammadi 2019, "Privacy Loss Classes: The Central Limit Theorem in
 * Differential Privacy"; Meiser and Mohammadi 2018, "Tight on Budget? Tight Bounds for r-Fold
 * Approximate Differential Privacy"). The mechanism is (epsilon, delta)-DP for this pair iff
 * {@code delta >= E[(1 - exp(epsilon - L))+]} (the hockey-stick divergence), and composing
 * mechanisms adds independent losses, so the PLD of a composition is the convolution of the PLDs
 * (Koskela, Jälkö and Honkela 2020, "Computing Tight Differential Privacy Guarantees Using FFT",
 * AISTATS; Koskela et al. 2021, "Tight Differential Privacy for Discrete-Valued Mechanisms and for
 * the Subsampled Gaussian Mechanism Using FFT"). Here losses live on the grid
 * {@code k * interval}; {@link #infinityMass()} is the probability of an infinite loss.
 *
 * <p><b>Pessimistic discretisation.</b> {@link #subsampledGaussian} cuts the real line into the
 * intervals of outputs whose loss lies between two neighbouring grid points, and splits each
 * interval's probability between those two grid points so that both its {@code P}-mass and its
 * {@code Q}-mass are preserved. The true pair of distributions is then a post-processing of the
 * discrete one (each output is a randomised function of the discrete outcome), so the discrete
 * PLD dominates the true one for every epsilon, also after any number of compositions: every
 * epsilon read off it is an upper bound. This is the "connect the dots" construction of
 * Doroshenko, Ghazi, Kamath, Kumar and Manurangsi 2022, "Connect the Dots: Tighter Discrete
 * Approximations of Privacy Loss Distributions" (PETS), which Google's dp_accounting uses by
 * default; unlike rounding every loss up (Meiser and Mohammadi's privacy buckets), it does not
 * add a bias of up to one grid step per composition, which matters for 100,000 steps. Losses
 * beyond 11 standard deviations of the noise are handled pessimistically too: the low-loss tail
 * is moved up to the lowest grid point, the high-loss tail is split between the highest grid
 * point and an infinite loss (its hockey-stick divergence, below 2e-28).
 *
 * <p><b>Composition.</b> {@link #compose} convolves two PLDs with an FFT; {@link #selfCompose}
 * raises the Fourier transform to the power {@code n} on a window of losses chosen by a Chernoff
 * bound (as in dp_accounting), so that at most {@value #TAIL_MASS} of probability falls outside
 * it. Every composition adds its truncated mass (at most {@value #TAIL_MASS}) to the infinite
 * loss, and moves any truncated low losses up, so the result stays an upper bound (up to
 * floating-point rounding in the FFT, of order 1e-16 per grid point, negative values from which
 * are set to zero).
 *
 * <p><b>Adjacency.</b> Under add-or-remove-one adjacency with Poisson sampling the two directions
 * give different PLDs ({@link Adjacency}); a guarantee needs the larger epsilon of the two,
 * each direction composed on its own (a neighbouring pair of datasets stays the same pair for the
 * whole training run). {@link PldAccountant} does that.
 */
public final class PrivacyLossDistribution {
    /** Default grid step of the losses, as in dp_accounting. */
    public static final double DEFAULT_INTERVAL = 1e-4;

    /** Upper bound on the probability truncated by each composition, added to the infinite loss. */
    public static final double TAIL_MASS = 1e-15;

    /** Noise tails beyond this many standard deviations are handled as tails (mass below 2e-28). */
    private static final double TAIL_SIGMAS = 11;

    /** Largest grid (and FFT) size accepted, to fail clearly instead of running out of memory. */
    private static final long MAX_SIZE = 1L << 25;

    /**
     * The direction of neighbouring datasets. With Poisson sampling at rate {@code q} and noise
     * {@code N(0, sigma^2)}, one step outputs {@code (1-q) N(0, sigma^2) + q N(1, sigma^2)} on the
     * dataset with the example and {@code N(0, sigma^2)} on the dataset without it.
     */
    public enum Adjacency {
        /**
         * {@code P} is the output with the example (the mixture), {@code Q} without: the loss
         * from removing an example. Losses lie above {@code log(1-q)}, unbounded above.
         */
        REMOVE,
        /**
         * {@code P} is the output without the example, {@code Q} with it (the mixture): the loss
         * from adding an example. Losses lie below {@code -log(1-q)}, unbounded below.
         */
        ADD
    }

    private final double interval;
    /** The loss of {@code probs[0]} is {@code offset * interval}. */
    private final long offset;

    private final double[] probs;
    private final double infinityMass;

    private PrivacyLossDistribution(double interval, long offset, double[] probs, double infinityMass) {
        this.interval = interval;
        this.offset = offset;
        this.probs = probs;
        this.infinityMass = Math.min(1, Math.max(0, infinityMass));
    }

    /** The PLD of a mechanism that reveals nothing: loss 0 with probability 1. */
    public static PrivacyLossDistribution identity(double interval) {
        checkInterval(interval);
        return new PrivacyLossDistribution(interval, 0, new double[] {1}, 0);
    }

    /**
     * The pessimistic PLD of one step of the Poisson-subsampled Gaussian mechanism with
     * sensitivity 1.
     *
     * @param noiseMultiplier noise standard deviation over sensitivity, {@code > 0}
     * @param sampleRate sampling probability, in {@code [0, 1]} (0 gives {@link #identity})
     * @param adjacency which of the two neighbouring datasets has the example
     * @param interval grid step of the losses, {@code > 0} (smaller is tighter and slower)
     * @throws IllegalArgumentException for invalid settings, or a grid larger than 2^25 points
     *     (a very small noise multiplier for the interval)
     */
    public static PrivacyLossDistribution subsampledGaussian(
            double noiseMultiplier, double sampleRate, Adjacency adjacency, double interval) {
        Require.gaussianMechanism(noiseMultiplier, sampleRate);
        checkInterval(interval);
        if (noiseMultiplier == 0) {
            throw new IllegalArgumentException("noise multiplier must be > 0 for a privacy loss distribution");
        }
        if (sampleRate == 0) {
            return identity(interval);
        }
        return new SubsampledGaussian(noiseMultiplier, sampleRate, adjacency == Adjacency.REMOVE).discretise(interval);
    }

    /**
     * How many grid points one step of the subsampled Gaussian needs at {@code interval} (before
     * anything is allocated; +infinity when its losses exceed any grid), so that an accountant can
     * choose a grid that fits.
     */
    public static double gridPoints(double noiseMultiplier, double sampleRate, Adjacency adjacency, double interval) {
        Require.gaussianMechanism(noiseMultiplier, sampleRate);
        checkInterval(interval);
        if (noiseMultiplier == 0 || sampleRate == 0) {
            return 1;
        }
        return new SubsampledGaussian(noiseMultiplier, sampleRate, adjacency == Adjacency.REMOVE).points(interval);
    }

    /** The grid step of the losses. */
    public double interval() {
        return interval;
    }

    /** The probability of an infinite privacy loss (a lower bound on delta for every epsilon). */
    public double infinityMass() {
        return infinityMass;
    }

    /** The number of grid points stored. */
    public int size() {
        return probs.length;
    }

    /** The smallest finite loss stored. */
    public double minLoss() {
        return offset * interval;
    }

    /** The largest finite loss stored. */
    public double maxLoss() {
        return (offset + probs.length - 1) * interval;
    }

    /** The total probability of the finite losses (1 minus the infinite mass, up to rounding). */
    public double finiteMass() {
        double sum = 0;
        for (double p : probs) {
            sum += p;
        }
        return sum;
    }

    /** The probability of the loss {@code k * interval()}. */
    public double probability(long k) {
        long i = k - offset;
        return i < 0 || i >= probs.length ? 0 : probs[(int) i];
    }

    /**
     * The PLD of running this mechanism and then {@code other} (independently): the convolution of
     * the two, truncated pessimistically.
     *
     * @throws IllegalArgumentException if the grid steps differ
     */
    public PrivacyLossDistribution compose(PrivacyLossDistribution other) {
        if (Double.compare(interval, other.interval) != 0) {
            throw new IllegalArgumentException(
                    "cannot compose PLDs with intervals " + interval + " and " + other.interval);
        }
        double inf = infinityMass + other.infinityMass - infinityMass * other.infinityMass;
        if (probs.length == 1 || other.probs.length == 1) {
            // A point mass just shifts (and scales) the other distribution.
            PrivacyLossDistribution point = probs.length == 1 ? this : other;
            PrivacyLossDistribution rest = probs.length == 1 ? other : this;
            double[] p = rest.probs.clone();
            for (int i = 0; i < p.length; i++) {
                p[i] *= point.probs[0];
            }
            return new PrivacyLossDistribution(interval, Math.addExact(point.offset, rest.offset), p, inf);
        }
        long length = (long) probs.length + other.probs.length - 1;
        checkSize(length);
        Fft fft = new Fft(Fft.size(length));
        int n = fft.length();
        // Both real sequences go through one complex transform: z = a + i b.
        double[] re = Arrays.copyOf(probs, n);
        double[] im = Arrays.copyOf(other.probs, n);
        fft.forward(re, im);
        double[] outRe = new double[n];
        double[] outIm = new double[n];
        for (int k = 0; k < n; k++) {
            int m = (n - k) & (n - 1);
            // A[k] = (Z[k] + conj(Z[-k])) / 2, B[k] = (Z[k] - conj(Z[-k])) / (2i)
            double ar = 0.5 * (re[k] + re[m]);
            double ai = 0.5 * (im[k] - im[m]);
            double br = 0.5 * (im[k] + im[m]);
            double bi = -0.5 * (re[k] - re[m]);
            outRe[k] = ar * br - ai * bi;
            outIm[k] = ar * bi + ai * br;
        }
        fft.inverse(outRe, outIm);
        double[] conv = Arrays.copyOf(outRe, (int) length);
        return truncated(interval, Math.addExact(offset, other.offset), conv, inf);
    }

    /**
     * The PLD of {@code times} independent runs of this mechanism (the {@code times}-fold
     * convolution), computed with one FFT of a window that holds all but {@value #TAIL_MASS} of
     * the probability (Chernoff bound); that mass is added to the infinite loss.
     *
     * @throws IllegalArgumentException if {@code times < 0}
     */
    public PrivacyLossDistribution selfCompose(long times) {
        return selfCompose(this, null, times)[0];
    }

    /**
     * {@link #selfCompose} of {@code a} and of {@code b} (may be null) with one complex FFT: the
     * two real sequences share it as its real and imaginary parts, and are separated by the
     * symmetry of the transform of a real sequence, {@code X[-k] = conj(X[k])}. The two
     * directions of a DP-SGD step are composed this way, at the cost of one.
     */
    static PrivacyLossDistribution[] selfCompose(PrivacyLossDistribution a, PrivacyLossDistribution b, long times) {
        if (times < 0) {
            throw new IllegalArgumentException("times must be >= 0, got " + times);
        }
        PrivacyLossDistribution[] in =
                b == null ? new PrivacyLossDistribution[] {a} : new PrivacyLossDistribution[] {a, b};
        PrivacyLossDistribution[] out = new PrivacyLossDistribution[in.length];
        long[] lo = new long[in.length];
        long[] width = new long[in.length];
        int size = 0;
        for (int d = 0; d < in.length; d++) {
            PrivacyLossDistribution p = in[d];
            if (times == 0) {
                out[d] = identity(p.interval);
            } else if (times == 1) {
                out[d] = p;
            } else if (p.probs.length == 1) {
                out[d] = new PrivacyLossDistribution(
                        p.interval,
                        Math.multiplyExact(p.offset, times),
                        new double[] {Math.pow(p.probs[0], times)},
                        -Math.expm1(times * Math.log1p(-p.infinityMass)));
            } else {
                // The sum of `times` relative indices lies in [0, times * (n-1)]; find the window
                // [lo, lo + width) holding all but TAIL_MASS of it.
                long fullHi = Math.multiplyExact(times, (long) (p.probs.length - 1));
                long[] window = chernoffWindow(p.probs, times, TAIL_MASS, fullHi);
                lo[d] = window[0];
                width[d] = window[1] - window[0] + 1;
                checkSize(width[d]);
                size = Math.max(size, Fft.size(width[d]));
            }
        }
        if (size == 0) {
            return out;
        }
        Fft fft = new Fft(size);
        double[] re = new double[size];
        double[] im = new double[size];
        // Cyclic folding is exact for a cyclic convolution; the window fits in one period.
        if (out[0] == null) {
            fold(a.probs, re);
        }
        if (in.length == 2 && out[1] == null) {
            fold(b.probs, im);
        }
        fft.forward(re, im);
        if (in.length == 1) {
            double[] z = new double[2];
            for (int k = 0; k < size; k++) {
                power(re[k], im[k], times, z);
                re[k] = z[0];
                im[k] = z[1];
            }
        } else {
            powerOfPair(re, im, times);
        }
        fft.inverse(re, im);
        for (int d = 0; d < in.length; d++) {
            if (out[d] != null) {
                continue;
            }
            PrivacyLossDistribution p = in[d];
            double[] source = d == 0 ? re : im;
            double[] probs = new double[(int) width[d]];
            for (int i = 0; i < probs.length; i++) {
                probs[i] = source[(int) ((lo[d] + i) & (size - 1))];
            }
            double inf = -Math.expm1(times * Math.log1p(-p.infinityMass));
            // Mass outside the window wrapped around into it (at most TAIL_MASS): count it as an
            // infinite loss.
            out[d] = truncated(
                    p.interval, Math.addExact(Math.multiplyExact(p.offset, times), lo[d]), probs, inf + TAIL_MASS);
        }
        return out;
    }

    private static void fold(double[] probs, double[] target) {
        int mask = target.length - 1;
        for (int i = 0; i < probs.length; i++) {
            target[i & mask] += probs[i];
        }
    }

    /**
     * Given {@code Z = FFT(x + i y)} of real x and y, replaces it by {@code X^times + i Y^times},
     * whose inverse transform is {@code x^(*times) + i y^(*times)}. Works on the pairs
     * {@code (k, -k)}: {@code X[k] = (Z[k] + conj(Z[-k]))/2}, {@code Y[k] = (Z[k] - conj(Z[-k]))/(2i)}.
     */
    private static void powerOfPair(double[] re, double[] im, long times) {
        int size = re.length;
        double[] x = new double[2];
        double[] y = new double[2];
        for (int k = 0; k <= size / 2; k++) {
            int m = (size - k) & (size - 1);
            double xr = 0.5 * (re[k] + re[m]);
            double xi = 0.5 * (im[k] - im[m]);
            double yr = 0.5 * (im[k] + im[m]);
            double yi = -0.5 * (re[k] - re[m]);
            power(xr, xi, times, x);
            power(yr, yi, times, y);
            // C[k] = X^t[k] + i Y^t[k]; C[-k] = conj(X^t[k]) + i conj(Y^t[k]).
            re[k] = x[0] - y[1];
            im[k] = x[1] + y[0];
            re[m] = x[0] + y[1];
            im[m] = -x[1] + y[0];
        }
    }

    /**
     * The hockey-stick divergence at {@code epsilon}: the smallest delta for which this PLD is
     * (epsilon, delta)-DP, {@code infinityMass + E[(1 - exp(epsilon - L))+]}.
     */
    public double deltaForEpsilon(double epsilon) {
        if (Double.isNaN(epsilon)) {
            throw new IllegalArgumentException("epsilon must not be NaN");
        }
        double delta = infinityMass;
        for (int i = probs.length - 1; i >= 0; i--) {
            double loss = (offset + i) * interval;
            if (loss <= epsilon) {
                break;
            }
            delta += -Math.expm1(epsilon - loss) * probs[i];
        }
        return Math.min(1, delta);
    }

    /**
     * The smallest {@code epsilon >= 0} with {@link #deltaForEpsilon(double)} at most
     * {@code delta}, or {@code +Infinity} if the infinite loss alone exceeds {@code delta}.
     *
     * @throws IllegalArgumentException if {@code delta} is not in {@code (0, 1)}
     */
    public double epsilonForDelta(double delta) {
        Require.delta(delta);
        if (infinityMass > delta) {
            return Double.POSITIVE_INFINITY;
        }
        // On [L_i, L_{i+1}] the divergence is upper - exp(eps) * lower, with upper the P-mass and
        // lower the Q-mass of the losses above L_i (plus the infinite loss in upper). The Q-mass is
        // kept as a logarithm: for losses beyond about 700 it underflows, and exp(loss) overflows.
        double upper = infinityMass;
        double logLower = Double.NEGATIVE_INFINITY;
        for (int i = probs.length - 1; i >= 0; i--) {
            double loss = (offset + i) * interval;
            boolean exceeds =
                    upper > delta && Math.log(upper - delta) > loss + logLower; // upper - e^loss lower > delta
            if (exceeds && logLower > Double.NEGATIVE_INFINITY) {
                return Math.max(0, Math.log(upper - delta) - logLower);
            }
            if (loss <= 0 && !exceeds) {
                return 0; // the divergence decreases with epsilon, and it is already small enough at a loss <= 0
            }
            upper += probs[i];
            if (probs[i] > 0) {
                logLower = LogSpace.add(logLower, Math.log(probs[i]) - loss);
            }
        }
        if (upper > delta && logLower > Double.NEGATIVE_INFINITY) {
            return Math.max(0, Math.log(upper - delta) - logLower);
        }
        return upper > delta ? Double.POSITIVE_INFINITY : 0;
    }

    @Override
    public String toString() {
        return String.format(
                "PrivacyLossDistribution[interval=%g, losses %g..%g, %d points, infinity mass %g]",
                interval, minLoss(), maxLoss(), probs.length, infinityMass);
    }

    // ---------------------------------------------------------------------------------------

    /** {@code (br + i bi)^times} by repeated squaring, into {@code out[0]} (real) and {@code out[1]}. */
    private static void power(double br, double bi, long times, double[] out) {
        double norm2 = br * br + bi * bi;
        if (norm2 < 1 && 0.5 * Math.log(norm2) * times < -700) {
            out[0] = 0; // below 1e-304: negligible, and kept out of the slow subnormal range
            out[1] = 0;
            return;
        }
        double rr = 1;
        double ri = 0;
        long e = times;
        while (true) {
            if ((e & 1) != 0) {
                double t = rr * br - ri * bi;
                ri = rr * bi + ri * br;
                rr = t;
            }
            e >>= 1;
            if (e == 0) {
                break;
            }
            double t = br * br - bi * bi;
            bi = 2 * br * bi;
            br = t;
        }
        out[0] = rr;
        out[1] = ri;
    }

    /**
     * A window {@code [lo, hi]} of the sum of {@code times} independent draws from {@code p}
     * (indices {@code 0..n-1}) outside which at most {@code tail} of the probability lies:
     * {@code P(S >= b) <= exp(times * K(t) - t b)} for every {@code t > 0}, with {@code K} the
     * log moment generating function, and likewise below, each side given {@code tail / 2}.
     */
    static long[] chernoffWindow(double[] p, long times, double tail, long fullHi) {
        double logTail = Math.log(2 / tail);
        double hi = fullHi;
        double lo = 0;
        // t from 1e-3 to 1e4 per unit of loss would need the interval; per index we scan a wide
        // geometric range, which covers every interval in use (1e-6 to 1e-1).
        for (int g = 0; g <= 80; g++) {
            double t = Math.pow(10, -9 + g * 0.1); // 1e-9 .. 1e-1 per index
            double kUp = logMgfUpper(p, t);
            if (Double.isFinite(kUp)) {
                hi = Math.min(hi, (times * kUp + logTail) / t);
            }
            double kDown = logMgfLower(p, t);
            if (Double.isFinite(kDown)) {
                lo = Math.max(lo, -(times * kDown + logTail) / t);
            }
        }
        long a = Math.max(0, (long) Math.floor(lo));
        long b = Math.min(fullHi, (long) Math.ceil(hi));
        if (b < a) { // cannot happen for a probability distribution; keep the full range then
            return new long[] {0, fullHi};
        }
        return new long[] {a, b};
    }

    /** {@code log sum_i p_i exp(t i)} for {@code t > 0}. */
    private static double logMgfUpper(double[] p, double t) {
        return t * (p.length - 1) + logDecayingSum(p, t, true);
    }

    /** {@code log sum_i p_i exp(-t i)} for {@code t > 0}. */
    private static double logMgfLower(double[] p, double t) {
        return logDecayingSum(p, t, false);
    }

    /**
     * {@code log sum_k p_k exp(-t k)} over the array read from its top ({@code fromTop}) or from
     * its bottom, with {@code k} counting from that end. The weight is updated by multiplication
     * and rescaled before it becomes subnormal (which would be slow, and imprecise); once it is
     * negligible against the sum, the rest is skipped: each remaining term is below
     * {@code 1e-280}, far under the rounding error of a sum above {@code 1e-100}.
     */
    private static double logDecayingSum(double[] p, double t, boolean fromTop) {
        double factor = Math.exp(-t);
        double f = 1;
        double sum = 0;
        double logScale = 0; // the true sum is sum * exp(logScale)
        int n = p.length;
        for (int k = 0; k < n; k++) {
            sum += p[fromTop ? n - 1 - k : k] * f;
            f *= factor;
            if (f < 1e-280) {
                if (sum > 1e-100) {
                    break;
                }
                sum *= 1e200;
                f *= 1e200;
                logScale -= 200 * Math.log(10);
            }
        }
        return Math.log(sum) + logScale;
    }

    /**
     * Builds a PLD from raw probabilities, pessimistically: negative rounding noise set to zero,
     * the lowest losses with total mass at most {@code TAIL_MASS / 2} moved up to the first kept
     * point, the highest with total mass at most {@code TAIL_MASS / 2} moved to the infinite loss.
     */
    private static PrivacyLossDistribution truncated(double interval, long offset, double[] p, double inf) {
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] > 0)) {
                p[i] = 0;
            }
        }
        int first = 0;
        double low = 0;
        while (first < p.length - 1 && low + p[first] <= TAIL_MASS / 2) {
            low += p[first];
            first++;
        }
        int last = p.length - 1;
        double high = 0;
        while (last > first && high + p[last] <= TAIL_MASS / 2) {
            high += p[last];
            last--;
        }
        double[] kept = Arrays.copyOfRange(p, first, last + 1);
        kept[0] += low;
        return new PrivacyLossDistribution(interval, offset + first, kept, inf + high);
    }

    private static void checkInterval(double interval) {
        if (!(interval > 0) || Double.isInfinite(interval)) {
            throw new IllegalArgumentException("interval must be finite and > 0, got " + interval);
        }
    }

    private static void checkSize(long size) {
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException("privacy loss distribution would need " + size + " grid points (limit "
                    + MAX_SIZE + "); use a larger interval");
        }
    }

    /**
     * One step of the Poisson-subsampled Gaussian mechanism, written so that the loss increases
     * with the output {@code x} in both directions. REMOVE: {@code P = (1-q) N(0) + q N(1)},
     * {@code Q = N(0)}, {@code L(x) = log(1 - q + q exp(g(x)))}. ADD, mirrored by
     * {@code x -> 1 - x}: {@code P = N(1)}, {@code Q = (1-q) N(1) + q N(0)},
     * {@code L(x) = -log(1 - q + q exp(-g(x)))}. Here {@code g(x) = (2x - 1) / (2 sigma^2)} is the
     * loss of the Gaussian mechanism without sampling, and all normals have variance sigma^2.
     */
    private static final class SubsampledGaussian {
        private final double sigma;
        private final double q;
        private final boolean remove;
        private final double logQ;
        private final double log1mQ;

        SubsampledGaussian(double sigma, double q, boolean remove) {
            this.sigma = sigma;
            this.q = q;
            this.remove = remove;
            this.logQ = Math.log(q);
            this.log1mQ = Math.log1p(-q);
        }

        double loss(double x) {
            double g = (2 * x - 1) / (2 * sigma * sigma);
            if (remove) {
                return q == 1 ? g : dev.marauder.stats.LogSpace.add(log1mQ, logQ + g);
            }
            return q == 1 ? g : -dev.marauder.stats.LogSpace.add(log1mQ, logQ - g);
        }

        /** The x at which the loss equals {@code loss}: -Infinity/+Infinity past the loss's range. */
        double inverse(double loss) {
            double g;
            if (q == 1) {
                g = loss; // both directions: L = g
            } else if (remove) {
                double logArg = logExpMinus(loss, 1 - q); // log(q exp(g)) = log(exp(loss) - (1 - q))
                if (logArg == Double.NEGATIVE_INFINITY) {
                    return Double.NEGATIVE_INFINITY;
                }
                g = logArg - logQ;
            } else {
                double logArg = logExpMinus(-loss, 1 - q); // log(q exp(-g)) = log(exp(-loss) - (1 - q))
                if (logArg == Double.NEGATIVE_INFINITY) {
                    return Double.POSITIVE_INFINITY;
                }
                g = -(logArg - logQ);
            }
            return sigma * sigma * g + 0.5;
        }

        /**
         * {@code log(exp(a) - c)} for {@code 0 <= c < 1} without overflow for large {@code a};
         * {@code -Infinity} where {@code exp(a) <= c}.
         */
        private static double logExpMinus(double a, double c) {
            if (a > 1) {
                return a + Math.log1p(-c * Math.exp(-a));
            }
            double arg = Math.expm1(a) + (1 - c);
            return arg > 0 ? Math.log(arg) : Double.NEGATIVE_INFINITY;
        }

        /** P-mass and Q-mass of (a, b], from the masses of N(0) and N(1) on it. */
        double pMass(double n0, double n1) {
            return remove ? (1 - q) * n0 + q * n1 : n1;
        }

        double qMass(double n0, double n1) {
            return remove ? n0 : (1 - q) * n1 + q * n0;
        }

        /** The grid points {@link #discretise} would use at step {@code h}. */
        double points(double h) {
            double lo = remove && q < 1 ? log1mQ : loss(1 - TAIL_SIGMAS * sigma);
            double hi = !remove && q < 1 ? -log1mQ : loss(1 + TAIL_SIGMAS * sigma);
            double n = (hi - lo) / h + 2;
            return Double.isFinite(n) ? n : Double.POSITIVE_INFINITY;
        }

        PrivacyLossDistribution discretise(double h) {
            // Range of losses on the grid: bounded sides from the loss's limit, unbounded sides cut
            // TAIL_SIGMAS noise standard deviations beyond the mean of P's component.
            double xLow = 1 - TAIL_SIGMAS * sigma;
            double xHigh = 1 + TAIL_SIGMAS * sigma;
            long jLo;
            long jHi;
            if (remove && q < 1) {
                jLo = (long) Math.floor(log1mQ / h);
            } else {
                jLo = (long) Math.floor(loss(xLow) / h);
            }
            if (!remove && q < 1) {
                jHi = (long) Math.ceil(-log1mQ / h);
            } else {
                jHi = (long) Math.ceil(loss(xHigh) / h);
            }
            if (!Double.isFinite(loss(xLow))
                    || !Double.isFinite(loss(xHigh))
                    || Math.abs(loss(xLow) / h) > 1e15
                    || Math.abs(loss(xHigh) / h) > 1e15) {
                throw new IllegalArgumentException("privacy loss distribution of noise " + sigma + " at interval " + h
                        + " has losses beyond any grid; use a larger interval");
            }
            if (jHi <= jLo) {
                jHi = jLo + 1;
            }
            checkSize(jHi - jLo + 1);
            int points = (int) (jHi - jLo + 1);
            // The boundaries x_j, and the CDFs of N(0) and N(1) there, each in both tails.
            double[] x = new double[points];
            Tails n0 = new Tails(points);
            Tails n1 = new Tails(points);
            for (int j = 0; j < points; j++) {
                x[j] = inverse((jLo + j) * h);
                n0.set(j, x[j] / sigma);
                n1.set(j, (x[j] - 1) / sigma);
            }
            double[] p = new double[points];
            double splitDenominator = -Math.expm1(-h); // 1 - exp(-h)
            for (int j = 1; j < points; j++) {
                double m0 = n0.mass(j - 1, j);
                double m1 = n1.mass(j - 1, j);
                double pm = pMass(m0, m1);
                if (pm <= 0) {
                    continue;
                }
                double qm = qMass(m0, m1);
                // Put mass `up` on the upper grid point and the rest on the lower one, preserving
                // both the P-mass and the Q-mass of the interval.
                double lowerLoss = (jLo + j - 1) * h;
                double up = (pm - expTimes(lowerLoss, qm)) / splitDenominator;
                up = Math.min(pm, Math.max(0, up));
                p[j] += up;
                p[j - 1] += pm - up;
            }
            // Below the lowest grid point: all of its P-mass on that point (losses only go up).
            if (x[0] > Double.NEGATIVE_INFINITY) {
                p[0] += pMass(n0.cdf[0], n1.cdf[0]);
            }
            // Above the highest grid point: split between it and an infinite loss, preserving the
            // P-mass and the Q-mass (all of the Q-mass goes to the finite point).
            double inf = 0;
            double top = x[points - 1];
            if (top < Double.POSITIVE_INFINITY) {
                double pm = pMass(n0.sf[points - 1], n1.sf[points - 1]);
                double qm = qMass(n0.sf[points - 1], n1.sf[points - 1]);
                double finite = Math.min(pm, expTimes(jHi * h, qm));
                inf = pm - finite;
                p[points - 1] += finite;
            }
            // Drop exact zeros at the ends.
            int first = 0;
            while (first < points - 1 && p[first] == 0) {
                first++;
            }
            int last = points - 1;
            while (last > first && p[last] == 0) {
                last--;
            }
            double total = inf;
            for (double v : p) {
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException(
                            "privacy loss distribution of noise " + sigma + " and sample rate " + q
                                    + " has an invalid mass (" + v + ") at interval " + h + "; use a larger interval");
                }
                total += v;
            }
            if (!(Math.abs(total - 1) <= 1e-6)) {
                throw new IllegalArgumentException("privacy loss distribution of noise " + sigma + " and sample rate "
                        + q + " has total mass " + total + " at interval " + h + "; use a larger interval");
            }
            return new PrivacyLossDistribution(h, jLo + first, Arrays.copyOfRange(p, first, last + 1), inf);
        }

        /** {@code exp(logFactor) * mass} without overflow into NaN: a zero mass stays zero. */
        private static double expTimes(double logFactor, double mass) {
            return mass == 0 ? 0 : Math.exp(logFactor + Math.log(mass));
        }
    }

    /**
     * {@code P(Z <= z)} and {@code P(Z > z)} of a standard normal at a sorted list of points, from
     * one {@code erfc} each (the larger of the two, at least 1/2, is accurate as 1 minus the other),
     * and masses of the intervals between them without cancellation in either tail.
     */
    private static final class Tails {
        final double[] z;
        final double[] cdf;
        final double[] sf;

        Tails(int size) {
            z = new double[size];
            cdf = new double[size];
            sf = new double[size];
        }

        void set(int j, double value) {
            z[j] = value;
            if (value < 0) {
                cdf[j] = StandardNormal.cdf(value);
                sf[j] = 1 - cdf[j];
            } else {
                sf[j] = StandardNormal.sf(value);
                cdf[j] = 1 - sf[j];
            }
        }

        /** {@code P(z_i < Z <= z_j)} for {@code i < j}. */
        double mass(int i, int j) {
            if (!(z[i] < z[j])) {
                return 0;
            }
            if (z[j] <= 0) {
                return cdf[j] - cdf[i];
            }
            if (z[i] >= 0) {
                return sf[i] - sf[j];
            }
            return 1 - cdf[i] - sf[j];
        }
    }
}
