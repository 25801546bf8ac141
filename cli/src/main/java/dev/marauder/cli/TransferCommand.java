package dev.marauder.cli;

import dev.marauder.attacks.evasion.EvasionAttack;
import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.transfer.SubstituteTraining;
import dev.marauder.attacks.transfer.TransferAttack;
import dev.marauder.attacks.transfer.TransferResult;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.ModelDescription;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.train.TrainingSettings;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder attack transfer}: Papernot et al. 2017's black-box attack through a substitute
 * trained from the target's labels ({@link TransferAttack}).
 */
@Command(
        name = "transfer",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Black-box transfer attack (Papernot et al. 2017): train a substitute from the target's labels with",
            "Jacobian-based dataset augmentation, craft FGSM or PGD examples on it, and report how many transfer.",
            "The first --seeds examples of --data are the attacker's unlabelled seeds; the rest are attacked."
        })
final class TransferCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    EvaluationOptions in;

    @Option(
            names = "--substitute-arch",
            required = true,
            paramLabel = "logreg|mlp|cnn",
            description = "The substitute's architecture.")
    String substituteArch;

    @Option(
            names = "--seeds",
            defaultValue = "150",
            paramLabel = "N",
            description =
                    "Leading examples of --data used as unlabelled seeds (default ${DEFAULT-VALUE}, the paper's).")
    int seeds;

    @Option(
            names = "--examples",
            paramLabel = "N",
            description = "Attack at most N examples after the seeds (default all).")
    Integer examples;

    @Option(
            names = "--rounds",
            defaultValue = "6",
            paramLabel = "R",
            description = "Substitute training rounds; each doubles the set (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--lambda",
            defaultValue = "0.1",
            paramLabel = "L",
            description = "Augmentation step, a fraction of the input range (default ${DEFAULT-VALUE}).")
    double lambda;

    @Option(
            names = "--tau",
            defaultValue = "3",
            paramLabel = "T",
            description = "The step's sign flips every T rounds; 0 never (default ${DEFAULT-VALUE}).")
    int tau;

    @Option(
            names = "--substitute-queries",
            defaultValue = "10000",
            paramLabel = "Q",
            description = "Label queries the substitute may cost (default ${DEFAULT-VALUE}); a model behind an API"
                    + " also takes --query-budget, its total.")
    long maxQueries;

    @Option(
            names = "--substitute-epochs",
            defaultValue = "10",
            paramLabel = "E",
            description = "Epochs per round (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--substitute-batch",
            defaultValue = "32",
            paramLabel = "B",
            description = "Substitute batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--substitute-lr",
            defaultValue = "0.001",
            paramLabel = "LR",
            description = "Substitute learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--craft",
            defaultValue = "fgsm",
            paramLabel = "fgsm|pgd",
            description = "White-box attack on the substitute, L-infinity (default ${DEFAULT-VALUE}).")
    String craft;

    @Option(
            names = "--eps",
            split = ",",
            paramLabel = "E",
            description = "L-infinity budgets (default 0.1, 0.2 and 0.3 times the input range).")
    double[] eps;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Experiment seed (default 0).")
    long seed;

    @Mixin
    OutputOptions output;

    /** The JSON result of {@code marauder attack transfer}. */
    record Result(String model, String data, TransferResult transfer) {}

    @Override
    public Integer call() {
        Architecture architecture;
        SubstituteTraining training;
        try {
            architecture = Architecture.of(substituteArch);
            training = new SubstituteTraining(
                    architecture,
                    new TrainingSettings(architecture, epochs, batch, lr, seed).trainer(),
                    rounds,
                    lambda,
                    tau,
                    maxQueries,
                    seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        EvasionAttack<DifferentiableClassifier> attack = switch (craft.toLowerCase(Locale.ROOT)) {
            case "fgsm" -> FastGradientMethod.fgsm();
            case "pgd" -> ProjectedGradientDescent.builder(Norm.LINF).build();
            default -> throw new UsageException("--craft must be fgsm or pgd, got '" + craft + "'");
        };
        in.checkBlackBoxModel();
        ModelDescription description = in.description();
        double[] widths = Inputs.widths(description);
        double[] budgets = eps != null ? eps.clone() : new double[] {0.1 * widths[0], 0.2 * widths[0], 0.3 * widths[0]};
        for (double e : budgets) {
            if (!(e >= 0) || e > widths[1]) {
                throw new UsageException("--eps must be L-infinity budgets in [0, " + widths[1] + "], got " + e);
            }
        }
        if (seeds < 1) {
            throw new UsageException("--seeds must be at least 1, got " + seeds);
        }
        if (seeds > maxQueries) {
            throw new UsageException("--seeds " + seeds + " exceeds --substitute-queries " + maxQueries);
        }
        LabeledData all = in.labelledData();
        if (all.size() <= seeds) {
            throw new UsageException(
                    "--data has " + all.size() + " examples; --seeds " + seeds + " leaves none to attack");
        }
        if (examples != null && examples < 1) {
            throw new UsageException("--examples must be at least 1, got " + examples);
        }
        LabeledData seedSet = all.slice(0, seeds);
        LabeledData attacked =
                all.slice(seeds, examples == null ? all.size() : (int) Math.min(all.size(), (long) seeds + examples));
        PrintWriter stderr = spec.commandLine().getErr();
        TransferResult r;
        try (Classifier target = in.openBlackBox(all)) {
            try {
                architecture.checkInput(target.inputSpec().shape());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--substitute-arch " + substituteArch + ": " + e.getMessage());
            }
            r = new TransferAttack(training, attack, in.batch)
                    .run(
                            target,
                            seedSet,
                            attacked,
                            output.progress(),
                            w -> stderr.println("marauder: warning: " + w),
                            budgets);
        }
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "transfer (%s substitute, %s) on %d examples: %d label queries for the substitute, %d to"
                        + " evaluate; target accuracy %.4f, substitute %.4f, agreement %.4f%n",
                r.substituteArchitecture(),
                r.attack(),
                r.examples(),
                r.substituteQueries(),
                r.evaluationQueries(),
                r.targetAccuracy(),
                r.substituteAccuracy(),
                r.agreement()));
        for (TransferResult.AtEpsilon e : r.perEpsilon()) {
            text.append(String.format(
                    Locale.ROOT,
                    "  eps %-8s target robust accuracy %.4f  transfer success %.4f  (on the substitute %.4f)%n",
                    e.epsilon(),
                    e.targetRobustAccuracy(),
                    e.transferSuccessRate(),
                    e.substituteSuccessRate()));
        }
        output.emit(
                spec.commandLine().getOut(),
                new Result(in.model, all.source(), r),
                text.toString().stripTrailing());
        return 0;
    }
}
