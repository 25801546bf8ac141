package dev.marauder.attacks.inference.memorization;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import dev.marauder.core.data.TextCorpus;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.model.PrivacyGuarantee;
import dev.marauder.core.nn.Lstm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Trainer;
import dev.marauder.core.train.TrainingExamples;
import dev.marauder.core.train.TrainingRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A character-level LSTM language model (embedding, one {@link Lstm} layer, a linear layer to the
 * next-character logits), trained on a text with any {@link Trainer}: Adam on the mean
 * next-character cross-entropy, or DP-SGD with each training sequence as one example. The model the Secret Sharer experiments (Carlini et al. 2019) measure.
 */
public final class CharLanguageModel implements AutoCloseable {

    /**
     * The architecture.
     *
     * @param embedding embedding width
     * @param hidden LSTM units
     * @param sequenceLength characters per training sequence (one example, one unit of privacy)
     */
    public record Settings(int embedding, int hidden, int sequenceLength) {
        public Settings {
            if (embedding < 1 || hidden < 1 || sequenceLength < 2) {
                throw new IllegalArgumentException(
                        "language model settings must be positive (sequence length >= 2), got " + this);
            }
        }
    }

    /**
     * What training did, as recorded in results: the architecture, the trainer's hyper-parameters
     * and the outcome.
     */
    public record Run(
            int embedding,
            int hidden,
            int sequenceLength,
            int batchSize,
            int epochs,
            double learningRate,
            long seed,
            int characters,
            long parameters,
            double finalLoss) {}

    private final Model model;
    private final TextCorpus.Alphabet alphabet;
    private final Run run;
    private final PrivacyGuarantee privacy;

    private CharLanguageModel(Model model, TextCorpus.Alphabet alphabet, Run run, PrivacyGuarantee privacy) {
        this.model = model;
        this.alphabet = alphabet;
        this.run = run;
        this.privacy = privacy;
    }

    /** The network: embedding, LSTM, per-position linear layer to {@code vocabulary} logits. */
    public static Block block(int vocabulary, Settings s) {
        return new SequentialBlock()
                .add(new IdEmbedding.Builder()
                        .setDictionarySize(vocabulary)
                        .setEmbeddingSize(s.embedding())
                        .build())
                .add(new Lstm(s.hidden()))
                .add(Linear.builder().setUnits(vocabulary).build());
    }

    /**
     * Trains on {@code text} (alphabet indices), cut into non-overlapping sequences of
     * {@code sequenceLength + 1} characters (inputs and next-character targets), with any
     * {@link Trainer}: plain Adam, or DP-SGD with each sequence as one example.
     */
    public static CharLanguageModel train(
            int[] text,
            TextCorpus.Alphabet alphabet,
            Settings s,
            Trainer trainer,
            Progress progress,
            Consumer<String> warnings) {
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
        Engines.seed(trainer.seed());
        Model model = Model.newInstance("char-lstm");
        Block block = block(alphabet.size(), s);
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(trainer.batchSize(), t));
        TrainingExamples examples = new TrainingExamples() {
            @Override
            public int size() {
                return sequences;
            }

            @Override
            public NDArray inputs(NDManager m, int[] batch) {
                return batchInputs(m, inputs, batch, t);
            }

            @Override
            public NDArray targets(NDManager m, int[] batch) {
                return batchTargets(m, targets, batch, t);
            }
        };
        TrainingRun result;
        try {
            result = trainer.fit(block, examples, "char-lstm", progress, warnings);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        long parameters = 0;
        for (var p : block.getParameters()) {
            parameters += p.getValue().getArray().getShape().size();
        }
        Run run = new Run(
                s.embedding(),
                s.hidden(),
                t,
                trainer.batchSize(),
                trainer.epochs(),
                trainer.learningRate(),
                trainer.seed(),
                text.length,
                parameters,
                result.finalLoss());
        return new CharLanguageModel(model, alphabet, run, result.privacy());
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
            byLength.computeIfAbsent(contexts.get(i).length, k -> new ArrayList<>())
                    .add(i);
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
                    NDArray logits = model.getBlock()
                            .forward(parameters, new NDList(batch.create(x, new Shape(rows.size(), length))), false)
                            .singletonOrThrow();
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

    /** What training did. */
    public Run run() {
        return run;
    }

    /** The guarantee of a DP run, or null without DP. */
    public PrivacyGuarantee privacy() {
        return privacy;
    }

    @Override
    public void close() {
        model.close();
    }
}
