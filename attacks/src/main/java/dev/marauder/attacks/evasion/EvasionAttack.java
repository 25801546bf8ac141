package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import dev.marauder.core.model.Classifier;

/**
 * An evasion attack: immutable settings, with the model passed at call time so one instance
 * serves many models. The type parameter states the access the attack needs: gradient attacks
 * take a {@link dev.marauder.core.model.DifferentiableClassifier}, query attacks any
 * {@link Classifier}, so a white-box attack on a black-box model does not compile.
 *
 * @param <M> the kind of model access the attack needs
 */
public interface EvasionAttack<M extends Classifier> {

    /** Short name, e.g. {@code fgsm}. */
    String name();

    /** The norm its budgets and perturbation sizes are measured in. */
    dev.marauder.core.norm.Norm norm();

    /** The attack's settings, for results and provenance (a record that serialises to JSON). */
    EvasionSettings settings();

    /**
     * Attacks a batch at every epsilon.
     *
     * @param model the model under attack
     * @param x clean inputs {@code [N, ...]} inside the model's bounds; not modified
     * @param criterion what counts as success for this batch
     * @param epsilons perturbation budgets in the attack's norm (each at least 0)
     * @return per epsilon: adversarial inputs, success per example and perturbation norms
     */
    EvasionResult run(M model, NDArray x, Criterion criterion, double... epsilons);
}
