/**
 * Differential-privacy accounting for DP-SGD (Abadi et al. 2016, "Deep Learning with
 * Differential Privacy"): how much privacy a run of noisy, Poisson-sampled gradient steps spends,
 * as an (epsilon, delta) guarantee under add-or-remove-one adjacency.
 *
 * <ul>
 *   <li>{@link dev.marauder.privacy.accounting.PrivacyAccountant}: the shared, stateful
 *       interface ({@code step}, {@code epsilon(delta)}, {@code history}, {@code copy}), with
 *       {@link dev.marauder.privacy.accounting.RdpAccountant} (Rényi DP: Mironov 2017; Mironov,
 *       Talwar and Zhang 2019; conversion of Balle et al. 2020) and
 *       {@link dev.marauder.privacy.accounting.PldAccountant} (privacy loss distributions:
 *       Meiser and Mohammadi 2018; Koskela, Jälkö and Honkela 2020; Doroshenko et al. 2022).
 *       Histories are lists of {@link dev.marauder.privacy.accounting.Segment}s, so noise and
 *       sample rate may change during training.</li>
 *   <li>The math, stateless: {@link dev.marauder.privacy.accounting.RdpMath} and
 *       {@link dev.marauder.privacy.accounting.PrivacyLossDistribution}.</li>
 *   <li>{@link dev.marauder.privacy.accounting.NoiseCalibration}: the smallest noise multiplier
 *       for a target (epsilon, delta), never over budget.</li>
 * </ul>
 *
 * <p>Plain Java on doubles, no engine: nothing here touches tensors. Results are checked against
 * the published test values of Opacus and TensorFlow Privacy and against dp_accounting.
 */
package dev.marauder.privacy.accounting;
