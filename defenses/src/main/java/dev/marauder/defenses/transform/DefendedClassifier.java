package dev.marauder.defenses.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputGradient;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.LogitsObjective;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.OutputKind;
import java.util.SplittableRandom;

/**
 * A model behind an input transformation, {@code f(t(x))}, as an attack sees it. Its answers are
 * the defended model's; its input gradients depend on the attacker's {@link Gradients}:
 * <ul>
 *   <li>{@code NAIVE}: what autograd would give end to end, the transformation's true
 *       derivative (zero where it is piecewise constant or a black box): the non-adaptive attack
 *       the defense was designed against.
 *   <li>{@code BPDA}: Backward Pass Differentiable Approximation (Athalye, Carlini &amp; Wagner
 *       2018): the forward pass through {@code t}, the backward pass through its differentiable
 *       approximation (the identity for {@code t(x) ~ x}).
 *   <li>{@code EOT}: Expectation over Transformation (Athalye, Engstrom, Ilyas &amp; Kwok 2018,
 *       "Synthesizing Robust Adversarial Examples"): the BPDA gradient averaged over
 *       {@code samples} draws of a randomized transformation.
 * </ul>
 * Any gradient attack of the project (PGD, APGD, ...) composes with it unchanged.
 */
public final class DefendedClassifier implements DifferentiableClassifier {

    /** How the attacker differentiates through the transformation. */
    public enum Gradients {
        /** The true derivative, zero where there is none. */
        NAIVE,
        /** The differentiable approximation's derivative, one draw. */
        BPDA,
        /** The approximation's derivative averaged over draws. */
        EOT
    }

    private final DifferentiableClassifier base;
    private final InputTransformation transformation;
    private final Gradients gradients;
    private final int samples;
    private final SplittableRandom random;
    private final InputSpec spec;

    /**
     * Puts {@code transformation} in front of {@code base}.
     *
     * @param base the undefended model (closed by the caller, not by this view)
     * @param transformation the defense
     * @param gradients how attacks differentiate through it
     * @param samples draws per gradient for {@code EOT} (1 otherwise)
     * @param random the transformation's randomness
     * @throws IllegalArgumentException if the transformation cannot sit in front of the model
     */
    public DefendedClassifier(
            DifferentiableClassifier base,
            InputTransformation transformation,
            Gradients gradients,
            int samples,
            SplittableRandom random) {
        if (samples < 1 || (gradients != Gradients.EOT && samples != 1)) {
            throw new IllegalArgumentException(
                    "EOT takes at least 1 sample and the other gradients exactly 1, got " + samples);
        }
        this.base = base;
        this.transformation = transformation;
        this.gradients = gradients;
        this.samples = samples;
        this.random = random;
        this.spec = transformation.defendedInput(base.inputSpec());
    }

    /** The transformation in front. */
    public InputTransformation transformation() {
        return transformation;
    }

    /** How attacks differentiate through it. */
    public Gradients gradients() {
        return gradients;
    }

    @Override
    public NDArray logits(NDArray x) {
        int n = Math.toIntExact(x.getShape().get(0));
        float[] z = transformation.draw(random).apply(x.toFloatArray(), n, spec);
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray out = base.logits(scope.create(z, baseShape(n)));
            out.attach(parent);
            return out;
        }
    }

    @Override
    public InputGradient gradient(NDArray x, LogitsObjective objective) {
        int n = Math.toIntExact(x.getShape().get(0));
        float[] xs = x.toFloatArray();
        float[] sum = new float[xs.length];
        double objectiveSum = 0;
        NDManager parent = x.getManager();
        NDArray logits = null;
        for (int d = 0; d < samples; d++) {
            InputTransformation.Draw draw = transformation.draw(random);
            float[] z = draw.apply(xs, n, spec);
            try (NDManager scope = parent.newSubManager()) {
                InputGradient g = base.gradient(scope.create(z, baseShape(n)), objective);
                float[] v = g.gradient().toFloatArray();
                float[] pulled = gradients == Gradients.NAIVE
                        ? draw.exactPullBack(xs, v, n, spec)
                        : draw.approximatePullBack(xs, v, n, spec);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += pulled[i];
                }
                objectiveSum += g.objective();
                if (d == samples - 1) {
                    logits = g.logits();
                    logits.attach(parent);
                }
            }
        }
        if (samples > 1) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] /= samples;
            }
        }
        return new InputGradient(logits, parent.create(sum, x.getShape()), objectiveSum / samples);
    }

    private Shape baseShape(int n) {
        int[] s = base.inputSpec().shape();
        long[] shape = new long[s.length + 1];
        shape[0] = n;
        for (int i = 0; i < s.length; i++) {
            shape[i + 1] = s[i];
        }
        return new Shape(shape);
    }

    @Override
    public OutputKind outputKind() {
        return base.outputKind();
    }

    @Override
    public InputSpec inputSpec() {
        return spec;
    }

    @Override
    public int classes() {
        return base.classes();
    }

    @Override
    public long queries() {
        return base.queries();
    }

    @Override
    public ModelInfo info() {
        return base.info();
    }

    @Override
    public void close() {
        // the caller owns the base model
    }
}
