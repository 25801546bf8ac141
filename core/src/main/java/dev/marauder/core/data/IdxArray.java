package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import java.util.Arrays;

/**
 * An array read from an IDX file by {@link IdxReader}: its element type, its dimensions, and its
 * values, converted on request to a {@link FloatTensor} or to class labels. Immutable.
 */
public final class IdxArray {
    private final IdxType type;
    private final Elements elements;

    IdxArray(IdxType type, Elements elements) {
        this.type = type;
        this.elements = elements;
    }

    /** The element type. */
    public IdxType type() {
        return type;
    }

    /** A copy of the dimensions, e.g. {@code [60000, 28, 28]} for MNIST training images. */
    public int[] dims() {
        return elements.shape();
    }

    /** Number of elements (the product of the dimensions). */
    public int size() {
        return elements.count;
    }

    /** The file the array was read from. */
    public String source() {
        return elements.source;
    }

    /**
     * The values as a float tensor shaped like {@link #dims()}, converted as a C cast would (an
     * unsigned byte 255 becomes 255.0). No scaling is applied ({@link Datasets} scales unsigned
     * byte images to [0, 1]).
     */
    public FloatTensor toFloatTensor() {
        return elements.toFloatTensor();
    }

    /**
     * The values as class labels.
     *
     * @throws DataFormatException naming the file, unless the array is 1-D and every value is a
     *     non-negative integer that fits in an {@code int}
     */
    public int[] toLabels() {
        return elements.toLabels();
    }

    Elements elements() {
        return elements;
    }

    @Override
    public String toString() {
        return "IdxArray[" + type + ", dims " + Arrays.toString(dims()) + ", " + source() + "]";
    }
}
