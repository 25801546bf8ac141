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
import java.util.Arrays;

/**
 * The Carlini &amp; Wagner L2 attack (Carlini &amp; Wagner 2017, "Towards Evaluating the Robustness
 * of Neural Networks"): minimises {@code ||x' - x||_2^2 + c * f(x')} over {@code x' = box(tanh(w))}
 * (the change of variables keeps {@code x'} inside the model's bounds) with Adam, where
 * {@code f = max(Z_y - max_{i != y} Z_i, -kappa)} (untargeted) or
 * {@code max(max_{i != t} Z_i - Z_t, -kappa)} (targeted) on the logits Z, and a per-example binary
 * search over the constant c. Returns, per example, the smallest successful perturbation found.
 *
 * <p>Threat model: white-box, L2, minimal perturbation; epsilons restrict the result afterwards.
 */
public final class CarliniWagnerL2 extends MinimizationAttack<DifferentiableClassifier> {
    /** Default Adam learning rate (in tanh space). */
    public static final double DEFAULT_LEARNING_RATE = 0.05;
    /** Default starting value of the constant c. */
    public static final double DEFAULT_INITIAL_CONST = 1.0;

    private static final double UPPER_LIMIT = 1e10;
    private final int binarySearchSteps;
    private final int steps;
    private final double learningRate;
    private final double initialConst;
    private final double confidence;

