package dev.marauder.cli;

import dev.marauder.attacks.inference.membership.MembershipEvaluation;
import dev.marauder.attacks.inference.membership.MembershipInference;
import dev.marauder.attacks.inference.membership.ReferenceModelDirectory;
import dev.marauder.attacks.inference.membership.ReferenceModels;
import dev.marauder.attacks.inference.membership.TrainingRecipe;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelDescription;
import dev.marauder.core.train.Trainer;
import dev.marauder.privacy.dpsgd.DpSgdTrainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
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
            "Against a model: --model M --members X1,Y1 --non-members X2,Y2 (or --candidates X,Y --target-mask F).",
            "  shadow/lira/lira-offline: shadows trained with the target's recipe (a Marauder model's card, or",
            "  --shadow-arch A with --epochs/--batch/--lr/--dp), or your own --reference-models DIR with masks.",
            "End to end: --arch A --data D --train-size N (trains the target on N random examples)."
        })
final class MiaCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--kind",
            required = true,
            paramLabel = "threshold|shadow|lira|lira-offline",
            description = "The attack (lira: online and offline; lira-offline: offline only, OUT models suffice).")
    String kind;

    @Option(
            names = "--model",
            paramLabel = "M",
            description = "The target model: directory, .pt or .onnx file, or a model behind an API"
                    + " (http://HOST:PORT/v2/models/NAME or http://HOST:PORT/v1/models/NAME:predict).")
    String model;

    @picocli.CommandLine.Mixin
    RemoteOptions remote;

    @Option(
            names = "--candidates",
            paramLabel = "X,Y",
            description = "Features and labels of candidate examples, instead of --members/--non-members; the target's"
                    + " membership of each is --target-mask.")
    String candidates;

    @Option(
            names = "--target-mask",
            paramLabel = "FILE",
            description = ".npy of 0/1 (or bool), one per candidate: 1 if the target was trained on it.")
    Path targetMask;

    @Option(
            names = "--reference-models",
            paramLabel = "DIR",
            description = {
                "Your own reference (shadow) models instead of shadows trained here: .pt, .pth, .onnx files and",
                "Marauder model directories in DIR, in natural order of their names (ref-2 before ref-10).",
                "Their masks cover the candidates (--members then --non-members, or --candidates)."
            })
    Path referenceModels;

    @Option(
            names = "--reference-masks",
            paramLabel = "FILE",
            description = "One .npy of 0/1 of shape [models, examples], row m for the m-th reference model; without it"
                    + " each model NAME needs NAME.keep.npy of shape [examples] beside it.")
    Path referenceMasks;

    @Option(
            names = "--shadow-arch",
            paramLabel = "A",
            description =
                    "Train shadow models with this architecture (logreg, mlp, cnn) and --epochs/--batch/--lr/--dp,"
                            + " for a target whose recipe Marauder does not know (or to override a card's).")
    String shadowArch;

    @Option(names = "--members", paramLabel = "X1,Y1", description = "Features and labels files of known members.")
    String members;

    @Option(
            names = "--non-members",
            paramLabel = "X2,Y2",
            description = "Features and labels files of known non-members.")
    String nonMembers;

    @Mixin
    ModelOptions described;

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
            description = "End to end and --shadow-arch: epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--batch",
            defaultValue = "64",
            paramLabel = "B",
            description = "End to end and --shadow-arch: batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "0.001",
            paramLabel = "L",
            description = "End to end and --shadow-arch: learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Mixin
    DpOptions dpOptions;

    @Option(
            names = "--shadow",
            paramLabel = "K",
            description = "Shadow models to train for shadow/lira (default 8; not with --reference-models).")
    Integer shadows;

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
        MembershipInference.Kind k;
        try {
            k = MembershipInference.Kind.of(kind);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (workers < 1) {
            throw new UsageException("--workers must be at least 1, got " + workers);
        }
        boolean threshold = k == MembershipInference.Kind.THRESHOLD;
        boolean references = referenceModels != null;
        if (references && threshold) {
            throw new UsageException("--reference-models is for --kind shadow, lira or lira-offline; the threshold"
                    + " attacks use no reference models");
        }
        if (referenceMasks != null && !references) {
            throw new UsageException("--reference-masks goes with --reference-models DIR");
        }
        if (references && (shadows != null || shadowDir != null || shadowArch != null || workers != 1)) {
            throw new UsageException("--shadow, --shadow-dir, --shadow-arch and --workers are for shadows trained"
                    + " here; with --reference-models your own models are used");
        }
        if (shadows != null && shadows < 2 && !threshold) {
            throw new UsageException("--shadow: " + kind + " needs at least 2 shadow models, got " + shadows);
        }
        boolean given = model != null || members != null || nonMembers != null || candidates != null;
        boolean endToEnd = arch != null || data != null || trainSize != null;
        if (given == endToEnd) {
            throw new UsageException(
                    given
                            ? "give either --model/--members/--non-members or --arch/--data/--train-size, not both"
                            : "give --model M --members X1,Y1 --non-members X2,Y2, or --arch A --data D --train-size N");
        }
        if (!given && (references || shadowArch != null || targetMask != null || described.describesAModelFile())) {
            throw new UsageException("--reference-models, --shadow-arch, --target-mask, --output, --mean, --std,"
                    + " --layout, --class-names and --model-description are for a given --model");
        }
        if (!given) {
            remote.requireUnused("the model trained here");
        }
        boolean privacy = dpOptions.settings() != null;
        var stderr = spec.commandLine().getErr();
        MembershipInference.Report report;
        if (given) {
            if (privacy && shadowArch == null) {
                throw new UsageException("--dp is for end-to-end runs and --shadow-arch; a given model's DP settings"
                        + " come from its card");
            }
            report = attackGivenModel(k, stderr);
        } else {
            MembershipInference attack = attack(k, shadows == null ? 8 : shadows);
            if (arch == null || data == null || trainSize == null) {
                throw new UsageException("the end-to-end mode needs --arch, --data and --train-size");
            }
            TrainingRecipe recipe;
            try {
                recipe = new TrainingRecipe(Architecture.of(arch), dpOptions.trainer(epochs, batch, lr, seed));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            float[] range = Inputs.boundsFor(null, described.bounds);
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

    private MembershipInference attack(MembershipInference.Kind k, int count) {
        try {
            return new MembershipInference(k, k == MembershipInference.Kind.THRESHOLD ? 0 : count, seed, null)
                    .withWorkers(workers);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The target given with --model: its data, then the threshold attacks, shadows trained here, or references. */
    private MembershipInference.Report attackGivenModel(MembershipInference.Kind k, java.io.PrintWriter stderr) {
        if (model == null) {
            throw new UsageException("--model M is needed with --members/--non-members or --candidates");
        }
        boolean pair = members != null || nonMembers != null;
        boolean pool = candidates != null || targetMask != null;
        if (pair == pool) {
            throw new UsageException(
                    pair
                            ? "give --members X1,Y1 --non-members X2,Y2 or --candidates X,Y --target-mask FILE, not both"
                            : "give --members X1,Y1 --non-members X2,Y2, or --candidates X,Y --target-mask FILE");
        }
        if (pair && (members == null || nonMembers == null)) {
            throw new UsageException("--model, --members and --non-members go together");
        }
        if (pool && (candidates == null || targetMask == null)) {
            throw new UsageException("--candidates and --target-mask go together");
        }
        Consumer<String> warnings = w -> stderr.println("marauder: warning: " + w);
        String[] memberFiles = pair ? LabelledFiles.parse(members, "--members") : null;
        String[] nonMemberFiles = pair ? LabelledFiles.parse(nonMembers, "--non-members") : null;
        String[] candidateFiles = pair ? null : LabelledFiles.parse(candidates, "--candidates");
        ModelDescription description = described.describe(model);
        LabeledData in;
        LabeledData out;
        LabeledData pooled = null;
        boolean[] targetTrainedOn = null;
        if (pair) {
            in = Inputs.shapedFor(LabelledFiles.load(memberFiles, "--members"), description);
            out = Inputs.shapedFor(LabelledFiles.load(nonMemberFiles, "--non-members"), description);
        } else {
            pooled = Inputs.shapedFor(LabelledFiles.load(candidateFiles, "--candidates"), description);
            Inputs.requireExists(targetMask, "--target-mask");
            targetTrainedOn = ReferenceModelDirectory.readMask(targetMask, pooled.size());
            in = select(pooled, targetTrainedOn, true);
            out = select(pooled, targetTrainedOn, false);
            if (in.size() == 0 || out.size() == 0) {
                throw new DataFormatException(
                        targetMask,
                        "marks " + (in.size() == 0 ? "no" : "every") + " candidate as a member of the"
                                + " target; membership inference needs both members and non-members");
            }
        }
        ReferenceModels refs = null;
        if (referenceModels != null) {
            LabeledData scored = pooled != null ? pooled : MembershipInference.concat(in, out);
            refs = ReferenceInputs.query(referenceModels, referenceMasks, scored, described);
        }
        try (Classifier target = Inputs.openChecked(model, in, description, remote)) {
            Inputs.openChecked(model, out, description, remote).close();
            if (refs != null) {
                MembershipInference attack = attack(k, refs.count());
                try {
                    return pooled != null
                            ? attack.attack(target, pooled, targetTrainedOn, refs, output.progress(), warnings)
                            : attack.attack(target, in, out, refs, output.progress(), warnings);
                } catch (IllegalArgumentException e) {
                    throw new DataFormatException(referenceModels + ": " + e.getMessage());
                }
            }
            TrainingRecipe recipe = null;
            if (shadowArch != null) {
                try {
                    recipe =
                            new TrainingRecipe(Architecture.of(shadowArch), dpOptions.trainer(epochs, batch, lr, seed));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--shadow-arch: " + e.getMessage());
                }
            } else if (target instanceof BuiltinClassifier b) {
                Trainer recorded = DpSgdTrainer.recordedIn(b.card());
                recipe = recorded == null
                        ? null
                        : new TrainingRecipe(Architecture.of(b.card().architecture()), recorded);
            }
            if (recipe == null && k != MembershipInference.Kind.THRESHOLD) {
                throw new UsageException("--kind " + kind + " needs shadow models: name a recipe with --shadow-arch A"
                        + " (and --epochs/--batch/--lr/--dp), give your own --reference-models DIR, or attack a"
                        + " Marauder model, whose card records its recipe");
            }
            // shadows trained here take the raw input box; per-channel bounds give its envelope
            InputSpec spec = description.inputSpec(in.features().exampleShape());
            float[] range = {spec.lower(), spec.upper()};
            return attack(k, shadows == null ? 8 : shadows)
                    .attack(target, in, out, recipe, shadowDir, range, output.progress(), warnings);
        }
    }

    private static LabeledData select(LabeledData data, boolean[] mask, boolean side) {
        return data.select(java.util.stream.IntStream.range(0, mask.length)
                .filter(i -> mask[i] == side)
                .toArray());
    }
}
