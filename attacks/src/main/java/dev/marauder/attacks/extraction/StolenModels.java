package dev.marauder.attacks.extraction;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Stolen models as Marauder models: a {@link BuiltinClassifier} of a built-in architecture with a
 * model card saying it was extracted, from which target, with how many queries, so that every other
 * command (eval, attack, audit) can use it and {@link BuiltinClassifier#save} writes it under the
 * project's safe-save rules.
 */
public final class StolenModels {
    private StolenModels() {}

    /** The prefix of the card's {@code dataset} field of an extracted model. */
    public static final String DATASET_PREFIX = "extracted from ";

    /**
     * A multinomial logistic regression with logits {@code W x + b}.
     *
     * @param weights {@code [classes][features]}
     * @param bias {@code [classes]}
     */
    static BuiltinClassifier logisticRegression(
            InputSpec spec, double[][] weights, double[] bias, ModelCard card, String name) {
        int classes = weights.length;
        int features = spec.size();
        Model model = BuiltinClassifier.newModel(Architecture.LOGREG, classes);
        try {
            BuiltinClassifier.initialize(model, spec.shape());
            float[] w = new float[classes * features];
            float[] b = new float[classes];
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j < features; j++) {
                    w[c * features + j] = (float) weights[c][j];
                }
                b[c] = (float) bias[c];
            }
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                NDArray array = p.getValue().getArray();
                if (p.getKey().endsWith("weight")) {
                    array.set(FloatBuffer.wrap(w));
                } else if (p.getKey().endsWith("bias")) {
                    array.set(FloatBuffer.wrap(b));
                } else {
                    throw new IllegalStateException("unexpected parameter " + p.getKey() + " in a logreg block");
                }
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new BuiltinClassifier(model, card, new ModelInfo(name, ModelFormat.MARAUDER, Map.of()));
    }

    /**
     * The card of a model extracted from {@code target}.
     *
     * @param queries the queries the attack spent (the card's {@code train_examples})
     */
    static ModelCard card(
            Architecture architecture,
            Classifier target,
            long queries,
            int epochs,
            int batchSize,
            double learningRate,
            String method,
            long seed,
            double seconds,
            Provenance provenance) {
        InputSpec spec = target.inputSpec();
        return new ModelCard(
                ModelCard.FORMAT_VERSION,
                architecture.id(),
                spec.shape(),
                spec.lower(),
                spec.upper(),
                target.classes(),
                null,
                DATASET_PREFIX + target.info().name(),
                null,
                (int) Math.min(Integer.MAX_VALUE, queries),
                0,
                epochs,
                batchSize,
                learningRate,
                method,
                seed,
                Double.NaN,
                seconds,
                null,
                null,
                null,
                provenance,
                null,
                null);
    }

    /**
     * The same stolen model with its card's test accuracy measured on {@code test} (the returned
     * classifier shares the engine model: close only one of the two).
     */
    public static BuiltinClassifier withTestAccuracy(BuiltinClassifier stolen, LabeledData test) {
        ModelCard c = stolen.card();
        double accuracy = Training.accuracy(stolen, test, Oracle.BATCH);
        ModelCard measured = new ModelCard(
                c.formatVersion(),
                c.architecture(),
                c.inputShape(),
                c.inputLower(),
                c.inputUpper(),
                c.classes(),
                c.classNames(),
                c.dataset(),
                c.datasetSha256(),
                c.trainExamples(),
                test.size(),
                c.epochs(),
                c.batchSize(),
                c.learningRate(),
                c.optimizer(),
                c.seed(),
                accuracy,
                c.trainingSeconds(),
                c.parametersSha256(),
                c.privacy(),
                c.defense(),
                c.provenance(),
                c.parametersFile(),
                c.integrity());
        return new BuiltinClassifier(stolen.djlModel(), measured, stolen.info());
    }
}
