package dev.marauder.privacy.dpsgd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

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
 *
 * <p>Speed: millions of secure uniforms are needed per step (four per model parameter), so the
 * secure mode expands a fresh 256-bit key and IV from {@link SecureRandom} with AES-256 in counter
 * mode, the construction of NIST's CTR_DRBG, hardware-accelerated on common CPUs (several GB/s),
 * and the Box-Muller transform runs in double precision on the host. The secure mode is
 * thread-safe (DP-SGD draws a step's noise ahead on a background thread); the seeded mode is not.
 */
public final class NoiseSource {
    private static final int DRAWS = 4;
    private static final int KEYSTREAM_PIECE = 1 << 16;
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

    /**
     * {@code length} bytes of AES-256-CTR keystream under a fresh key and IV from the secure
     * generator. The keystream is produced in 64 KiB pieces: the JIT compiles the JDK's
     * counter-mode loop to its AES-NI intrinsic only when it is entered many times, and one call
     * over megabytes stays interpreted, some 40 times slower.
     */
    private byte[] keystream(int length) {
        byte[] key = new byte[32];
        byte[] iv = new byte[16];
        secure.nextBytes(key);
        secure.nextBytes(iv);
        try {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            byte[] out = new byte[length];
            byte[] zeros = new byte[KEYSTREAM_PIECE];
            for (int from = 0; from < length; from += KEYSTREAM_PIECE) {
                aes.update(zeros, 0, Math.min(KEYSTREAM_PIECE, length - from), out, from);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR is not available: " + e.getMessage(), e);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
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
                // Box-Muller's pair r cos(theta) + r sin(theta) = sqrt(2) r sin(theta + pi/4), and
                // theta + pi/4 (mod 2 pi) is uniform too: two standard normals summed, one sine
                double r = Math.sqrt(-4 * Math.log(1.0 - u[i * DRAWS + k])); // 1 - u is in (0, 1]
                sum += r * Math.sin(2 * Math.PI * u[i * DRAWS + k + 1]);
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

    /**
     * Gaussian noise of mean 0 and standard deviation {@code std} with {@code shape}, as a float32
     * array in {@code manager}: {@link #gaussian(int, double)} copied to the engine.
     */
    public NDArray gaussian(NDManager manager, Shape shape, double std) {
        return manager.create(gaussian(Math.toIntExact(shape.size()), std), shape);
    }

    /** {@code n} uniform values in [0, 1) with 53 random bits each, drawn in bulk. */
    public double[] uniforms(int n) {
        double[] u = new double[n];
        if (secure != null) {
            java.nio.LongBuffer bits =
                    ByteBuffer.wrap(keystream(Math.multiplyExact(n, 8))).asLongBuffer();
            for (int i = 0; i < n; i++) {
                u[i] = (bits.get(i) >>> 11) * 0x1.0p-53;
            }
        } else {
            for (int i = 0; i < n; i++) {
                u[i] = seeded.nextDouble();
            }
        }
        return u;
    }
}
