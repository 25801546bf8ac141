package dev.marauder.core.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.marauder.core.data.DataChecks;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.engine.Autograd;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a built-in architecture with mini-batch Adam on softmax cross-entropy, then evaluates it
 * on the test split. Deterministic for a given seed: the engine's generator (parameter
 * initialisation) and the shuffling are both seeded from {@link TrainingSettings#seed()}.
 */
public final class Training {
    private Training() {}

    /**
     * Trains a model.
     *
     * @param settings architecture and hyper-parameters
     * @param data training and test examples; inputs are assumed to lie in {@code [lower, upper]}
     *     of {@code bounds}
     * @param bounds the valid input range recorded in the model card
     * @param progress receives one unit per training example processed
     * @return the trained model with its card (not yet saved)
     */
    public static BuiltinClassifier train(TrainingSettings settings, TrainTestSplit data, float[] bounds,
            Progress progress) {
        LabeledData train = data.train();
        LabeledData test = data.test();
        int[] exampleShape = train.features().exampleShape();
        settings.architecture().checkInput(exampleShape);
        int classes = Math.max(train.classCount(), test.classCount());
        if (classes < 2) {
            throw new IllegalArgumentException("training data has fewer than 2 classes");
        }
        DataChecks.requireFinite(train.features(), train.source());
        Provenance.Recorder provenance = Provenance.start()
                .settings(settings.asMap())
                .seed(settings.seed())
                .hash("dataset", train.sha256());
        long startNanos = System.nanoTime();

        Engines.seed(settings.seed());
        Model model = BuiltinClassifier.newModel(settings.architecture(), classes);
        try {
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) settings.learningRate()))
                    .build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(adam);
            SplittableRandom shuffle = new SplittableRandom(settings.seed());
            long[] inputShape = new long[exampleShape.length + 1];
            inputShape[0] = 1;
            for (int i = 0; i < exampleShape.length; i++) {
                inputShape[i + 1] = exampleShape[i];
            }
            try (Trainer trainer = model.newTrainer(config);
                    Progress.Task task = progress.start("train " + settings.architecture().id(),
                            (long) settings.epochs() * train.size())) {
                trainer.initialize(new Shape(inputShape));
                for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                    int[] order = dev.marauder.core.data.Permutations.shuffled(train.size(), shuffle);
                    double lossSum = 0;
                    int batches = 0;
                    for (int start = 0; start < order.length; start += settings.batchSize()) {
                        int end = Math.min(order.length, start + settings.batchSize());
                        int[] idx = java.util.Arrays.copyOfRange(order, start, end);
                        LabeledData batch = train.select(idx);
                        lossSum += step(trainer, adam, model, batch);
                        batches++;
                        task.advance(end - start);
                    }
                    task.status(String.format("epoch %d loss %.4f", epoch + 1, lossSum / batches));
                }
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        InputSpec spec = new InputSpec(exampleShape, bounds[0], bounds[1]);
        ModelCard provisional = card(settings, data, spec, classes, Double.NaN, seconds, provenance.finish());
        BuiltinClassifier classifier = new BuiltinClassifier(model, provisional,
                new ModelInfo(settings.architecture().id(), ModelFormat.MARAUDER, Map.of()));
        double accuracy = accuracy(classifier, test, 256);
        ModelCard card = card(settings, data, spec, classes, accuracy, seconds, provenance.finish());
        return new BuiltinClassifier(model, card, classifier.info());
    }

    /**
     * One Adam step. The update is applied here rather than by {@code Trainer.step()}, whose
     * first-step sanity check (the sum of all gradients must not be 0) rejects a correct gradient of
     * multinomial logistic regression: the softmax cross-entropy's gradients sum to exactly 0 over
     * the classes, which rounding hides for some batches but not all.
     */
    private static double step(Trainer trainer, Optimizer optimizer, Model model, LabeledData batch) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDArray x = Tensors.toNDArray(scope, batch.features());
            NDArray y = Tensors.labels(scope, batch.labels());
            return Autograd.exclusively(() -> {
                float loss;
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                    NDArray l = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
                    collector.backward(l);
                    loss = l.getFloat();
                }
                for (var p : model.getBlock().getParameters()) {
                    NDArray weight = p.getValue().getArray();
                    optimizer.update(p.getValue().getId(), weight, weight.getGradient());
                }
                Autograd.zeroParameterGradients(model.getBlock());
                return (double) loss;
            });
        }
    }

    /** Fraction of {@code data} that {@code classifier} labels correctly. */
    public static double accuracy(dev.marauder.core.model.Classifier classifier, LabeledData data, int batchSize) {
        int[] predicted = classifier.classify(data.features(), batchSize);
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == data.labels()[i]) {
                correct++;
            }
        }
        return predicted.length == 0 ? Double.NaN : (double) correct / predicted.length;
    }

    private static ModelCard card(TrainingSettings s, TrainTestSplit data, InputSpec spec, int classes,
            double accuracy, double seconds, Provenance provenance) {
        return card(s, data, spec, classes, accuracy, seconds, null, provenance);
    }

    /**
     * The model card of a run of {@code s} on {@code data}.
     *
     * @param privacy the differential-privacy settings and epsilon spent, or null for a non-private run
     */
    public static ModelCard card(TrainingSettings s, TrainTestSplit data, InputSpec spec, int classes,
            double accuracy, double seconds, Map<String, Object> privacy, Provenance provenance) {
        return new ModelCard(ModelCard.FORMAT_VERSION, s.architecture().id(), spec.shape(), spec.lower(), spec.upper(),
                classes, null, data.name(), data.train().sha256(), data.train().size(), data.test().size(),
                s.epochs(), s.batchSize(), s.learningRate(), "adam", s.seed(), accuracy, seconds, null, privacy,
                provenance);
    }
}
