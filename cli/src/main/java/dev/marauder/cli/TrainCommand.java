package dev.marauder.cli;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marauder train}: trains a built-in architecture and writes a model directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a built-in architecture, evaluate it on the test split, write a model directory.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", required = true, paramLabel = "A", description = "logreg, mlp or cnn.")
    String arch;

    @Option(names = "--data", required = true, paramLabel = "D",
            description = "fashion-mnist, fashion-mnist-full, mnist, or a path (IDX directory, .npy directory, CSV).")
    String data;

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "E", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.001", paramLabel = "L", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bounds", defaultValue = "0,1", paramLabel = "LO,HI",
            description = "Valid input range recorded in the model card (default ${DEFAULT-VALUE}).")
    String bounds;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write.")
    Path out;

    @Option(names = "--json", description = "Print the model card as JSON.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() {
        TrainingSettings settings;
        try {
            settings = new TrainingSettings(Architecture.of(arch), epochs, batch, lr, seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        float[] range = Inputs.bounds(bounds);
        if (out.toFile().isFile()) {
            throw new UsageException("--out must be a directory, but " + out + " is a file");
        }
        TrainTestSplit split = Datasets.load(data);
        OutputOptions o = new OutputOptions();
        o.quiet = quiet;
        try (BuiltinClassifier model = Training.train(settings, split, range, o.progress())) {
            ModelCard card = model.save(out);
            var stdout = spec.commandLine().getOut();
            if (json) {
                stdout.println(dev.marauder.core.json.Json.write(card));
            } else {
                stdout.printf("trained %s on %s (%d examples) in %.1f s: test accuracy %.4f%nwrote %s%n",
                        card.architecture(), card.dataset(), card.trainExamples(), card.trainingSeconds(),
                        card.testAccuracy(), out);
            }
            stdout.flush();
        }
        return 0;
    }
}
