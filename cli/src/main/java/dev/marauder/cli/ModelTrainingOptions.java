package dev.marauder.cli;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.train.Trainer;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The options of every command that trains a built-in architecture and writes a model directory
 * ({@code train}, {@code defend train}), and the one way they are run: the directory is checked
 * before the data are loaded, the model trained with the command's {@link Trainer}, saved, and its
 * card printed.
 */
final class ModelTrainingOptions {
    @Option(names = "--arch", required = true, paramLabel = "A", description = "logreg, mlp or cnn.")
    String arch;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "D",
            description = "fashion-mnist, fashion-mnist-full, mnist, or a path (IDX directory, .npy directory, CSV).")
    String data;

    @Option(
            names = "--epochs",
            defaultValue = "3",
            paramLabel = "E",
            description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--batch",
            defaultValue = "64",
            paramLabel = "B",
            description = "Batch size; with --dp the expected (Poisson) batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "0.001",
            paramLabel = "L",
            description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = {
                "Seed of initialisation and shuffling (default 0). With --dp it also fixes the noise and",
                "sampling: reproducible but NOT private (tests only); without it DP-SGD uses SecureRandom."
            })
    Long seed;

    @Option(
            names = "--bounds",
            defaultValue = "0,1",
            paramLabel = "LO,HI",
            description = "Valid input range recorded in the model card (default ${DEFAULT-VALUE}).")
    String bounds;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write.")
    Path out;

    @Option(names = "--json", description = "Print the model card as JSON.")
    boolean json;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress bar.")
    boolean quiet;

    /** The architecture and plain Adam settings of the options (usage errors for bad values). */
    TrainingSettings settings() {
        try {
            return new TrainingSettings(Architecture.of(arch), epochs, batch, lr, seed == null ? 0 : seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The input bounds of {@code --bounds}. */
    float[] range() {
        return Inputs.bounds(bounds);
    }

    /** Checks, before any work, that {@code --out} may be written. */
    void checkOut() {
        if (out.toFile().isFile()) {
            throw new UsageException("--out must be a directory, but " + out + " is a file");
        }
        BuiltinClassifier.requireSavable(out);
    }

    /**
     * Trains, saves and reports a model.
     *
     * @param trainer how to train, given the loaded data (e.g. to plan DP-SGD for its size)
     * @param stdout where the card or summary goes
     * @param stderr where warnings go
     * @param summary extra lines after the one-line summary (e.g. the privacy guarantee)
     */
    void run(
            Function<TrainTestSplit, Trainer> trainer,
            PrintWriter stdout,
            PrintWriter stderr,
            Consumer<ModelCard> summary) {
        checkOut(); // before training, not after
        float[] range = range();
        TrainTestSplit split = Datasets.load(data);
        Trainer chosen = trainer.apply(split);
        OutputOptions o = new OutputOptions();
        o.quiet = quiet;
        try (BuiltinClassifier model =
                Training.train(settings().architecture(), chosen, split, range, o.progress(), w -> {
                    stderr.println("marauder: warning: " + w);
                    stderr.flush();
                })) {
            ModelCard card = model.save(out);
            if (json) {
                stdout.println(dev.marauder.core.json.Json.write(card));
            } else {
                stdout.printf(
                        "trained %s on %s (%d examples) in %.1f s: test accuracy %.4f%n",
                        card.architecture(),
                        card.dataset(),
                        card.trainExamples(),
                        card.trainingSeconds(),
                        card.testAccuracy());
                summary.accept(card);
                stdout.printf("wrote %s%n", out);
            }
            stdout.flush();
        }
    }
}
