package dev.marauder.attacks.inference.inversion;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.SensitiveTable;
import dev.marauder.core.data.Standardization;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * Attribute inference end to end, members against non-members, as in Fredrikson et al. 2015
 * (Section 4): split a table's rows at random into two halves, train a model on one half (the
 * members), then run {@link MapAttributeInference} on both halves with the table's marginal prior
 * of the sensitive attribute, and compare.
 *
 * <p>The split shuffles the rows by Fisher-Yates with {@code new java.util.Random(seed)} (for
 * {@code i} from {@code n-1} down to 1, swap {@code i} with {@code nextInt(i + 1)}); the first
 * {@code ceil(n / 2)} rows of that order are the members. Numeric features are standardised with
 * the members' mean and std ({@link SensitiveTable#standardization()}); one-hot features,
 * the sensitive attribute's among them, stay 0/1. The model's input bounds are the smallest and
 * largest standardised value over every row and candidate.
 */
public final class AttributeInferenceExperiment {
    /** Default epochs: small tables give few steps per epoch. */
    public static final int DEFAULT_EPOCHS = 30;
    /** Default mini-batch size. */
    public static final int DEFAULT_BATCH = 16;
    /** Default Adam learning rate. */
    public static final double DEFAULT_LEARNING_RATE = 0.01;

    private AttributeInferenceExperiment() {}

    /**
     * Training settings suited to small tables such as the penguins' 333 rows: 30 epochs of
     * batches of 16 at learning rate 0.01 ({@link TrainingSettings#defaults} is tuned for images).
     */
    public static TrainingSettings defaultTraining(Architecture architecture, long seed) {
        return new TrainingSettings(architecture, DEFAULT_EPOCHS, DEFAULT_BATCH, DEFAULT_LEARNING_RATE, seed);
    }

    /**
     * The outcome of one run.
     *
     * @param dataset the table's source, e.g. {@code penguins}
     * @param label the label column
     * @param sensitive the sensitive column
     * @param inference the attack's metrics on members and non-members
     * @param trainAccuracy the model's accuracy on the members
     * @param testAccuracy the model's accuracy on the non-members
     * @param provenance training and attack settings, split seed, dataset hash, versions, timing
     */
    public record Outcome(
            String dataset,
            String label,
            String sensitive,
            AttributeInferenceResult inference,
            double trainAccuracy,
            double testAccuracy,
            Provenance provenance) {}

    /**
     * Runs the experiment.
     *
     * @param table the rows, with the sensitive attribute marked
     * @param training the architecture and hyper-parameters of the target model; its seed also
     *     seeds the split
     * @param progress receives the training progress
     * @throws IllegalArgumentException if the table has fewer than 4 rows or either half lacks
     *     two classes
     */
    public static Outcome run(SensitiveTable table, TrainingSettings training, Progress progress) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(training, "training");
        int n = table.size();
        if (n < 4) {
            throw new IllegalArgumentException(
                    table.source() + ": " + n + " rows are too few to split into members and non-members (need 4)");
        }
        int[] order = dev.marauder.core.data.Permutations.shuffled(n, new Random(training.seed()));
        int half = (n + 1) / 2;
        SensitiveTable members = table.select(Arrays.copyOfRange(order, 0, half));
        SensitiveTable nonMembers = table.select(Arrays.copyOfRange(order, half, n));
        Standardization standardization = members.standardization();
        AttributeTargets memberTargets = AttributeTargets.fromTable(members, standardization);
        AttributeTargets nonMemberTargets = AttributeTargets.fromTable(nonMembers, standardization);
        LabeledData train = members.toLabeledData(standardization);
        LabeledData test = nonMembers.toLabeledData(standardization);
        float[] bounds = bounds(memberTargets, nonMemberTargets, table.featureCount());

        MapAttributeInference attack = MapAttributeInference.builder(table.prior())
                .optValueNames(table.sensitiveValues())
                .build();
        Provenance.Recorder provenance = Provenance.start()
                .setting("training", training)
                .setting("attack", attack.settings())
                .setting(
                        "split",
                        "members: first ceil(n/2) of a Fisher-Yates shuffle with java.util.Random(" + training.seed()
                                + ")")
                .setting("label", table.labelName())
                .setting("sensitive", table.sensitiveName())
                .seed(training.seed())
                .hash("dataset", table.sha256());
        TrainTestSplit split = new TrainTestSplit(table.source(), train, test);
        try (BuiltinClassifier model = Training.train(training, split, bounds, progress)) {
            AttributeInferenceResult result = attack.evaluate(model, memberTargets, nonMemberTargets);
            double trainAccuracy = Training.accuracy(model, train, 256);
            double testAccuracy = Training.accuracy(model, test, 256);
            return new Outcome(
                    table.source(),
                    table.labelName(),
                    table.sensitiveName(),
                    result,
                    trainAccuracy,
                    testAccuracy,
                    provenance.finish());
        }
    }

    private static float[] bounds(AttributeTargets a, AttributeTargets b, int width) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (AttributeTargets t : new AttributeTargets[] {a, b}) {
            for (int i = 0; i < t.rows(); i++) {
                for (int v = 0; v < t.values(); v++) {
                    for (float x : t.candidates().features(i, v)) {
                        lo = Math.min(lo, x);
                        hi = Math.max(hi, x);
                    }
                }
            }
        }
        if (!(lo < hi)) {
            throw new IllegalArgumentException("all " + width + " features are constant; nothing to learn from");
        }
        return new float[] {lo, hi};
    }
}
