package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.data.FloatTensor;

/** Copies between Marauder's engine-free {@link FloatTensor} and engine {@link NDArray}s. */
public final class Tensors {
    private Tensors() {}

    /** A float32 NDArray in {@code manager} holding a copy of {@code t}. */
    public static NDArray toNDArray(NDManager manager, FloatTensor t) {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
        }
        return manager.create(t.data(), new Shape(shape));
    }

    /** Integer labels as an int64 NDArray in {@code manager}. */
    public static NDArray labels(NDManager manager, int[] labels) {
        long[] l = new long[labels.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels[i];
        }
        return manager.create(l);
    }

    /**
     * The shape {@code [N, 1, 1, ...]} with the rank of {@code like}: per-example values
     * {@code [N]} reshaped to it broadcast against a batch {@code [N, ...]}.
     */
    public static long[] perExampleShape(NDArray like) {
        long[] s = new long[like.getShape().dimension()];
        java.util.Arrays.fill(s, 1);
        s[0] = like.getShape().get(0);
        return s;
    }

    /** A {@link FloatTensor} copy of a float NDArray (converted to float32 if needed). */
    public static FloatTensor toFloatTensor(NDArray a) {
        NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
        long[] s = f.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = Math.toIntExact(s[i]);
        }
        FloatTensor t = new FloatTensor(f.toFloatArray(), shape);
        if (f != a) {
            f.close();
        }
        return t;
    }
}
