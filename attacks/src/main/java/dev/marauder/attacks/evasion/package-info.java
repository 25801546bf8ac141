/**
 * Evasion attacks: inputs changed within a norm budget so that the model errs (Szegedy et al.
 * 2014; Goodfellow et al. 2015). White-box gradient attacks take a
 * {@link dev.marauder.core.model.DifferentiableClassifier}, so a white-box attack on a black-box
 * model does not compile. Fixed-budget attacks (FGSM/FGM, BIM/PGD, MI-FGSM) share the template
 * {@link dev.marauder.attacks.evasion.FixedEpsilonAttack}; minimal-perturbation attacks (C&amp;W L2,
 * DeepFool) share {@link dev.marauder.attacks.evasion.MinimizationAttack}. Black-box attacks, which
 * take any {@link dev.marauder.core.model.Classifier} and spend at most a set number of queries per
 * example, share {@link dev.marauder.attacks.evasion.QueryAttack}: score-based NES, SPSA and Square,
 * decision-based HopSkipJump and Boundary; their results count the queries
 * ({@link dev.marauder.attacks.evasion.QueryStats}). The norm
 * ({@link dev.marauder.core.norm.Norm}) and the loss ({@link dev.marauder.core.model.AttackLoss}) are
 * strategies, success is decided by a {@link dev.marauder.attacks.evasion.Criterion}, and
 * {@link dev.marauder.attacks.evasion.RobustnessEvaluation} turns a run into robust accuracy per
 * epsilon with gradient-masking diagnostics (Athalye, Carlini &amp; Wagner 2018).
 */
package dev.marauder.attacks.evasion;
