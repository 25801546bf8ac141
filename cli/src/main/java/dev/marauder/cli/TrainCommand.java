package dev.marauder.cli;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.train.Trainer;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.privacy.accounting.AccountantType;
import dev.marauder.privacy.dpsgd.DpSgdSettings;
import dev.marauder.privacy.dpsgd.DpSgdTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marauder train}: trains a built-in architecture and writes a model directory. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a built-in architecture, evaluate it on the test split, write a model directory.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

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

    @Option(names = "--dp", description = "Train with DP-SGD (per-example clipping, Gaussian noise, Poisson sampling).")
    boolean dp;

    @Option(names = "--noise", paramLabel = "SIGMA", description = "DP-SGD noise multiplier (or use --target-epsilon).")
    Double noise;

    @Option(names = "--clip", paramLabel = "C", description = "DP-SGD per-example clipping norm (default 1.0).")
    Double clip;

    @Option(names = "--target-epsilon", paramLabel = "EPS", description = "Calibrate the noise to spend this epsilon.")
    Double targetEpsilon;

    @Option(names = "--delta", paramLabel = "D", description = "DP delta (default 1e-5).")
    Double delta;

    @Option(names = "--accountant", paramLabel = "rdp|pld", description = "Privacy accountant (default rdp).")
    String accountant;

    @Option(
            names = "--epsilon-budget",
            paramLabel = "EPS",
            description = "Refuse to train if the run would spend more.")
    Double epsilonBudget;

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

    @Override
    public Integer call() {
        TrainingSettings settings;
        DpSgdSettings privacy = null;
        try {
            settings = new TrainingSettings(Architecture.of(arch), epochs, batch, lr, seed == null ? 0 : seed);
            if (dp) {
                if (noise == null && targetEpsilon == null) {
                    throw new UsageException("--dp needs --noise SIGMA or --target-epsilon EPS");
                }
                AccountantType type = accountant == null
                        ? AccountantType.RDP
                        : AccountantType.valueOf(accountant.toUpperCase(java.util.Locale.ROOT));
                privacy = new DpSgdSettings(
                        clip == null ? 1.0 : clip,
                        noise == null ? Double.NaN : noise,
                        targetEpsilon == null ? Double.NaN : targetEpsilon,
                        delta == null ? 1e-5 : delta,
                        type,
                        epsilonBudget == null ? Double.NaN : epsilonBudget,
                        seed);
            } else if (noise != null
                    || clip != null
                    || targetEpsilon != null
                    || delta != null
                    || accountant != null
                    || epsilonBudget != null) {
                throw new UsageException(
                        "--noise, --clip, --target-epsilon, --delta, --accountant and --epsilon-budget need --dp");
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(
                    e.getMessage().startsWith("No enum constant")
                            ? "--accountant must be rdp or pld, got '" + accountant + "'"
                            : e.getMessage());
        }
        float[] range = Inputs.bounds(bounds);
        if (out.toFile().isFile()) {
            throw new UsageException("--out must be a directory, but " + out + " is a file");
        }
        BuiltinClassifier.requireSavable(out); // before training, not after
        TrainTestSplit split = Datasets.load(data);
        OutputOptions o = new OutputOptions();
        o.quiet = quiet;
        if (privacy != null) {
            try {
                DpSgdTrainer.of(settings, privacy).plan(split.train().size());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        var stderr = spec.commandLine().getErr();
        Trainer trainer = privacy == null ? settings.trainer() : DpSgdTrainer.of(settings, privacy);
        try (BuiltinClassifier model =
                Training.train(settings.architecture(), trainer, split, range, o.progress(), w -> {
                    stderr.println("marauder: warning: " + w);
                    stderr.flush();
                })) {
            ModelCard card = model.save(out);
            var stdout = spec.commandLine().getOut();
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
                if (card.privacy() != null) {
                    stdout.printf(
                            "differential privacy: epsilon %.4g at delta %s (%s), noise multiplier %.4g, clip %s,"
                                    + " %s steps at sample rate %.4g%n",
                            card.privacy().epsilon(),
                            card.privacy().delta(),
                            card.privacy().accountant(),
                            card.privacy().noiseMultiplier(),
                            card.privacy().clipNorm(),
                            card.privacy().steps(),
                            card.privacy().sampleRate());
                }
                stdout.printf("wrote %s%n", out);
            }
            stdout.flush();
        }
        return 0;
    }
}
