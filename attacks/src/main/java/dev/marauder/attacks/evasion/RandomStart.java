package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.norm.Norm;
import java.util.SplittableRandom;

/**
 * Uniform random points in the epsilon ball, drawn on the host from a seeded generator so that a
 * seeded attack is reproducible regardless of the engine's global random state (Madry et al.
 * 2018 start PGD from such a point).
 */
final class RandomStart {
    private RandomStart() {}

    /** A perturbation uniform in the {@code norm} ball of radius {@code epsilon}, shaped like {@code like}. */
    static NDArray perturbation(NDArray like, Norm norm, double epsilon, SplittableRandom random) {
        Shape shape = like.getShape();
        int n = (int) shape.get(0);
        int d = (int) (shape.size() / Math.max(1, n));
        float[] v = new float[n * d];
        if (norm == Norm.LINF) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((random.nextDouble() * 2 - 1) * epsilon);
            }
        } else {
            // Uniform in the L2 ball: a Gaussian direction, radius epsilon * U^(1/d).
            for (int i = 0; i < n; i++) {
                double sq = 0;
                double[] g = new double[d];
                for (int j = 0; j < d; j++) {
                    g[j] = gaussian(random);
                    sq += g[j] * g[j];
                }
                double radius = epsilon * Math.pow(random.nextDouble(), 1.0 / d) / Math.max(Math.sqrt(sq), 1e-12);
                for (int j = 0; j < d; j++) {
                    v[i * d + j] = (float) (g[j] * radius);
                }
            }
        }
        return like.getManager().create(v, shape);
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, Double.MIN_VALUE))) * Math.cos(2 * Math.PI * u2);
    }
}
