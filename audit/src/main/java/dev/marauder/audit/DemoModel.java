package dev.marauder.audit;

import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo audit's model: the small CNN trained on the shipped Fashion-MNIST subset with fixed
 * settings (3 epochs, batch 64, Adam 1e-3, seed 0). Trained on first use and cached; the cache is
 * reused only while its model card matches these settings and the dataset's hash.
 */
public final class DemoModel {
    /** The demo's dataset. */
    public static final String DATASET = "fashion-mnist";
    /** The demo's training settings. */
    public static final TrainingSettings SETTINGS = new TrainingSettings(Architecture.CNN, 3, 64, 1e-3, 0);

    private DemoModel() {}

    /** The default cache directory: {@code $MARAUDER_CACHE}, else {@code ~/.cache/marauder}. */
    public static Path defaultCache() {
        String env = System.getenv("MARAUDER_CACHE");
        return env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "marauder");
    }

    /** Loads the cached demo model if it is current, else trains and caches it. */
    public static BuiltinClassifier obtain(TrainTestSplit data, Path cache, Progress progress) {
        Path dir = cache.resolve("demo-cnn");
        if (Files.isDirectory(dir)) {
            try {
                BuiltinClassifier cached = BuiltinClassifier.load(dir);
                if (matches(cached.card(), data)) {
                    return cached;
                }
                cached.close();
            } catch (DataFormatException e) {
                // an unusable cache is replaced below
            }
        }
        try (BuiltinClassifier trained = Training.train(SETTINGS, data, new float[] {0f, 1f}, progress)) {
            trained.save(dir);
        }
        return BuiltinClassifier.load(dir);
    }

    private static boolean matches(ModelCard card, TrainTestSplit data) {
        return DATASET.equals(card.dataset())
                && data.train().sha256().equals(card.datasetSha256())
                && SETTINGS.architecture().id().equals(card.architecture())
                && SETTINGS.epochs() == card.epochs()
                && SETTINGS.batchSize() == card.batchSize()
                && SETTINGS.learningRate() == card.learningRate()
                && SETTINGS.seed() == card.seed();
    }
}
