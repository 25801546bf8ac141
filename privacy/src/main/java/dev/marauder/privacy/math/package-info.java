/**
 * Numerical functions shared by the privacy packages.
 *
 * <ul>
 *   <li>{@link dev.marauder.privacy.math.StandardNormal}: the standard normal density,
 *       distribution function, its complement, logarithm and log-odds, and {@code erfc}, accurate
 *       to full double precision in both tails (used by the accounting, the LiRA test and the
 *       skew-normal of the exposure metric).</li>
 * </ul>
 *
 * <p>Plain Java on doubles: nothing here touches tensors or an engine.
 */
package dev.marauder.privacy.math;
