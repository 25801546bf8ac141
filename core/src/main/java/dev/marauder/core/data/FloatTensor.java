package dev.marauder.core.data;

import java.util.Arrays;

/**
 * A dense, row-major (C order) array of {@code float} values with a shape: the engine-free
 * currency of Marauder's data layer. Readers produce it, writers consume it, and the model layer
 * copies it into engine tensors.
 *
 * <p>The backing array is shared, not copied, so that multi-megabyte datasets are not duplicated;
 * callers must treat {@link #data()} as read-only. Use {@link #copy()} for a private copy.
 */
public final class FloatTensor {
    private final float[] data;
    private final int[] shape;

    /**
     * Wraps {@code data} with {@code shape}.
     *
     * @throws IllegalArgumentException if a dimension is negative or the sizes disagree
     */
    public FloatTensor(float[] data, int... shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
        }
        this.data = data;
        this.shape = shape.clone();
    }

    /** The values in row-major order; shared, do not modify. */
    public float[] data() {
        return data;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}. */
    public int dim(int i) {
        return shape[i];
    }

    /** Number of values. */
    public int size() {
        return data.length;
    }

    /** Number of examples: the size of the first dimension. */
    public int examples() {
        if (shape.length == 0) {
            throw new IllegalStateException("a scalar has no example dimension");
        }
        return shape[0];
    }

    /** The shape of one example (all dimensions but the first). */
    public int[] exampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** Number of values in one example. */
    public int exampleSize() {
        return shape[0] == 0 ? 0 : data.length / shape[0];
    }

    /** Examples {@code from} (inclusive) to {@code to} (exclusive), copied. */
    public FloatTensor slice(int from, int to) {
        if (from < 0 || to > examples() || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + examples() + " examples");
        }
        int n = exampleSize();
        int[] s = shape.clone();
        s[0] = to - from;
        return new FloatTensor(Arrays.copyOfRange(data, from * n, to * n), s);
    }

    /** The examples at {@code indices}, in that order, copied. */
    public FloatTensor select(int[] indices) {
        int n = exampleSize();
        float[] out = new float[indices.length * n];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data, indices[i] * n, out, i * n, n);
        }
        int[] s = shape.clone();
        s[0] = indices.length;
        return new FloatTensor(out, s);
    }

    /** The same values seen with another shape of the same size. */
    public FloatTensor reshape(int... newShape) {
        return new FloatTensor(data, newShape);
    }

    /** A deep copy. */
    public FloatTensor copy() {
        return new FloatTensor(data.clone(), shape);
    }

    /** Smallest value (NaN if any value is NaN, +inf for an empty tensor). */
    public float min() {
        float m = Float.POSITIVE_INFINITY;
        for (float v : data) {
            if (Float.isNaN(v)) {
                return Float.NaN;
            }
            m = Math.min(m, v);
        }
        return m;
    }

    /** Largest value (NaN if any value is NaN, -inf for an empty tensor). */
    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : data) {
            if (Float.isNaN(v)) {
                return Float.NaN;
            }
            m = Math.max(m, v);
        }
        return m;
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
