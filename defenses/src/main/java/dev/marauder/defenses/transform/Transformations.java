package dev.marauder.defenses.transform;

import java.util.Locale;

/** The input transformations by id, with their defaults, for the command line and the audit. */
public final class Transformations {
    private Transformations() {}

    /** The ids, in the order of the command line's help. */
    public static final String IDS = "jpeg, bitdepth, median, tv, thermometer, resize";

    /**
     * The transformation {@code id} with its default settings: JPEG quality 75, 4 bits, a 3x3
     * median, total variation with half the pixels dropped and weight 0.03, 16 thermometer levels,
     * resizing to 80-100% with random padding.
     *
     * @throws IllegalArgumentException for an unknown id
     */
    public static InputTransformation of(String id) {
        return switch (id.toLowerCase(Locale.ROOT)) {
            case "jpeg" -> new JpegCompression(75);
            case "bitdepth" -> new BitDepthReduction(4);
            case "median" -> new MedianSmoothing(3);
            case "tv" -> new TotalVariationMinimization(0.5, 0.03, 60);
            case "thermometer" -> new ThermometerEncoding(16);
            case "resize" -> new RandomResizePadding(0.8);
            default -> throw new IllegalArgumentException("unknown defense '" + id + "'; choose " + IDS);
        };
    }

    /** The image geometry {@code [channels, height, width]} of an input shape, or a refusal. */
    static int[] image(int[] shape, String what) {
        if (shape.length != 3) {
            throw new IllegalArgumentException(
                    what + " needs image inputs [channels, height, width], got rank " + shape.length);
        }
        return shape;
    }
}
