/**
 * Perturbation norms as a strategy ({@link dev.marauder.core.norm.Norm}: L-infinity, L2, L1):
 * per-example norms, projection onto the ball, a uniform point in the ball, the steepest-ascent
 * step and the dual norm, so that no attack branches on which norm it has.
 */
package dev.marauder.core.norm;
