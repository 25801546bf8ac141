package dev.marauder.audit;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.progress.Progress;
import dev.marauder.attacks.inference.membership.MembershipInference;
import java.util.Map;
import java.util.Optional;

/**
 * The audit's membership-inference check: the threshold attacks (loss, confidence, entropy,
 * modified entropy) of {@link MembershipInference} on training members versus held-out
 * non-members, with equally many of each. Shadow-model attacks and LiRA need extra training runs;
 * their results ({@code marauder mia --out FILE}) are added to the report with
 * {@code marauder audit --mia FILE}.
 */
public final class LeakageAudit {
    private LeakageAudit() {}

    /** The threshold attacks on {@code min(|members|, |non-members|, limit)} of each. */
    public static Map<String, Object> thresholdAttack(Classifier model, LabeledData members, LabeledData nonMembers,
            int limit) {
        int n = Math.min(limit, Math.min(members.size(), nonMembers.size()));
        return dev.marauder.core.json.Json.mapper().convertValue(
                new MembershipInference(MembershipInference.Kind.THRESHOLD, 0, 0, null)
                .attack(model, members.slice(0, n), nonMembers.slice(0, n), null, null, new float[] {
                    model.inputSpec().lower(), model.inputSpec().upper()}, Progress.NONE, w -> { }),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
    }

    /**
     * MI-Face (Fredrikson et al. 2015) with white-box gradients and light smoothing, one
     * reconstruction per class, for image classifiers (inputs {@code [C, H, W]} with 1 or 3
     * channels); null for other inputs.
     */
    public static dev.marauder.attacks.inference.inversion.InversionResult inversion(
            dev.marauder.core.model.DifferentiableClassifier model) {
        int[] shape = model.inputSpec().shape();
        if (shape.length != 3 || (shape[0] != 1 && shape[0] != 3)) {
            return null;
        }
        int[] classes = java.util.stream.IntStream.range(0, model.classes()).toArray();
        return dev.marauder.attacks.inference.inversion.MiFace.whiteBox().optSmoothing(0.05).optSteps(300).build()
                .invert(model, classes);
    }

    /**
     * The training set of a model Marauder trained, when its card names a dataset that still loads
     * with the recorded hash; empty otherwise.
     */
    public static Optional<LabeledData> trainingData(ModelCard card) {
        if (card == null || card.dataset() == null || card.datasetSha256() == null) {
            return Optional.empty();
        }
        try {
            LabeledData train = Datasets.load(card.dataset()).train();
            return card.datasetSha256().equals(train.sha256()) ? Optional.of(train) : Optional.empty();
        } catch (DataFormatException | IllegalArgumentException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
