package dev.marauder.attacks.inference.memorization;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.marauder.core.data.TextCorpus;
import dev.marauder.core.engine.Autograd;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.nn.Lstm;
import dev.marauder.core.progress.Progress;
import dev.marauder.privacy.accounting.PrivacyAccountant;
import dev.marauder.privacy.accounting.Schedule;
import dev.marauder.privacy.dpsgd.DpSgdSettings;
import dev.marauder.privacy.dpsgd.DpSgdStep;
import dev.marauder.privacy.dpsgd.NoiseSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A character-level LSTM language model (embedding, one {@link Lstm} layer, a linear layer to the
 * next-character logits), trained on a text with the project's trainers: Adam on the mean
 * next-character cross-entropy, or DP-SGD ({@link DpSgdStep}) with each training sequence as one
 * example, Poisson-sampled. The model the Secret Sharer experiments (Carlini et al. 2019) measure.
 */
public final class CharLanguageModel implements AutoCloseable {

    /**
     * Architecture and training settings.
     *
     * @param embedding embedding width
     * @param hidden LSTM units
     * @param sequenceLength characters per training sequence (one example)
     * @param batchSize (expected) sequences per step
     * @param epochs passes over the sequences
     * @param learningRate Adam's learning rate
     * @param seed initialisation and (non-private) batch order
     */
    public record Settings(int embedding, int hidden, int sequenceLength, int batchSize, int epochs, double learningRate,
            long seed) {
        public Settings {
            if (embedding < 1 || hidden < 1 || sequenceLength < 2 || batchSize < 1 || epochs < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("language model settings must be positive (sequence length >= 2), got "
                        + this);
            }
        }

        /** The settings as a map for provenance. */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("embedding", embedding);
            m.put("hidden", hidden);
            m.put("sequence_length", sequenceLength);
            m.put("batch_size", batchSize);
            m.put("epochs", epochs);
            m.put("learning_rate", learningRate);
            m.put("seed", seed);
            return m;
        }
    }

    private final Model model;
    private final TextCorpus.Alphabet alphabet;
    private final Settings settings;
    private final Map<String, Object> privacy;
    private final double finalLoss;

    private CharLanguageModel(Model model, TextCorpus.Alphabet alphabet, Settings settings, Map<String, Object> privacy,
            double finalLoss) {
        this.model = model;
        this.alphabet = alphabet;
        this.settings = settings;
        this.privacy = privacy;
        this.finalLoss = finalLoss;
    }

    /** The network: embedding, LSTM, per-position linear layer to {@code vocabulary} logits. */
    public static Block block(int vocabulary, Settings s) {
        return new SequentialBlock()
                .add(new IdEmbedding.Builder().setDictionarySize(vocabulary).setEmbeddingSize(s.embedding()).build())
                .add(new Lstm(s.hidden()))
                .add(Linear.builder().setUnits(vocabulary).build());
    }

    /**
     * Trains on {@code text} (alphabet indices), cut into non-overlapping sequences of
     * {@code sequenceLength + 1} characters (inputs and next-character targets).
     *
     * @param dp DP-SGD settings (noise multiplier set), or null for ordinary training
     */
    public static CharLanguageModel train(int[] text, TextCorpus.Alphabet alphabet, Settings s, DpSgdSettings dp,
            Progress progress, Consumer<String> warnings) {
        int t = s.sequenceLength();
        int sequences = (text.length - 1) / t;
        if (sequences < 2) {
            throw new IllegalArgumentException("the text has " + text.length + " characters, too few for sequences of "
                    + t + "; shorten the sequence length or give more text");
        }
        float[] inputs = new float[sequences * t];
        long[] targets = new long[sequences * t];
        for (int q = 0; q < sequences; q++) {
            for (int i = 0; i < t; i++) {
                inputs[q * t + i] = text[q * t + i];
                targets[q * t + i] = text[q * t + i + 1];
            }
        }
        Engines.seed(s.seed());
        Model model = Model.newInstance("char-lstm");
        Block block = block(alphabet.size(), s);
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(s.batchSize(), t));
        Optimizer optimizer = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) s.learningRate())).build();
        ParameterStore parameters = new ParameterStore(model.getNDManager(), false);
        Map<String, Object> privacy = null;
        double loss = Double.NaN;
        try (NDManager manager = model.getNDManager().newSubManager()) {
            if (dp == null) {
                loss = trainPlain(block, parameters, optimizer, inputs, targets, sequences, s, manager, progress);
            } else {
                privacy = new LinkedHashMap<>();
                loss = trainPrivate(block, parameters, optimizer, inputs, targets, sequences, s, dp, manager, progress,
                        warnings, privacy);
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new CharLanguageModel(model, alphabet, s, privacy, loss);
    }

    private static double trainPlain(Block block, ParameterStore parameters, Optimizer optimizer, float[] inputs,
            long[] targets, int sequences, Settings s, NDManager manager, Progress progress) {
        int t = s.sequenceLength();
        SplittableRandom random = new SplittableRandom(s.seed());
        int steps = (sequences + s.batchSize() - 1) / s.batchSize();
        double last = Double.NaN;
        try (Progress.Task task = progress.start("char-lstm", (long) steps * s.epochs())) {
            for (int epoch = 0; epoch < s.epochs(); epoch++) {
                int[] order = dev.marauder.core.data.Permutations.shuffled(sequences, random);
                for (int start = 0; start < sequences; start += s.batchSize()) {
                    int[] batch = java.util.Arrays.copyOfRange(order, start, Math.min(sequences, start + s.batchSize()));
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray x = batchInputs(scope, inputs, batch, t);
                        NDArray y = batchTargets(scope, targets, batch, t);
                        last = Autograd.collect(gc -> {
                            NDArray out = block.forward(parameters, new NDList(x), true).singletonOrThrow();
                            NDArray mean = out.logSoftmax(-1).mul(y.oneHot((int) out.getShape().get(2), out.getDataType()))
                                    .sum().neg().div((float) (batch.length * t));
                            gc.backward(mean);
                            return (double) mean.getFloat();
                        });
                        for (var p : block.getParameters()) {
                            NDArray w = p.getValue().getArray();
                            optimizer.update(p.getValue().getId(), w, w.getGradient());
                        }
                        Autograd.zeroParameterGradients(block);
                    }
                    task.advance(1);
                }
                task.status(String.format(Locale.ROOT, "loss %.3f", last));
            }
        }
        return last;
    }

    private static double trainPrivate(Block block, ParameterStore parameters, Optimizer optimizer, float[] inputs,
            long[] targets, int sequences, Settings s, DpSgdSettings dp, NDManager manager, Progress progress,
            Consumer<String> warnings, Map<String, Object> privacy) {
        if (Double.isNaN(dp.noiseMultiplier())) {
            throw new IllegalArgumentException("DP training of the language model needs a noise multiplier");
        }
        int t = s.sequenceLength();
        long steps = Schedule.steps(sequences, s.batchSize(), s.epochs());
        double rate = Schedule.sampleRate(sequences, s.batchSize());
        NoiseSource random = dp.seed() == null ? NoiseSource.secure() : NoiseSource.seeded(dp.seed());
        if (!random.isSecure()) {
            warnings.accept("DP-SGD with a fixed seed is reproducible but NOT private: use it for tests only");
        }
        PrivacyAccountant accountant = dp.accountant().newAccountant();
        block.freezeParameters(true);
        double last = Double.NaN;
        try (DpSgdStep update = new DpSgdStep(block, parameters, optimizer, random, dp.noiseMultiplier(), dp.clipNorm(),
                s.batchSize()); Progress.Task task = progress.start("char-lstm dp-sgd", steps)) {
            for (long step = 1; step <= steps; step++) {
                int[] batch = random.poissonSample(sequences, rate);
                try (NDManager scope = manager.newSubManager()) {
                    if (batch.length == 0) {
                        update.update(scope, null, null); // an empty sample still adds noise
                    } else {
                        last = update.update(scope, batchInputs(scope, inputs, batch, t),
                                batchTargets(scope, targets, batch, t)) / ((double) batch.length * t);
                    }
                }
                accountant.step(dp.noiseMultiplier(), rate);
                task.advance(1);
            }
        } finally {
            block.freezeParameters(false);
        }
        privacy.put("mechanism", "DP-SGD, Poisson-sampled Gaussian, per-sequence clipping");
        privacy.put("noise_multiplier", dp.noiseMultiplier());
        privacy.put("clip_norm", dp.clipNorm());
        privacy.put("sample_rate", rate);
        privacy.put("steps", steps);
        privacy.put("delta", dp.delta());
        privacy.put("accountant", dp.accountant().label());
        privacy.put("epsilon", accountant.epsilon(dp.delta()));
        privacy.put("secure_randomness", random.isSecure());
        return last;
    }

    private static NDArray batchInputs(NDManager m, float[] inputs, int[] batch, int t) {
        float[] x = new float[batch.length * t];
        for (int i = 0; i < batch.length; i++) {
            System.arraycopy(inputs, batch[i] * t, x, i * t, t);
        }
        return m.create(x, new Shape(batch.length, t));
    }

    private static NDArray batchTargets(NDManager m, long[] targets, int[] batch, int t) {
        long[] y = new long[batch.length * t];
        for (int i = 0; i < batch.length; i++) {
            System.arraycopy(targets, batch[i] * t, y, i * t, t);
        }
        return m.create(y, new Shape(batch.length, t));
    }

    /**
     * The natural-log probabilities of every character after each context (all of one length or
     * not; contexts are grouped by length and run batched).
     *
     * @return {@code [contexts][alphabet size]}
     */
    public double[][] nextLogProbabilities(List<int[]> contexts) {
        double[][] out = new double[contexts.size()][];
        Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
        for (int i = 0; i < contexts.size(); i++) {
            byLength.computeIfAbsent(contexts.get(i).length, k -> new ArrayList<>()).add(i);
        }
        ParameterStore parameters = new ParameterStore(model.getNDManager(), false);
        try (NDManager scope = model.getNDManager().newSubManager()) {
            for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
                int length = group.getKey();
                if (length == 0) {
                    throw new IllegalArgumentException("a context needs at least one character");
                }
                List<Integer> rows = group.getValue();
                float[] x = new float[rows.size() * length];
                for (int r = 0; r < rows.size(); r++) {
                    int[] c = contexts.get(rows.get(r));
                    for (int i = 0; i < length; i++) {
                        x[r * length + i] = c[i];
                    }
                }
                try (NDManager batch = scope.newSubManager()) {
                    NDArray logits = model.getBlock().forward(parameters,
                            new NDList(batch.create(x, new Shape(rows.size(), length))), false).singletonOrThrow();
                    int v = alphabet.size();
                    float[] last = logits.get(":, -1, :").logSoftmax(-1).toFloatArray();
                    for (int r = 0; r < rows.size(); r++) {
                        double[] row = new double[v];
                        for (int k = 0; k < v; k++) {
                            row[k] = last[r * v + k];
                        }
                        out[rows.get(r)] = row;
                    }
                }
            }
        }
        return out;
    }

    /**
     * The model seen through the slots of {@code format}: the context is a line break, the
     * format's prefix, then the partial secret (the way canaries are inserted, one per line).
     */
    public SequenceScorer scorer(CanaryFormat format) {
        int[] slotSymbols = alphabet.encode(format.alphabet());
        int[] context = alphabet.encode("\n" + format.prefix());
        return prefixes -> {
            List<int[]> contexts = new ArrayList<>(prefixes.size());
            for (int[] partial : prefixes) {
                int[] c = java.util.Arrays.copyOf(context, context.length + partial.length);
                for (int i = 0; i < partial.length; i++) {
                    c[context.length + i] = slotSymbols[partial[i]];
                }
                contexts.add(c);
            }
            double[][] all = nextLogProbabilities(contexts);
            double[][] rows = new double[all.length][slotSymbols.length];
            for (int r = 0; r < all.length; r++) {
                for (int k = 0; k < slotSymbols.length; k++) {
                    rows[r][k] = all[r][slotSymbols[k]];
                }
            }
            return rows;
        };
    }

    /** The settings it was trained with. */
    public Settings settings() {
        return settings;
    }

    /** The DP record (noise, clip, sample rate, steps, delta, accountant, epsilon), or null without DP. */
    public Map<String, Object> privacy() {
        return privacy;
    }

    /** The mean per-character training loss of the last step (nats). */
    public double finalLoss() {
        return finalLoss;
    }

    /** The parameters' total size. */
    public long parameterCount() {
        long n = 0;
        for (var p : model.getBlock().getParameters()) {
            Parameter parameter = p.getValue();
            n += parameter.getArray().getShape().size();
        }
        return n;
    }

    @Override
    public void close() {
        model.close();
    }
}
