package dev.marauder.core.train;

import ai.djl.Model;
import dev.marauder.core.data.DataChecks;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains a built-in architecture with any {@link Trainer} (plain Adam, DP-SGD, ...), then
 * evaluates it on the test split and writes its model card. Deterministic for a given trainer
 * seed: the engine's generator (parameter initialisation) is seeded from {@link Trainer#seed()}.
 */
public final class Training {
    private Training() {}

    /** Trains {@code settings.architecture()} with plain Adam ({@link TrainingSettings#trainer()}). */
    public static BuiltinClassifier train(
            TrainingSettings settings, TrainTestSplit data, float[] bounds, Progress progress) {
        return train(settings.architecture(), settings.trainer(), data, bounds, progress, warning -> {});
    }

    /**
     * Trains a model.
     *
     * @param architecture the network to train
     * @param trainer how: its hyper-parameters and update rule (DP-SGD attaches its accountant)
     * @param data training and test examples; inputs are assumed to lie in {@code bounds}
     * @param bounds the valid input range {@code [lower, upper]} recorded in the model card
     * @param progress receives the trainer's progress
     * @param warnings receives warnings for the user
     * @return the trained model with its card (not yet saved)
     */
    public static BuiltinClassifier train(
            Architecture architecture,
            Trainer trainer,
            TrainTestSplit data,
            float[] bounds,
            Progress progress,
            Consumer<String> warnings) {
        int classes = Math.max(data.train().classCount(), data.test().classCount());
        if (classes < 2) {
            throw new IllegalArgumentException("training data has fewer than 2 classes");
        }
        return train(architecture, trainer, data, bounds, classes, progress, warnings);
    }

    /**
     * Trains a model with a given number of classes: for labels that come from another model (a
     * substitute or a stolen copy), where some classes may not occur in the training data yet the
     * copy must answer for all of them.
     *
     * @param classes the model's number of outputs, at least 2 and above every label
     * @see #train(Architecture, Trainer, TrainTestSplit, float[], Progress, Consumer)
     */
    public static BuiltinClassifier train(
            Architecture architecture,
            Trainer trainer,
            TrainTestSplit data,
            float[] bounds,
            int classes,
            Progress progress,
            Consumer<String> warnings) {
        LabeledData train = data.train();
        LabeledData test = data.test();
        int[] exampleShape = train.features().exampleShape();
        architecture.checkInput(exampleShape);
        if (classes < 2 || classes < Math.max(train.classCount(), test.classCount())) {
            throw new IllegalArgumentException("a model of " + classes + " classes cannot learn labels up to "
                    + (Math.max(train.classCount(), test.classCount()) - 1));
        }
        DataChecks.requireFinite(train.features(), train.source());
        Provenance.Recorder provenance = Provenance.start()
                .setting("architecture", architecture.id())
                .setting("trainer", trainer)
                .seed(trainer.seed())
                .hash("dataset", train.sha256());
        Engines.seed(trainer.seed());
        Model model = BuiltinClassifier.newModel(architecture, classes);
        TrainingRun run;
        try {
            BuiltinClassifier.initialize(model, exampleShape);
            run = trainer.fit(model.getBlock(), TrainingExamples.of(train), architecture.id(), progress, warnings);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        InputSpec spec = new InputSpec(exampleShape, bounds[0], bounds[1]);
        Provenance finished = provenance.finish();
        ModelInfo info = new ModelInfo(architecture.id(), ModelFormat.MARAUDER, Map.of());
        BuiltinClassifier provisional = new BuiltinClassifier(
                model, card(architecture, trainer, data, spec, classes, Double.NaN, run, finished), info);
        double accuracy = accuracy(provisional, test, 256);
        return new BuiltinClassifier(
                model, card(architecture, trainer, data, spec, classes, accuracy, run, finished), info);
    }

    /** Fraction of {@code data} that {@code classifier} labels correctly. */
    public static double accuracy(Classifier classifier, LabeledData data, int batchSize) {
        int[] predicted = classifier.classify(data.features(), batchSize);
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == data.labels()[i]) {
                correct++;
            }
        }
        return predicted.length == 0 ? Double.NaN : (double) correct / predicted.length;
    }

    private static ModelCard card(
            Architecture architecture,
            Trainer t,
            TrainTestSplit data,
            InputSpec spec,
            int classes,
            double accuracy,
            TrainingRun run,
            Provenance provenance) {
        return new ModelCard(
                ModelCard.FORMAT_VERSION,
                architecture.id(),
                spec.shape(),
                spec.lower(),
                spec.upper(),
                classes,
                null,
                data.name(),
                data.train().sha256(),
                data.train().size(),
                data.test().size(),
                t.epochs(),
                t.batchSize(),
                t.learningRate(),
                t.optimizer(),
                t.seed(),
                accuracy,
                run.seconds(),
                null,
                run.privacy(),
                t.defense(),
                provenance,
                null,
                null);
    }
}
