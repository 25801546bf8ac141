package dev.marauder.cli;

import dev.marauder.attacks.inference.memorization.CanaryFormat;
import dev.marauder.attacks.inference.memorization.CharLanguageModel;
import dev.marauder.attacks.inference.memorization.SecretSharer;
import dev.marauder.core.data.TextCorpus;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marauder exposure}: the Secret Sharer's memorisation measurement on a character LSTM. */
@Command(
        name = "exposure",
        mixinStandardHelpOptions = true,
        description = {
            "Secret Sharer (Carlini et al. 2019): insert random canaries into a text at chosen repetition counts,",
            "train a character LSTM (optionally with DP-SGD) and measure each canary's exposure and extraction."
        })
final class ExposureCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 text (default: the shipped Moby-Dick text).")
    Path text;

    @Option(
            names = "--chars",
            defaultValue = "100000",
            paramLabel = "N",
            description = "Use the first N characters, 0 for all (default ${DEFAULT-VALUE}).")
    int chars;

    @Option(
            names = "--format",
            defaultValue = "my pin is NNNNNN",
            paramLabel = "T",
            description = "Canary template, N marks a digit slot (default '${DEFAULT-VALUE}').")
    String format;

    @Option(
            names = "--repetitions",
            defaultValue = "1,4,16,64",
            split = ",",
            paramLabel = "R",
            description = "Insertion counts (default ${DEFAULT-VALUE}).")
    int[] repetitions;

    @Option(
            names = "--canaries",
            defaultValue = "2",
            paramLabel = "K",
            description = "Canaries per count (default ${DEFAULT-VALUE}).")
    int canaries;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            paramLabel = "E",
            description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--hidden",
            defaultValue = "128",
            paramLabel = "H",
            description = "LSTM units (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(
            names = "--embedding",
            defaultValue = "32",
            paramLabel = "D",
            description = "Embedding width (default ${DEFAULT-VALUE}).")
    int embedding;

    @Option(
            names = "--sequence",
            defaultValue = "64",
            paramLabel = "T",
            description = "Characters per sequence (default ${DEFAULT-VALUE}).")
    int sequence;

    @Option(
            names = "--batch",
            defaultValue = "32",
            paramLabel = "B",
            description = "(Expected) batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "0.005",
            paramLabel = "L",
            description = "Learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--samples",
            defaultValue = "5000",
            paramLabel = "S",
            description = "Sampled candidates for the extrapolated exposure (default ${DEFAULT-VALUE}).")
    int samples;

    @Mixin
    DpOptions dpOptions;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description =
                    "Seeds canaries, positions and initialisation (default ${DEFAULT-VALUE}); DP noise stays secure.")
    long seed;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        SecretSharer experiment;
        try {
            experiment = new SecretSharer(
                    CanaryFormat.parse(format),
                    repetitions,
                    canaries,
                    chars,
                    new CharLanguageModel.Settings(embedding, hidden, sequence),
                    dpOptions.trainer(epochs, batch, lr, seed),
                    samples,
                    1_000_000,
                    20_000,
                    seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        TextCorpus corpus;
        if (text == null) {
            corpus = TextCorpus.shipped();
        } else {
            Inputs.requireExists(text, "--text");
            corpus = TextCorpus.read(text);
        }
        var stderr = spec.commandLine().getErr();
        SecretSharer.Result r;
        try {
            r = experiment.run(corpus, output.progress(), w -> stderr.println("marauder: warning: " + w));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Map<Integer, Double> means = r.meanExposureByRepetitions();
        output.emit(
                spec.commandLine().getOut(),
                r,
                String.format(
                        Locale.ROOT,
                        "mean exposure by repetitions (max %.2f bits): %s; extracted %d of %d canaries; %.1f s",
                        r.maxExposure(),
                        means.entrySet().stream()
                                .map(e -> String.format(Locale.ROOT, "%dx %.2f", e.getKey(), e.getValue()))
                                .collect(Collectors.joining(", ")),
                        r.canaries().stream()
                                .filter(c -> c.extractionRank() > 0)
                                .count(),
                        r.canaries().size(),
                        r.seconds()));
        return 0;
    }
}
