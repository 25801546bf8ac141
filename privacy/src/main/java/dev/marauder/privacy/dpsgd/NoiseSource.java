package dev.marauder.privacy.dpsgd;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * The randomness of DP-SGD: Gaussian noise and Poisson sampling.
 *
 * <p>{@link #secure()} draws from {@link SecureRandom}; this is the default, and the only mode
 * whose result is private. {@link #seeded(long)} is reproducible and NOT private: for tests and
 * demonstrations only (callers print a warning).
 *
 * <p>Each Gaussian value is the sum of four independent standard normal draws (Box-Muller from
 * 53-bit uniforms) divided by two, which is again standard normal. Summing several draws smooths
 * the gaps and the irregular low bits that a single floating-point Gaussian sample leaves, the
 * weakness Mironov (2012, "On Significance of the Least Significant Bits for Differential
 * Privacy") exploited against floating-point Laplace noise; Opacus's secure mode uses the same
 * idea. Noise is generated in double precision and rounded to float once.
 */
public final class NoiseSource {
    private static final int DRAWS = 4;
    private final SecureRandom secure;
    private final SplittableRandom seeded;

    private NoiseSource(SecureRandom secure, SplittableRandom seeded) {
        this.secure = secure;
        this.seeded = seeded;
    }

    /**
     * Cryptographically secure randomness: the private mode. Uses the JDK's NIST SP 800-90A DRBG
     * (seeded from the operating system), read in bulk.
     */
    public static NoiseSource secure() {
        try {
            return new NoiseSource(SecureRandom.getInstance("DRBG"), null);
        } catch (java.security.NoSuchAlgorithmException e) {
            return new NoiseSource(new SecureRandom(), null);
        }
    }

    /** Reproducible randomness from {@code seed}: NOT private, for tests only. */
    public static NoiseSource seeded(long seed) {
        return new NoiseSource(null, new SplittableRandom(seed));
    }

    /** True for the secure (private) mode. */
    public boolean isSecure() {
        return secure != null;
    }

    /** {@code n} independent Gaussian values of mean 0 and standard deviation {@code std}. */
    public float[] gaussian(int n, double std) {
        float[] out = new float[n];
        double[] u = uniforms(n * DRAWS);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int k = 0; k < DRAWS; k += 2) {
                double r = Math.sqrt(-2 * Math.log(1.0 - u[i * DRAWS + k])); // 1 - u is in (0, 1]
                double theta = 2 * Math.PI * u[i * DRAWS + k + 1];
                sum += r * (Math.cos(theta) + Math.sin(theta));
            }
            out[i] = (float) (std * sum / Math.sqrt(DRAWS));
        }
        return out;
    }

    /**
     * Poisson sampling: each of {@code n} indices independently with probability {@code rate}
     * (the sampling the RDP and PLD analyses of the sampled Gaussian mechanism assume).
     */
    public int[] poissonSample(int n, double rate) {
        int[] buffer = new int[n];
        double[] u = uniforms(n);
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (u[i] < rate) {
                buffer[k++] = i;
            }
        }
        return java.util.Arrays.copyOf(buffer, k);
    }

    /** {@code n} uniform values in [0, 1) with 53 random bits each, drawn in bulk. */
    private double[] uniforms(int n) {
        double[] u = new double[n];
        if (secure != null) {
            byte[] bytes = new byte[n * 8];
            secure.nextBytes(bytes);
            java.nio.LongBuffer longs = java.nio.ByteBuffer.wrap(bytes).asLongBuffer();
            for (int i = 0; i < n; i++) {
                u[i] = (longs.get(i) >>> 11) * 0x1.0p-53;
            }
        } else {
            for (int i = 0; i < n; i++) {
                u[i] = seeded.nextDouble();
            }
        }
        return u;
    }
}
