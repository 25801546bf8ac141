package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;

/** The shared last step of every attack: enforce the budget and bounds, then judge the result. */
final class Outcomes {
    private Outcomes() {}

    /** Checks a requested budget; minimisation attacks also accept +infinity (unbounded). */
    static void checkEpsilons(double[] epsilons, boolean allowInfinity) {
        if (epsilons.length == 0) {
            throw new IllegalArgumentException("at least one epsilon is required");
        }
        for (double e : epsilons) {
            if (!(e >= 0) || (!allowInfinity && Double.isInfinite(e))) {
                throw new IllegalArgumentException("epsilon must be a finite number >= 0, got " + e);
            }
        }
    }

    /**
     * Projects {@code candidate} onto the epsilon ball around {@code clean} and the model's bounds,
     * queries the model once, and records success and perturbation sizes.
     */
    static EvasionResult.Outcome judge(
            Classifier model,
            Norm norm,
            NDArray clean,
            NDArray candidate,
            double epsilon,
            Criterion criterion,
            long startNanos,
            double extraSeconds) {
        return judge(model, norm, clean, candidate, epsilon, criterion, startNanos, extraSeconds, null);
    }

    /** As {@link #judge(Classifier, Norm, NDArray, NDArray, double, Criterion, long, double)}, with a black-box attack's queries per example. */
    static EvasionResult.Outcome judge(
            Classifier model,
            Norm norm,
            NDArray clean,
            NDArray candidate,
            double epsilon,
            Criterion criterion,
            long startNanos,
            double extraSeconds,
            long[] queries) {
        InputSpec spec = model.inputSpec();
        NDArray delta =
                Double.isInfinite(epsilon) ? candidate.sub(clean) : norm.projectToBall(candidate.sub(clean), epsilon);
        NDArray adversarial = spec.clip(clean.add(delta));
        boolean[] success = criterion.isAdversarial(model.predict(adversarial)).toBooleanArray();
        float[] norms = norm.norms(adversarial.sub(clean)).toFloatArray();
        double seconds = (System.nanoTime() - startNanos) / 1e9 + extraSeconds;
        return new EvasionResult.Outcome(epsilon, Tensors.toFloatTensor(adversarial), success, norms, seconds, queries);
    }
}
