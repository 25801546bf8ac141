package dev.marauder.defenses.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.attacks.evasion.AttackEnsemble;
import dev.marauder.attacks.evasion.AutoPgd;
import dev.marauder.attacks.evasion.EvasionAttack;
import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.attacks.evasion.GradientMaskingCheck;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputGradient;
import dev.marauder.core.model.LogitsObjective;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.defenses.transform.DefendedClassifier.Gradients;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The honest evaluation of an input-transformation defense (Athalye, Carlini &amp; Wagner 2018;
 * Carlini et al. 2019, "On Evaluating Adversarial Robustness"): the same gradient attack (PGD,
 * APGD or the attack ensemble), at the same budget, against
 * <ol>
 *   <li>the undefended model (the baseline),
 *   <li>the defended model with the naive gradient (the non-adaptive attack the defense was
 *       designed against), and
 *   <li>the defended model with the adaptive gradient: BPDA, and EOT over the transformation's
 *       randomness when it has any (or as {@link Adaptive} says).
 * </ol>
 * The defense's gain is what it adds over the baseline's robust accuracy under the non-adaptive
 * attack; it is <em>broken</em> when the adaptive attack leaves at most {@code max(0.05, 10%)} of
 * that gain, and has <em>no gain</em> when that gain is at most 0.05 (sampling noise on a few
 * hundred examples). The gradient-masking checks ({@link GradientMaskingCheck}: FGSM against PGD, and the
 * share of inputs whose naive gradient is exactly zero) run on every defended model.
 *
 * @param epsilon the attack budget
 * @param norm the attack norm
 * @param attack the gradient attack (the same against every model)
 * @param steps its steps (PGD: step size {@code 2.5 epsilon / steps}, random start)
 * @param adaptive the adaptive gradient
 * @param eotSamples draws averaged per EOT gradient
 * @param batchSize examples per attack batch
 * @param seed seeds the attacks' random starts and the transformation's draws
 */
