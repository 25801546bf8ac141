package dev.marauder.audit;

import dev.marauder.core.model.ModelCard;
import dev.marauder.privacy.accounting.AccountantType;
import dev.marauder.privacy.accounting.PrivacyAccountant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The formal privacy guarantee a model claims, from its model card, with the epsilon spent as a
 * function of the training step recomputed by the same accountant.
 *
 * @param guarantee the card's privacy record, or null when the model was trained without DP
 * @param steps training steps at which epsilon was evaluated
 * @param epsilons epsilon spent after each of {@code steps}
 * @param empiricalAudits results of empirical audits ({@code marauder privacy audit}, in its JSON
 *     form) of the same training setup, and for the demo of its DP-SGD counterpart; empty when none
 */
public record PrivacySummary(Map<String, Object> guarantee, long[] steps, double[] epsilons,
        List<Map<String, Object>> empiricalAudits) {

    public PrivacySummary {
        empiricalAudits = List.copyOf(empiricalAudits);
    }

    /** No formal guarantee (a model trained without differential privacy, or not by Marauder). */
    public static PrivacySummary none() {
        return new PrivacySummary(null, new long[0], new double[0], List.of());
    }

    /** The summary of a model card: the epsilon-versus-steps curve at up to {@code points} steps. */
    public static PrivacySummary of(ModelCard card, int points) {
        if (card == null || card.privacy() == null) {
            return none();
        }
        var g = card.privacy();
        Map<String, Object> p = dev.marauder.core.json.Json.mapper().convertValue(g,
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
        double noise = g.noiseMultiplier();
        double rate = g.sampleRate();
        long total = g.steps();
        double delta = g.delta();
        AccountantType type = AccountantType.valueOf(g.accountant().toUpperCase(Locale.ROOT));
        int n = (int) Math.min(points, total);
        long[] steps = new long[n];
        double[] eps = new double[n];
        PrivacyAccountant accountant = type.newAccountant();
        long done = 0;
        for (int i = 0; i < n; i++) {
            steps[i] = Math.max(1, Math.round((double) total * (i + 1) / n));
            accountant.step(noise, rate, steps[i] - done);
            done = steps[i];
            eps[i] = accountant.epsilon(delta);
        }
        return new PrivacySummary(p, steps, eps, List.of());
    }

    /** A copy with the results of empirical audits added. */
    public PrivacySummary withEmpiricalAudits(List<Map<String, Object>> audits) {
        List<Map<String, Object>> all = new ArrayList<>(empiricalAudits);
        all.addAll(audits);
        return new PrivacySummary(guarantee, steps, epsilons, all);
    }

    /** True when the model has a formal differential-privacy guarantee. */
    public boolean hasGuarantee() {
        return guarantee != null;
    }
}
