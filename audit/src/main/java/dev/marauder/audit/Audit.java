package dev.marauder.audit;

import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import java.util.List;

/**
 * Runs the audit of one model on its test data and gathers the results every report section is
 * made from. Immutable settings; model and data at call time.
 *
 * <p>Today the audit measures clean accuracy and, for white-box models, FGSM evasion robustness
 * (Goodfellow et al. 2015); later capabilities add their results here and their sections in
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
        RobustnessResult fgsm = null;
        if (model instanceof DifferentiableClassifier white) {
            LabeledData attacked = test.slice(0, Math.min(settings.attackExamples(), test.size()));
            RobustnessEvaluation evaluation =
                    new RobustnessEvaluation(settings.batchSize(), settings.gridExamples(), false);
            fgsm = evaluation.evaluate(white, FastGradientMethod.fgsm(), attacked, null, progress,
                    settings.fgsmEpsilons());
        }
        return new AuditResult(model.info(), model.inputSpec(), model.classes(), model.outputKind(), card, dataName,
                test.size(), cleanAccuracy, evalSeconds, List.copyOf(classNames), fgsm, prov.finish());
    }
}
