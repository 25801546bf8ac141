package dev.marauder.audit;

import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Layout;

/**
 * Turns one example of an image model into the channels-first order the report's image grids draw,
 * whatever the model's own layout.
 */
final class ImageLayout {
    private ImageLayout() {}

    /**
     * {@code [channels, height, width]} of one example, or null if the model's input is not an
     * image of 1 or 3 channels ({@code [C, H, W]}, {@code [H, W, C]} with {@code nhwc}, or
     * {@code [H, W]}).
     */
    static int[] channelsFirstShape(InputSpec spec) {
        int[] s = spec.shape();
        int[] chw;
        if (s.length == 2) {
            chw = new int[] {1, s[0], s[1]};
        } else if (s.length == 3) {
            chw = spec.layout() == Layout.NHWC ? new int[] {s[2], s[0], s[1]} : s;
        } else {
            return null;
        }
        return chw[0] == 1 || chw[0] == 3 ? chw : null;
    }

    /** One example's values in channels-first order (a copy when the model's layout is {@code nhwc}). */
    static float[] channelsFirst(float[] values, InputSpec spec) {
        int[] s = spec.shape();
        if (spec.layout() != Layout.NHWC || s.length != 3) {
            return values;
        }
        int h = s[0];
        int w = s[1];
        int c = s[2];
        float[] out = new float[values.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < c; k++) {
                    out[(k * h + y) * w + x] = values[(y * w + x) * c + k];
                }
            }
        }
        return out;
    }
}
