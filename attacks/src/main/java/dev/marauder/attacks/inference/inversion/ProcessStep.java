package dev.marauder.attacks.inference.inversion;

import dev.marauder.core.model.InputSpec;

/**
 * MI-Face's {@code PROCESS} step, applied after every gradient update (Fredrikson et al. 2015,
 * Algorithm 1). The paper leaves it open ("denoising and sharpening"); it used a denoising
 * autoencoder for its DAE model. Marauder implements two steps, in this order:
 *
 * <ol>
 *   <li>Smoothing (images only): {@code x <- (1 - s) x + s (K * x)} per channel, where {@code K}
 *       is the 3x3 binomial kernel {@code [1 2 1]^T [1 2 1] / 16} (a Gaussian of standard
 *       deviation about 0.7 pixel) with replicated edges, and {@code s} the smoothing strength in
 *       {@code [0, 1]}. Gradients of a classifier with respect to its input are dominated by
 *       pixel-level noise (estimated gradients even more so); the blend damps it a little at each
 *       step, so that what accumulates is the low-frequency structure the class shares. No
 *       sharpening: without a learned denoiser in front of it, sharpening amplifies exactly that
 *       noise.</li>
 *   <li>Clipping to the model's input bounds, so that every iterate is a valid input.</li>
 * </ol>
 */
final class ProcessStep {
    private ProcessStep() {}

    /** True if {@code shape} (one example) can be smoothed: {@code [H, W]} or {@code [C, H, W]}. */
    static boolean isImage(int[] shape) {
        return shape.length == 2 || shape.length == 3;
    }

    /** Applies the step to {@code x} in place. */
    static void apply(float[] x, int[] shape, double smoothing, InputSpec spec) {
        if (smoothing > 0) {
            smooth(x, shape, (float) smoothing);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(spec.upperAt(i), Math.max(spec.lowerAt(i), x[i]));
        }
    }

    private static void smooth(float[] x, int[] shape, float s) {
        int h = shape[shape.length - 2];
        int w = shape[shape.length - 1];
        int channels = x.length / (h * w);
        float[] row = new float[h * w];
        float[] blurred = new float[h * w];
        for (int c = 0; c < channels; c++) {
            int base = c * h * w;
            // Horizontal pass into row, vertical pass into blurred; edges replicated.
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    float left = x[base + i * w + Math.max(0, j - 1)];
                    float right = x[base + i * w + Math.min(w - 1, j + 1)];
                    row[i * w + j] = 0.25f * left + 0.5f * x[base + i * w + j] + 0.25f * right;
                }
            }
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    float up = row[Math.max(0, i - 1) * w + j];
                    float down = row[Math.min(h - 1, i + 1) * w + j];
                    blurred[i * w + j] = 0.25f * up + 0.5f * row[i * w + j] + 0.25f * down;
                }
            }
            for (int k = 0; k < h * w; k++) {
                x[base + k] = (1 - s) * x[base + k] + s * blurred[k];
            }
        }
    }
}
