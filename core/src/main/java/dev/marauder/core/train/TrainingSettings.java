package dev.marauder.core.train;

import dev.marauder.core.model.Architecture;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to train a built-in architecture: immutable, validated on construction.
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

    /** The settings as an ordered map for provenance. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", architecture.id());
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("learning_rate", learningRate);
        m.put("optimizer", "adam");
        m.put("seed", seed);
        return m;
    }
}
