package dev.marauder.defenses.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.marauder.core.model.TrainingDefense;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamObjectiveTrainer;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.BatchObjective;
import dev.marauder.core.train.Losses;
import dev.marauder.core.train.TrainingExamples;
import dev.marauder.core.train.TrainingRun;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Gaussian noise augmentation, the training of a base classifier for randomized smoothing (Cohen,
 * Rosenfeld &amp; Kolter 2019, Section 4): every training input is replaced by {@code x + N(0,
 * sigma^2 I)} with fresh noise at each step, so that the base classifier is accurate on the noisy
 * copies {@link dev.marauder.defenses.certification.RandomizedSmoothing} feeds it. Runs through the
 * Adam loop of plain training.
 *
 * @param sigma the noise's standard deviation (in input units), the same as certification's
 * @param updates epochs, batch size, learning rate and seed (which also seeds the noise)
 */
public record NoiseAugmentedTrainer(double sigma, AdamTrainer updates) implements AdamObjectiveTrainer {

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if sigma is not positive and finite
     */
    public NoiseAugmentedTrainer {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
        }
        if (updates == null) {
            throw new IllegalArgumentException("updates are required");
        }
    }

    @Override
    public TrainingRun fit(
            Block block, TrainingExamples examples, String name, Progress progress, Consumer<String> warnings) {
        SplittableRandom random = new SplittableRandom(updates.seed() ^ 0xC2B2AE3D27D4EB4FL);
        BatchObjective noisy = new BatchObjective() {
            @Override
            public boolean prepares() {
                return true;
            }

            @Override
            public NDArray prepare(Block b, ParameterStore parameters, NDArray x, NDArray y) {
                float[] noise = new float[Math.toIntExact(x.size())];
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = (float) (sigma * random.nextGaussian());
                }
                return x.add(x.getManager().create(noise, x.getShape()));
            }

            @Override
            public NDArray loss(Block b, ParameterStore parameters, NDArray x, NDArray prepared, NDArray y) {
                return Losses.meanCrossEntropy(BatchObjective.forward(b, parameters, prepared, true), y);
            }
        };
        return updates.fit(block, examples, name + " (Gaussian noise, sigma " + sigma + ")", progress, noisy);
    }

    @Override
    public TrainingDefense defense() {
        return new TrainingDefense(
                "gaussian-noise-augmentation",
                "Cohen, Rosenfeld & Kolter 2019, Certified Adversarial Robustness via Randomized Smoothing",
                Map.of("sigma", sigma));
    }

    @Override
    public NoiseAugmentedTrainer withSeed(long value) {
        return new NoiseAugmentedTrainer(sigma, updates.withSeed(value));
    }
}
