package dev.marauder.attacks.inference.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputGradient;
import java.util.SplittableRandom;

/**
 * White-box gradients: one backward pass through the model per batch, via
 * {@link DifferentiableClassifier#gradient}, which also yields the logits and so
 * {@code p_target(x)}. One query per row.
 */
final class ExactGradient implements GradientSource<DifferentiableClassifier> {
    static final ExactGradient INSTANCE = new ExactGradient();

    private ExactGradient() {}

    @Override
    public String access() {
        return "white-box";
    }

    @Override
    public Settings settings() {
        return new Settings("exact", null, null, null);
    }

    @Override
    public long queriesPerRow() {
        return 1;
    }

    @Override
    public boolean returnsProbabilities() {
        return true;
    }

    @Override
    public SplittableRandom random(int target) {
        return null;
    }

    @Override
    public Estimate gradient(
            DifferentiableClassifier model, NDManager scope, float[][] x, int[] targets, SplittableRandom[] random) {
        NDArray batch = Queries.batch(scope, x, model.inputSpec());
        long[] t = new long[targets.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = targets[i];
        }
        int classes = model.classes();
        // d(1 - p_t)/dx = -dp_t/dx: differentiate the negated sum of the target probabilities.
        InputGradient g = model.gradient(batch, logits -> {
            NDArray p = logits.softmax(1);
            NDArray indicator = logits.getManager().create(t).oneHot(classes, p.getDataType());
            return p.mul(indicator).sum().neg();
        });
        int d = model.inputSpec().size();
        float[] flat = g.gradient().toFloatArray();
        float[] probabilities = g.logits().softmax(1).toFloatArray();
        float[][] gradient = new float[x.length][d];
        double[] pTarget = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(flat, i * d, gradient[i], 0, d);
            pTarget[i] = probabilities[i * classes + targets[i]];
        }
        return new Estimate(gradient, pTarget);
    }
}
