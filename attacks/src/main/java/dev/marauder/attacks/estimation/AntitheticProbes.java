package dev.marauder.attacks.estimation;

import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The estimate both query-based gradient estimators share: for each row, {@code samples} random
 * directions {@code u_j}, the loss at the clipped probes {@code x + radius u_j} and
 * {@code x - radius u_j} (all rows' probes in one call of the loss), and
 * {@code 1/(2 samples radius) sum_j (L(x + radius u_j) - L(x - radius u_j)) u_j}. The estimators
 * differ only in how a direction's coordinate is drawn (Gaussian for NES, Rademacher for SPSA).
 */
final class AntitheticProbes {
    private AntitheticProbes() {}

    /**
     * The estimate per row.
     *
     * @param x rows, each a flattened example inside {@code spec}'s bounds; not modified
     * @param spec the bounds the probes are clipped to
     * @param random one generator per row, drawn row by row, pair by pair, coordinate by coordinate
     * @param samples antithetic pairs per row
     * @param radius the probe radius
     * @param coordinate draws one coordinate of a direction
     * @param loss the objective; point {@code 2 (r samples + j)} is {@code x + radius u}, the next
     *     {@code x - radius u}
     */
    static float[][] estimate(
            float[][] x,
            InputSpec spec,
            SplittableRandom[] random,
            int samples,
            float radius,
            ToDoubleFunction<SplittableRandom> coordinate,
            PointLoss loss) {
        int d = spec.size();
        float[][][] directions = new float[x.length][samples][d];
        float[][] points = new float[x.length * 2 * samples][];
        int[] owners = new int[points.length];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < samples; j++) {
                float[] u = directions[r][j];
                float[] plus = new float[d];
                float[] minus = new float[d];
                for (int k = 0; k < d; k++) {
                    u[k] = (float) coordinate.applyAsDouble(random[r]);
                    float lo = spec.lowerAt(k);
                    float hi = spec.upperAt(k);
                    plus[k] = Math.min(hi, Math.max(lo, x[r][k] + radius * u[k]));
                    minus[k] = Math.min(hi, Math.max(lo, x[r][k] - radius * u[k]));
                }
                int at = (r * samples + j) * 2;
                points[at] = plus;
                points[at + 1] = minus;
                owners[at] = r;
                owners[at + 1] = r;
            }
        }
        double[] values = loss.values(points, owners);
        float[][] gradient = new float[x.length][d];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < samples; j++) {
                int at = (r * samples + j) * 2;
                float w = (float) ((values[at] - values[at + 1]) / (2.0 * samples * radius));
                float[] u = directions[r][j];
                for (int k = 0; k < d; k++) {
                    gradient[r][k] += w * u[k];
                }
            }
        }
        return gradient;
    }
}
