package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputGradient;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.norm.Norm;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DeepFool (Moosavi-Dezfooli, Fawzi &amp; Frossard 2016, "DeepFool: a simple and accurate method to
 * fool deep neural networks"), multi-class: at each iteration the classifier is linearised around
 * the current point, and the example moves to the nearest linearised decision boundary among the
 * {@code candidates} most likely classes of the clean input. The accumulated perturbation is
 * scaled by {@code 1 + overshoot} to cross the boundary.
 *
 * <p>Threat model: white-box, untargeted, minimal perturbation in L2 (or L-infinity, using the
 * dual L1 norm of the boundary normal); epsilons restrict the result afterwards.
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
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("norm", norm().id());
        m.put("steps", steps);
        m.put("candidates", candidates);
        m.put("overshoot", overshoot);
        return m;
    }

    @Override
    protected NDArray minimize(DifferentiableClassifier model, NDArray x, Criterion criterion) {
        if (criterion.targeted()) {
            throw new IllegalArgumentException("DeepFool is untargeted; use PGD or C&W for targeted attacks");
        }
        NDManager scope = x.getManager();
        InputSpec spec = model.inputSpec();
        int n = (int) x.getShape().get(0);
        int d = (int) (x.getShape().size() / n);
        long[] labels = criterion.lossLabels().toLongArray();
        // Candidate classes per example: the top-k of the clean logits, the true label first.
        int classes = model.classes();
        int k = Math.min(candidates, classes);
        int[][] ranked = rankedClasses(model.logits(x).toFloatArray(), classes, labels, k);
        float[] total = new float[n * d];
        NDArray adv = x.duplicate();
        for (int it = 0; it < steps; it++) {
            try (NDManager step = scope.newSubManager()) {
                adv.attach(step);
                boolean[] done = criterion.isAdversarial(model.logits(adv)).toBooleanArray();
                if (allTrue(done)) {
                    NDArray keep = adv.duplicate();
                    keep.attach(scope);
                    return keep;
                }
                // Gradients of (Z_candidate - Z_label) for each rank of candidate.
                float[] bestDistance = new float[n];
                java.util.Arrays.fill(bestDistance, Float.POSITIVE_INFINITY);
                float[] bestStep = new float[n * d];
                for (int r = 1; r < k; r++) {
                    final int rank = r;
                    InputGradient g = model.gradient(adv, logits -> classDifference(logits, ranked, rank, labels));
                    float[] z = g.logits().toFloatArray();
                    float[] w = g.gradient().toFloatArray();
                    for (int i = 0; i < n; i++) {
                        if (done[i]) {
                            continue;
                        }
                        float f = z[i * classes + ranked[i][rank]] - z[i * classes + (int) labels[i]];
                        double dual = 0;
                        for (int j = i * d; j < (i + 1) * d; j++) {
                            dual += norm() == Norm.L2 ? (double) w[j] * w[j] : Math.abs(w[j]);
                        }
                        double wNorm = norm() == Norm.L2 ? Math.sqrt(dual) : dual;
                        if (wNorm < 1e-12) {
                            continue;
                        }
                        double distance = (Math.abs(f) + 1e-4) / wNorm;
                        if (distance < bestDistance[i]) {
                            bestDistance[i] = (float) distance;
                            for (int j = 0; j < d; j++) {
                                float wj = w[i * d + j];
                                bestStep[i * d + j] = (float) (norm() == Norm.L2
                                        ? distance * wj / wNorm
                                        : distance * Math.signum(wj));
                            }
                        }
                    }
                }
                for (int i = 0; i < n * d; i++) {
                    total[i] += bestStep[i];
                }
                NDArray next = x.add(step.create(total, x.getShape()).mul(1 + overshoot)).clip(spec.lower(), spec.upper());
                next.attach(scope);
                adv = next;
            }
        }
        return adv;
    }

    /** {@code sum_i Z[i, candidate_i] - Z[i, label_i]}: per-example gradients of the class gap. */
    private static NDArray classDifference(NDArray logits, int[][] ranked, int rank, long[] labels) {
        int n = labels.length;
        int classes = (int) logits.getShape().get(1);
        float[] weights = new float[n * classes];
        for (int i = 0; i < n; i++) {
            weights[i * classes + ranked[i][rank]] += 1;
            weights[i * classes + (int) labels[i]] -= 1;
        }
        return logits.mul(logits.getManager().create(weights, logits.getShape())).sum();
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

    private static boolean allTrue(boolean[] b) {
        for (boolean v : b) {
            if (!v) {
                return false;
            }
        }
        return true;
    }
}
