package dev.marauder.attacks.inference.inversion;

import dev.marauder.core.data.FloatTensor;
import java.util.Locale;

/**
 * The auxiliary term of MI-Face's cost, {@code c(x) = 1 - p_target(x) + AuxTerm(x)}
 * (Fredrikson, Jha &amp; Ristenpart 2015, Algorithm 1): side information the attacker has about
 * the input, as a penalty. It depends on the input only, never on the model, so it costs no
 * queries and its gradient is exact in both access modes.
 */
public interface AuxiliaryTerm {

    /** A short description for settings and provenance, e.g. {@code none}. */
    String description();

    /** The penalty at {@code x}, a flattened example. */
    double value(float[] x);

    /** Adds the penalty's gradient at {@code x} to {@code gradient}. */
    void addGradient(float[] x, float[] gradient);

    /** No auxiliary information: the paper's default, {@code AuxTerm = 0}. */
    static AuxiliaryTerm none() {
        return NoAuxiliaryTerm.INSTANCE;
    }

    /**
     * {@code weight * mean_k (x_k - reference_k)^2}: a Gaussian prior centred on a reference
     * input, e.g. the mean of auxiliary data the attacker holds.
     *
     * @param reference one example, shaped like the model's input
     * @param weight the penalty's weight, positive and finite
     * @throws IllegalArgumentException if the weight is not positive and finite or the
     *     reference has non-finite values
     */
    static AuxiliaryTerm squaredDistance(FloatTensor reference, double weight) {
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("auxiliary term weight must be positive and finite, got " + weight);
        }
        float[] r = reference.data().clone();
        for (int k = 0; k < r.length; k++) {
            if (!Float.isFinite(r[k])) {
                throw new IllegalArgumentException("auxiliary reference value " + k + " is not finite: " + r[k]);
            }
        }
        return new AuxiliaryTerm() {
            @Override
            public String description() {
                return String.format(Locale.ROOT, "squared distance to a reference, weight %s", weight);
            }

            @Override
            public double value(float[] x) {
                check(x);
                double sum = 0;
                for (int k = 0; k < x.length; k++) {
                    double e = x[k] - r[k];
                    sum += e * e;
                }
                return weight * sum / x.length;
            }

            @Override
            public void addGradient(float[] x, float[] gradient) {
                check(x);
                float scale = (float) (2 * weight / x.length);
                for (int k = 0; k < x.length; k++) {
                    gradient[k] += scale * (x[k] - r[k]);
                }
            }

            private void check(float[] x) {
                if (x.length != r.length) {
                    throw new IllegalArgumentException(
                            "auxiliary reference has " + r.length + " values, the model's input " + x.length);
                }
            }
        };
    }
}
