package dev.marauder.defenses.transform;

import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;

/**
 * Total-variation minimisation (Guo, Rana, Cisse &amp; van der Maaten 2018, "Countering Adversarial
 * Images using Input Transformations", after Rudin, Osher &amp; Fatemi 1992): each draw keeps every
 * value with probability {@code 1 - dropProbability} and reconstructs each channel as the
 * minimiser of {@code 1/2 sum_kept (z - x)^2 + weight * TV(z)} ({@code TV} the smoothed isotropic
 * total variation), by {@code iterations} steps of gradient descent from the kept values (dropped
 * ones start at the mean of the kept). Random and treated as a black box by autograd; BPDA
 * passes gradients through unchanged, and EOT averages over the random masks.
 *
 * @param dropProbability the share of values dropped per draw, in [0, 1)
 * @param weight the weight of the total variation
 * @param iterations gradient-descent steps
 */
public record TotalVariationMinimization(double dropProbability, double weight, int iterations)
        implements InputTransformation {

    private static final double SMOOTHING = 1e-3;
    private static final double STEP = 0.1;

    /** Checks the settings. */
    public TotalVariationMinimization {
        if (!(dropProbability >= 0 && dropProbability < 1)) {
            throw new IllegalArgumentException("drop probability must be in [0, 1), got " + dropProbability);
        }
        if (!(weight > 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("TV weight must be positive and finite, got " + weight);
        }
        if (iterations < 1 || iterations > 10_000) {
            throw new IllegalArgumentException("TV iterations must be 1 to 10000, got " + iterations);
        }
    }

    @Override
    public String id() {
        return "tv";
    }

    @Override
    public String reference() {
        return "Guo, Rana, Cisse & van der Maaten 2018, Countering Adversarial Images using Input Transformations";
    }

    @Override
    public boolean randomized() {
        return dropProbability > 0;
    }

    @Override
    public InputSpec defendedInput(InputSpec base) {
        Transformations.image(base.shape(), "total-variation minimisation");
        return base;
    }

    @Override
    public Draw draw(SplittableRandom random) {
        long seed = random.nextLong();
        return new Draw() {
            @Override
            public float[] apply(float[] x, int n, InputSpec spec) {
                return reconstruct(x, n, spec, new SplittableRandom(seed));
            }

            @Override
            public float[] exactPullBack(float[] x, float[] v, int n, InputSpec spec) {
                return new float[x.length];
            }
        };
    }

    private float[] reconstruct(float[] x, int n, InputSpec spec, SplittableRandom random) {
        int[] s = spec.shape();
        int h = s[1];
        int w = s[2];
        int plane = h * w;
        float[] out = new float[x.length];
        boolean[] kept = new boolean[plane];
        double[] z = new double[plane];
        double[] gradient = new double[plane];
        for (int p0 = 0; p0 < n * s[0]; p0++) {
            int base = p0 * plane;
            double sum = 0;
            int count = 0;
            for (int p = 0; p < plane; p++) {
                kept[p] = random.nextDouble() >= dropProbability;
                if (kept[p]) {
                    sum += x[base + p];
                    count++;
                }
            }
            double mean = count == 0 ? (spec.lower() + spec.upper()) / 2.0 : sum / count;
            for (int p = 0; p < plane; p++) {
                z[p] = kept[p] ? x[base + p] : mean;
            }
            for (int it = 0; it < iterations; it++) {
                java.util.Arrays.fill(gradient, 0);
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        int p = y * w + xx;
                        if (kept[p]) {
                            gradient[p] += z[p] - x[base + p];
                        }
                        double dx = xx + 1 < w ? z[p + 1] - z[p] : 0;
                        double dy = y + 1 < h ? z[p + w] - z[p] : 0;
                        double norm = Math.sqrt(dx * dx + dy * dy + SMOOTHING);
                        double gx = weight * dx / norm;
                        double gy = weight * dy / norm;
                        gradient[p] -= gx + gy;
                        if (xx + 1 < w) {
                            gradient[p + 1] += gx;
                        }
                        if (y + 1 < h) {
                            gradient[p + w] += gy;
                        }
                    }
                }
                for (int p = 0; p < plane; p++) {
                    z[p] -= STEP * gradient[p];
                }
            }
            for (int p = 0; p < plane; p++) {
                out[base + p] = (float) Math.min(spec.upper(), Math.max(spec.lower(), z[p]));
            }
        }
        return out;
    }
}
