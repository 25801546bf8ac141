package dev.marauder.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.PrivacyGuarantee;
import dev.marauder.core.progress.Progress;
import dev.marauder.privacy.accounting.AccountantType;
import dev.marauder.privacy.accounting.PrivacyAccountant;
import dev.marauder.report.Chart;
import dev.marauder.report.Figure;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import dev.marauder.report.SummaryLine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The formal differential-privacy guarantee a model claims, read from its model card, with the
 * epsilon spent as a function of the training step recomputed by the same accountant (DP-SGD,
 * Abadi et al. 2016). Applies to a model trained by Marauder, whose card records whether and how it
 * was trained with DP; a model without DP has no guarantee, which is itself the finding.
 */
public final class DifferentialPrivacyCheck implements AuditCheck<DifferentialPrivacyCheck.Result> {
    /** Points on the epsilon-versus-steps curve. */
    static final int POINTS = 40;

    /**
     * The guarantee.
     *
     * @param formalGuarantee whether a differential-privacy guarantee holds: trained with DP-SGD,
     *     with secure randomness (a seeded run is reproducible and NOT private) and a finite epsilon
     * @param guarantee the card's guarantee, null without DP
     * @param steps training steps at which epsilon was evaluated; not serialised (the chart has them)
     * @param epsilons epsilon spent after each of {@code steps}; not serialised
     * @param command the command that recomputes epsilon, empty without DP
     */
    public record Result(
            boolean formalGuarantee,
            PrivacyGuarantee guarantee,
            @JsonIgnore long[] steps,
            @JsonIgnore double[] epsilons,
            String command) {

        /** Copies the arrays. */
        public Result {
            steps = steps.clone();
            epsilons = epsilons.clone();
        }
    }

    @Override
    public String id() {
        return "privacy";
    }

    @Override
    public String name() {
        return "differential privacy";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        if (context.card().isPresent()) {
            return Applicability.yes();
        }
        return Applicability.no("the model was not trained by Marauder, so no model card records whether it was"
                + " trained with differential privacy");
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        ModelCard card = context.card().orElseThrow();
        return of(card.privacy());
    }

    /** The result for {@code g}, or for a model without DP when null. */
    public static Result of(PrivacyGuarantee g) {
        if (g == null) {
            return new Result(false, null, new long[0], new double[0], "");
        }
        AccountantType type = AccountantType.valueOf(g.accountant().toUpperCase(Locale.ROOT));
        int n = (int) Math.min(POINTS, g.steps());
        long[] steps = new long[n];
        double[] eps = new double[n];
        PrivacyAccountant accountant = type.newAccountant();
        long done = 0;
        for (int i = 0; i < n; i++) {
            steps[i] = Math.max(1, Math.round((double) g.steps() * (i + 1) / n));
            accountant.step(g.noiseMultiplier(), g.sampleRate(), steps[i] - done);
            done = steps[i];
            eps[i] = accountant.epsilon(g.delta());
        }
        // the sample rate is B / N; any N and B with that ratio give the same steps and epsilon
        long batch = g.expectedBatchSize() == null ? 1 : g.expectedBatchSize();
        long examples = Math.max(batch, Math.round(batch / g.sampleRate()));
        String command = String.format(
                Locale.ROOT,
                "marauder privacy epsilon --n %d --batch %d --epochs %s --noise %s --delta %s --accountant %s",
                examples,
                batch,
                (double) g.steps() * batch / examples,
                g.noiseMultiplier(),
                g.delta(),
                g.accountant());
        return new Result(g.isPrivate(), g, steps, eps, command);
    }

    @Override
    public ReportSection section(Result r) {
        Section.Builder s = Section.builder(id(), "Differential privacy");
        PrivacyGuarantee g = r.guarantee();
        if (g == null) {
            s.warning("This model has no formal privacy guarantee: it was not trained with differential privacy."
                    + " Membership inference and memorisation are bounded by nothing but the model's generalisation.");
            s.data("formal_guarantee", false);
            return s.build();
        }
        s.paragraph(String.format(
                Locale.ROOT,
                "Trained with DP-SGD (Abadi et al. 2016): per-example clipping to norm"
                        + " %s, Gaussian noise of multiplier %s, Poisson sampling at rate %s for %s steps. The %s accountant"
                        + " gives (epsilon, delta) = (%.4g, %s).",
                g.clipNorm(),
                g.noiseMultiplier(),
                g.sampleRate(),
                g.steps(),
                g.accountant().toUpperCase(Locale.ROOT),
                g.epsilon(),
                g.delta()));
        if (!g.secureRandomness()) {
            s.warning("This model was trained with a fixed seed for noise and sampling: reproducible but NOT private."
                    + " The epsilon below describes the mechanism, not a guarantee for this model.");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("mechanism", g.mechanism());
        kv.put("noise_multiplier", Double.toString(g.noiseMultiplier()));
        kv.put("clip_norm", Double.toString(g.clipNorm()));
        kv.put("sample_rate", Double.toString(g.sampleRate()));
        if (g.expectedBatchSize() != null) {
            kv.put("expected_batch_size", g.expectedBatchSize().toString());
        }
        kv.put("steps", Long.toString(g.steps()));
        kv.put("delta", Double.toString(g.delta()));
        kv.put("accountant", g.accountant());
        kv.put("epsilon", Double.toString(g.epsilon()));
        if (g.targetEpsilon() != null) {
            kv.put("target_epsilon", g.targetEpsilon().toString());
        }
        if (g.epsilonBudget() != null) {
            kv.put("epsilon_budget", g.epsilonBudget().toString());
        }
        kv.put("secure_randomness", Boolean.toString(g.secureRandomness()));
        if (g.seed() != null) {
            kv.put("seed", g.seed().toString());
        }
        s.keyValues(kv);
        double[] x = new double[r.steps().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.steps()[i];
        }
        s.chart(
                "epsilon_vs_steps",
                Chart.builder("Epsilon spent vs. training step (delta " + g.delta() + ")")
                        .xAxis("step")
                        .yAxis("epsilon")
                        .line("epsilon", x, r.epsilons())
                        .build());
        s.data(r);
        return s.build();
    }

    @Override
    public List<SummaryLine> summary(Result r) {
        PrivacyGuarantee g = r.guarantee();
        if (g == null) {
            return List.of(new SummaryLine(
                            "Differential privacy (formal)",
                            "model card: no DP training",
                            "no formal guarantee (epsilon = infinity)",
                            SeverityRules.differentialPrivacy(false, false, 0),
                            SeverityRules.DIFFERENTIAL_PRIVACY,
                            "")
                    .withFigures(Figure.of("epsilon", Double.POSITIVE_INFINITY, true)));
        }
        String tried = String.format(
                Locale.ROOT,
                "DP-SGD, noise %s, clip %s, %d steps, %s accountant",
                g.noiseMultiplier(),
                g.clipNorm(),
                g.steps(),
                g.accountant());
        String headline = String.format(
                Locale.ROOT,
                "epsilon %.4g at delta %s%s",
                g.epsilon(),
                g.delta(),
                g.secureRandomness() ? "" : " (seeded noise and sampling: NOT private)");
        return List.of(new SummaryLine(
                        "Differential privacy (formal)",
                        tried,
                        headline,
                        SeverityRules.differentialPrivacy(true, g.secureRandomness(), g.epsilon()),
                        SeverityRules.DIFFERENTIAL_PRIVACY,
                        r.command())
                .withFigures(Figure.of("epsilon", g.epsilon(), true)));
    }
}
