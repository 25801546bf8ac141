package dev.marauder.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.marauder.core.data.Permutations;
import dev.marauder.core.engine.Autograd;
import dev.marauder.core.progress.Progress;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Ordinary (non-private) training: shuffled mini-batches, Adam (Kingma &amp; Ba 2015) on the mean
 * cross-entropy. Deterministic for a given seed: the batch order is drawn from {@link #seed()}.
 *
 * <p>The update is applied here rather than by DJL's {@code Trainer.step()}, whose first-step
 * sanity check (the sum of all gradients must not be 0) rejects a correct gradient of
 * multinomial logistic regression: the softmax cross-entropy's gradients sum to exactly 0 over the
 * classes, which rounding hides for some batches but not all.
 *
 * @param epochs passes over the training data (at least 1)
 * @param batchSize mini-batch size (at least 1)
 * @param learningRate Adam's learning rate (positive, finite)
 * @param seed seeds parameter initialisation and the batch order
 */
public record AdamTrainer(int epochs, int batchSize, double learningRate, long seed) implements Trainer {

    /**
     * Checks the hyperparameters.
     *
     * @throws IllegalArgumentException if epochs, batch size or learning rate is out of range
     */
    public AdamTrainer {
        TrainingSettings.checkHyperparameters(epochs, batchSize, learningRate);
    }

    @Override
    public TrainingRun fit(
            Block block, TrainingExamples examples, String name, Progress progress, Consumer<String> warnings) {
        return fit(block, examples, name, progress, BatchObjective.CROSS_ENTROPY);
    }

    /**
     * Fits {@code block} to {@code examples} by minimising {@code objective} batch by batch: the
     * loop of every Adam-trained objective (plain, adversarial).
     *
     * @param block the network; its parameters are updated in place and left unfrozen
     * @param examples the training examples
     * @param name what the progress bar calls this run
     * @param progress receives the run's steps and, after each epoch, the objective's statistics
     * @param objective how a batch becomes a loss
     */
    public TrainingRun fit(
            Block block, TrainingExamples examples, String name, Progress progress, BatchObjective objective) {
        long start = System.nanoTime();
        Optimizer adam = Optimizer.adam()
                .optLearningRateTracker(Tracker.fixed((float) learningRate))
                .build();
        ParameterStore parameters = new ParameterStore(
                block.getParameters().get(0).getValue().getArray().getManager(), false);
        SplittableRandom shuffle = new SplittableRandom(seed);
        int n = examples.size();
        long steps = 0;
        double last = Double.NaN;
        try (NDManager manager = block.getParameters()
                        .get(0)
                        .getValue()
                        .getArray()
                        .getManager()
                        .newSubManager();
                Progress.Task task = progress.start("train " + name, (long) epochs * n)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                int[] order = Permutations.shuffled(n, shuffle);
                double lossSum = 0;
                int batches = 0;
                for (int from = 0; from < n; from += batchSize) {
                    int[] batch = Arrays.copyOfRange(order, from, Math.min(n, from + batchSize));
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray x = examples.inputs(scope, batch);
                        NDArray y = examples.targets(scope, batch);
                        NDArray prepared = prepare(objective, block, parameters, x, y);
                        last = Autograd.collect(gc -> {
                            NDArray loss = objective.loss(block, parameters, x, prepared, y);
                            gc.backward(loss);
                            return (double) loss.getFloat();
                        });
                        for (var p : block.getParameters()) {
                            NDArray w = p.getValue().getArray();
                            adam.update(p.getValue().getId(), w, w.getGradient());
                        }
                        Autograd.zeroParameterGradients(block);
                    }
                    lossSum += last;
                    batches++;
                    steps++;
                    task.advance(batch.length);
                }
                String statistics = objective.endEpoch();
                task.status(String.format(Locale.ROOT, "epoch %d loss %.4f", epoch + 1, lossSum / batches)
                        + (statistics.isEmpty() ? "" : " " + statistics));
            }
        }
        return new TrainingRun(steps, last, (System.nanoTime() - start) / 1e9, null);
    }

    private static NDArray prepare(
            BatchObjective objective, Block block, ParameterStore parameters, NDArray x, NDArray y) {
        if (!objective.prepares()) {
            return x;
        }
        block.freezeParameters(true);
        try {
            return objective.prepare(block, parameters, x, y);
        } finally {
            block.freezeParameters(false);
        }
    }

    @Override
    public AdamTrainer withSeed(long value) {
        return new AdamTrainer(epochs, batchSize, learningRate, value);
    }
}
