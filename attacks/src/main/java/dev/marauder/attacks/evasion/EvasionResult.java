package dev.marauder.attacks.evasion;

import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.norm.Norm;
import java.util.List;

/**
 * What an evasion attack produced for one batch, per epsilon.
 *
 * @param attack the attack's name
 * @param norm the norm epsilons and perturbation sizes are measured in
 * @param outcomes one entry per requested epsilon, in request order
 */
public record EvasionResult(String attack, Norm norm, List<Outcome> outcomes) {

    public EvasionResult {
        outcomes = List.copyOf(outcomes);
    }

    /**
     * The attack's output at one budget.
     *
     * @param epsilon the budget
     * @param adversarial the adversarial batch, inside the model's bounds and the epsilon ball
     * @param success per example, whether the criterion holds on the adversarial input
     * @param perturbationNorms per example, the norm of {@code adversarial - x}
     * @param seconds time spent on this epsilon (for minimisation attacks, which search once for
     *     all epsilons, an equal share of the search plus this epsilon's own checks)
     * @param queries black-box attacks: model queries spent on each example (the final judging
     *     query not included); null for white-box attacks
     */
    public record Outcome(
            double epsilon,
            FloatTensor adversarial,
            boolean[] success,
            float[] perturbationNorms,
            double seconds,
            long[] queries) {

        /** The outcome of a white-box attack, which counts no queries. */
        public Outcome(
                double epsilon, FloatTensor adversarial, boolean[] success, float[] perturbationNorms, double seconds) {
            this(epsilon, adversarial, success, perturbationNorms, seconds, null);
        }
    }
}
