package dev.marauder.attacks.transfer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputGradient;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.FileHash;
import dev.marauder.core.train.Trainer;
import dev.marauder.core.train.Training;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Substitute training with Jacobian-based dataset augmentation (Papernot et al. 2017, "Practical
 * Black-Box Attacks against Machine Learning", Algorithm 1): a small seed set is labelled by the
 * target (labels only: the oracle's answers are reduced to its predicted class), a substitute is
 * trained on it, and each round adds, for every example {@code x}, the point {@code x + lambda *
 * sign(dF_O(x)(x)/dx)}, where {@code F_O(x)} is the substitute's probability of the class the
 * target gave {@code x}: the directions in which the substitute's decision changes most, which is
 * where it must learn the target's boundary. Each round's substitute is trained afresh on the set
 * so far, as in the paper; the step's sign flips every {@code tau} rounds (the paper's periodic
 * step size, section 6). When the query budget cannot label a whole round's new points, a random
 * subset that fits is labelled (the paper's reservoir sampling).
 *
 * <p>Immutable settings; the target and the seeds at call time. Only labels are read from the
 * target, so the attack applies to any {@link Classifier}, including one that returns only labels.
 *
 * @param architecture the substitute's architecture
 * @param trainer how each round's substitute is trained
 * @param rounds substitute training rounds (the paper's rho; 6 in its MNIST experiments)
 * @param lambda the augmentation step as a fraction of each input channel's range (the paper's
 *     0.1 on inputs in [0, 1])
 * @param tau the step's sign flips every {@code tau} rounds; 0 keeps it positive
 * @param maxQueries target queries (examples labelled) the training may spend
 * @param seed seed of the subset drawn when the budget cuts a round short (an experiment's seed,
 *     not a privacy mechanism)
 */
public record SubstituteTraining(
        Architecture architecture, Trainer trainer, int rounds, double lambda, int tau, long maxQueries, long seed) {

    /** Batch of target queries and of substitute gradients. */
    private static final int BATCH = 256;

    /** Validates. */
    public SubstituteTraining {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(trainer, "trainer");
        if (rounds < 1) {
            throw new IllegalArgumentException("substitute rounds must be at least 1, got " + rounds);
        }
        if (!(lambda > 0 && lambda <= 1)) {
            throw new IllegalArgumentException(
                    "lambda must be in (0, 1] (a fraction of the input range), got " + lambda);
        }
        if (tau < 0) {
            throw new IllegalArgumentException("tau must be >= 0, got " + tau);
        }
        if (maxQueries < 1) {
            throw new IllegalArgumentException("the query budget must be at least 1, got " + maxQueries);
        }
    }

    /**
     * The paper's settings for a given substitute: 6 rounds, lambda 0.1, tau 3, at most {@code
     * maxQueries} target queries.
     */
    public static SubstituteTraining of(Architecture architecture, Trainer trainer, long maxQueries) {
        return new SubstituteTraining(architecture, trainer, 6, 0.1, 3, maxQueries, 0);
    }

    /**
     * One round: how many examples the substitute was trained on, the target queries spent so far,
     * and the substitute's agreement with the target on the examples it was trained on.
     */
    public record Round(int round, int examples, long queries, double trainingAgreement) {}

    /**
     * A trained substitute. The caller owns (and closes) the model.
     *
     * @param model the last round's substitute; its card's test accuracy is on {@code evaluation}
     * @param queries target queries spent (examples labelled)
     * @param rounds per round, in order; fewer than asked when the budget ran out
     */
    public record Substitute(BuiltinClassifier model, long queries, List<Round> rounds) implements AutoCloseable {
        /** Copies the rounds. */
        public Substitute {
            rounds = List.copyOf(rounds);
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * Trains a substitute of {@code target}.
     *
     * @param target the model to imitate; only its predicted labels are used
     * @param seeds the attacker's initial inputs (the paper's 150 test images), unlabelled, in the
     *     target's input shape and bounds
     * @param evaluation labelled data for the substitute's card (its test accuracy); not queried
     * @param progress receives training progress
     * @param warnings receives a warning when the budget stops the augmentation early
     * @throws IllegalArgumentException if the seeds do not fit the target or exceed the budget
     */
    public Substitute train(
            Classifier target,
            FloatTensor seeds,
            LabeledData evaluation,
            Progress progress,
            Consumer<String> warnings) {
        InputSpec spec = target.inputSpec();
        if (seeds.examples() < 1) {
            throw new IllegalArgumentException("substitute training needs at least one seed example");
        }
        if (seeds.examples() > maxQueries) {
            throw new IllegalArgumentException(seeds.examples() + " seed examples exceed the query budget of "
                    + maxQueries + "; give fewer seeds or a larger budget");
        }
        float[] bounds = {spec.lower(), spec.upper()};
        SplittableRandom random = new SplittableRandom(seed);
        FloatTensor set = seeds;
        int[] labels = target.classify(seeds, BATCH);
        long queries = seeds.examples();
        List<Round> done = new ArrayList<>();
        BuiltinClassifier substitute = null;
        try {
            for (int round = 0; round < rounds; round++) {
                if (substitute != null) {
                    substitute.close();
                    substitute = null;
                }
                LabeledData labelled = labelled(set, labels);
                substitute = Training.train(
                        architecture,
                        trainer,
                        new TrainTestSplit("substitute", labelled, evaluation),
                        bounds,
                        target.classes(),
                        progress,
                        warnings);
                done.add(new Round(round, set.examples(), queries, agreement(substitute.classify(set, BATCH), labels)));
                if (round == rounds - 1) {
                    break;
                }
                long left = maxQueries - queries;
                if (left < 1) {
                    warnings.accept("the query budget of " + maxQueries + " was spent after " + (round + 1) + " of "
                            + rounds + " substitute rounds");
                    break;
                }
                int[] chosen = subset(set.examples(), left, random);
                double step = (tau > 0 && (round / tau) % 2 != 0 ? -1 : 1) * lambda;
                FloatTensor added = augment(substitute, set.select(chosen), select(labels, chosen), step, spec);
                int[] addedLabels = target.classify(added, BATCH);
                queries += added.examples();
                set = concat(set, added);
                labels = concat(labels, addedLabels);
            }
            return new Substitute(substitute, queries, done);
        } catch (RuntimeException e) {
            if (substitute != null) {
                substitute.close();
            }
            throw e;
        }
    }

    /**
     * The Jacobian step of {@code x}: {@code x + step * width * sign(dP(label | x)/dx)}, clipped
     * into the bounds, where {@code width} is each channel's range.
     */
    static FloatTensor augment(BuiltinClassifier substitute, FloatTensor x, int[] labels, double step, InputSpec spec) {
        float[] out = new float[x.data().length];
        int exampleSize = x.exampleSize();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int start = 0; start < x.examples(); start += BATCH) {
                int end = Math.min(x.examples(), start + BATCH);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray batch = Tensors.toNDArray(scope, x.slice(start, end));
                    long[] batchLabels = new long[end - start];
                    for (int i = start; i < end; i++) {
                        batchLabels[i - start] = labels[i];
                    }
                    InputGradient g = substitute.gradient(batch, logits -> {
                        NDArray picked = logits.getManager().create(batchLabels);
                        NDArray indicator =
                                picked.oneHot((int) logits.getShape().get(1), logits.getDataType());
                        return logits.softmax(1).mul(indicator).sum();
                    });
                    NDArray width = spec.upperArray(scope).sub(spec.lowerArray(scope));
                    NDArray moved = batch.add(g.gradient().sign().mul(width).mul(step));
                    float[] values = spec.clip(moved).toFloatArray();
                    System.arraycopy(values, 0, out, start * exampleSize, values.length);
                }
            }
        }
        return new FloatTensor(out, x.shape());
    }

    /** All of {@code 0..n-1} when the budget allows, else a uniformly random subset of {@code budget}. */
    private static int[] subset(int n, long budget, SplittableRandom random) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        if (budget >= n) {
            return all;
        }
        int k = (int) budget;
        for (int i = 0; i < k; i++) { // partial Fisher-Yates: the first k are a uniform subset
            int j = i + random.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] chosen = java.util.Arrays.copyOf(all, k);
        java.util.Arrays.sort(chosen);
        return chosen;
    }

    private static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return a.length == 0 ? Double.NaN : (double) same / a.length;
    }

    private static int[] select(int[] values, int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static FloatTensor concat(FloatTensor a, FloatTensor b) {
        float[] data = java.util.Arrays.copyOf(a.data(), a.data().length + b.data().length);
        System.arraycopy(b.data(), 0, data, a.data().length, b.data().length);
        int[] shape = a.shape().clone();
        shape[0] = a.examples() + b.examples();
        return new FloatTensor(data, shape);
    }

    /** The target-labelled set, with a content hash for the substitute's provenance. */
    private static LabeledData labelled(FloatTensor x, int[] labels) {
        ByteBuffer bytes =
                ByteBuffer.allocate(4 * (x.data().length + labels.length)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(x.data());
        bytes.position(4 * x.data().length);
        bytes.asIntBuffer().put(labels);
        return new LabeledData(x, labels, "inputs labelled by the target", FileHash.sha256(bytes.array()));
    }
}
