package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.norm.Norm;
import java.util.ArrayList;
import java.util.List;

/**
 * Template for attacks that look for the smallest adversarial perturbation (foolbox's
 * MinimizationAttack): the attack runs once per batch, and each requested epsilon then restricts
 * the perturbation found to that budget (projection onto the ball) before success is judged.
 * Epsilon may be {@code +infinity} here, meaning the perturbation is left as found.
 *
 * @param <M> the model access the attack needs
 */
public abstract class MinimizationAttack<M extends Classifier> implements EvasionAttack<M> {
    private final Norm norm;

    protected MinimizationAttack(Norm norm) {
        if (norm == null) {
            throw new IllegalArgumentException("norm is required");
        }
        this.norm = norm;
    }

    /** The norm in which the perturbation is minimised. */
    public Norm norm() {
        return norm;
    }

    /**
     * The attack proper: an adversarial example for {@code x} with as small a perturbation as the
     * attack can find (the clean input where it finds none). Temporaries may be left in
     * {@code x}'s manager, a scope closed after the results are copied out.
     */
    protected abstract NDArray minimize(M model, NDArray x, Criterion criterion);

    @Override
    public final EvasionResult run(M model, NDArray x, Criterion criterion, double... epsilons) {
        Outcomes.checkEpsilons(epsilons, true);
        List<EvasionResult.Outcome> outcomes = new ArrayList<>();
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray clean = x.duplicate();
            clean.attach(scope);
            long searchStart = System.nanoTime();
            NDArray found = minimize(model, clean, criterion);
            double searchShare = (System.nanoTime() - searchStart) / 1e9 / epsilons.length;
            for (double eps : epsilons) {
                long start = System.nanoTime();
                try (NDManager perEpsilon = scope.newSubManager()) {
                    NDArray c = clean.duplicate();
                    c.attach(perEpsilon);
                    outcomes.add(Outcomes.judge(model, norm, c, found, eps, criterion, start, searchShare));
                }
            }
        }
        return new EvasionResult(name(), norm, outcomes);
    }
}
