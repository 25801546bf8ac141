package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.norm.Norm;

/**
 * Projection onto the intersection of the epsilon ball around a clean batch and the model's input
 * box, for iterative attacks. For L-infinity both constraints are one box, precomputed once, so
 * each step costs two element-wise operations.
 */
final class BallProjection {
    private final Norm norm;
    private final NDArray clean;
    private final double epsilon;
    private final InputSpec spec;
    private final NDArray lower;
    private final NDArray upper;

    BallProjection(Norm norm, NDArray clean, double epsilon, InputSpec spec) {
        this.norm = norm;
        this.clean = clean;
        this.epsilon = epsilon;
        this.spec = spec;
        if (norm == Norm.LINF) {
            lower = clean.sub(epsilon).maximum(spec.lower());
            upper = clean.add(epsilon).minimum(spec.upper());
        } else {
            lower = null;
            upper = null;
        }
    }

    /** The point of the feasible set nearest to {@code candidate} (exact for L-infinity). */
    NDArray project(NDArray candidate) {
        if (norm == Norm.LINF) {
            return candidate.maximum(lower).minimum(upper);
        }
        return clean.add(norm.projectToBall(candidate.sub(clean), epsilon)).clip(spec.lower(), spec.upper());
    }
}
