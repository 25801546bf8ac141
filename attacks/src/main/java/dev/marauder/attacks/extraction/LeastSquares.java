package dev.marauder.attacks.extraction;

import java.util.Optional;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.DenseVector;

/**
 * Linear systems of the equation-solving attack, solved with Tribuo's dense linear algebra
 * ({@code tribuo-math}, already on the class path): LU decomposition with partial pivoting for a
 * square system, the normal equations {@code A^T A x = A^T b} by Cholesky (LU if Cholesky fails)
 * for an over-determined one.
 */
final class LeastSquares {
    private LeastSquares() {}

    /**
     * The {@code x} minimising {@code ||A x - b||_2} (the exact solution of a square system).
     *
     * @param a {@code m x n} with {@code m >= n}
     * @param b {@code m} right-hand sides
     * @throws IllegalArgumentException if the shapes do not fit or there are fewer equations than unknowns
     * @throws IllegalStateException if the system is singular (its columns are linearly dependent)
     */
    static double[] solve(double[][] a, double[] b) {
        int m = a.length;
        if (m == 0 || b.length != m) {
            throw new IllegalArgumentException(m + " equations but " + b.length + " right-hand sides");
        }
        int n = a[0].length;
        if (m < n) {
            throw new IllegalArgumentException(m + " equations cannot determine " + n + " unknowns");
        }
        DenseMatrix matrix = DenseMatrix.createDenseMatrix(a);
        DenseVector rhs = DenseVector.createDenseVector(b);
        if (m == n) {
            return lu(matrix, rhs);
        }
        DenseMatrix normal = matrix.matrixMultiply(matrix, true, false); // A^T A
        DenseVector projected = matrix.rightMultiply(rhs); // b^T A, i.e. A^T b (Tribuo: right = vector on the left)
        Optional<DenseMatrix.CholeskyFactorization> cholesky = normal.choleskyFactorization();
        if (cholesky.isPresent()) {
            return cholesky.get().solve(projected).toArray();
        }
        return lu(normal, projected);
    }

    private static double[] lu(DenseMatrix matrix, DenseVector rhs) {
        return matrix.luFactorization()
                .orElseThrow(() -> new IllegalStateException("the linear system of " + matrix.getDimension1Size()
                        + " unknowns is singular: the queries do not determine the model"))
                .solve(rhs)
                .toArray();
    }
}
