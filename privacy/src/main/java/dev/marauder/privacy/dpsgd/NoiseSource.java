package dev.marauder.privacy.dpsgd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * mode, the construction of NIST's CTR_DRBG, hardware-accelerated on common CPUs, and the
 * Box-Muller transform runs vectorised on the engine in float64.
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

    /** {@code length} bytes of AES-256-CTR keystream under a fresh key and IV from the secure generator. */
    private byte[] keystream(long length) {
        byte[] key = new byte[32];
        byte[] iv = new byte[16];
        secure.nextBytes(key);
        secure.nextBytes(iv);
        try {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return aes.update(new byte[Math.toIntExact(length)]);
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

    /**
     * Gaussian noise of mean 0 and standard deviation {@code std} with {@code shape}, as a float32
     * array in {@code manager}: the same distribution and construction as {@link #gaussian(int,
     * double)}, with the transform done on the engine in float64.
     */
    public NDArray gaussian(NDManager manager, Shape shape, double std) {
        int n = Math.toIntExact(shape.size());
        return gaussian(manager, shape, std, uniforms(n * DRAWS), 0);
    }

    /** Uniforms per Gaussian value: what {@link #uniforms(int)} must supply for {@code n} values. */
    public static int uniformsPerValue() {
        return DRAWS;
    }

    /**
     * Gaussian noise as {@link #gaussian(NDManager, Shape, double)}, from uniforms drawn earlier by
     * {@link #uniforms(int)} ({@code uniformsPerValue()} per value, starting at {@code offset}).
     * Lets a caller draw the random bits ahead of time, off the critical path.
     */
    public NDArray gaussian(NDManager manager, Shape shape, double std, double[] uniforms, int offset) {
        int n = Math.toIntExact(shape.size());
        try (NDManager scope = manager.newSubManager()) {
            NDArray all = scope.create(java.nio.DoubleBuffer.wrap(uniforms, offset, n * DRAWS), new Shape(n, DRAWS / 2, 2));
            NDArray u1 = all.get(":, :, 0");
            NDArray u2 = all.get(":, :, 1");
            NDArray r = u1.neg().add(1).log().mul(-2).sqrt(); // 1 - u is in (0, 1]
            NDArray theta = u2.mul(2 * Math.PI);
            NDArray sum = r.mul(theta.cos().add(theta.sin())).sum(new int[] {1});
            NDArray noise = sum.mul(std / Math.sqrt(DRAWS)).toType(DataType.FLOAT32, false).reshape(shape);
            noise.attach(manager);
            return noise;
        }
    }

    /** {@code n} uniform values in [0, 1) with 53 random bits each, drawn in bulk (thread-safe in secure mode). */
    public double[] uniforms(int n) {
        double[] u = new double[n];
        if (secure != null) {
            // Independent keystreams (fresh key and IV each) for chunks of the output, in parallel.
            int chunk = 1 << 17;
            java.util.stream.IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(c -> {
                int from = c * chunk;
                int to = Math.min(n, from + chunk);
                ByteBuffer bytes = ByteBuffer.wrap(keystream((to - from) * 8L)).order(ByteOrder.BIG_ENDIAN);
                for (int i = from; i < to; i++) {
                    u[i] = (bytes.getLong((i - from) * 8) >>> 11) * 0x1.0p-53;
                }
            });
        } else {
            for (int i = 0; i < n; i++) {
                u[i] = seeded.nextDouble();
            }
        }
        return u;
    }
}
