package dev.marauder.cli;

import dev.marauder.attacks.inference.membership.MembershipEvaluation;
import dev.marauder.attacks.inference.membership.MembershipInference;
import dev.marauder.attacks.inference.membership.TrainingRecipe;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.train.Trainer;
import dev.marauder.privacy.dpsgd.DpSgdTrainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder mia}: membership inference, against a given model (members and non-members
 * given) or end to end (split a dataset, train the target, attack it).
 */
@Command(
        name = "mia",
        mixinStandardHelpOptions = true,
        description = {
            "Membership inference: loss/confidence/entropy thresholds, Shokri et al.'s shadow models, or LiRA.",
            "Against a model: --model M --members X1,Y1 --non-members X2,Y2.",
            "End to end: --arch A --data D --train-size N (trains the target on N random examples)."
        })
final class MiaCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--kind", required = true, paramLabel = "threshold|shadow|lira", description = "The attack.")
    String kind;

    @Option(names = "--model", paramLabel = "M", description = "The target model (shadow/lira need a Marauder model).")
    Path model;

    @Option(names = "--members", paramLabel = "X1,Y1", description = "Features and labels files of known members.")
    String members;

    @Option(
            names = "--non-members",
            paramLabel = "X2,Y2",
            description = "Features and labels files of known non-members.")
    String nonMembers;

    @Option(
            names = "--bounds",
            paramLabel = "LO,HI",
            description = "Valid input range of .pt/.onnx models (default 0,1); a Marauder model directory's own bounds"
                    + " are used, and a --bounds that contradicts them is refused.")
    String bounds;

    @Option(names = "--arch", paramLabel = "A", description = "End to end: logreg, mlp or cnn.")
    String arch;

    @Option(names = "--data", paramLabel = "D", description = "End to end: dataset name or directory.")
    String data;

    @Option(names = "--train-size", paramLabel = "N", description = "End to end: training examples of the target.")
    Integer trainSize;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            paramLabel = "E",
            description = "End to end: epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--batch",
            defaultValue = "64",
            paramLabel = "B",
            description = "End to end: batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "0.001",
            paramLabel = "L",
            description = "End to end: learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Mixin
    DpOptions dpOptions;

    @Option(
            names = "--shadow",
            defaultValue = "8",
            paramLabel = "K",
            description = "Shadow models for shadow/lira (default ${DEFAULT-VALUE}).")
    int shadows;

    @Option(
            names = "--shadow-dir",
            paramLabel = "DIR",
            description = "Keep shadow models here and resume from those already trained.")
    Path shadowDir;

    @Option(
            names = "--workers",
            paramLabel = "W",
            defaultValue = "1",
            description = {
                "Shadow models trained at once, each in its own JVM with a share of the cores",
                "(default ${DEFAULT-VALUE}: one after another in this process; DJL allows one training per process)."
            })
    int workers;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description =
                    "Seeds splits, shadow halves and initialisations (default ${DEFAULT-VALUE}); DP noise stays secure.")
    long seed;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        MembershipInference attack;
        try {
            MembershipInference.Kind k = MembershipInference.Kind.of(kind);
            if (workers < 1) {
                throw new UsageException("--workers must be at least 1, got " + workers);
            }
            attack = new MembershipInference(k, k == MembershipInference.Kind.THRESHOLD ? 0 : shadows, seed, null)
                    .withWorkers(workers);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        boolean given = model != null || members != null || nonMembers != null;
        boolean endToEnd = arch != null || data != null || trainSize != null;
        if (given == endToEnd) {
            throw new UsageException(
                    given
                            ? "give either --model/--members/--non-members or --arch/--data/--train-size, not both"
                            : "give --model M --members X1,Y1 --non-members X2,Y2, or --arch A --data D --train-size N");
        }
        boolean privacy = dpOptions.settings() != null;
        float[] range;
        var stderr = spec.commandLine().getErr();
        MembershipInference.Report report;
        if (given) {
            if (model == null || members == null || nonMembers == null) {
                throw new UsageException("--model, --members and --non-members go together");
            }
            if (privacy) {
                throw new UsageException("--dp is for end-to-end runs; a given model's DP settings come from its card");
            }
            String[] memberFiles = files(members, "--members");
            Inputs.requireExists(model, "--model");
            range = Inputs.boundsFor(model, bounds);
            String[] nonMemberFiles = files(nonMembers, "--non-members");
            Inputs.requireExists(model, "--model");
            LabeledData in = load(memberFiles, "--members");
            LabeledData out = load(nonMemberFiles, "--non-members");
            try (Classifier target = Inputs.openChecked(model, in, range)) {
                Inputs.openChecked(model, out, range).close();
                Trainer recorded = target instanceof BuiltinClassifier b ? DpSgdTrainer.recordedIn(b.card()) : null;
                TrainingRecipe recipe = recorded == null
                        ? null
                        : new TrainingRecipe(
                                Architecture.of(
                                        ((BuiltinClassifier) target).card().architecture()),
                                recorded);
                if (recipe == null && !kind.equalsIgnoreCase("threshold")) {
                    throw new UsageException(
                            "--kind " + kind + " trains shadow models with the target's recipe, which only"
                                    + " a model trained by Marauder records; use --kind threshold, or the end-to-end mode");
                }
                report = attack.attack(
                        target,
                        in,
                        out,
                        recipe,
                        shadowDir,
                        range,
                        output.progress(),
                        w -> stderr.println("marauder: warning: " + w));
            }
        } else {
            if (arch == null || data == null || trainSize == null) {
                throw new UsageException("the end-to-end mode needs --arch, --data and --train-size");
            }
            TrainingRecipe recipe;
            try {
                recipe = new TrainingRecipe(Architecture.of(arch), dpOptions.trainer(epochs, batch, lr, seed));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            range = Inputs.boundsFor(null, bounds);
            TrainTestSplit split = Datasets.load(data);
            if (trainSize < 2 || 2L * trainSize > split.train().size()) {
                throw new UsageException("--train-size must be between 2 and half the training set ("
                        + split.train().size() / 2 + " for " + data + "), got " + trainSize);
            }
            report = attack.endToEnd(
                    recipe,
                    split,
                    trainSize,
                    shadowDir,
                    range,
                    output.progress(),
                    w -> stderr.println("marauder: warning: " + w));
        }
        MembershipEvaluation e = report.headlineEvaluation();
        output.emit(
                spec.commandLine().getOut(),
                report,
                String.format(
                        Locale.ROOT,
                        "%s (%s): AUC %.4f, balanced accuracy %.4f, TPR %.4f at 1%% FPR and %.4f at 0.1%% FPR, epsilon >= %.3f"
                                + " (confidence %s); %d members, %d non-members, %.1f s",
                        report.kind().id(),
                        report.headline(),
                        e.auc(),
                        e.balancedAccuracy(),
                        e.truePositiveRateAt(0.01),
                        e.truePositiveRateAt(0.001),
                        e.epsilonLowerBound(),
                        e.confidence(),
                        e.members(),
                        e.nonMembers(),
                        report.seconds()));
        return 0;
    }

    private static String[] files(String value, String option) {
        String[] parts = value.split(",", -1);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new UsageException(
                    option + " needs FEATURES,LABELS (two files separated by a comma), got '" + value + "'");
        }
        return parts;
    }

    private static LabeledData load(String[] files, String option) {
        Inputs.requireExists(Path.of(files[0]), option);
        Inputs.requireExists(Path.of(files[1]), option);
        return Datasets.loadPair(Path.of(files[0]), Path.of(files[1]));
    }
}
