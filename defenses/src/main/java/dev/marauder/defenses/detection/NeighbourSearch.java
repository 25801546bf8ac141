package dev.marauder.defenses.detection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Exact k-nearest-neighbour search over one layer's training representations, on the engine: the
 * squared distances of a batch of queries {@code q} to all training points {@code t} are {@code
 * ||q||^2 - 2 q t^T + ||t||^2}, one matrix product, and the {@code k} smallest are found with
 * {@code topK}. With the cosine metric both sides are scaled to unit length first, which orders
 * neighbours by cosine similarity. The training arrays live in a manager this object owns (close
 * it); each query's temporaries live in a sub-manager closed before returning.
 */
final class NeighbourSearch implements AutoCloseable {
    private final NDManager manager;
    private final NDArray transposed;
    private final NDArray squaredNorms;
    private final int k;
    private final boolean cosine;

    /**
     * @param training the training representations, {@code [n, dimension]} row-major
     * @param k neighbours per query, at most {@code n}
     */
    NeighbourSearch(float[] training, int n, int dimension, int k, DeepKnn.Metric metric) {
        if (k > n) {
            throw new IllegalArgumentException("k = " + k + " neighbours but only " + n + " training points");
        }
        this.k = k;
        this.cosine = metric == DeepKnn.Metric.COSINE;
        this.manager = NDManager.newBaseManager();
        try (NDManager scope = manager.newSubManager()) {
            NDArray t = scope.create(training, new Shape(n, dimension));
            if (cosine) {
                t = unit(t);
            }
            NDArray tt = t.transpose().duplicate(); // contiguous [dimension, n]
            NDArray norms = t.square().sum(new int[] {1}).reshape(1, n);
            tt.attach(manager);
            norms.attach(manager);
            this.transposed = tt;
            this.squaredNorms = norms;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Rows scaled to unit L2 length (zero rows stay zero). */
    private static NDArray unit(NDArray a) {
        NDArray norm = a.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f);
        return a.div(norm);
    }

    /**
     * The indices of each query's {@code k} nearest training points, nearest first.
     *
     * @param queries {@code [b, dimension]}; not modified
     * @return {@code [b][k]} training indices
     */
    int[][] nearest(NDArray queries) {
        try (NDManager scope = queries.getManager().newSubManager()) {
            NDArray q = queries.duplicate();
            q.attach(scope);
            if (cosine) {
                q = unit(q);
            }
            NDArray distances = q.square()
                    .sum(new int[] {1}, true)
                    .sub(q.matMul(transposed).mul(2f))
                    .add(squaredNorms);
            NDList top = distances.topK(k, 1, false, true);
            long[] flat = top.get(1).toLongArray();
            int b = Math.toIntExact(queries.getShape().get(0));
            int[][] out = new int[b][k];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < k; j++) {
                    out[i][j] = (int) flat[i * k + j];
                }
            }
            return out;
        }
    }

    /** Closes every search in {@code searches}. */
    static void closeAll(List<NeighbourSearch> searches) {
        for (NeighbourSearch s : searches) {
            s.close();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
