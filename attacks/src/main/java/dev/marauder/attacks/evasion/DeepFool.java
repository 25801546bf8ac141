package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputGradient;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;

/**
 * DeepFool (Moosavi-Dezfooli, Fawzi &amp; Frossard 2016, "DeepFool: a simple and accurate method to
 * fool deep neural networks"), multi-class: at each iteration the classifier is linearised around
 * the current point, and the example moves to the nearest linearised decision boundary among the
 * {@code candidates} most likely classes of the clean input. The accumulated perturbation is
 * scaled by {@code 1 + overshoot} to cross the boundary.
 *
 * <p>Threat model: white-box, untargeted, minimal perturbation in L2 or L-infinity; epsilons
 * restrict the result afterwards. The distance to a linearised boundary {@code f + <w, r> = 0} in
 * the budget norm is {@code |f| / ||w||_*} with the {@link Norm#dual() dual norm}, reached by a
 * step of that length along the norm's steepest-ascent direction of {@code w} (the paper's
 * extension to l_p norms). That step is exact only when the steepest-ascent direction attains
 * the dual norm, which holds for L2 and L-infinity but not for {@link Norm#L1}'s sparse step, so
 * L1 is refused.
 */
public final class DeepFool extends MinimizationAttack<DifferentiableClassifier> {
    private final int steps;
    private final int candidates;
    private final double overshoot;

    /**
     * A DeepFool attack.
     *
     * @param norm L2 (the paper's main variant) or L-infinity
     * @param steps maximum iterations (at least 1; paper: 50)
     * @param candidates how many top classes of the clean input to consider, including the true one (at least 2)
     * @param overshoot factor by which to exceed the boundary (paper: 0.02)
     */
    public DeepFool(Norm norm, int steps, int candidates, double overshoot) {
        super(norm);
        if (norm == Norm.L1) {
            throw new IllegalArgumentException(
                    "DeepFool supports the linf and l2 norms, not l1: its step needs the exact"
                            + " steepest-ascent direction, which for l1 moves a single coordinate; use pgd or fgm for l1");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (candidates < 2) {
            throw new IllegalArgumentException("candidates must be at least 2, got " + candidates);
        }
        if (!(overshoot >= 0) || Double.isInfinite(overshoot)) {
            throw new IllegalArgumentException("overshoot must be a finite number >= 0, got " + overshoot);
        }
        this.steps = steps;
        this.candidates = candidates;
        this.overshoot = overshoot;
    }

    /** The paper's setting: 50 steps, 10 candidate classes, overshoot 0.02. */
    public static DeepFool defaults(Norm norm) {
        return new DeepFool(norm, 50, 10, 0.02);
    }

    @Override
    public String name() {
        return "deepfool";
    }

    @Override
    public Settings settings() {
        return new Settings(norm(), steps, candidates, overshoot);
    }

    /**
     * The settings of a DeepFool attack.
     *
     * @param norm the norm of the perturbation
     * @param steps maximum iterations
     * @param candidates top classes of the clean input considered
     * @param overshoot factor by which the boundary is exceeded
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(Norm norm, int steps, int candidates, double overshoot) implements EvasionSettings {

        @Override
        public String toString() {
            return EvasionSettings.describe(this);
        }
    }

    @Override
    protected NDArray minimize(DifferentiableClassifier model, NDArray x, Criterion criterion) {
        if (criterion.targeted()) {
            throw new IllegalArgumentException("DeepFool is untargeted; use PGD or C&W for targeted attacks");
        }
        NDManager scope = x.getManager();
        InputSpec spec = model.inputSpec();
        long[] labels = criterion.lossLabels().toLongArray();
        int classes = model.classes();
        int k = Math.min(candidates, classes);
        // Candidate classes per example: the top-k of the clean logits, the true label first.
        int[][] ranked = rankedClasses(model.logits(x).toFloatArray(), classes, labels, k);
        long[] perExample = Tensors.perExampleShape(x);
        NDArray total = x.zerosLike();
        NDArray adv = x.duplicate();
        for (int it = 0; it < steps; it++) {
            try (NDManager step = scope.newSubManager()) {
                adv.attach(step);
                total.attach(step);
                NDArray active = criterion.isAdversarial(model.logits(adv)).logicalNot();
                if (!active.any().getBoolean()) {
                    NDArray keep = adv.duplicate();
                    keep.attach(scope);
                    return keep;
                }
                NDArray bestDistance = null;
                NDArray bestStep = null;
                for (int r = 1; r < k; r++) {
                    final int rank = r;
                    float[] weights = classWeights(ranked, rank, labels, classes);
                    InputGradient g = model.gradient(
                            adv,
                            logits -> logits.mul(logits.getManager().create(weights, logits.getShape()))
                                    .sum());
                    // f = Z_candidate - Z_label and w = its input gradient, per example.
                    NDArray f = g.logits()
                            .mul(step.create(weights, g.logits().getShape()))
                            .sum(new int[] {1});
                    NDArray w = g.gradient();
                    // Distance to the linearised boundary in the budget norm: |f| / ||w||_* (dual norm).
                    NDArray wNorm = norm().dual().norms(w).maximum(1e-12f);
                    NDArray distance = f.abs().add(1e-4f).div(wNorm);
                    NDArray direction = norm().steepestAscent(w);
                    NDArray move = direction.mul(distance.reshape(perExample));
                    if (bestDistance == null) {
                        bestDistance = distance;
                        bestStep = move;
                    } else {
                        NDArray closer = distance.lt(bestDistance);
                        bestStep =
                                NDArrays.where(closer.reshape(perExample).broadcast(move.getShape()), move, bestStep);
                        bestDistance = distance.minimum(bestDistance);
                    }
                }
                // Examples already adversarial stay where they are.
                NDArray mask = active.toType(x.getDataType(), false).reshape(perExample);
                NDArray nextTotal = total.add(bestStep.mul(mask));
                NDArray next = spec.clip(x.add(nextTotal.mul(1 + overshoot)));
                nextTotal.attach(scope);
                next.attach(scope);
                total = nextTotal;
                adv = next;
            }
        }
        return adv;
    }

    /** Weights whose dot product with a logits row gives {@code Z[candidate] - Z[label]}. */
    private static float[] classWeights(int[][] ranked, int rank, long[] labels, int classes) {
        float[] weights = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            weights[i * classes + ranked[i][rank]] += 1;
            weights[i * classes + (int) labels[i]] -= 1;
        }
        return weights;
    }

    private static int[][] rankedClasses(float[] z, int classes, long[] labels, int k) {
        int n = labels.length;
        int[][] out = new int[n][k];
        for (int i = 0; i < n; i++) {
            final int row = i;
            Integer[] order = new Integer[classes];
            for (int c = 0; c < classes; c++) {
                order[c] = c;
            }
            java.util.Arrays.sort(order, (a, b) -> Float.compare(z[row * classes + b], z[row * classes + a]));
            out[i][0] = (int) labels[i];
            int filled = 1;
            for (int c = 0; c < classes && filled < k; c++) {
                if (order[c] != labels[i]) {
                    out[i][filled++] = order[c];
                }
            }
        }
        return out;
    }
}
