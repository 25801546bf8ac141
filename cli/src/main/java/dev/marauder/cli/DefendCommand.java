package dev.marauder.cli;

import dev.marauder.core.norm.Norm;
import dev.marauder.defenses.training.AdversarialTrainer;
import dev.marauder.defenses.training.NoiseAugmentedTrainer;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marauder defend}: train robust models and evaluate defenses. */
@Command(
        name = "defend",
        mixinStandardHelpOptions = true,
        description = "Defenses: robust training (adversarial training; noise augmentation for `certify`).",
        subcommands = {DefendCommand.Train.class})
final class DefendCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (train)");
    }

    /** {@code marauder defend train}: adversarial training of a built-in architecture. */
    @Command(
            name = "train",
            mixinStandardHelpOptions = true,
            description = {
                "Adversarially train a built-in architecture and write a model directory like `train`:",
                "pgd (Madry et al. 2018), trades (Zhang et al. 2019) or fast (FGSM with random start, Wong et al."
                        + " 2020).",
                "The progress line shows clean and robust accuracy on the training batches per epoch; the model"
                        + " card records the defense."
            })
    static final class Train implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        ModelTrainingOptions training;

        @Option(
                names = "--method",
                required = true,
                paramLabel = "M",
                description = "pgd, trades, fast (adversarial training, need --eps) or noise (Gaussian noise"
                        + " augmentation for randomized smoothing, needs --sigma).")
        String method;

        @Option(names = "--eps", paramLabel = "E", description = "Radius of the ball trained against, in input units.")
        Double eps;

        @Option(
                names = "--sigma",
                paramLabel = "S",
                description = "Noise standard deviation of --method noise (use the same for `certify`).")
        Double sigma;

        @Option(names = "--norm", defaultValue = "linf", paramLabel = "N", description = "linf or l2 (default linf).")
        String norm;

        @Option(
                names = "--attack-steps",
                paramLabel = "K",
                description = "Inner PGD steps (default 7 for pgd, 10 for trades; fast takes 1).")
        Integer attackSteps;

        @Option(
                names = "--attack-step",
                paramLabel = "S",
                description = "Inner step size (default 2.5 eps / K; 1.25 eps for fast).")
        Double attackStep;

        @Option(names = "--beta", paramLabel = "B", description = "TRADES robustness weight (default 6).")
        Double beta;

        @Override
        public Integer call() {
            var stdout = spec.commandLine().getOut();
            if (!java.util.List.of("pgd", "trades", "fast", "noise").contains(method.toLowerCase(Locale.ROOT))) {
                throw new UsageException("--method must be pgd, trades, fast or noise, got '" + method + "'");
            }
            if ("noise".equalsIgnoreCase(method)) {
                if (sigma == null || eps != null || attackSteps != null || attackStep != null || beta != null) {
                    throw new UsageException("--method noise takes --sigma S and none of --eps, --attack-steps,"
                            + " --attack-step, --beta");
                }
                NoiseAugmentedTrainer noisy;
                try {
                    noisy = new NoiseAugmentedTrainer(sigma, training.settings().trainer());
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--sigma: " + e.getMessage());
                }
                training.run(
                        split -> noisy,
                        stdout,
                        spec.commandLine().getErr(),
                        card -> stdout.printf(
                                "defense: %s, sigma %s%n", card.defense().method(), sigma));
                return 0;
            }
            if (eps == null || sigma != null) {
                throw new UsageException("--method " + method + " needs --eps E (and takes no --sigma)");
            }
            AdversarialTrainer trainer;
            try {
                AdversarialTrainer.Method m = AdversarialTrainer.Method.of(method.toLowerCase(Locale.ROOT));
                if (!(eps > 0)) {
                    throw new UsageException("--eps: epsilon must be positive and finite, got " + eps);
                }
                Norm n = Norm.of(norm.toLowerCase(Locale.ROOT));
                if (n != Norm.LINF && n != Norm.L2) {
                    throw new UsageException("--norm must be linf or l2, got '" + norm + "'");
                }
                trainer = AdversarialTrainer.of(
                        m, n, eps, training.range(), training.settings().trainer());
                if (attackSteps != null || attackStep != null) {
                    int steps = attackSteps == null ? trainer.attackSteps() : attackSteps;
                    double step = attackStep != null
                            ? attackStep
                            : m == AdversarialTrainer.Method.FAST ? 1.25 * eps : 2.5 * eps / steps;
                    trainer = trainer.withAttack(steps, step);
                }
                if (beta != null) {
                    trainer = trainer.withBeta(beta);
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            AdversarialTrainer chosen = trainer;
            training.run(
                    split -> chosen,
                    stdout,
                    spec.commandLine().getErr(),
                    card -> stdout.printf(
                            "defense: %s, %s eps %s, %d attack steps of %.4g%s%n",
                            card.defense().method(),
                            chosen.norm().id(),
                            chosen.epsilon(),
                            chosen.attackSteps(),
                            chosen.attackStep(),
                            chosen.beta() == null ? "" : ", beta " + chosen.beta()));
            return 0;
        }
    }
}
