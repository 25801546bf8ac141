package dev.marauder.privacy.accounting;

/**
 * An in-place radix-2 fast Fourier transform of one power-of-two length, on separate real and
 * imaginary arrays (Cooley and Tukey 1965). The twiddle factors are computed once per instance,
 * each directly with {@link Math#cos} and {@link Math#sin} rather than by recurrence, so that
 * rounding errors do not build up along the table. Instances are immutable and thread-safe.
 */
final class Fft {
    private final int n;
    private final int logN;
    private final double[] cos;
    private final double[] sin;

    Fft(int n) {
        if (n < 1 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two, got " + n);
        }
        this.n = n;
        this.logN = Integer.numberOfTrailingZeros(n);
        this.cos = new double[Math.max(1, n / 2)];
        this.sin = new double[Math.max(1, n / 2)];
        for (int k = 0; k < n / 2; k++) {
            double angle = 2 * Math.PI * k / n;
            cos[k] = Math.cos(angle);
            sin[k] = Math.sin(angle);
        }
    }

    /** The smallest power of two that is at least {@code length}. */
    static int size(long length) {
        if (length > 1 << 30) {
            throw new IllegalArgumentException("FFT length too large: " + length);
        }
        int size = 1;
        while (size < length) {
            size <<= 1;
        }
        return size;
    }

    int length() {
        return n;
    }

    /** {@code X[k] = sum_j x[j] exp(-2 pi i j k / n)}, in place. */
    void forward(double[] re, double[] im) {
        transform(re, im, -1);
    }

    /** The inverse of {@link #forward}, including the {@code 1/n} factor, in place. */
    void inverse(double[] re, double[] im) {
        transform(re, im, 1);
        double scale = 1.0 / n;
        for (int i = 0; i < n; i++) {
            re[i] *= scale;
            im[i] *= scale;
        }
    }

    private void transform(double[] re, double[] im, int sign) {
        if (re.length != n || im.length != n) {
            throw new IllegalArgumentException("arrays must have length " + n);
        }
        // Bit-reversal permutation.
        for (int i = 0; i < n; i++) {
            int j = Integer.reverse(i) >>> (32 - logN);
            if (logN > 0 && j > i) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int half = 1; half < n; half <<= 1) {
            int stride = n / (2 * half);
            for (int start = 0; start < n; start += 2 * half) {
                for (int j = 0; j < half; j++) {
                    double wr = cos[j * stride];
                    double wi = sign * sin[j * stride];
                    int a = start + j;
                    int b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }
}
