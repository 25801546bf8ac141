/**
 * Robust training: adversarial training (Madry et al. 2018), TRADES (Zhang et al. 2019) and fast
 * FGSM training (Wong, Rice &amp; Kolter 2020), as {@link dev.marauder.core.train.Trainer}s that the
 * common training path ({@link dev.marauder.core.train.Training}) runs for every built-in
 * architecture, with the defense recorded in the model card.
 */
package dev.marauder.defenses.training;
