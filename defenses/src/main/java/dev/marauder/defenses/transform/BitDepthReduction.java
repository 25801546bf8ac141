package dev.marauder.defenses.transform;

import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;

/**
 * Bit-depth reduction (Xu, Evans &amp; Qi 2018, "Feature Squeezing: Detecting Adversarial Examples
 * in Deep Neural Networks"): each value, scaled to the input range, is rounded to one of
 * {@code 2^bits} levels. Piecewise constant: its derivative is zero almost everywhere.
 *
 * @param bits bits per value, 1 to 16
 */
public record BitDepthReduction(int bits) implements InputTransformation, InputTransformation.Draw {

    /** Checks the bit depth. */
    public BitDepthReduction {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("bit depth must be 1 to 16, got " + bits);
        }
    }

    @Override
    public String id() {
        return "bitdepth";
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
    public Draw draw(SplittableRandom random) {
        return this;
    }

    @Override
    public float[] apply(float[] x, int n, InputSpec spec) {
        double lo = spec.lower();
        double range = spec.upper() - lo;
        double levels = (1 << bits) - 1;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double unit = Math.min(1, Math.max(0, (x[i] - lo) / range));
            out[i] = (float) (lo + Math.rint(unit * levels) / levels * range);
        }
        return out;
    }

    @Override
    public float[] exactPullBack(float[] x, float[] v, int n, InputSpec spec) {
        return new float[v.length];
    }
}
