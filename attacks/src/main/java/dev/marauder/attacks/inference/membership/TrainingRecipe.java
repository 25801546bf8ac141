package dev.marauder.attacks.inference.membership;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.privacy.dpsgd.DpSgdSettings;
import dev.marauder.privacy.dpsgd.DpTraining;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a model is trained: the project's own trainers with {@code settings}, privately with DP-SGD
 * when {@code dp} is set. Shadow models copy the target's recipe (Shokri et al. 2017).
 *
 * @param settings architecture, epochs, batch size, learning rate, initialisation seed
 * @param dp DP-SGD settings, or null for ordinary training
 */
public record TrainingRecipe(TrainingSettings settings, DpSgdSettings dp) {

    public TrainingRecipe {
        if (settings == null) {
            throw new IllegalArgumentException("a training recipe needs training settings");
        }
    }

    /** The recipe recorded on the card of a model Marauder trained, or null if the card has none. */
    public static TrainingRecipe of(ModelCard card) {
        if (card == null || card.architecture() == null || card.epochs() <= 0) {
            return null;
        }
        TrainingSettings s = new TrainingSettings(dev.marauder.core.model.Architecture.of(card.architecture()),
                card.epochs(), card.batchSize(), card.learningRate(), card.seed());
        DpSgdSettings dp = null;
        if (card.privacy() != null) {
            Map<String, Object> p = card.privacy();
            dp = DpSgdSettings.withNoise(((Number) p.get("clip_norm")).doubleValue(),
                    ((Number) p.get("noise_multiplier")).doubleValue(), ((Number) p.get("delta")).doubleValue());
        }
        return new TrainingRecipe(s, dp);
    }

    /**
     * The recipe {@link #asMap()} recorded.
     *
     * @throws IllegalArgumentException if the map does not describe a recipe
     */
    public static TrainingRecipe fromMap(Map<?, ?> m) {
        try {
            TrainingSettings s = new TrainingSettings(dev.marauder.core.model.Architecture.of((String) m.get("architecture")),
                    ((Number) m.get("epochs")).intValue(), ((Number) m.get("batch_size")).intValue(),
                    ((Number) m.get("learning_rate")).doubleValue(), ((Number) m.get("seed")).longValue());
            Object dp = m.get("dp");
            return new TrainingRecipe(s, dp instanceof Map<?, ?> d ? DpSgdSettings.fromMap(d) : null);
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not a training recipe: " + m, e);
        }
    }

    /** The same recipe with initialisation seed {@code seed}. */
    public TrainingRecipe withSeed(long seed) {
        return new TrainingRecipe(new TrainingSettings(settings.architecture(), settings.epochs(), settings.batchSize(),
                settings.learningRate(), seed), dp);
    }

    /** Trains on {@code train}; {@code test} only measures accuracy for the card. */
    public BuiltinClassifier train(LabeledData train, LabeledData test, String name, float[] bounds, Progress progress,
            Consumer<String> warnings) {
        TrainTestSplit split = new TrainTestSplit(name, train, test);
        return dp == null ? Training.train(settings, split, bounds, progress)
                : DpTraining.train(settings, dp, split, bounds, progress, warnings);
    }

    /** The recipe as a flat map for provenance and cache keys. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>(settings.asMap());
        m.put("dp", dp == null ? "none" : dp.asMap());
        return m;
    }
}
