package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import java.nio.ByteOrder;

/**
 * An array read from a NumPy {@code .npy} file by {@link NpyReader}: its element type, byte
 * order and shape, and its values, converted on request to a {@link FloatTensor} or to class
 * labels. Immutable.
 */
public final class NpyArray {
    private final NpyDtype dtype;
    private final Elements elements;

    NpyArray(NpyDtype dtype, Elements elements) {
        this.dtype = dtype;
        this.elements = elements;
    }

    /** The element type. */
    public NpyDtype dtype() {
        return dtype;
    }

    /** The byte order of the values in the file. */
    public ByteOrder byteOrder() {
        return elements.order;
    }

    /** A copy of the shape; empty for a 0-d (scalar) array. */
    public int[] shape() {
        return elements.shape();
    }

    /** Number of elements (the product of the shape). */
    public int size() {
        return elements.count;
    }

    /** The file the array was read from. */
    public String source() {
        return elements.source;
    }

    /**
     * The values as a float tensor of the same shape, converted as a C cast would: a
     * {@code uint8} 255 becomes 255.0, float64 values are rounded to the nearest float32. No
     * scaling is applied ({@link Datasets} scales {@code uint8} images to [0, 1]).
     */
    public FloatTensor toFloatTensor() {
        return elements.toFloatTensor();
    }

    /**
     * The values as class labels.
     *
     * @throws DataFormatException naming the file, unless the array is 1-D and every value is a
     *     non-negative integer that fits in an {@code int} (integer-valued floats are accepted)
     */
    public int[] toLabels() {
        return elements.toLabels();
    }

    Elements elements() {
        return elements;
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype.descr(elements.order) + ", shape " + java.util.Arrays.toString(shape()) + ", "
                + source() + "]";
    }
}
