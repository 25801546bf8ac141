package dev.marauder.core.train;

import dev.marauder.core.model.Architecture;

/**
 * How to train a built-in architecture with plain Adam ({@link #trainer()}): immutable, validated on
 * construction.
 *
 * @param architecture the network to train
 * @param epochs passes over the training data (at least 1)
 * @param batchSize mini-batch size (at least 1)
 * @param learningRate Adam's learning rate (positive, finite)
 * @param seed seeds parameter initialisation and shuffling; the same seed gives the same model
 */
public record TrainingSettings(Architecture architecture, int epochs, int batchSize, double learningRate, long seed) {

    public TrainingSettings {
        if (architecture == null) {
            throw new IllegalArgumentException("architecture is required");
        }
        checkHyperparameters(epochs, batchSize, learningRate);
    }

    /** The checks every trainer applies to its epochs, batch size and learning rate. */
    public static void checkHyperparameters(int epochs, int batchSize, double learningRate) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
    }

    /** Sensible defaults for {@code architecture}: 3 epochs, batch 64, learning rate 1e-3, seed 0. */
    public static TrainingSettings defaults(Architecture architecture) {
        return new TrainingSettings(architecture, 3, 64, 1e-3, 0);
    }

    /** Plain Adam training with these hyper-parameters. */
    public AdamTrainer trainer() {
        return new AdamTrainer(epochs, batchSize, learningRate, seed);
    }

    /** The settings of {@code trainer} for {@code architecture}. */
    public static TrainingSettings of(Architecture architecture, Trainer trainer) {
        return new TrainingSettings(
                architecture, trainer.epochs(), trainer.batchSize(), trainer.learningRate(), trainer.seed());
    }
}
