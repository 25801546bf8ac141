package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.norm.Norm;
import java.util.ArrayList;
import java.util.List;

/**
 * Template for attacks with a fixed perturbation budget (foolbox's FixedEpsilonAttack): this
 * class checks the inputs, runs the attack once per epsilon inside a scoped manager, enforces the
 * norm ball and the model's bounds, and applies the criterion; subclasses implement only
 * {@link #perturb}.
 *
 * @param <M> the model access the attack needs
 */
public abstract class FixedEpsilonAttack<M extends Classifier> implements EvasionAttack<M> {
    private final Norm norm;

    protected FixedEpsilonAttack(Norm norm) {
        if (norm == null) {
            throw new IllegalArgumentException("norm is required");
        }
        this.norm = norm;
    }

    /** The norm of the perturbation budget. */
    public Norm norm() {
        return norm;
    }

    /**
     * The attack proper: an adversarial candidate for {@code x} within budget {@code epsilon}.
     * Temporaries may be left in {@code x}'s manager, which is a scope closed after the result is
     * copied out. The result is projected onto the ball and the bounds afterwards.
     */
    protected abstract NDArray perturb(M model, NDArray x, Criterion criterion, double epsilon);

    @Override
    public final EvasionResult run(M model, NDArray x, Criterion criterion, double... epsilons) {
        Outcomes.checkEpsilons(epsilons, false);
        List<EvasionResult.Outcome> outcomes = new ArrayList<>();
        NDManager parent = x.getManager();
        for (double eps : epsilons) {
            long start = System.nanoTime();
            try (NDManager scope = parent.newSubManager()) {
                NDArray clean = x.duplicate();
                clean.attach(scope);
                NDArray candidate = eps == 0 ? clean : perturb(model, clean, criterion, eps);
                outcomes.add(Outcomes.judge(model, norm, clean, candidate, eps, criterion, start, 0));
            }
        }
        return new EvasionResult(name(), norm, outcomes);
    }
}
