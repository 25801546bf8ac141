package dev.marauder.attacks.extraction;

import java.util.Optional;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.DenseVector;
import org.tribuo.math.la.Matrix;

/**
 * Linear systems of the equation-solving attack, solved with Tribuo's dense linear algebra
 * ({@code tribuo-math}, already on the class path): LU decomposition with partial pivoting for a
 * square system, the normal equations {@code A^T A x = A^T b} by Cholesky (LU if Cholesky fails)
 * for an over-determined one. One factorisation serves several right-hand sides (one per class).
 * {@code A^T A} is formed here as a sum of rank-one updates of its upper triangle (Tribuo's general
 * product is several times slower for a tall {@code A}).
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
        return solve(a, new double[][] {b})[0];
    }

    /**
     * The least-squares solutions for several right-hand sides.
     *
     * @param a {@code m x n} with {@code m >= n}
     * @param rhs {@code k} right-hand sides of {@code m} values each
     * @return {@code k} solutions of {@code n} values each
     * @throws IllegalArgumentException if the shapes do not fit or there are fewer equations than unknowns
     * @throws IllegalStateException if the system is singular
     */
    static double[][] solve(double[][] a, double[][] rhs) {
        int m = a.length;
        for (double[] b : rhs) {
            if (m == 0 || b.length != m) {
                throw new IllegalArgumentException(m + " equations but " + b.length + " right-hand sides");
            }
        }
        int n = a[0].length;
        if (m < n) {
            throw new IllegalArgumentException(m + " equations cannot determine " + n + " unknowns");
        }
        double[][] out = new double[rhs.length][];
        if (m == n) {
            DenseMatrix.LUFactorization lu = lu(DenseMatrix.createDenseMatrix(a));
            for (int k = 0; k < rhs.length; k++) {
                out[k] = lu.solve(DenseVector.createDenseVector(rhs[k])).toArray();
            }
            return out;
        }
        DenseMatrix normal = DenseMatrix.createDenseMatrix(gram(a));
        Optional<DenseMatrix.CholeskyFactorization> cholesky = normal.choleskyFactorization();
        Matrix.Factorization f = cholesky.isPresent() ? cholesky.get() : lu(normal);
        for (int k = 0; k < rhs.length; k++) {
            double[] atb = new double[n];
            for (int i = 0; i < m; i++) {
                double bi = rhs[k][i];
                double[] row = a[i];
                for (int j = 0; j < n; j++) {
                    atb[j] += row[j] * bi;
                }
            }
            out[k] = ((DenseVector) f.solve(DenseVector.createDenseVector(atb))).toArray();
        }
        return out;
    }

    /** {@code A^T A}. */
    static double[][] gram(double[][] a) {
        int n = a[0].length;
        double[][] g = new double[n][n];
        for (double[] row : a) {
            for (int p = 0; p < n; p++) {
                double v = row[p];
                if (v == 0) {
                    continue;
                }
                double[] gp = g[p];
                for (int q = p; q < n; q++) {
                    gp[q] += v * row[q];
                }
            }
        }
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < p; q++) {
                g[p][q] = g[q][p];
            }
        }
        return g;
    }

    private static DenseMatrix.LUFactorization lu(DenseMatrix matrix) {
        return matrix.luFactorization()
                .orElseThrow(() -> new IllegalStateException("the linear system of " + matrix.getDimension1Size()
                        + " unknowns is singular: the queries do not determine the model"));
    }
}
