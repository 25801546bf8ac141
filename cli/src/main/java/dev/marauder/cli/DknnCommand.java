package dev.marauder.cli;

import dev.marauder.attacks.evasion.EvasionAttack;
import dev.marauder.attacks.evasion.EvasionSettings;
import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import dev.marauder.defenses.detection.AdmissionTradeoff;
import dev.marauder.defenses.detection.DeepKnn;
import dev.marauder.defenses.detection.DeepKnnScores;
import dev.marauder.defenses.detection.FittedDeepKnn;
import dev.marauder.defenses.detection.Layer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marauder dknn}: Deep k-Nearest Neighbors admission control (Papernot &amp; McDaniel 2018). */
@Command(
        name = "dknn",
        mixinStandardHelpOptions = true,
        description = {
            "Deep k-Nearest Neighbors (Papernot & McDaniel 2018): the training neighbours of an input in every hidden",
            "layer vote on its label; the agreement, calibrated on held-out data, is a credibility in [0, 1] that is",
            "low for adversarial inputs, so inputs below a threshold can be refused. `fit` builds it, `score` measures",
            "the trade-off between clean inputs refused and adversarial inputs caught."
        },
        subcommands = {DknnCommand.Fit.class, DknnCommand.Score.class})
final class DknnCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (fit, score)");
    }

    /** {@code marauder dknn fit}. */
    @Command(
            name = "fit",
            mixinStandardHelpOptions = true,
            description = {
                "Fit a Deep k-NN to a model and save it to a directory: the hidden-layer representations of the first",
                "--train-examples training examples of --data (a dataset with a training split, such as the one the",
                "model was trained on) and the calibration scores of the LAST --calibration examples of its test split",
                "(which `dknn score` then skips). A model without layer access (.pt, .onnx, behind an API) is searched",
                "on its output scores only, and the result says so."
            })
    static final class Fit implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        EvaluationOptions in;

        @Mixin
        OutputOptions output;

        @Option(
                names = "--save",
                required = true,
                paramLabel = "DIR",
                description = "Directory to save the Deep k-NN to.")
        Path save;

        @Option(
                names = "--k",
                defaultValue = "75",
                paramLabel = "K",
                description = "Neighbours per layer (default ${DEFAULT-VALUE}, the paper's).")
        int k;

        @Option(
                names = "--calibration",
                defaultValue = "750",
                paramLabel = "C",
                description = "Calibration examples, the last of the test split (default ${DEFAULT-VALUE}).")
        int calibration;

        @Option(
                names = "--train-examples",
                paramLabel = "N",
                description = "Use the first N training examples as neighbours (default all).")
        Integer trainExamples;

        @Option(
                names = "--layers",
                split = ",",
                paramLabel = "NAMES",
                description = "Layers to search, e.g. hidden1,logits (default all).")
        List<String> layers;

        @Option(names = "--metric", defaultValue = "l2", paramLabel = "M", description = "l2 (default) or cosine.")
        String metric;

        @Option(
                names = "--memory-limit",
                defaultValue = "1024",
                paramLabel = "MIB",
                description = "Refuse fits estimated to need more memory, in MiB (default ${DEFAULT-VALUE}).")
        long memoryLimit;

        /** The JSON result of {@code marauder dknn fit}. */
        record FitOutput(
                String model,
                String saved,
                DeepKnn settings,
                List<Layer> layers,
                boolean hiddenLayers,
                String representation,
                int trainingExamples,
                int calibrationExamples,
                Provenance provenance) {}

        @Override
        public Integer call() {
            in.description();
            in.checkBlackBoxModel();
            if (in.labels != null) {
                throw new UsageException("dknn fit needs a dataset with a training split (a name such as fashion-mnist"
                        + " or a dataset directory), not a features file with --labels");
            }
            if (trainExamples != null && trainExamples < 1) {
                throw new UsageException("--train-examples must be at least 1, got " + trainExamples);
            }
            if (memoryLimit < 1) {
                throw new UsageException("--memory-limit must be at least 1 MiB, got " + memoryLimit);
            }
            DeepKnn settings = UsageException.wrap(() -> new DeepKnn(
                    k,
                    layers == null
                            ? List.of()
                            : layers.stream().map(String::strip).toList(),
                    calibration,
                    in.batch,
                    DeepKnn.Metric.of(metric),
                    memoryLimit << 20));
            FittedDeepKnn.requireSavable(save);
            Provenance.Recorder prov = Provenance.start();
            TrainTestSplit split = Datasets.load(in.data);
            LabeledData allTraining = Inputs.shapedFor(split.train(), in.description());
            LabeledData test = Inputs.shapedFor(split.test(), in.description());
            int n = trainExamples == null ? allTraining.size() : Math.min(trainExamples, allTraining.size());
            LabeledData training = allTraining.slice(0, n);
            if (calibration >= test.size()) {
                throw new UsageException("--calibration " + calibration + " leaves no test example to score: the test"
                        + " split of " + in.data + " holds " + test.size());
            }
            if (n < k) {
                throw new UsageException("--k " + k + " needs at least as many training examples, got " + n);
            }
            LabeledData calibrationSet = test.slice(test.size() - calibration, test.size());
            try (Classifier model = in.openBlackBox(training)) {
                try {
                    settings.requireMemory(model, training.features(), n);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage() + " (--train-examples, --layers, --memory-limit)");
                }
                FittedDeepKnn fitted = settings.fit(model, training, calibrationSet, output.progress());
                fitted.save(save);
                prov.setting("deep_knn", settings)
                        .hashes(model.info().fileHashes())
                        .hash("training_data", training.sha256())
                        .hash("calibration_data", calibrationSet.sha256());
                String text = String.format(
                        Locale.ROOT,
                        "deep k-nn, k %d, %s: %d training examples, %d calibration examples (the last of the test"
                                + " split); saved to %s",
                        k,
                        fitted.representation(),
                        n,
                        calibration,
                        save);
                output.emit(
                        spec.commandLine().getOut(),
                        new FitOutput(
                                in.model,
                                save.toString(),
                                settings,
                                fitted.layers(),
                                fitted.hiddenLayers(),
                                fitted.representation(),
                                n,
                                calibration,
                                prov.finish()),
                        text);
            }
            return 0;
        }
    }

    /** {@code marauder dknn score}. */
    @Command(
            name = "score",
            mixinStandardHelpOptions = true,
            description = {
                "Score the test split of --data (or a features file with --labels) with a saved Deep k-NN: its accuracy",
                "and credibility; with --attack, also adversarial versions of the same inputs (L-infinity, untargeted,",
                "crafted on the model without knowledge of the Deep k-NN) and the admission trade-off: per credibility",
                "threshold, the share of clean inputs refused and of adversarial inputs caught, and the detector AUC.",
                "Examples that calibrated the Deep k-NN (same data as at fit) are skipped."
            })
    static final class Score implements Callable<Integer> {
        /** Thresholds shown in the text output (the JSON has the whole curve). */
        static final double[] SHOWN = {0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5};

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        EvaluationOptions in;

        @Mixin
        OutputOptions output;

        @Option(names = "--dknn", required = true, paramLabel = "DIR", description = "Directory of `dknn fit`.")
        Path dknn;

        @Option(names = "--attack", paramLabel = "A", description = "fgsm or pgd (L-infinity): adversarial inputs.")
        String attack;

        @Option(names = "--eps", paramLabel = "E", description = "Attack budget (L-infinity, input units).")
        Double eps;

        @Option(
                names = "--steps",
                defaultValue = "40",
                paramLabel = "S",
                description = "pgd steps (default ${DEFAULT-VALUE}; step 2.5 eps / steps, random start).")
        int steps;

        @Option(
                names = "--seed",
                defaultValue = "0",
                paramLabel = "S",
                description = "pgd: seed of the random start (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--examples", paramLabel = "K", description = "Score the first K examples (default all).")
        Integer examples;

        /** How the model does on the inputs, and what the Deep k-NN says. */
        record Summary(double modelAccuracy, double dknnAccuracy, double meanCredibility) {}

        /** The attack that made the adversarial inputs and how often it fooled the model. */
        record AttackSummary(String name, EvasionSettings settings, double epsilon, double successRate) {}

        /** The JSON result of {@code marauder dknn score}. */
        record ScoreOutput(
                String model,
                String dknn,
                String representation,
                int examples,
                int skippedCalibrationExamples,
                Summary clean,
                AttackSummary attack,
                Summary adversarial,
                AdmissionTradeoff tradeoff,
                DeepKnnScores cleanScores,
                DeepKnnScores adversarialScores,
                Provenance provenance) {}

        @Override
        public Integer call() {
            in.description();
            String name = attack == null ? null : attack.toLowerCase(Locale.ROOT);
            if (name != null && !List.of("fgsm", "pgd").contains(name)) {
                throw new UsageException("--attack must be fgsm or pgd, got '" + attack + "'");
            }
            if ((name == null) != (eps == null)) {
                throw new UsageException("--attack and --eps go together");
            }
            if (eps != null && !(eps > 0 && Double.isFinite(eps))) {
                throw new UsageException("--eps must be positive and finite, got " + eps);
            }
            if (examples != null && examples < 1) {
                throw new UsageException("--examples must be at least 1, got " + examples);
            }
            if (steps < 1) {
                throw new UsageException("--steps must be at least 1, got " + steps);
            }
            Path modelPath = name == null ? null : in.existingModel("dknn score --attack " + name);
            if (name == null) {
                in.checkBlackBoxModel();
            }
            FittedDeepKnn fitted = FittedDeepKnn.load(dknn);
            Provenance.Recorder prov = Provenance.start();
            LabeledData all = in.labelledData();
            int skipped = 0;
            if (all.sha256() != null && all.sha256().equals(fitted.calibrationSha256())) {
                skipped = fitted.calibrationScores().length;
                if (skipped >= all.size()) {
                    throw new UsageException("every example of " + in.data + " calibrated the Deep k-NN: none is left");
                }
            }
            int available = all.size() - skipped;
            LabeledData d = all.slice(0, examples == null ? available : Math.min(examples, available));
            try (Classifier model = name == null
                    ? in.openBlackBox(d)
                    : Inputs.openDifferentiableChecked(modelPath, d, in.description())) {
                DeepKnnScores clean = fitted.score(model, d.features(), output.progress());
                Summary cleanSummary = new Summary(
                        Training.accuracy(model, d, in.batch), clean.accuracy(d.labels()), clean.meanCredibility());
                prov.setting("deep_knn", fitted.settings())
                        .hashes(model.info().fileHashes())
                        .hash("data", d.sha256())
                        .hash("deep_knn", fitted.trainingSha256());
                StringBuilder text = new StringBuilder(String.format(
                        Locale.ROOT,
                        "deep k-nn, k %d, %s%n%d examples%s%nclean: model accuracy %.4f, deep k-nn accuracy %.4f,"
                                + " mean credibility %.4f",
                        fitted.settings().k(),
                        fitted.representation(),
                        d.size(),
                        skipped == 0
                                ? ""
                                : " (the last " + skipped + " of the test split calibrated it and are skipped)",
                        cleanSummary.modelAccuracy(),
                        cleanSummary.dknnAccuracy(),
                        cleanSummary.meanCredibility()));
                AttackSummary attackSummary = null;
                Summary adversarialSummary = null;
                AdmissionTradeoff tradeoff = null;
                DeepKnnScores adversarial = null;
                if (name != null) {
                    DifferentiableClassifier white = (DifferentiableClassifier) model;
                    EvasionAttack<DifferentiableClassifier> a = name.equals("fgsm")
                            ? FastGradientMethod.fgsm()
                            : UsageException.wrap(() -> ProjectedGradientDescent.builder(Norm.LINF)
                                    .optSteps(steps)
                                    .optSeed(seed)
                                    .build());
                    RobustnessResult.AtEpsilon r = new RobustnessEvaluation(in.batch, 0, true)
                            .evaluate(white, a, d, null, output.progress(), eps)
                            .perEpsilon()
                            .get(0);
                    adversarial = fitted.score(model, r.adversarial(), output.progress());
                    tradeoff = AdmissionTradeoff.of(clean, adversarial, d.labels());
                    attackSummary = new AttackSummary(a.name(), a.settings(), eps, r.attackSuccessRate());
                    adversarialSummary = new Summary(
                            r.robustAccuracy(), adversarial.accuracy(d.labels()), adversarial.meanCredibility());
                    text.append(String.format(
                            Locale.ROOT,
                            "%n%s eps %s (attack success %.4f): model accuracy %.4f, deep k-nn accuracy %.4f, mean"
                                    + " credibility %.4f%ndetector AUC (low credibility = adversarial) %.4f%n"
                                    + "credibility below  clean refused  adversarial caught",
                            a.name(),
                            eps,
                            r.attackSuccessRate(),
                            adversarialSummary.modelAccuracy(),
                            adversarialSummary.dknnAccuracy(),
                            adversarialSummary.meanCredibility(),
                            tradeoff.detectorAuc()));
                    for (double t : SHOWN) {
                        AdmissionTradeoff.Point p = tradeoff.at(t);
                        text.append(String.format(
                                Locale.ROOT, "%n%17.2f  %13.4f  %18.4f", t, p.cleanRefused(), p.adversarialCaught()));
                    }
                }
                output.emit(
                        spec.commandLine().getOut(),
                        new ScoreOutput(
                                in.model,
                                dknn.toString(),
                                fitted.representation(),
                                d.size(),
                                skipped,
                                cleanSummary,
                                attackSummary,
                                adversarialSummary,
                                tradeoff,
                                clean,
                                adversarial,
                                prov.finish()),
                        text.toString());
            }
            return 0;
        }
    }
}