    /**
     * A C&amp;W L2 attack.
     *
     * @param binarySearchSteps rounds of the search over c (at least 1)
     * @param steps Adam iterations per round (at least 1)
     * @param learningRate Adam's learning rate
     * @param initialConst starting value of c
     * @param confidence the margin kappa by which the adversarial class must win (>= 0)
     */
    public CarliniWagnerL2(
            int binarySearchSteps, int steps, double learningRate, double initialConst, double confidence) {
        super(Norm.L2);
        if (binarySearchSteps < 1) {
            throw new IllegalArgumentException("binary search steps must be at least 1, got " + binarySearchSteps);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (!(learningRate > 0) || !(initialConst > 0) || !(confidence >= 0)) {
            throw new IllegalArgumentException("learning rate and initial constant must be > 0 and confidence >= 0");
        }
        this.binarySearchSteps = binarySearchSteps;
        this.steps = steps;
        this.learningRate = learningRate;
        this.initialConst = initialConst;
        this.confidence = confidence;
    }

    /** Defaults: 5 search rounds of 100 Adam steps at 0.05, c starting at 1, confidence 0. */
    public static CarliniWagnerL2 defaults() {
        return new CarliniWagnerL2(5, 100, DEFAULT_LEARNING_RATE, DEFAULT_INITIAL_CONST, 0);
    }

    @Override
    public String name() {
        return "cw";
    }

    @Override
    public Settings settings() {
        return new Settings(norm(), binarySearchSteps, steps, learningRate, initialConst, confidence);
    }

    /**
     * The settings of a C&amp;W L2 attack.
     *
     * @param norm always {@link Norm#L2}
     * @param binarySearchSteps rounds of the search over c
     * @param steps Adam iterations per round
     * @param learningRate Adam's learning rate
     * @param initialConst starting value of c
     * @param confidence the margin kappa
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(
            Norm norm, int binarySearchSteps, int steps, double learningRate, double initialConst, double confidence)
            implements EvasionSettings {

        @Override
        public String toString() {
            return EvasionSettings.describe(this);
        }
    }

    @Override
    protected NDArray minimize(DifferentiableClassifier model, NDArray x, Criterion criterion) {
        NDManager scope = x.getManager();
        InputSpec spec = model.inputSpec();
        int n = (int) x.getShape().get(0);
        long[] perExample = Tensors.perExampleShape(x);
        // Per channel when the bounds are: x = mid + half * tanh(w) maps the whole real line onto the box.
        NDArray lowerBounds = spec.lowerArray(scope);
        NDArray upperBounds = spec.upperArray(scope);
        NDArray half = upperBounds.sub(lowerBounds).div(2f);
        NDArray mid = upperBounds.add(lowerBounds).div(2f);
        // w0 = atanh of x mapped to (-1, 1), pulled slightly inside to stay finite.
        NDArray y = x.sub(mid).div(half).clip(-1 + 1e-6, 1 - 1e-6);
        NDArray w0 = y.add(1).div(y.neg().add(1)).log().mul(0.5); // atanh(y), which libtorch via DJL lacks
        long[] labels = criterion.lossLabels().toLongArray();
        double[] c = new double[n];
        double[] lower = new double[n];
        double[] upper = new double[n];
        double[] bestL2 = new double[n];
        Arrays.fill(c, initialConst);
        Arrays.fill(upper, UPPER_LIMIT);
        Arrays.fill(bestL2, Double.POSITIVE_INFINITY);
        NDArray best = x.duplicate();
        for (int round = 0; round < binarySearchSteps; round++) {
            boolean[] succeeded = new boolean[n];
            NDArray w = w0.duplicate();
            NDArray m = w.zerosLike();
            NDArray v = w.zerosLike();
            double[] roundC = c.clone();
            for (int t = 1; t <= steps; t++) {
                try (NDManager step = scope.newSubManager()) {
                    w.attach(step);
                    m.attach(step);
                    v.attach(step);
                    best.attach(step);
                    NDArray tanh = w.tanh();
                    NDArray adv = tanh.mul(half).add(mid);
                    InputGradient g =
                            model.gradient(adv, logits -> margin(logits, labels, criterion.targeted(), roundC));
                    float[] margins = marginValues(g.logits(), labels, criterion.targeted());
                    NDArray diff = adv.sub(x);
                    float[] l2 = diff.square().reshape(n, -1).sum(new int[] {1}).toFloatArray();
                    // Record the smallest successful perturbation per example.
                    boolean[] improved = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        if (margins[i] <= -confidence && l2[i] < bestL2[i]) {
                            bestL2[i] = l2[i];
                            improved[i] = true;
                        }
                        if (margins[i] <= -confidence) {
                            succeeded[i] = true;
                        }
                    }
                    NDArray nextBest = NDArrays.where(
                            step.create(improved).reshape(perExample).broadcast(x.getShape()), adv, best);
                    // d/dadv of ||adv - x||^2 + c f, then the chain rule through the tanh box.
                    NDArray gradAdv = diff.mul(2).add(g.gradient());
                    NDArray gradW = gradAdv.mul(tanh.square().neg().add(1).mul(half));
                    NDArray nextM = m.mul(0.9).add(gradW.mul(0.1));
                    NDArray nextV = v.mul(0.999).add(gradW.square().mul(0.001));
                    double mHat = 1 - Math.pow(0.9, t);
                    double vHat = 1 - Math.pow(0.999, t);
                    NDArray nextW = w.sub(nextM.div(mHat)
                            .div(nextV.div(vHat).sqrt().add(1e-8))
                            .mul(learningRate));
                    for (NDArray a : new NDArray[] {nextW, nextM, nextV, nextBest}) {
                        a.attach(scope);
                    }
                    w = nextW;
                    m = nextM;
                    v = nextV;
                    best = nextBest;
                }
            }
            for (int i = 0; i < n; i++) {
                if (succeeded[i]) {
                    upper[i] = Math.min(upper[i], c[i]);
                    c[i] = (lower[i] + upper[i]) / 2;
                } else {
                    lower[i] = Math.max(lower[i], c[i]);
                    c[i] = upper[i] < UPPER_LIMIT / 10 ? (lower[i] + upper[i]) / 2 : c[i] * 10;
                }
            }
        }
        return best;
    }

    /** The C&amp;W objective {@code sum_i c_i * max(margin_i, -kappa)} on the logits. */
    private NDArray margin(NDArray logits, long[] labels, boolean targeted, double[] c) {
        NDManager mgr = logits.getManager();
        int classes = (int) logits.getShape().get(1);
        NDArray onehot = mgr.create(labels).oneHot(classes, logits.getDataType());
        NDArray own = logits.mul(onehot).sum(new int[] {1});
        // Largest other logit: mask the label's logit with a large negative number.
        NDArray other = logits.sub(onehot.mul(1e9f)).max(new int[] {1});
        NDArray marginValue = targeted ? other.sub(own) : own.sub(other);
        float[] cs = new float[c.length];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = (float) c[i];
        }
        return marginValue.maximum((float) -confidence).mul(mgr.create(cs)).sum();
    }

    /** The margins of a batch (without the confidence clamp), on the host. */
    private static float[] marginValues(NDArray logits, long[] labels, boolean targeted) {
        float[] z = logits.toFloatArray();
        int classes = (int) logits.getShape().get(1);
        float[] out = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            float own = z[i * classes + (int) labels[i]];
            float other = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                if (k != labels[i]) {
                    other = Math.max(other, z[i * classes + k]);
                }
            }
            out[i] = targeted ? other - own : own - other;
        }
        return out;
    }
}
