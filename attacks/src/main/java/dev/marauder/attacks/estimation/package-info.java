/**
 * Gradient estimation from queries alone, shared by every black-box attack that needs a gradient:
 * {@link dev.marauder.attacks.estimation.NesGradientEstimator} (natural evolution strategies with
 * antithetic Gaussian sampling, Ilyas et al. 2018), used by MI-Face and the NES evasion attack, and
 * {@link dev.marauder.attacks.estimation.SpsaGradientEstimator} (Rademacher directions, Uesato et
 * al. 2018), used by the SPSA evasion attack. The objective is a
 * {@link dev.marauder.attacks.estimation.PointLoss}: the caller decides how the probes become
 * queries and whose budget they are charged to.
 */
package dev.marauder.attacks.estimation;
