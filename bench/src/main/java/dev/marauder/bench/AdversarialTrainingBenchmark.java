package dev.marauder.bench;

import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.defenses.training.AdversarialTrainer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The cost of PGD adversarial training (Madry et al. 2018) against plain training: one epoch of
 * each, alternating, on the same data and batch size. A PGD-k epoch does k forward and
 * input-backward passes of the attack plus one clean forward pass (for the progress line's clean
 * accuracy) and one training step per batch, so its target is at most {@code k + 1.2} times a
 * clean epoch.
 */
public final class AdversarialTrainingBenchmark {
    private AdversarialTrainingBenchmark() {}

    /**
     * The comparison; times in seconds, one per repeat, in the order run.
     *
     * @param architecture the trained architecture
     * @param examples training examples per epoch
     * @param batchSize mini-batch size
     * @param attackSteps k, the inner PGD's steps
     * @param cleanSeconds plain epochs
     * @param adversarialSeconds PGD-k epochs
     * @param ratioOfFastest fastest adversarial epoch over fastest plain epoch
     * @param ratioOfMedians median over median
     * @param target {@code k + 1.2}
     */
    public record Result(
            String architecture,
            int examples,
            int batchSize,
            int attackSteps,
            List<Double> cleanSeconds,
            List<Double> adversarialSeconds,
            double ratioOfFastest,
            double ratioOfMedians,
            double target) {}

    /**
     * Runs a short warm-up of each kind, then {@code repeats} pairs of epochs, plain first.
     *
     * @param oneEpoch the architecture and Adam settings (one epoch)
     * @param epsilon the L-inf radius trained against
     * @param attackSteps k
     * @throws IllegalArgumentException if {@code repeats < 1}
     */
    public static Result run(
            TrainingSettings oneEpoch, double epsilon, int attackSteps, TrainTestSplit data, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        float[] unit = {0f, 1f};
        AdversarialTrainer pgd = AdversarialTrainer.of(
                        AdversarialTrainer.Method.PGD, Norm.LINF, epsilon, unit, oneEpoch.trainer())
                .withAttack(attackSteps, 2.5 * epsilon / attackSteps);
        TrainTestSplit warm = new TrainTestSplit(
                "warm-up",
                data.train().slice(0, Math.min(512, data.train().size())),
                data.test().slice(0, Math.min(64, data.test().size())));
        try (BuiltinClassifier a = Training.train(oneEpoch, warm, unit, Progress.NONE);
                BuiltinClassifier b =
                        Training.train(oneEpoch.architecture(), pgd, warm, unit, Progress.NONE, w -> {})) {
            // warm-up only
        }
        List<Double> clean = new ArrayList<>();
        List<Double> adversarial = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            try (BuiltinClassifier plain = Training.train(oneEpoch, data, unit, Progress.NONE)) {
                clean.add(plain.card().trainingSeconds());
            }
            try (BuiltinClassifier robust =
                    Training.train(oneEpoch.architecture(), pgd, data, unit, Progress.NONE, w -> {})) {
                adversarial.add(robust.card().trainingSeconds());
            }
        }
        return new Result(
                oneEpoch.architecture().id(),
                data.train().size(),
                oneEpoch.batchSize(),
                attackSteps,
                List.copyOf(clean),
                List.copyOf(adversarial),
                Collections.min(adversarial) / Collections.min(clean),
                DpSgdBenchmark.median(adversarial) / DpSgdBenchmark.median(clean),
                attackSteps + 1.2);
    }
}
