package dev.marauder.audit;

import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.provenance.Provenance;
import java.util.List;

/**
 * Everything one audit measured.
 *
 * @param model the audited model's identity and file hashes
 * @param inputSpec its input shape and bounds
 * @param classes its number of classes
 * @param outputKind what its scores are
 * @param card the model card, for Marauder model directories; null otherwise
 * @param data name or path of the test data
 * @param testExamples number of test examples
 * @param cleanAccuracy accuracy on the clean test data
 * @param evalSeconds time to compute the clean accuracy
 * @param classNames class names, possibly empty
 * @param evasion robustness under each white-box attack (FGSM, PGD); empty for black-box models
 * @param diagnostics gradient-masking checks, or null for black-box models
 * @param privacy the model's formal differential-privacy guarantee, if any
 * @param leakage what the model gives away about its training data (membership inference)
 * @param provenance versions, settings, hashes and times of the audit
 */
public record AuditResult(ModelInfo model, InputSpec inputSpec, int classes, OutputKind outputKind, ModelCard card,
        String data, int testExamples, double cleanAccuracy, double evalSeconds, List<String> classNames,
        List<RobustnessResult> evasion, EvasionDiagnostics diagnostics, PrivacySummary privacy, PrivacyLeakage leakage,
        Provenance provenance) {

    public AuditResult {
        evasion = List.copyOf(evasion);
    }

    /** A copy with {@code summary} as the privacy summary. */
    public AuditResult withPrivacy(PrivacySummary summary) {
        return new AuditResult(model, inputSpec, classes, outputKind, card, data, testExamples, cleanAccuracy, evalSeconds,
                classNames, evasion, diagnostics, summary, leakage, provenance);
    }

    /** A copy with {@code value} as the privacy-leakage findings. */
    public AuditResult withLeakage(PrivacyLeakage value) {
        return new AuditResult(model, inputSpec, classes, outputKind, card, data, testExamples, cleanAccuracy, evalSeconds,
                classNames, evasion, diagnostics, privacy, value, provenance);
    }
}
