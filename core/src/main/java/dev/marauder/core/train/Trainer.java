package dev.marauder.core.train;

import ai.djl.nn.Block;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.marauder.core.progress.Progress;
import java.util.function.Consumer;

/**
 * How a network's parameters are fitted to examples: an immutable settings object, with the
 * network and the data given at call time (the shape of foolbox's attacks and Opacus's
 * {@code make_private}, applied to training). Plain training ({@link AdamTrainer}) and DP-SGD
 * ({@code dev.marauder.privacy.dpsgd.DpSgdTrainer}) implement it; classifiers
 * ({@link Training}), shadow models and the character language model of the memorization attacks
 * all train through it, so there is one training loop per kind of update, not one per model.
 *
 * <p>A trainer that gives a differential-privacy guarantee attaches its accountant itself and
 * returns the guarantee in {@link TrainingRun#privacy()}, so a caller cannot forget to account.
 * Trainers serialise to JSON with their class name (a recipe handed to a worker process).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, property = "type")
public interface Trainer {

    /**
     * Fits the parameters of {@code block} (initialised, on the engine) to {@code examples}. The
     * loss is the cross-entropy of the block's logits against the example targets (one target
     * per example, or one per position of a sequence).
     *
     * @param block the network; its parameters are updated in place and left unfrozen
     * @param examples the training examples
     * @param name what the progress bar calls this run
     * @param progress receives the run's steps
     * @param warnings receives warnings for the user (e.g. a seeded, non-private DP run)
     */
    TrainingRun fit(Block block, TrainingExamples examples, String name, Progress progress, Consumer<String> warnings);

    /** Passes over the training data. */
    int epochs();

    /** The (expected) number of examples per step. */
    int batchSize();

    /** The optimiser's learning rate. */
    double learningRate();

    /** The optimiser's name as recorded in a model card. */
    default String optimizer() {
        return "adam";
    }

    /**
     * The defense this trainer applies, recorded in the model card, or null for plain (and
     * DP-SGD) training.
     */
    default dev.marauder.core.model.TrainingDefense defense() {
        return null;
    }

    /** Seeds parameter initialisation and, for plain training, the batch order. */
    long seed();

    /** The same trainer with seed {@code seed} (one per shadow model). */
    Trainer withSeed(long seed);
}
