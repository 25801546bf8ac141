package dev.marauder.attacks.inference.membership;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Trainer;
import dev.marauder.core.train.Training;
import java.util.function.Consumer;

/**
 * How to train a shadow or reference model: an architecture and a {@link Trainer} (plain Adam,
 * DP-SGD, or any other), so that shadow models are trained the way the target was. Serialises to
 * JSON (the trainer with its class name) for the worker processes and cache keys.
 *
 * @param architecture the network to train
 * @param trainer its hyper-parameters and update rule
 */
public record TrainingRecipe(Architecture architecture, Trainer trainer) {

    public TrainingRecipe {
        if (architecture == null || trainer == null) {
            throw new IllegalArgumentException("a training recipe needs an architecture and a trainer");
        }
    }

    /** The same recipe with initialisation seed {@code seed}. */
    public TrainingRecipe withSeed(long seed) {
        return new TrainingRecipe(architecture, trainer.withSeed(seed));
    }

    /** Trains on {@code train}; {@code test} only measures accuracy for the card. */
    public BuiltinClassifier train(
            LabeledData train,
            LabeledData test,
            String name,
            float[] bounds,
            Progress progress,
            Consumer<String> warnings) {
        return Training.train(architecture, trainer, new TrainTestSplit(name, train, test), bounds, progress, warnings);
    }
}