public record DefenseEvaluation(
        double epsilon,
        Norm norm,
        Attack attack,
        int steps,
        Adaptive adaptive,
        int eotSamples,
        int batchSize,
        long seed) {

    /** The gradient attack run against all three models. */
    public enum Attack {
        /** PGD with a random start, step {@code 2.5 epsilon / steps} (Madry et al. 2018). */
        PGD,
        /** APGD-CE (Croce &amp; Hein 2020). */
        APGD,
        /** The attack ensemble: APGD-CE, APGD-T, Square (Croce &amp; Hein 2020). */
        ENSEMBLE
    }

    /** Differences of robust accuracy this small are sampling noise on the usual evaluation sizes. */
    static final double SLACK = 0.05;

    /** The adaptive attack's gradient. */
    public enum Adaptive {
        /** BPDA, with EOT for a randomized transformation. */
        AUTO,
        /** BPDA with one draw, even for a randomized transformation. */
        BPDA,
        /** BPDA averaged over {@code eotSamples} draws. */
        EOT
    }

    /** Checks the settings. */
    public DefenseEvaluation {
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
        }
        if (attack == null || adaptive == null || norm == null) {
            throw new IllegalArgumentException("attack, adaptive gradient and norm are required");
        }
        if (steps < 1 || eotSamples < 1 || batchSize < 1) {
            throw new IllegalArgumentException("steps, EOT samples and batch size must be at least 1");
        }
    }

    /**
     * The result for one defense.
     *
     * @param defense the transformation's id
     * @param reference the paper that proposed it
     * @param epsilon the budget
     * @param norm the norm
     * @param examples examples evaluated
     * @param cleanAccuracy the undefended model's accuracy
     * @param defendedCleanAccuracy the defended model's accuracy
     * @param undefendedRobustAccuracy PGD against the undefended model
     * @param nonAdaptiveRobustAccuracy PGD with the naive gradient against the defended model
     * @param adaptiveRobustAccuracy PGD with the adaptive gradient against the defended model
     * @param adaptiveAttack e.g. {@code pgd with bpda} or {@code pgd with eot (k samples)}
     * @param verdict {@code broken}, {@code holds} or {@code no gain}
     * @param zeroGradientFraction share of inputs whose naive gradient is exactly zero
     * @param maskingWarnings the gradient-masking checks' warnings on the defended model
     * @param seconds wall-clock time
     */
    public record Report(
            String defense,
            String reference,
            double epsilon,
            Norm norm,
            int examples,
            double cleanAccuracy,
            double defendedCleanAccuracy,
            double undefendedRobustAccuracy,
            double nonAdaptiveRobustAccuracy,
            double adaptiveRobustAccuracy,
            String adaptiveAttack,
            String verdict,
            double zeroGradientFraction,
            List<String> maskingWarnings,
            double seconds) {}

    /**
     * Evaluates {@code transformation} in front of {@code model} on {@code data}.
     *
     * @param model the undefended model
     * @param transformation the defense
     * @param data labelled examples in the defended model's input
     * @param progress receives the attacks' progress
     */
    public Report evaluate(
            DifferentiableClassifier model, InputTransformation transformation, LabeledData data, Progress progress) {
        long start = System.nanoTime();
        EvasionAttack<DifferentiableClassifier> pgd = switch (attack) {
            case PGD ->
                ProjectedGradientDescent.builder(norm)
                        .optSteps(steps)
                        .optSeed(seed)
                        .build();
            case APGD -> AutoPgd.builder(norm).optSteps(steps).optSeed(seed).build();
            case ENSEMBLE ->
                AttackEnsemble.builder(norm).optSteps(steps).optSeed(seed).build();
        };
        RobustnessEvaluation evaluation = new RobustnessEvaluation(batchSize, 0, false);
        DefendedClassifier naive =
                new DefendedClassifier(model, transformation, Gradients.NAIVE, 1, new SplittableRandom(seed));
        boolean eot = adaptive == Adaptive.EOT || (adaptive == Adaptive.AUTO && transformation.randomized());
        DefendedClassifier adaptiveView = new DefendedClassifier(
                model,
                transformation,
                eot ? Gradients.EOT : Gradients.BPDA,
                eot ? eotSamples : 1,
                new SplittableRandom(seed + 1));
        boolean sameInput = java.util.Arrays.equals(
                naive.inputSpec().shape(), model.inputSpec().shape());
        double clean = sameInput ? Training.accuracy(model, data, batchSize) : Double.NaN;
        double defendedClean = Training.accuracy(naive, data, batchSize);
        double undefended = sameInput ? robust(evaluation, model, pgd, data, progress) : Double.NaN;
        RobustnessResult naivePgd = evaluation.evaluate(naive, pgd, data, null, progress, epsilon);
        RobustnessResult naiveFgsm =
                evaluation.evaluate(naive, new FastGradientMethod(norm), data, null, progress, epsilon);
        double nonAdaptive = naivePgd.perEpsilon().get(0).robustAccuracy();
        double adaptiveRobust = robust(evaluation, adaptiveView, pgd, data, progress);
        double zero = zeroGradientFraction(naive, data);
        List<String> warnings = new GradientMaskingCheck(0.02)
                .warnings(
                        List.of(
                                GradientMaskingCheck.Curve.of(naiveFgsm, true, false),
                                GradientMaskingCheck.Curve.of(naivePgd, true, true)),
                        zero,
                        Double.NaN,
                        Double.NaN);
        double baseline = sameInput ? undefended : 0;
        double gain = nonAdaptive - baseline;
        String verdict;
        if (gain <= SLACK) {
            verdict = "no gain";
        } else if (adaptiveRobust - baseline <= Math.max(SLACK, 0.1 * gain)) {
            verdict = "broken";
        } else {
            verdict = "holds";
        }
        return new Report(
                transformation.id(),
                transformation.reference(),
                epsilon,
                norm,
                data.size(),
                clean,
                defendedClean,
                undefended,
                nonAdaptive,
                adaptiveRobust,
                attack.name().toLowerCase(Locale.ROOT)
                        + (eot ? String.format(Locale.ROOT, " with eot (%d samples)", eotSamples) : " with bpda"),
                verdict,
                zero,
                warnings,
                (System.nanoTime() - start) / 1e9);
    }

    private double robust(
            RobustnessEvaluation evaluation,
            DifferentiableClassifier model,
            EvasionAttack<DifferentiableClassifier> pgd,
            LabeledData data,
            Progress progress) {
        return evaluation
                .evaluate(model, pgd, data, null, progress, epsilon)
                .perEpsilon()
                .get(0)
                .robustAccuracy();
    }

    /** The share of examples whose naive loss gradient through the defense is exactly zero. */
    private double zeroGradientFraction(DefendedClassifier naive, LabeledData data) {
        int zero = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int from = 0; from < data.size(); from += batchSize) {
                int to = Math.min(data.size(), from + batchSize);
                try (NDManager scope = manager.newSubManager()) {
                    LabeledData batch = data.slice(from, to);
                    NDArray x = Tensors.toNDArray(scope, batch.features());
                    NDArray labels = Tensors.labels(scope, batch.labels());
                    InputGradient g = naive.gradient(x, LogitsObjective.crossEntropy(labels));
                    float[] grad = g.gradient().toFloatArray();
                    int size = grad.length / (to - from);
                    for (int e = 0; e < to - from; e++) {
                        boolean allZero = true;
                        for (int j = e * size; j < (e + 1) * size && allZero; j++) {
                            allZero = grad[j] == 0;
                        }
                        if (allZero) {
                            zero++;
                        }
                    }
                }
            }
        }
        return data.size() == 0 ? Double.NaN : (double) zero / data.size();
    }
}
