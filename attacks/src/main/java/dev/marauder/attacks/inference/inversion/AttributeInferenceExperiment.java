package dev.marauder.attacks.inference.inversion;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.SensitiveTable;
import dev.marauder.core.data.Standardization;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
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
     * The rows {@link #run} trains on: the first {@code ceil(n / 2)} of a Fisher-Yates shuffle with
     * {@code new java.util.Random(seed)}, as a mask over the table's rows.
     *
     * @throws IllegalArgumentException if {@code n < 4}
     */
    public static boolean[] memberRows(int n, long seed) {
        if (n < 4) {
            throw new IllegalArgumentException(n + " rows are too few to split into members and non-members (need 4)");
        }
        int[] order = dev.marauder.core.data.Permutations.shuffled(n, new Random(seed));
        boolean[] members = new boolean[n];
        for (int k = 0; k < (n + 1) / 2; k++) {
            members[order[k]] = true;
        }
        return members;
    }

    /**
     * How a model's inputs encode a table's rows: numeric columns as in the file, or standardised
     * with the members' mean and population std (what {@link #run} and {@link #trainTarget} do);
     * one-hot columns stay 0/1 either way.
     */
    public enum Encoding {
        /** Numeric columns standardised with the training rows' mean and std. */
        STANDARDIZED,
        /** Numeric columns as read. */
        RAW
    }

    /**
     * Trains a target model on the rows {@code members} marks, as {@link #run} does (standardised
     * features, input bounds from every row's candidates).
     *
     * @throws IllegalArgumentException as {@link #attack}
     */
    public static BuiltinClassifier trainTarget(
            SensitiveTable table, boolean[] members, TrainingSettings training, Progress progress) {
        Objects.requireNonNull(training, "training");
        return train(table, Split.of(table, members, Encoding.STANDARDIZED), training, progress);
    }

    private static BuiltinClassifier train(
            SensitiveTable table, Split split, TrainingSettings training, Progress progress) {
        return Training.train(
                training,
                new TrainTestSplit(table.source(), split.train, split.test),
                bounds(split.memberTargets, split.nonMemberTargets, table.featureCount()),
                progress);
    }

    /**
     * The smallest and largest model input over every row's candidates (each value of the
     * sensitive attribute substituted), encoded as {@code encoding} says: the input bounds of a
     * target trained on this table.
     *
     * @throws IllegalArgumentException as {@link #attack}, or if every input is the same
     */
    public static float[] inputBounds(SensitiveTable table, boolean[] members, Encoding encoding) {
        Split split = Split.of(table, members, encoding);
        return bounds(split.memberTargets, split.nonMemberTargets, table.featureCount());
    }

    /**
     * Attribute inference against a given model, trained anywhere, members against non-members:
     * {@link MapAttributeInference} on the rows {@code members} marks and on the others, with the
     * table's marginal prior of the sensitive attribute (black-box queries: one per row and value).
     *
     * @param model the target, black-box; its inputs are the table's features (numeric columns,
     *     then one-hot blocks, in the file's column order, the label left out) encoded as {@code
     *     encoding} says, its classes the label's values in sorted order
     * @param table the rows, with the sensitive attribute marked
     * @param members whether the model was trained on each row (table order)
     * @param encoding how the model's inputs encode the rows
     * @param extra settings to record in the provenance (e.g. how the model was trained), may be empty
     * @throws IllegalArgumentException if the mask's length is not the number of rows, or it marks
     *     no row or every row as a member
     */
    public static Outcome attack(
            Classifier model,
            SensitiveTable table,
            boolean[] members,
            Encoding encoding,
            java.util.Map<String, Object> extra) {
        return attack(model, table, members, encoding, Provenance.start().settings(extra));
    }

    private static Outcome attack(
            Classifier model,
            SensitiveTable table,
            boolean[] members,
            Encoding encoding,
            Provenance.Recorder provenance) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(encoding, "encoding");
        return attack(
                model,
                table,
                Split.of(table, members, encoding),
                provenance.setting("encoding", encoding.name().toLowerCase(java.util.Locale.ROOT)));
    }

    private static Outcome attack(Classifier model, SensitiveTable table, Split split, Provenance.Recorder provenance) {
        MapAttributeInference attack = MapAttributeInference.builder(table.prior())
                .optValueNames(table.sensitiveValues())
                .build();
        provenance
                .setting("attack", attack.settings())
                .setting("members", split.train.size())
                .setting("label", table.labelName())
                .setting("sensitive", table.sensitiveName())
                .hash("dataset", table.sha256())
                .hashes(model.info().fileHashes());
        AttributeInferenceResult result = attack.evaluate(model, split.memberTargets, split.nonMemberTargets);
        double trainAccuracy = Training.accuracy(model, split.train, 256);
        double testAccuracy = Training.accuracy(model, split.test, 256);
        return new Outcome(
                table.source(),
                table.labelName(),
                table.sensitiveName(),
                result,
                trainAccuracy,
                testAccuracy,
                provenance.finish());
    }

    /** The members and non-members of a table, encoded. */
    private static final class Split {
        final LabeledData train;
        final LabeledData test;
        final AttributeTargets memberTargets;
        final AttributeTargets nonMemberTargets;

        private Split(
                LabeledData train,
                LabeledData test,
                AttributeTargets memberTargets,
                AttributeTargets nonMemberTargets) {
            this.train = train;
            this.test = test;
            this.memberTargets = memberTargets;
            this.nonMemberTargets = nonMemberTargets;
        }

        static Split of(SensitiveTable table, boolean[] mask, Encoding encoding) {
            Objects.requireNonNull(table, "table");
            if (mask == null || mask.length != table.size()) {
                throw new IllegalArgumentException("the membership mask covers " + (mask == null ? 0 : mask.length)
                        + " rows, but " + table.source() + " has " + table.size());
            }
            int[] in = java.util.stream.IntStream.range(0, mask.length)
                    .filter(i -> mask[i])
                    .toArray();
            int[] out = java.util.stream.IntStream.range(0, mask.length)
                    .filter(i -> !mask[i])
                    .toArray();
            if (in.length == 0 || out.length == 0) {
                throw new IllegalArgumentException("the membership mask marks " + (in.length == 0 ? "no" : "every")
                        + " row of " + table.source() + " as a member; attribute inference compares members with"
                        + " non-members, so both are needed");
            }
            return of(table, in, out, encoding);
        }

        /** Members and non-members given as row indices, in the order given. */
        static Split of(SensitiveTable table, int[] in, int[] out, Encoding encoding) {
            SensitiveTable members = table.select(in);
            SensitiveTable nonMembers = table.select(out);
            Standardization standardization = encoding == Encoding.STANDARDIZED ? members.standardization() : null;
            return new Split(
                    standardization == null ? members.toLabeledData() : members.toLabeledData(standardization),
                    standardization == null ? nonMembers.toLabeledData() : nonMembers.toLabeledData(standardization),
                    AttributeTargets.fromTable(members, standardization),
                    AttributeTargets.fromTable(nonMembers, standardization));
        }
    }

    /**
     * Runs the experiment: splits the rows ({@link #memberRows}), trains the target on the members
     * ({@link #trainTarget}) and attacks it ({@link #attack}).
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
        // members in the shuffled order, as before this method was split up (the training order follows it)
        Split split = Split.of(
                table,
                java.util.Arrays.copyOfRange(order, 0, half),
                java.util.Arrays.copyOfRange(order, half, n),
                Encoding.STANDARDIZED);
        Provenance.Recorder provenance = Provenance.start()
                .setting("training", training)
                .setting(
                        "split",
                        "members: first ceil(n/2) of a Fisher-Yates shuffle with java.util.Random(" + training.seed()
                                + ")")
                .seed(training.seed());
        try (BuiltinClassifier model = train(table, split, training, progress)) {
            return attack(model, table, split, provenance);
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
