package dev.marauder.attacks.evasion;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.core.data.FloatTensor;
import java.util.List;

/**
 * The outcome of a {@link RobustnessEvaluation}: clean accuracy and, per epsilon, robust
 * accuracy, attack success rate, mean perturbation and time, with per-example predictions and a
 * few kept examples for pictures.
 *
 * @param attack attack name
 * @param settings attack settings
 * @param examples number of examples attacked
 * @param cleanAccuracy accuracy on the clean inputs
 * @param cleanPredictions predicted label per example on clean inputs
 * @param cleanConfidences confidence (top probability) per example on clean inputs
 * @param sampleOriginals the first few clean inputs (for image grids)
 * @param labels true label per example
 * @param perEpsilon one row per epsilon
 */
public record RobustnessResult(
        String attack,
        EvasionSettings settings,
        int examples,
        double cleanAccuracy,
        int[] cleanPredictions,
        float[] cleanConfidences,
        FloatTensor sampleOriginals,
        int[] labels,
        List<AtEpsilon> perEpsilon) {

    /**
     * Results at one budget.
     *
     * @param epsilon the budget
     * @param robustAccuracy share of all examples still classified correctly under attack
     * @param attackSuccessRate share of correctly classified examples the attack made adversarial
     * @param meanPerturbation mean norm of the perturbation over all examples
     * @param seconds time spent in the attack at this epsilon
     * @param predictions predicted label per example on the adversarial inputs
     * @param confidences confidence per example on the adversarial inputs
     * @param success criterion per example
     * @param sampleAdversarials adversarial versions of {@code sampleOriginals}
     * @param adversarial every adversarial example, when kept, else null
     * @param queries black-box attacks: the model queries spent per example and their median, mean
     *     and total; null for white-box attacks
     */
    public record AtEpsilon(
            double epsilon,
            double robustAccuracy,
            double attackSuccessRate,
            double meanPerturbation,
            double seconds,
            int[] predictions,
            float[] confidences,
            boolean[] success,
            FloatTensor sampleAdversarials,
            FloatTensor adversarial,
            @JsonInclude(JsonInclude.Include.NON_NULL) QueryStats queries) {

        /** A row of a white-box attack, which counts no queries. */
        public AtEpsilon(
                double epsilon,
                double robustAccuracy,
                double attackSuccessRate,
                double meanPerturbation,
                double seconds,
                int[] predictions,
                float[] confidences,
                boolean[] success,
                FloatTensor sampleAdversarials,
                FloatTensor adversarial) {
            this(
                    epsilon,
                    robustAccuracy,
                    attackSuccessRate,
                    meanPerturbation,
                    seconds,
                    predictions,
                    confidences,
                    success,
                    sampleAdversarials,
                    adversarial,
                    null);
        }
    }
}
