package dev.marauder.defenses.transform;

import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;

/**
 * Thermometer encoding (Buckman, Roy, Raffel &amp; Goodfellow 2018, "Thermometer Encoding: One Hot
 * Way To Resist Adversarial Examples"): each value {@code u} (scaled to [0, 1]) becomes
 * {@code levels} bits, bit {@code i} being {@code u >= i / levels}; an image {@code [C, H, W]}
 * becomes {@code [C * levels, H, W]} (channel {@code c * levels + i}), so the model behind it is
 * trained on encoded inputs. The encoding is piecewise constant. BPDA uses Athalye et al.'s soft
 * thermometer {@code clip(u * levels - i, 0, 1)}, whose derivative is {@code levels} where
 * {@code 0 < u * levels - i < 1}.
 *
 * @param levels bits per value, 2 to 256
 */
public record ThermometerEncoding(int levels) implements InputTransformation, InputTransformation.Draw {

    /** Checks the number of levels. */
    public ThermometerEncoding {
        if (levels < 2 || levels > 256) {
            throw new IllegalArgumentException("thermometer levels must be 2 to 256, got " + levels);
        }
    }

    @Override
    public String id() {
        return "thermometer";
    }

    @Override
    public String reference() {
        return "Buckman, Roy, Raffel & Goodfellow 2018, Thermometer Encoding";
    }

    @Override
    public boolean randomized() {
        return false;
    }

    @Override
    public InputSpec defendedInput(InputSpec base) {
        int[] s = Transformations.image(base.shape(), "thermometer encoding");
        if (s[0] % levels != 0) {
            throw new IllegalArgumentException("thermometer encoding with " + levels + " levels needs a model with a"
                    + " multiple of " + levels + " input channels, got " + s[0]);
        }
        return new InputSpec(new int[] {s[0] / levels, s[1], s[2]}, 0f, 1f);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        int[] s = Transformations.image(inputShape, "thermometer encoding");
        return new int[] {s[0] * levels, s[1], s[2]};
    }

    @Override
    public Draw draw(SplittableRandom random) {
        return this;
    }

    /** Encodes a batch of {@code [C, H, W]} images with values in [0, 1]. */
    @Override
    public float[] apply(float[] x, int n, InputSpec spec) {
        int[] s = spec.shape();
        int plane = s[1] * s[2];
        float[] out = new float[x.length * levels];
        for (int e = 0; e < n; e++) {
            for (int c = 0; c < s[0]; c++) {
                int in = (e * s[0] + c) * plane;
                for (int i = 0; i < levels; i++) {
                    int o = ((e * s[0] + c) * levels + i) * plane;
                    float threshold = (float) i / levels;
                    for (int p = 0; p < plane; p++) {
                        out[o + p] = x[in + p] >= threshold ? 1f : 0f;
                    }
                }
            }
        }
        return out;
    }

    @Override
    public float[] exactPullBack(float[] x, float[] v, int n, InputSpec spec) {
        return new float[x.length];
    }

    @Override
    public float[] approximatePullBack(float[] x, float[] v, int n, InputSpec spec) {
        int[] s = spec.shape();
        int plane = s[1] * s[2];
        float[] out = new float[x.length];
        for (int e = 0; e < n; e++) {
            for (int c = 0; c < s[0]; c++) {
                int in = (e * s[0] + c) * plane;
                for (int i = 0; i < levels; i++) {
                    int o = ((e * s[0] + c) * levels + i) * plane;
                    for (int p = 0; p < plane; p++) {
                        double t = x[in + p] * levels - i;
                        if (t > 0 && t < 1) {
                            out[in + p] += v[o + p] * levels;
                        }
                    }
                }
            }
        }
        return out;
    }
}
