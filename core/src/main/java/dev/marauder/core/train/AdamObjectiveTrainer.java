package dev.marauder.core.train;

/**
 * A trainer that updates parameters as {@link AdamTrainer} does (its epochs, batch size, learning
 * rate and seed) but minimises its own per-batch {@link BatchObjective}, such as adversarial
 * training or Gaussian noise augmentation. Implementations run
 * {@code updates().fit(block, examples, name, progress, objective)}.
 */
public interface AdamObjectiveTrainer extends Trainer {

    /** The Adam updates: epochs, batch size, learning rate and seed. */
    AdamTrainer updates();

    @Override
    default int epochs() {
        return updates().epochs();
    }

    @Override
    default int batchSize() {
        return updates().batchSize();
    }

    @Override
    default double learningRate() {
        return updates().learningRate();
    }

    @Override
    default long seed() {
        return updates().seed();
    }
}
