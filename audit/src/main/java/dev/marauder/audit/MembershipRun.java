package dev.marauder.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The audit's read-side view of a membership-inference result: the JSON that {@code marauder mia
 * --out FILE} writes (and the audit's own threshold attack gives), with only the fields the report
 * shows. Unknown fields are ignored, so the producer may add fields freely.
 *
 * @param kind the attack family, e.g. {@code "threshold"} or {@code "lira"}
 * @param attack the headline attack's name
 * @param auc the headline attack's area under the ROC curve
 * @param balancedAccuracy its balanced accuracy
 * @param tprAtFpr its true-positive rate at each false-positive rate (keys like {@code "0.001"})
 * @param epsilonLowerBound the epsilon lower bound its TPR and FPR imply
 * @param seconds how long the run took
 * @param attacks every attack's metrics, by name
 * @param target facts about the attacked model
 * @param provenance the run's provenance, as written
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MembershipRun(
        String kind,
        String attack,
        Double auc,
        Double balancedAccuracy,
        Map<String, Double> tprAtFpr,
        Double epsilonLowerBound,
        Double seconds,
        Map<String, AttackMetrics> attacks,
        Target target,
        JsonNode provenance) {

    /** Copies the maps. */
    public MembershipRun {
        tprAtFpr = tprAtFpr == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tprAtFpr));
        attacks = attacks == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attacks));
    }

    /**
     * One attack's metrics.
     *
     * @param auc area under the ROC curve
     * @param balancedAccuracy best balanced accuracy over thresholds
     * @param tprAtFpr true-positive rate at each false-positive rate (keys like {@code "0.001"})
     * @param epsilonLowerBound epsilon lower bound from the attack's TPR and FPR
     * @param confidence confidence of that bound
     * @param members members attacked
     * @param nonMembers non-members attacked
     * @param roc ROC points as {@code [fpr, tpr]} pairs, may be null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AttackMetrics(
            double auc,
            Double balancedAccuracy,
            Map<String, Double> tprAtFpr,
            Double epsilonLowerBound,
            Double confidence,
            int members,
            int nonMembers,
            double[][] roc) {

        /** Copies the map. */
        public AttackMetrics {
            tprAtFpr = tprAtFpr == null
                    ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tprAtFpr));
        }

        /** TPR at false-positive rate {@code fpr}, NaN when not recorded. */
        public double tprAt(double fpr) {
            Double v = tprAtFpr.get(String.valueOf(fpr));
            return v == null ? Double.NaN : v;
        }
    }

    /**
     * What the run recorded about the attacked model (end-to-end runs record all of it).
     *
     * @param model the model's name
     * @param memberAccuracy accuracy on the members
     * @param nonMemberAccuracy accuracy on the non-members
     * @param testAccuracy test accuracy recorded when it was trained
     * @param epsilon its DP-SGD epsilon, if trained with DP
     * @param training its training recipe, as written
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Target(
            String model,
            Double memberAccuracy,
            Double nonMemberAccuracy,
            Double testAccuracy,
            Double epsilon,
            JsonNode training) {

        /**
         * The target in a few words: model, epochs, DP-SGD epsilon or "no DP", test accuracy, as
         * far as the run recorded them.
         */
        public String describe() {
            List<String> parts = new ArrayList<>();
            parts.add(String.valueOf(model));
            if (training != null && training.isObject()) {
                JsonNode trainer = training.path("trainer");
                JsonNode epochs = training.has("epochs") ? training.get("epochs") : trainer.get("epochs");
                if (epochs != null && !epochs.isNull()) {
                    parts.add(epochs.asText() + " epochs");
                }
                JsonNode dp = training.has("dp") ? training.get("dp") : trainer.get("dp");
                if (epsilon != null) {
                    parts.add(String.format(Locale.ROOT, "DP-SGD epsilon %.3g", epsilon));
                } else {
                    parts.add(dp == null || dp.isNull() || "none".equals(dp.asText()) ? "no DP" : "DP-SGD");
                }
            }
            if (testAccuracy != null) {
                parts.add(String.format(Locale.ROOT, "test accuracy %.3f", testAccuracy));
            } else if (nonMemberAccuracy != null) {
                parts.add(String.format(Locale.ROOT, "non-member accuracy %.3f", nonMemberAccuracy));
            }
            return String.join(", ", parts);
        }
    }

    /** The run's target in a few words ({@link Target#describe()}), or {@code "model"} when not recorded. */
    public String describeTarget() {
        return target == null ? "model" : target.describe();
    }

    /**
     * Reads a {@code marauder mia} result.
     *
     * @throws DataFormatException if the file is not JSON or has no {@code auc} and {@code attacks}
     */
    public static MembershipRun read(Path file) {
        MembershipRun run;
        try {
            run = Json.mapper().readValue(file.toFile(), MembershipRun.class);
        } catch (IOException e) {
            throw new DataFormatException(
                    file, "not a JSON membership-inference result (" + Messages.firstLine(e) + ")", e);
        }
        if (run == null || run.auc() == null || run.attacks().isEmpty()) {
            throw new DataFormatException(file, "has no auc and attacks: not written by 'marauder mia'");
        }
        return run;
    }

    /** Converts {@code json}, a membership-inference result in its JSON form (a tree or a map), to a run. */
    public static MembershipRun of(Object json) {
        return Json.mapper().convertValue(json, MembershipRun.class);
    }
}
