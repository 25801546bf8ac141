package dev.marauder.privacy.audit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.privacy.dpsgd.DpSgdSettings;
import dev.marauder.privacy.dpsgd.DpSgdTrainer;
import dev.marauder.stats.Require;
import dev.marauder.stats.dp.AuditBound;
import dev.marauder.stats.dp.OneRunAudit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * An empirical lower bound on the epsilon of a training run, from one run (Steinke, Nasr &amp;
 * Jagielski 2023, "Privacy Auditing with One (1) Training Run"). {@code m} canaries, training
 * examples given a wrong random label, are each included in the training set with probability
 * 1/2; after training, each canary is scored by the model's log-probability of its canary label,
 * the highest scores are guessed IN and the lowest OUT, and the number of correct guesses bounds
 * epsilon from below ({@link OneRunAudit}). For a DP-SGD run the bound must sit below the claimed
 * epsilon (a bound above it would reveal a bug in the implementation or the accounting); for a
 * non-private run it shows how much membership leaks.
 *
 * @param canaries how many canaries (taken from the end of the training set)
 * @param confidence confidence of the bound, e.g. 0.95
 * @param seed seeds the auditor's choices (canary labels, inclusion coins); they are independent
 *     of the training randomness, which stays secure for private runs
 */
public record CanaryAudit(int canaries, double confidence, long seed) {

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException for fewer than 2 canaries or a confidence outside (0, 1)
     */
    public CanaryAudit {
        if (canaries < 2) {
            throw new IllegalArgumentException("at least 2 canaries are needed, got " + canaries);
        }
        Require.confidence(confidence);
    }

    /**
     * The audit's outcome beside the claim it tests. Its JSON, shared by {@code marauder privacy
     * audit} and the audit report: the bound's {@code epsilon_lower_bound, confidence, delta,
     * canaries, guesses, correct, method}, then {@code claimed_epsilon} (absent without DP),
     * {@code included, test_accuracy, training, provenance}.
     *
     * @param bound the audited lower bound and the counts behind it
     * @param claimedEpsilon the accountant's epsilon, +infinity for non-private training
     * @param included canaries that were trained on
     * @param testAccuracy the audited model's test accuracy
     * @param training "non-private" or "dp-sgd"
     * @param provenance versions, settings and data hash
     */
    @JsonPropertyOrder({"epsilon_lower_bound", "confidence", "claimed_epsilon", "delta"})
    public record Result(
            @JsonUnwrapped AuditBound bound,
            @JsonIgnore double claimedEpsilon,
            int included,
            double testAccuracy,
            String training,
            Provenance provenance) {

        /** The delta of the audited guarantee. */
        @JsonIgnore
        public double delta() {
            return bound.delta();
        }

        /** The claimed epsilon as in JSON: null (absent) for non-private training. */
        @JsonProperty("claimed_epsilon")
        public Double claimed() {
            return Double.isInfinite(claimedEpsilon) ? null : claimedEpsilon;
        }
    }

    /**
     * Trains once with canaries and audits the run.
     *
     * @param settings the training run
     * @param dp DP-SGD settings, or null for ordinary training
     * @param data the data; canaries come from the end of its training part
     */
    public Result run(
            TrainingSettings settings,
            DpSgdSettings dp,
            TrainTestSplit data,
            Progress progress,
            Consumer<String> warnings) {
        LabeledData train = data.train();
        if (canaries >= train.size()) {
            throw new IllegalArgumentException(
                    canaries + " canaries need more than " + train.size() + " training examples");
        }
        int classes = Math.max(train.classCount(), data.test().classCount());
        int base = train.size() - canaries;
        SplittableRandom random = new SplittableRandom(seed);
        int[] canaryLabels = new int[canaries];
        boolean[] included = new boolean[canaries];
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < base; i++) {
            rows.add(i);
        }
        int in = 0;
        for (int c = 0; c < canaries; c++) {
            int trueLabel = train.labels()[base + c];
            canaryLabels[c] = (trueLabel + 1 + random.nextInt(classes - 1)) % classes;
            included[c] = random.nextBoolean();
            if (included[c]) {
                rows.add(base + c);
                in++;
            }
        }
        int[] index = rows.stream().mapToInt(Integer::intValue).toArray();
        LabeledData chosen = train.select(index);
        int[] labels = chosen.labels().clone();
        for (int k = base; k < index.length; k++) {
            labels[k] = canaryLabels[index[k] - base];
        }
        LabeledData withCanaries =
                new LabeledData(chosen.features(), labels, train.source() + " + canaries", train.sha256());
        TrainTestSplit split = new TrainTestSplit(data.name() + "+canaries", withCanaries, data.test());
        float[] unit = {0f, 1f};
        double[] scores;
        double claimed;
        double delta = dp == null ? 1e-5 : dp.delta();
        double accuracy;
        try (BuiltinClassifier model = Training.train(
                settings.architecture(),
                dp == null ? settings.trainer() : DpSgdTrainer.of(settings, dp),
                split,
                unit,
                progress,
                warnings)) {
            scores = canaryScores(model, train.features().slice(base, train.size()), canaryLabels);
            claimed = dp == null
                    ? Double.POSITIVE_INFINITY
                    : model.card().privacy().epsilon();
            accuracy = model.card().testAccuracy();
        }
        List<OneRunAudit.Split> candidates = new ArrayList<>();
        for (double share : new double[] {0.05, 0.1, 0.2, 0.5}) {
            int k = Math.max(1, (int) Math.round(canaries * share / 2));
            OneRunAudit.Split s = new OneRunAudit.Split(k, k);
            if (2 * k <= canaries && !candidates.contains(s)) {
                candidates.add(s);
            }
        }
        AuditBound bound = OneRunAudit.bestSplit(scores, included, candidates, delta, confidence)
                .bound();
        Provenance provenance = Provenance.start()
                .setting("training", settings)
                .setting("dp", dp)
                .setting("canaries", canaries)
                .setting("confidence", confidence)
                .seed(seed)
                .hash("data", train.sha256())
                .finish();
        return new Result(bound, claimed, in, accuracy, dp == null ? "non-private" : "dp-sgd", provenance);
    }

    /** Log-probability the model gives each canary's canary label: higher means more likely trained on. */
    static double[] canaryScores(BuiltinClassifier model, FloatTensor features, int[] labels) {
        double[] scores = new double[labels.length];
        try (NDManager m = NDManager.newBaseManager()) {
            for (int start = 0; start < labels.length; start += 256) {
                int end = Math.min(labels.length, start + 256);
                try (NDManager s = m.newSubManager()) {
                    NDArray logProbs = model.logits(Tensors.toNDArray(s, features.slice(start, end)))
                            .logSoftmax(1);
                    float[] v = logProbs.toFloatArray();
                    int classes = (int) logProbs.getShape().get(1);
                    for (int i = start; i < end; i++) {
                        scores[i] = v[(i - start) * classes + labels[i]];
                    }
                }
            }
        }
        return Arrays.copyOf(scores, scores.length);
    }
}
