package dev.marauder.audit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.attacks.evasion.GradientMaskingCheck;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the audit of one model on its test data and gathers the results every report section is
 * made from. Immutable settings; model and data at call time.
 *
 * <p>Today the audit measures clean accuracy and, for white-box models, evasion robustness under
 * FGSM (Goodfellow et al. 2015) and PGD (Madry et al. 2018) with checks for gradient masking
 * (Athalye et al. 2018); later capabilities add their results here and their sections in
 * {@link AuditReport}.
 */
public final class Audit {
    private final AuditSettings settings;

    /** An audit with {@code settings}. */
    public Audit(AuditSettings settings) {
        this.settings = settings;
    }

    /** The settings. */
    public AuditSettings settings() {
        return settings;
    }

    /**
     * Audits {@code model} on {@code test}.
     *
     * @param model the model; evasion sections need a {@link DifferentiableClassifier}
     * @param dataName name or path of the test data, for the report
     * @param classNames optional names of the classes (index = label), may be empty
     */
    public AuditResult run(Classifier model, LabeledData test, String dataName, List<String> classNames,
            Progress progress) {
        Provenance.Recorder prov = Provenance.start()
                .settings(settings.asMap())
                .hashes(model.info().fileHashes())
                .hash("data", test.sha256());
        ModelCard card = model instanceof BuiltinClassifier b ? b.card() : null;
        if (card != null) {
            prov.seed(card.seed());
        }
        long t0 = System.nanoTime();
        double cleanAccuracy = Training.accuracy(model, test, settings.batchSize());
        double evalSeconds = (System.nanoTime() - t0) / 1e9;
        List<RobustnessResult> evasion = new ArrayList<>();
        EvasionDiagnostics diagnostics = null;
        if (model instanceof DifferentiableClassifier white) {
            LabeledData attacked = test.slice(0, Math.min(settings.attackExamples(), test.size()));
            RobustnessEvaluation evaluation =
                    new RobustnessEvaluation(settings.batchSize(), settings.gridExamples(), false);
            RobustnessResult fgsm = evaluation.evaluate(white, FastGradientMethod.fgsm(), attacked, null, progress,
                    settings.epsilons());
            ProjectedGradientDescent pgd = ProjectedGradientDescent.builder(Norm.LINF)
                    .optSteps(settings.pgdSteps()).optSeed(0).build();
            RobustnessResult pgdResult = evaluation.evaluate(white, pgd, attacked, null, progress, settings.epsilons());
            evasion.add(fgsm);
            evasion.add(pgdResult);
            diagnostics = diagnose(white, attacked, pgd, List.of(fgsm, pgdResult), progress);
        }
        return new AuditResult(model.info(), model.inputSpec(), model.classes(), model.outputKind(), card, dataName,
                test.size(), cleanAccuracy, evalSeconds, List.copyOf(classNames), evasion, diagnostics,
                PrivacySummary.of(card, 40), PrivacyLeakage.none(), prov.finish());
    }

    /**
     * Gradient-masking checks: zero gradients, PGD at a budget of half the input range (which can
     * make any input grey), and the comparisons of {@link GradientMaskingCheck}.
     */
    private EvasionDiagnostics diagnose(DifferentiableClassifier model, LabeledData attacked, ProjectedGradientDescent pgd,
            List<RobustnessResult> curves, Progress progress) {
        int zero = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int start = 0; start < attacked.size(); start += settings.batchSize()) {
                try (NDManager scope = manager.newSubManager()) {
                    LabeledData b = attacked.slice(start, Math.min(attacked.size(), start + settings.batchSize()));
                    NDArray g = model.lossGradient(Tensors.toNDArray(scope, b.features()), Tensors.labels(scope, b.labels()))
                            .gradient();
                    float[] maxAbs = g.abs().reshape(b.size(), -1).max(new int[] {1}).toFloatArray();
                    for (float v : maxAbs) {
                        if (v == 0f) {
                            zero++;
                        }
                    }
                }
            }
        }
        double zeroFraction = attacked.size() == 0 ? 0 : (double) zero / attacked.size();
        InputSpec spec = model.inputSpec();
        double large = (spec.upper() - spec.lower()) / 2.0;
        LabeledData sample = attacked.slice(0, Math.min(200, attacked.size()));
        RobustnessResult big = new RobustnessEvaluation(settings.batchSize(), 0, false)
                .evaluate(model, pgd, sample, null, progress, large);
        double bigAccuracy = big.perEpsilon().get(0).robustAccuracy();
        List<GradientMaskingCheck.Curve> c = List.of(
                GradientMaskingCheck.Curve.of(curves.get(0), true, false),
                GradientMaskingCheck.Curve.of(curves.get(1), true, true));
        List<String> warnings = new GradientMaskingCheck(0.02).warnings(c, zeroFraction, large, bigAccuracy);
        return new EvasionDiagnostics(zeroFraction, large, bigAccuracy, warnings);
    }
}
