package dev.marauder.cli;

import dev.marauder.core.train.TrainingSettings;
import dev.marauder.privacy.accounting.AccountantType;
import dev.marauder.privacy.dpsgd.DpSgdSettings;
import dev.marauder.privacy.dpsgd.DpSgdTrainer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    ModelTrainingOptions training;

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

    @Override
    public Integer call() {
        TrainingSettings settings = training.settings();
        DpSgdSettings privacy = null;
        try {
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
                        training.seed);
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
        training.range();
        DpSgdSettings dpSettings = privacy;
        var stdout = spec.commandLine().getOut();
        training.run(
                split -> {
                    if (dpSettings == null) {
                        return settings.trainer();
                    }
                    DpSgdTrainer trainer = DpSgdTrainer.of(settings, dpSettings);
                    try {
                        trainer.plan(split.train().size());
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                    return trainer;
                },
                stdout,
                spec.commandLine().getErr(),
                card -> {
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
                });
        return 0;
    }
}
