package dev.marauder.core.norm;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/**
 * A perturbation norm as a strategy object: the same attack code serves every norm, instead of
 * one near-copy of the attack per norm. All operations work per example over a batch whose first
 * dimension is the example index.
 */
public enum Norm {
    /** The L-infinity norm: the largest absolute change of any input value. */
    LINF("linf") {
        @Override
        public NDArray norms(NDArray delta) {
            return flat(delta).abs().max(new int[] {1});
        }

        @Override
        public NDArray steepestAscent(NDArray gradient) {
            return gradient.sign();
        }

        @Override
        public NDArray projectToBall(NDArray delta, double epsilon) {
            return delta.clip(-epsilon, epsilon);
        }
    },
    /** The Euclidean norm of the change. */
    L2("l2") {
        @Override
        public NDArray norms(NDArray delta) {
            return flat(delta).square().sum(new int[] {1}).sqrt();
        }

        @Override
        public NDArray steepestAscent(NDArray gradient) {
            NDArray n = broadcastable(norms(gradient), gradient).maximum(TINY);
            return gradient.div(n);
        }

        @Override
        public NDArray projectToBall(NDArray delta, double epsilon) {
            NDArray n = broadcastable(norms(delta), delta);
            NDArray factor = n.maximum(TINY).pow(-1).mul(epsilon).minimum(1f);
            return delta.mul(factor);
        }
    };

    /** Guards divisions by a zero norm. */
    static final float TINY = 1e-12f;

    private final String id;

    Norm(String id) {
        this.id = id;
    }

    /** The name used on the command line and in results ({@code linf}, {@code l2}). */
    public String id() {
        return id;
    }

    /** Per-example norms {@code [N]} of a batch of perturbations {@code [N, ...]}. */
    public abstract NDArray norms(NDArray delta);

    /**
     * The unit-norm direction of steepest ascent for a linear approximation with this gradient:
     * the sign for L-infinity (Goodfellow et al. 2015), the normalised gradient for L2.
     */
    public abstract NDArray steepestAscent(NDArray gradient);

    /** Projects each example's perturbation onto the norm ball of radius {@code epsilon}. */
    public abstract NDArray projectToBall(NDArray delta, double epsilon);

    /** The norm named {@code id}. */
    public static Norm of(String id) {
        String k = id.toLowerCase(Locale.ROOT).replace("-", "");
        return switch (k) {
            case "linf", "inf", "l_inf" -> LINF;
            case "l2", "2" -> L2;
            default -> throw new IllegalArgumentException("unknown norm '" + id + "'; choose linf or l2");
        };
    }

    static NDArray flat(NDArray x) {
        return x.reshape(x.getShape().get(0), -1);
    }

    /** Reshapes per-example values {@code [N]} to {@code [N, 1, 1, ...]} to broadcast against {@code like}. */
    static NDArray broadcastable(NDArray perExample, NDArray like) {
        return perExample.reshape(dev.marauder.core.model.Tensors.perExampleShape(like));
    }
}
