package dev.marauder.stats;

/**
 * An in-place radix-2 fast Fourier transform of one power-of-two length, on separate real and
 * imaginary arrays (Cooley and Tukey 1965). The twiddle factors are computed once per instance,
 * each directly with {@link Math#cos} and {@link Math#sin} rather than by recurrence, so that
 * rounding errors do not build up along the table, and stored stage by stage so that the
 * butterflies read them sequentially. Instances are immutable and thread-safe.
 */
public final class Fft {
    private final int n;
    private final int logN;
    /**
     * Twiddle factors laid out by stage: for the butterflies of half-length {@code h},
     * {@code exp(-i pi j / h)} is at index {@code h + j}, so each stage reads them in order.
     */
    private final double[] twRe;

    private final double[] twIm;

    /**
     * An FFT of length {@code n}, with its twiddle factors computed once.
     *
     * @param n the transform length, a power of two
     * @throws IllegalArgumentException if {@code n} is not a power of two
     */
    public Fft(int n) {
        if (n < 1 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two, got " + n);
        }
        this.n = n;
        this.logN = Integer.numberOfTrailingZeros(n);
        // exp(-2 pi i k / n) for k < n/2, each from Math.cos/Math.sin (no recurrence), using
        // cos(pi/2 - x) = sin(x) to halve the calls.
        int halfN = Math.max(1, n / 2);
        double[] c = new double[halfN];
        double[] sn = new double[halfN];
        int quarter = n / 4;
        for (int k = 0; k <= quarter && k < halfN; k++) {
            double angle = 2 * Math.PI * k / n;
            c[k] = Math.cos(angle);
            sn[k] = Math.sin(angle);
        }
        for (int k = quarter + 1; k < halfN; k++) { // angle = pi/2 + x, x = 2 pi (k - n/4) / n
            c[k] = -sn[k - quarter];
            sn[k] = c[k - quarter];
        }
        twRe = new double[Math.max(1, n)];
        twIm = new double[Math.max(1, n)];
        for (int h = 1; h < n; h <<= 1) {
            int stride = n / (2 * h);
            for (int j = 0; j < h; j++) {
                twRe[h + j] = c[j * stride];
                twIm[h + j] = -sn[j * stride];
            }
        }
    }

    /** The smallest power of two that is at least {@code length}. */
    public static int size(long length) {
        if (length > 1 << 30) {
            throw new IllegalArgumentException("FFT length too large: " + length);
        }
        int size = 1;
        while (size < length) {
            size <<= 1;
        }
        return size;
    }

    /** The transform length. */
    public int length() {
        return n;
    }

    /** {@code X[k] = sum_j x[j] exp(-2 pi i j k / n)}, in place. */
    public void forward(double[] re, double[] im) {
        transform(re, im, 1);
    }

    /** The inverse of {@link #forward}, including the {@code 1/n} factor, in place. */
    public void inverse(double[] re, double[] im) {
        transform(re, im, -1);
        double scale = 1.0 / n;
        for (int i = 0; i < n; i++) {
            re[i] *= scale;
            im[i] *= scale;
        }
    }

    /** {@code imSign = 1} uses the twiddles as stored (forward), {@code -1} their conjugates. */
    private void transform(double[] re, double[] im, int imSign) {
        if (re.length != n || im.length != n) {
            throw new IllegalArgumentException("arrays must have length " + n);
        }
        if (n == 1) {
            return;
        }
        // Bit-reversal permutation.
        for (int i = 0; i < n; i++) {
            int j = Integer.reverse(i) >>> (32 - logN);
            if (j > i) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        // First stage: twiddle 1.
        for (int a = 0; a < n; a += 2) {
            double xr = re[a + 1];
            double xi = im[a + 1];
            re[a + 1] = re[a] - xr;
            im[a + 1] = im[a] - xi;
            re[a] += xr;
            im[a] += xi;
        }
        for (int half = 2; half < n; half <<= 1) {
            for (int start = 0; start < n; start += 2 * half) {
                for (int j = 0; j < half; j++) {
                    double wr = twRe[half + j];
                    double wi = imSign * twIm[half + j];
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
