/**
 * Training: the {@link dev.marauder.core.train.Trainer} abstraction (a settings object; the network
 * and data come at call time) with plain Adam ({@link dev.marauder.core.train.AdamTrainer});
 * DP-SGD implements it in the privacy module. {@link dev.marauder.core.train.Training} trains a
 * built-in classifier with any trainer and writes its model card.
 */
package dev.marauder.core.train;
