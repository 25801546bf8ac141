package dev.marauder.attacks.extraction;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.TrainingExamples;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Learning-based extraction (Tramer et al. 2016, "Stealing Machine Learning Models via Prediction
 * APIs", Sections 4.1.2 and 6): query the target on inputs of the attacker's choice and train a
 * substitute of a chosen built-in architecture on the answers. Black-box, untargeted. The
 * substitute is trained with the project's trainer ({@link AdamTrainer}, gradients through
 * {@code dev.marauder.core.engine.Autograd}) to minimise the cross-entropy to the returned
 * probability vectors when the target returns confidences, and to the returned labels when it
 * returns labels only ({@link OutputKind#LABELS}, the paper's Section 6 setting).
 *
 * <p>Queries ({@link #budget()} in all) are chosen by a {@link Strategy}: {@link Strategy#UNIFORM}
 * draws them all uniformly from the target's input box (the paper's "uniform retraining");
 * {@link Strategy#ADAPTIVE} spends {@code budget / rounds} uniformly, then in each later round
 * queries the inputs the current substitute is least sure about (smallest gap between its two most
 * probable classes among a pool of {@link #POOL_FACTOR} times as many uniform candidates, which the
 * substitute scores without querying the target), the uncertainty sampling that the paper's
 * "adaptive retraining" borrows from active learning (Cohn, Atlas &amp; Ladner 1994), and trains
 * on everything queried so far. Immutable; the target is given at call time.
 *
 * @param architecture the substitute's architecture
 * @param budget the queries to spend (at least 1)
 * @param strategy how the queries are chosen
 * @param rounds query rounds of the adaptive strategy (at least 1; 1 for uniform)
 * @param trainer how the substitute is fitted in each round (its seed seeds initialisation and
 *     shuffling; the queries are drawn from {@link #seed()})
 * @param seed seeds the queries
 */
public record LearningExtraction(
        Architecture architecture, int budget, Strategy strategy, int rounds, AdamTrainer trainer, long seed) {

    /** Uniform candidates scored by the substitute per query chosen in an adaptive round. */
    public static final int POOL_FACTOR = 20;

    /** How the queries are chosen. */
    public enum Strategy {
        /** All queries uniformly at random within the input bounds. */
        UNIFORM,
        /** A uniform first round, then the inputs the substitute is least sure about. */
        ADAPTIVE;

        /** The strategy named {@code id} ({@code uniform} or {@code adaptive}). */
        public static Strategy of(String id) {
            for (Strategy s : values()) {
                if (s.name().toLowerCase(Locale.ROOT).equals(id.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new IllegalArgumentException("query strategy must be uniform or adaptive, got '" + id + "'");
        }
    }

    /** Checks the settings. */
    public LearningExtraction {
        if (architecture == null || strategy == null || trainer == null) {
            throw new IllegalArgumentException("architecture, strategy and trainer are required");
        }
        if (budget < 1) {
            throw new IllegalArgumentException("the query budget must be at least 1, got " + budget);
        }
        if (rounds < 1 || rounds > budget) {
            throw new IllegalArgumentException("rounds must be between 1 and the budget " + budget + ", got " + rounds);
        }
        if (strategy == Strategy.UNIFORM && rounds != 1) {
            throw new IllegalArgumentException("uniform queries come in one round, got " + rounds);
        }
    }

    /**
     * Defaults for a small table or feature vector: Adam with 50 epochs of batches of 32 at
     * learning rate 0.01 per round, adaptive queries in 5 rounds, seed 0.
     */
    public static LearningExtraction defaults(Architecture architecture, int budget) {
        return new LearningExtraction(
                architecture, budget, Strategy.ADAPTIVE, Math.min(5, budget), new AdamTrainer(50, 32, 0.01, 0), 0);
    }

    /**
     * Steals {@code target}.
     *
     * @param progress receives the training rounds
     * @throws IllegalArgumentException if the architecture cannot take the target's inputs
     */
    public ExtractionResult extract(Classifier target, Progress progress) {
        architecture.checkInput(target.inputSpec().shape());
        long start = System.nanoTime();
        Provenance.Recorder provenance = Provenance.start()
                .setting("attack", "learning-based extraction (Tramer et al. 2016)")
                .setting("architecture", architecture.id())
                .setting("budget", budget)
                .setting("strategy", strategy.name().toLowerCase(Locale.ROOT))
                .setting("rounds", rounds)
                .setting("trainer", trainer)
                .setting("target", target.info().name())
                .hashes(target.info().fileHashes())
                .seed(seed);
        SplittableRandom random = new SplittableRandom(seed);
        boolean labelsOnly = target.outputKind() == OutputKind.LABELS;
        int classes = target.classes();
        long before = target.queries();
        Engines.seed(trainer.seed());
        Model model = BuiltinClassifier.newModel(architecture, classes);
        try {
            BuiltinClassifier.initialize(model, target.inputSpec().shape());
            List<FloatTensor> inputs = new ArrayList<>();
            List<float[][]> answers = new ArrayList<>();
            int spent = 0;
            BuiltinClassifier substitute = null;
            for (int round = 0; round < rounds; round++) {
                int n = (budget - spent) / (rounds - round);
                FloatTensor x = round == 0
                        ? Oracle.uniform(target.inputSpec(), n, random)
                        : leastCertain(substitute, n, random);
                inputs.add(x);
                answers.add(Oracle.probabilities(target, x));
                spent += n;
                model.getBlock().freezeParameters(false);
                trainer.fit(
                        model.getBlock(),
                        examples(inputs, answers, labelsOnly),
                        "substitute round " + (round + 1),
                        progress,
                        w -> {});
                substitute = provisional(model, target);
            }
            long queries = target.queries() - before;
            double seconds = (System.nanoTime() - start) / 1e9;
            Provenance finished = provenance.finish();
            ModelCard card = StolenModels.card(
                    architecture,
                    target,
                    queries,
                    trainer.epochs(),
                    trainer.batchSize(),
                    trainer.learningRate(),
                    trainer.optimizer(),
                    trainer.seed(),
                    seconds,
                    finished);
            BuiltinClassifier stolen = new BuiltinClassifier(
                    model, card, new ModelInfo("stolen-" + target.info().name(), ModelFormat.MARAUDER, Map.of()));
            return new ExtractionResult("learning", architecture.id(), queries, seconds, finished, stolen);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The current substitute as a classifier (sharing the engine model; never closed itself). */
    private static BuiltinClassifier provisional(Model model, Classifier target) {
        ModelCard card =
                StolenModels.card(Architecture.of(model.getName()), target, 0, 1, 1, 1, "provisional", 0, 0, null);
        return new BuiltinClassifier(model, card, new ModelInfo("substitute", ModelFormat.MARAUDER, Map.of()));
    }

    /**
     * The {@code n} inputs among {@code POOL_FACTOR * n} uniform candidates on which the substitute's
     * two most probable classes are closest. Scoring the candidates queries the substitute only.
     */
    private FloatTensor leastCertain(BuiltinClassifier substitute, int n, SplittableRandom random) {
        FloatTensor pool = Oracle.uniform(substitute.inputSpec(), n * POOL_FACTOR, random);
        float[][] p = Oracle.probabilities(substitute, pool);
        Integer[] order = new Integer[p.length];
        double[] margin = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
            float[] row = p[i].clone();
            Arrays.sort(row);
            margin[i] = row[row.length - 1] - row[row.length - 2];
        }
        Arrays.sort(order, (a, b) -> Double.compare(margin[a], margin[b]));
        int[] chosen = new int[n];
        for (int k = 0; k < n; k++) {
            chosen[k] = order[k];
        }
        return pool.select(chosen);
    }

    /**
     * The queried inputs with what the target answered: probability vectors (renormalised, since a
     * rounded answer may not sum to one) or, for a label-only target, the labels.
     */
    private static TrainingExamples examples(List<FloatTensor> inputs, List<float[][]> answers, boolean labelsOnly) {
        int total = inputs.stream().mapToInt(FloatTensor::examples).sum();
        int width = inputs.get(0).exampleSize();
        int[] shape = inputs.get(0).shape().clone();
        shape[0] = total;
        float[] x = new float[total * width];
        float[][] q = new float[total][];
        int at = 0;
        for (int b = 0; b < inputs.size(); b++) {
            FloatTensor t = inputs.get(b);
            System.arraycopy(t.data(), 0, x, at * width, t.examples() * width);
            for (float[] row : answers.get(b)) {
                q[at++] = normalised(row);
            }
        }
        FloatTensor all = new FloatTensor(x, shape);
        return new TrainingExamples() {
            @Override
            public int size() {
                return total;
            }

            @Override
            public NDArray inputs(NDManager manager, int[] indices) {
                return Tensors.toNDArray(manager, all.select(indices));
            }

            @Override
            public NDArray targets(NDManager manager, int[] indices) {
                if (labelsOnly) {
                    int[] labels = new int[indices.length];
                    for (int i = 0; i < indices.length; i++) {
                        labels[i] = Oracle.argMax(q[indices[i]]);
                    }
                    return Tensors.labels(manager, labels);
                }
                float[][] rows = new float[indices.length][];
                for (int i = 0; i < indices.length; i++) {
                    rows[i] = q[indices[i]];
                }
                return manager.create(rows);
            }
        };
    }

    private static float[] normalised(float[] row) {
        double sum = 0;
        for (float v : row) {
            sum += Math.max(0, v);
        }
        float[] out = new float[row.length];
        for (int c = 0; c < row.length; c++) {
            // an all-zero rounded row says nothing about the classes: uniform
            out[c] = sum > 0 ? (float) (Math.max(0, row[c]) / sum) : 1f / row.length;
        }
        return out;
    }
}
