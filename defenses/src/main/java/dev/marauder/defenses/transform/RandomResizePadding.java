package dev.marauder.defenses.transform;

import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;

/**
 * Random resizing and padding (Xie, Wang, Zhang, Ren &amp; Yuille 2018, "Mitigating Adversarial
 * Effects Through Randomization"): each draw shrinks the image (bilinear) to a random side between
 * {@code minScale} of its size and its size, and pads it back to its size at a random offset with
 * the lower input bound. The model keeps its input shape. Linear in the input for a fixed draw,
 * so the exact pull-back is the transpose ({@code A^T V B} for output {@code A X B^T}): the
 * defense is differentiable and needs EOT, not BPDA.
 *
 * @param minScale the smallest size as a share of the original, in (0, 1]
 */
public record RandomResizePadding(double minScale) implements InputTransformation {

    /** Checks the scale. */
    public RandomResizePadding {
        if (!(minScale > 0 && minScale <= 1)) {
            throw new IllegalArgumentException("minimum scale must be in (0, 1], got " + minScale);
        }
    }

    @Override
    public String id() {
        return "resize";
    }

    @Override
    public String reference() {
        return "Xie, Wang, Zhang, Ren & Yuille 2018, Mitigating Adversarial Effects Through Randomization";
    }

    @Override
    public boolean randomized() {
        return true;
    }

    @Override
    public InputSpec defendedInput(InputSpec base) {
        Transformations.image(base.shape(), "random resizing and padding");
        return base;
    }

    @Override
    public Draw draw(SplittableRandom random) {
        long seed = random.nextLong();
        return new Draw() {
            private double[] rows;
            private double[] cols;

            private void matrices(InputSpec spec) {
                if (rows == null) {
                    int[] s = spec.shape();
                    SplittableRandom r = new SplittableRandom(seed);
                    int hSide = side(s[1], r);
                    int wSide = side(s[2], r);
                    rows = placement(s[1], hSide, r.nextInt(s[1] - hSide + 1));
                    cols = placement(s[2], wSide, r.nextInt(s[2] - wSide + 1));
                }
            }

            @Override
            public float[] apply(float[] x, int n, InputSpec spec) {
                matrices(spec);
                int[] s = spec.shape();
                float[] out = sandwich(x, n * s[0], s[1], s[2], rows, cols, false);
                // the padding shows the lower bound: A X B^T + lower * (1 - A 1 1^T B^T)
                float[] ones = new float[s[1] * s[2]];
                java.util.Arrays.fill(ones, 1f);
                float[] covered = sandwich(ones, 1, s[1], s[2], rows, cols, false);
                int plane = s[1] * s[2];
                for (int i = 0; i < out.length; i++) {
                    out[i] += spec.lower() * (1 - covered[i % plane]);
                }
                return out;
            }

            @Override
            public float[] exactPullBack(float[] x, float[] v, int n, InputSpec spec) {
                matrices(spec);
                int[] s = spec.shape();
                return sandwich(v, n * s[0], s[1], s[2], rows, cols, true);
            }

            @Override
            public float[] approximatePullBack(float[] x, float[] v, int n, InputSpec spec) {
                return exactPullBack(x, v, n, spec);
            }
        };
    }

    private int side(int size, SplittableRandom random) {
        int smallest = Math.max(1, (int) Math.ceil(minScale * size));
        return smallest + random.nextInt(size - smallest + 1);
    }

    /**
     * The {@code size x size} matrix that resizes a line of {@code size} values to {@code side}
     * (bilinear, align-corners) and places it at {@code offset}: row {@code offset + i} holds the
     * interpolation weights of output value {@code i}.
     */
    static double[] placement(int size, int side, int offset) {
        double[] m = new double[size * size];
        for (int i = 0; i < side; i++) {
            double source = side == 1 ? 0 : (double) i * (size - 1) / (side - 1);
            int left = (int) Math.floor(source);
            int right = Math.min(size - 1, left + 1);
            double t = source - left;
            m[(offset + i) * size + left] += 1 - t;
            m[(offset + i) * size + right] += t;
        }
        return m;
    }

    /** {@code A X B^T} (or {@code A^T X B} when transposed) for every {@code h x w} plane. */
    static float[] sandwich(float[] x, int planes, int h, int w, double[] a, double[] b, boolean transposed) {
        float[] out = new float[planes * h * w];
        double[] tmp = new double[h * w];
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            // tmp = A X (or A^T X)
            java.util.Arrays.fill(tmp, 0);
            for (int i = 0; i < h; i++) {
                for (int k = 0; k < h; k++) {
                    double aik = transposed ? a[k * h + i] : a[i * h + k];
                    if (aik == 0) {
                        continue;
                    }
                    for (int j = 0; j < w; j++) {
                        tmp[i * w + j] += aik * x[base + k * w + j];
                    }
                }
            }
            // out = tmp B^T (or tmp B)
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double sum = 0;
                    for (int k = 0; k < w; k++) {
                        double bjk = transposed ? b[k * w + j] : b[j * w + k];
                        sum += tmp[i * w + k] * bjk;
                    }
                    out[base + i * w + j] = (float) sum;
                }
            }
        }
        return out;
    }
}
