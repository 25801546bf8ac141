package dev.marauder.attacks.estimation;

/**
 * A black-box objective evaluated at query points: what a gradient estimator differentiates.
 * One call evaluates every point of an estimate, so the caller can send them to the model in one
 * batch and charge each row's queries to its owner.
 */
@FunctionalInterface
public interface PointLoss {

    /**
     * The objective at each point.
     *
     * @param points flattened inputs, each inside the model's bounds; not to be modified
     * @param owners for each point, the index of the row (in the estimator's {@code x}) it probes
     * @return one value per point
     */
    double[] values(float[][] points, int[] owners);
}
