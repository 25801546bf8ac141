package dev.marauder.cli;

import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.Trainer;
import dev.marauder.privacy.dpsgd.DpSgdSettings;
import dev.marauder.privacy.dpsgd.DpSgdTrainer;
import picocli.CommandLine.Option;

/** The DP-SGD options of commands that train with a fixed noise multiplier: --dp --noise --clip --delta. */
public final class DpOptions {
    @Option(names = "--dp", description = "Train with DP-SGD (needs --noise).")
    boolean dp;

    @Option(names = "--noise", paramLabel = "SIGMA", description = "DP-SGD noise multiplier.")
    Double noise;

    @Option(
            names = "--clip",
            defaultValue = "1.0",
            paramLabel = "C",
            description = "DP-SGD clipping norm (default ${DEFAULT-VALUE}).")
    double clip;

    @Option(
            names = "--delta",
            defaultValue = "1e-5",
            paramLabel = "D",
            description = "DP delta (default ${DEFAULT-VALUE}).")
    double delta;

    /**
     * The DP-SGD settings, or null without {@code --dp}.
     *
     * @throws UsageException for {@code --dp} without {@code --noise}, {@code --noise} without {@code --dp},
     *     or invalid values
     */
    DpSgdSettings settings() {
        if (!dp) {
            if (noise != null) {
                throw new UsageException("--noise needs --dp");
            }
            return null;
        }
        if (noise == null) {
            throw new UsageException("--dp needs --noise SIGMA");
        }
        try {
            return DpSgdSettings.withNoise(clip, noise, delta);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** DP-SGD with these settings under {@code --dp}, else plain Adam, with the given hyper-parameters. */
    Trainer trainer(int epochs, int batch, double learningRate, long seed) {
        DpSgdSettings dpSettings = settings();
        try {
            return dpSettings == null
                    ? new AdamTrainer(epochs, batch, learningRate, seed)
                    : new DpSgdTrainer(epochs, batch, learningRate, seed, dpSettings);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
