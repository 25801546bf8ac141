package dev.marauder.attacks.inference.membership;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.Permutations;
import dev.marauder.core.io.AtomicFiles;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.json.Json;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Shadow models (Shokri et al. 2017): models trained like the target, each on its own random half
 * of a pool of examples, so that for every pool example some shadows trained on it (IN) and some
 * did not (OUT). The shadow-model attack learns from their behaviour on their own members and
 * non-members; LiRA (Carlini et al. 2022) fits the IN and OUT distributions of each example.
 *
 * <p>Training uses the project's trainers through a {@link TrainingRecipe}. With one worker the
 * shadows train one after another in this process, the engine spreading each run over all cores
 * (intra-op threads); DJL allows one gradient collector per process, so several at once need
 * several processes: with {@code workers > 1} the missing shadows are split among that many
 * worker JVMs ({@link ShadowWorkers}), each with a share of the cores, and this process then
 * loads them from the directory. Small models train faster this way, as one engine thread per
 * model wastes less on synchronisation. Shadow k uses the fixed seed
 * {@code seed + k} for both its half and its initialisation, so runs are reproducible. With a
 * directory, every finished shadow is saved there with its half, and a later run with the same
 * pool, recipe and seed resumes from the shadows already on disk.
 *
 * @param count how many shadow models (K >= 1)
 * @param recipe how each is trained
 * @param seed base seed of the halves and the initialisations
 * @param directory where shadows are saved and resumed from, or null to keep none (a temporary
 *     directory is used while workers train)
 * @param workers how many processes train shadows at once (1: this process only)
 */
public record ShadowModels(int count, TrainingRecipe recipe, long seed, Path directory, int workers) {
    private static final String MEMBERSHIP_FILE = "membership.json";

    public ShadowModels {
        if (count < 1) {
            throw new IllegalArgumentException("at least one shadow model is needed, got " + count);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        if (recipe == null) {
            throw new IllegalArgumentException("shadow models need a training recipe");
        }
    }

    /** Shadows trained in this process, one after another. */
    public ShadowModels(int count, TrainingRecipe recipe, long seed, Path directory) {
        this(count, recipe, seed, directory, 1);
    }

    /** The same shadows trained by {@code n} worker processes. */
    public ShadowModels withWorkers(int n) {
        return new ShadowModels(count, recipe, seed, directory, n);
    }

    /**
     * The shadows' predictions on the pool.
     *
     * @param trainedOn {@code [shadow][example]}: whether the shadow trained on the pool example
     * @param predictions each shadow's class probabilities on every pool example
     * @param trained how many shadows were trained in this run (the rest were resumed from disk)
     */
    public record Predictions(boolean[][] trainedOn, List<ClassProbabilities> predictions, int trained) {}

    /**
     * Trains (or resumes) the shadows on random halves of {@code pool} and predicts the whole pool
     * with each.
     *
     * @param pool the examples; each shadow trains on {@code pool.size() / 2} of them
     * @param test held-out data for the shadows' model cards
     * @param bounds valid input range
     */
    public Predictions obtain(
            LabeledData pool, LabeledData test, float[] bounds, Progress progress, Consumer<String> warnings) {
        if (pool.size() < 4) {
            throw new IllegalArgumentException("shadow models need a pool of at least 4 examples, got " + pool.size());
        }
        int byWorkers = 0;
        if (workers > 1) {
            int[] missing = java.util.stream.IntStream.range(0, count)
                    .filter(k -> !isSaved(pool, k))
                    .toArray();
            if (missing.length > 1) {
                if (directory == null) {
                    Path temporary = ShadowWorkers.temporaryDirectory();
                    try {
                        return new ShadowModels(count, recipe, seed, temporary, workers)
                                .obtain(pool, test, bounds, progress, warnings);
                    } finally {
                        ShadowWorkers.deleteQuietly(temporary);
                    }
                }
                ShadowWorkers.train(this, pool, test, bounds, missing, progress);
                byWorkers = missing.length;
            }
        }
        boolean[][] trainedOn = new boolean[count][];
        List<ClassProbabilities> predictions = new ArrayList<>();
        int trained = 0;
        try (Progress.Task task = progress.start("shadow models", count)) {
            for (int k = 0; k < count; k++) {
                trainedOn[k] = membership(pool.size(), k);
                BuiltinClassifier model = resume(pool, k);
                if (model == null) {
                    model = trainAndSave(pool, test, bounds, k, warnings);
                    trained++;
                }
                try (BuiltinClassifier m = model) {
                    predictions.add(MembershipInference.predictions(m, pool.features()));
                }
                task.advance(1);
            }
        }
        return new Predictions(trainedOn, predictions, trained + byWorkers);
    }

    /** Trains shadow {@code k} on its half of {@code pool} and saves it (when there is a directory). */
    BuiltinClassifier trainAndSave(
            LabeledData pool, LabeledData test, float[] bounds, int k, Consumer<String> warnings) {
        int[] half = half(pool.size(), seed + k);
        BuiltinClassifier model = recipe.withSeed(seed + k)
                .train(pool.select(half), test, "shadow-" + k, bounds, Progress.NONE, warnings);
        save(model, k, key(pool, k), warnings);
        return model;
    }

    /** Whether shadow {@code k} trained on each pool example. */
    private boolean[] membership(int poolSize, int k) {
        boolean[] in = new boolean[poolSize];
        for (int i : half(poolSize, seed + k)) {
            in[i] = true;
        }
        return in;
    }

    /** Whether shadow {@code k} of this pool, recipe and seed is in the directory. */
    boolean isSaved(LabeledData pool, int k) {
        if (directory == null) {
            return false;
        }
        Path membership = directory.resolve("shadow-" + k).resolve(MEMBERSHIP_FILE);
        if (!Files.isRegularFile(membership)) {
            return false;
        }
        try {
            return key(pool, k).equals(Json.read(membership, Key.class));
        } catch (IOException e) {
            return false;
        }
    }

    /** A uniformly random half of {@code 0..n-1} (sorted), from {@code seed}. */
    static int[] half(int n, long seed) {
        int[] half = Arrays.copyOf(Permutations.shuffled(n, new SplittableRandom(seed)), n / 2);
        Arrays.sort(half);
        return half;
    }

    /**
     * What a saved shadow model was trained on and how: a saved shadow is reused only when its key
     * equals the one this run would write.
     */
    record Key(String poolSha256, int poolSize, int shadow, long seed, int halfHash, String recipe) {}

    private Key key(LabeledData pool, int k) {
        return new Key(
                pool.sha256(),
                pool.size(),
                k,
                seed + k,
                Arrays.hashCode(half(pool.size(), seed + k)),
                Json.mapper().valueToTree(recipe).toString());
    }

    /** Shadow {@code k} loaded from the directory, or null when it is not there (or unreadable). */
    private BuiltinClassifier resume(LabeledData pool, int k) {
        if (!isSaved(pool, k)) {
            return null;
        }
        try {
            return BuiltinClassifier.load(directory.resolve("shadow-" + k));
        } catch (DataFormatException | UncheckedIOException e) {
            return null;
        }
    }

    private void save(BuiltinClassifier model, int k, Key key, Consumer<String> warnings) {
        if (directory == null) {
            return;
        }
        Path dir = directory.resolve("shadow-" + k);
        try {
            model.save(dir);
            byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(key);
            AtomicFiles.write(dir.resolve(MEMBERSHIP_FILE), out -> out.write(bytes));
        } catch (IOException | UncheckedIOException e) {
            warnings.accept("could not save shadow model " + k + " in " + dir + ": " + e.getMessage());
        }
    }
}
