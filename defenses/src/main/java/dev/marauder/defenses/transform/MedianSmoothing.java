package dev.marauder.defenses.transform;

import dev.marauder.core.model.InputSpec;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Median smoothing (Xu, Evans &amp; Qi 2018, "Feature Squeezing"): each value of each channel is
 * replaced by the median of its {@code window x window} neighbourhood (edges repeat the border).
 * Its derivative routes each output's gradient to the input value that was the median, which
 * {@link #exactPullBack} does.
 *
 * @param window the odd side of the neighbourhood, 3 to 15
 */
public record MedianSmoothing(int window) implements InputTransformation, InputTransformation.Draw {

    /** Checks the window. */
    public MedianSmoothing {
        if (window < 3 || window > 15 || window % 2 == 0) {
            throw new IllegalArgumentException("median window must be odd, 3 to 15, got " + window);
        }
    }

    @Override
    public String id() {
        return "median";
    }

    @Override
    public String reference() {
        return "Xu, Evans & Qi 2018, Feature Squeezing";
    }

    @Override
    public boolean randomized() {
        return false;
    }

    @Override
    public InputSpec defendedInput(InputSpec base) {
        Transformations.image(base.shape(), "median smoothing");
        return base;
    }

    @Override
    public Draw draw(SplittableRandom random) {
        return this;
    }

    @Override
    public float[] apply(float[] x, int n, InputSpec spec) {
        float[] out = new float[x.length];
        int[] source = medians(x, n, spec);
        for (int i = 0; i < out.length; i++) {
            out[i] = x[source[i]];
        }
        return out;
    }

    @Override
    public float[] exactPullBack(float[] x, float[] v, int n, InputSpec spec) {
        float[] out = new float[x.length];
        int[] source = medians(x, n, spec);
        for (int i = 0; i < v.length; i++) {
            out[source[i]] += v[i];
        }
        return out;
    }

    /** For every output value, the index of the input value that is its window's median. */
    private int[] medians(float[] x, int n, InputSpec spec) {
        int[] s = Transformations.image(spec.shape(), "median smoothing");
        int h = s[1];
        int w = s[2];
        int r = window / 2;
        int k = window * window;
        int[] source = new int[x.length];
        long[] keyed = new long[k];
        for (int plane = 0; plane < n * s[0]; plane++) {
            int base = plane * h * w;
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    int m = 0;
                    for (int dy = -r; dy <= r; dy++) {
                        int yy = Math.min(h - 1, Math.max(0, y + dy));
                        for (int dx = -r; dx <= r; dx++) {
                            int xc = Math.min(w - 1, Math.max(0, xx + dx));
                            int index = base + yy * w + xc;
                            // sort by value, ties by index: order-preserving bits of the float, index low
                            keyed[m++] = ((long) sortable(x[index]) << 32) | (index & 0xFFFFFFFFL);
                        }
                    }
                    Arrays.sort(keyed);
                    source[base + y * w + xx] = (int) (keyed[k / 2] & 0xFFFFFFFFL);
                }
            }
        }
        return source;
    }

    /** A float's bits as an int that sorts as the float does (signed). */
    private static int sortable(float value) {
        int bits = Float.floatToIntBits(value);
        return bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
    }
}
