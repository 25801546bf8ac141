package dev.marauder.attacks.evasion;

import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Layout;

/**
 * One example seen as channels x height x width, whatever its layout: {@code [C, H, W]} (NCHW),
 * {@code [H, W, C]} (NHWC), {@code [H, W]} as one channel, and a flat vector {@code [D]} as one
 * row of {@code D} pixels. Square-shaped attacks (Square) work on this view.
 */
record ImageGeometry(int channels, int height, int width, boolean channelsLast) {

    static ImageGeometry of(InputSpec spec) {
        int[] s = spec.shape();
        return switch (s.length) {
            case 0 -> new ImageGeometry(1, 1, 1, false);
            case 1 -> new ImageGeometry(1, 1, s[0], false);
            case 2 -> new ImageGeometry(1, s[0], s[1], false);
            case 3 ->
                spec.layout() == Layout.NHWC
                        ? new ImageGeometry(s[2], s[0], s[1], true)
                        : new ImageGeometry(s[0], s[1], s[2], false);
            default -> {
                int rest = 1;
                for (int i = 1; i < s.length; i++) {
                    rest *= s[i];
                }
                yield new ImageGeometry(s[0], 1, rest, false);
            }
        };
    }

    /** Index of channel {@code c}, row {@code h}, column {@code w} in the flattened example. */
    int index(int c, int h, int w) {
        return channelsLast ? (h * width + w) * channels + c : (c * height + h) * width + w;
    }

    int size() {
        return channels * height * width;
    }
}
