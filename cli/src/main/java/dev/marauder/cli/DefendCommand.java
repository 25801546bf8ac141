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
        description = "Defenses: robust training (adversarial training; noise augmentation for `certify`) and the"
                + " evaluation of input transformations against adaptive attacks.",
        subcommands = {DefendCommand.Train.class, DefendCommand.Evaluate.class})
final class DefendCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (train, evaluate)");
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

    /** {@code marauder defend evaluate}: an input transformation against non-adaptive and adaptive PGD. */
    @Command(
            name = "evaluate",
            mixinStandardHelpOptions = true,
            description = {
                "Put an input transformation in front of a model and attack it honestly (Athalye, Carlini & Wagner"
                        + " 2018):",
                "PGD (or --attack apgd|ensemble) against the undefended model, the defended model with the naive",
                "gradient (non-adaptive), and the defended model with BPDA (and EOT for a random defense). Reports",
                "robust accuracy for each, a verdict (broken, holds, no gain)",
                "and the gradient-masking checks."
            })
    static final class Evaluate implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        EvaluationOptions in;

        @Mixin
        OutputOptions output;

        @Option(
                names = "--defense",
                required = true,
                paramLabel = "D",
                description = "jpeg, bitdepth, median, tv, thermometer or resize.")
        String defense;

        @Option(
                names = "--attack",
                defaultValue = "pgd",
                paramLabel = "A",
                description =
                        "pgd, apgd or ensemble (APGD-CE, APGD-T, Square), each adaptive through BPDA (with EOT"
                                + " for a random defense); bpda or eot force PGD with that gradient (default ${DEFAULT-VALUE}).")
        String attack;

        @Option(
                names = "--eps",
                defaultValue = "0.1",
                paramLabel = "E",
                description = "Budget (default ${DEFAULT-VALUE}).")
        double eps;

        @Option(names = "--norm", defaultValue = "linf", paramLabel = "N", description = "linf or l2 (default linf).")
        String norm;

        @Option(names = "--steps", defaultValue = "40", paramLabel = "K", description = "Attack steps (default 40).")
        int steps;

        @Option(
                names = "--eot-samples",
                defaultValue = "10",
                paramLabel = "S",
                description = "Draws averaged per EOT gradient (default ${DEFAULT-VALUE}).")
        int eotSamples;

        @Option(
                names = "--examples",
                defaultValue = "200",
                paramLabel = "K",
                description = "Evaluate the first K examples of --data (default ${DEFAULT-VALUE}).")
        int examples;

        @Option(
                names = "--seed",
                defaultValue = "0",
                paramLabel = "S",
                description = "Seed of random starts and draws.")
        long seed;

        /** The JSON result. */
        record EvaluateOutput(
                String model,
                dev.marauder.defenses.transform.DefenseEvaluation settings,
                dev.marauder.defenses.transform.DefenseEvaluation.Report report,
                dev.marauder.core.provenance.Provenance provenance) {}

        @Override
        public Integer call() {
            in.description();
            java.nio.file.Path path = in.existingModel("defend evaluate (PGD, BPDA and EOT need gradients)");
            dev.marauder.defenses.transform.InputTransformation transformation;
            dev.marauder.defenses.transform.DefenseEvaluation evaluation;
            try {
                transformation = dev.marauder.defenses.transform.Transformations.of(defense);
                Norm n = Norm.of(norm);
                if (n != Norm.LINF && n != Norm.L2) {
                    throw new UsageException("--norm must be linf or l2, got '" + norm + "'");
                }
                String chosen = attack.toLowerCase(Locale.ROOT);
                var adaptive = switch (chosen) {
                    case "pgd", "apgd", "ensemble" -> dev.marauder.defenses.transform.DefenseEvaluation.Adaptive.AUTO;
                    case "bpda" -> dev.marauder.defenses.transform.DefenseEvaluation.Adaptive.BPDA;
                    case "eot" -> dev.marauder.defenses.transform.DefenseEvaluation.Adaptive.EOT;
                    default ->
                        throw new UsageException(
                                "--attack must be pgd, apgd, ensemble, bpda or eot, got '" + attack + "'");
                };
                var kind = switch (chosen) {
                    case "apgd" -> dev.marauder.defenses.transform.DefenseEvaluation.Attack.APGD;
                    case "ensemble" -> dev.marauder.defenses.transform.DefenseEvaluation.Attack.ENSEMBLE;
                    default -> dev.marauder.defenses.transform.DefenseEvaluation.Attack.PGD;
                };
                evaluation = new dev.marauder.defenses.transform.DefenseEvaluation(
                        eps, n, kind, steps, adaptive, eotSamples, in.batch, seed);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (examples < 1) {
                throw new UsageException("--examples must be at least 1, got " + examples);
            }
            var prov = dev.marauder.core.provenance.Provenance.start().seed(seed);
            dev.marauder.core.data.LabeledData all = in.labelledData();
            dev.marauder.core.data.LabeledData data = all.slice(0, Math.min(examples, all.size()));
            // the model behind the defense takes the transformed inputs: check it against one of them
            int[] inputShape = data.features().exampleShape();
            int[] modelShape;
            dev.marauder.core.data.LabeledData probe;
            try {
                modelShape = transformation.outputShape(inputShape);
                float[] first = java.util.Arrays.copyOf(
                        data.features().data(), data.features().exampleSize());
                // the probe only checks shapes: its values need not be in the model's bounds
                float[] encoded = transformation
                        .draw(new java.util.SplittableRandom(seed))
                        .apply(first, 1, new dev.marauder.core.model.InputSpec(inputShape, 0f, 1f));
                int[] shape = new int[modelShape.length + 1];
                shape[0] = 1;
                System.arraycopy(modelShape, 0, shape, 1, modelShape.length);
                probe = new dev.marauder.core.data.LabeledData(
                        new dev.marauder.core.data.FloatTensor(encoded, shape),
                        new int[] {data.labels()[0]},
                        data.source(),
                        data.sha256());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--defense " + defense + ": " + e.getMessage());
            }
            try (dev.marauder.core.model.DifferentiableClassifier model =
                    Inputs.openDifferentiableChecked(path, probe, in.description())) {
                dev.marauder.defenses.transform.DefenseEvaluation.Report r;
                try {
                    r = evaluation.evaluate(model, transformation, data, output.progress());
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--defense " + defense + ": " + e.getMessage());
                }
                prov.setting("defense", transformation)
                        .hashes(model.info().fileHashes())
                        .hash("data", data.sha256());
                String text = String.format(
                        Locale.ROOT,
                        "%s (%s), %s eps %s, %d examples:%n"
                                + "  clean accuracy %.4f undefended, %.4f defended%n"
                                + "  robust accuracy: undefended %.4f, defended under non-adaptive PGD %.4f,"
                                + " under adaptive PGD (%s) %.4f%n"
                                + "  verdict: %s%s",
                        r.defense(),
                        r.reference(),
                        r.norm().id(),
                        r.epsilon(),
                        r.examples(),
                        r.cleanAccuracy(),
                        r.defendedCleanAccuracy(),
                        r.undefendedRobustAccuracy(),
                        r.nonAdaptiveRobustAccuracy(),
                        r.adaptiveAttack(),
                        r.adaptiveRobustAccuracy(),
                        r.verdict(),
                        r.maskingWarnings().isEmpty()
                                ? ""
                                : String.format("%n  gradient masking: %s", String.join(" ", r.maskingWarnings())));
                output.emit(
                        spec.commandLine().getOut(), new EvaluateOutput(in.model, evaluation, r, prov.finish()), text);
            }
            return 0;
        }
    }
}
