package dev.marauder.attacks.transfer;

import dev.marauder.attacks.evasion.EvasionAttack;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The black-box transfer attack of Papernot et al. 2017 ("Practical Black-Box Attacks against
 * Machine Learning"): train a substitute from the target's labels ({@link SubstituteTraining}),
 * craft adversarial examples on the substitute with a white-box attack, and submit them to the
 * target. Reports the transfer success rate (the share of examples the target classifies correctly
 * whose substitute-crafted counterpart it misclassifies), the target's robust accuracy under the
 * transferred examples, and every target query spent, for labelling and for evaluation.
 *
 * <p>Immutable settings; the target, seeds and evaluation data at call time.
 *
 * @param substitute how the substitute is trained
 * @param craft the white-box attack run on the substitute (FGSM in the paper)
 * @param batchSize examples per attack and query batch
 */
public record TransferAttack(
        SubstituteTraining substitute, EvasionAttack<DifferentiableClassifier> craft, int batchSize) {

    /** Validates. */
    public TransferAttack {
        Objects.requireNonNull(substitute, "substitute");
        Objects.requireNonNull(craft, "craft");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
    }

    /**
     * Trains the substitute on {@code seeds} and attacks {@code target} with examples crafted on it
     * from {@code evaluation}.
     *
     * @param target the black-box model
     * @param seeds the attacker's unlabelled inputs for the substitute
     * @param evaluation labelled examples to perturb
     * @param epsilons the white-box attack's budgets
     */
    public TransferResult run(
            Classifier target,
            LabeledData seeds,
            LabeledData evaluation,
            Progress progress,
            Consumer<String> warnings,
            double... epsilons) {
        if (epsilons.length == 0) {
            throw new IllegalArgumentException("give at least one epsilon");
        }
        long start = System.nanoTime();
        long queriesBefore = target.queries();
        int n = evaluation.size();
        try (SubstituteTraining.Substitute s =
                substitute.train(target, seeds.features(), evaluation, progress, warnings)) {
            RobustnessResult white = new RobustnessEvaluation(batchSize, 0, true)
                    .evaluate(s.model(), craft, evaluation, null, progress, epsilons);
            int[] labels = evaluation.labels();
            int[] clean = target.classify(evaluation.features(), batchSize);
            int cleanCorrect = 0;
            int agree = 0;
            for (int i = 0; i < n; i++) {
                cleanCorrect += clean[i] == labels[i] ? 1 : 0;
                agree += clean[i] == white.cleanPredictions()[i] ? 1 : 0;
            }
            List<TransferResult.AtEpsilon> rows = new ArrayList<>();
            for (RobustnessResult.AtEpsilon w : white.perEpsilon()) {
                int[] adversarial = target.classify(w.adversarial(), batchSize);
                int robust = 0;
                int transferred = 0;
                for (int i = 0; i < n; i++) {
                    boolean correct = clean[i] == labels[i];
                    robust += correct && adversarial[i] == labels[i] ? 1 : 0;
                    transferred += correct && adversarial[i] != labels[i] ? 1 : 0;
                }
                rows.add(new TransferResult.AtEpsilon(
                        w.epsilon(),
                        (double) robust / n,
                        cleanCorrect == 0 ? 0 : (double) transferred / cleanCorrect,
                        w.attackSuccessRate(),
                        w.robustAccuracy(),
                        w.meanPerturbation()));
            }
            long evaluationQueries = target.queries() - queriesBefore - s.queries();
            Provenance provenance = Provenance.start()
                    .setting("substitute", substitute)
                    .setting("craft", craft.settings())
                    .setting("epsilons", epsilons)
                    .hash("evaluation", evaluation.sha256())
                    .hash("seeds", seeds.sha256())
                    .seed(substitute.seed())
                    .finish();
            return new TransferResult(
                    craft.name(),
                    substitute.architecture().id(),
                    s.queries(),
                    evaluationQueries,
                    s.rounds(),
                    n,
                    (double) cleanCorrect / n,
                    s.model().card().testAccuracy(),
                    (double) agree / n,
                    rows,
                    (System.nanoTime() - start) / 1e9,
                    provenance);
        }
    }
}
