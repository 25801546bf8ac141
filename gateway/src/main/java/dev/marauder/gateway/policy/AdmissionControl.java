package dev.marauder.gateway.policy;

import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.model.Classifier;
import dev.marauder.defenses.detection.DeepKnnScores;
import dev.marauder.defenses.detection.FittedDeepKnn;
import dev.marauder.serve.Mediator;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses predictions the model should not be trusted with: the top probability below {@code
 * minConfidence} (NaN: off), or, with a Deep k-NN fitted on the model (Papernot &amp; McDaniel
 * 2018, "Deep k-Nearest Neighbors: Towards Confident, Interpretable and Robust Deep Learning"),
 * a credibility below {@code minCredibility}: inputs unlike the training data, such as many
 * adversarial examples. A batch is refused whole when any of its examples is, naming the first.
 *
 * @param minConfidence the lowest top-class probability admitted, or NaN for no such rule
 * @param deepKnn a Deep k-NN fitted on the served model, or null for none
 * @param minCredibility the lowest DkNN credibility admitted (with {@code deepKnn})
 */
public record AdmissionControl(double minConfidence, FittedDeepKnn deepKnn, double minCredibility) {
    /** No admission rule. */
    public static final AdmissionControl NONE = new AdmissionControl(Double.NaN, null, 0);

    public AdmissionControl {
        if (!Double.isNaN(minConfidence) && !(minConfidence >= 0 && minConfidence <= 1)) {
            throw new IllegalArgumentException("min confidence must be in [0, 1], got " + minConfidence);
        }
        if (!(minCredibility >= 0 && minCredibility <= 1)) {
            throw new IllegalArgumentException("min credibility must be in [0, 1], got " + minCredibility);
        }
    }

    /** Whether any rule is on. */
    public boolean enabled() {
        return !Double.isNaN(minConfidence) || deepKnn != null;
    }

    /**
     * The reason to refuse this batch, or empty to admit it.
     *
     * @param model the served model (its monitor is held while the DkNN runs it)
     * @param input the batch, row-major
     * @param probabilities the model's probabilities for the batch
     */
    public Optional<String> refusal(Classifier model, float[] input, Mediator.Scores probabilities) {
        int c = probabilities.classes();
        if (!Double.isNaN(minConfidence)) {
            for (int i = 0; i < probabilities.n(); i++) {
                double top = 0;
                for (int j = 0; j < c; j++) {
                    top = Math.max(top, probabilities.data()[i * c + j]);
                }
                if (top < minConfidence) {
                    return Optional.of(String.format(
                            Locale.ROOT,
                            "example %d: confidence %.3f is below the admission threshold %.3f",
                            i,
                            top,
                            minConfidence));
                }
            }
        }
        if (deepKnn != null) {
            int[] shape = model.inputSpec().shape();
            int[] dims = new int[shape.length + 1];
            dims[0] = probabilities.n();
            System.arraycopy(shape, 0, dims, 1, shape.length);
            DeepKnnScores scores;
            synchronized (model) {
                scores = deepKnn.score(model, new FloatTensor(input, dims));
            }
            for (int i = 0; i < scores.size(); i++) {
                if (scores.credibility()[i] < minCredibility) {
                    return Optional.of(String.format(
                            Locale.ROOT,
                            "example %d: Deep k-NN credibility %.3f is below the admission threshold %.3f",
                            i,
                            scores.credibility()[i],
                            minCredibility));
                }
            }
        }
        return Optional.empty();
    }
}
