package dev.marauder.audit;

import dev.marauder.core.model.ServingPolicy;
import dev.marauder.core.progress.Progress;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import dev.marauder.report.SummaryLine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a secure prediction gateway in front of the audited model let through while the audit's
 * own attacks ran: the output hardening it applied, the budget use it reported, the requests it
 * refused (429 limits, 403 blocks, 422 admission refusals) and the alerts its detectors raised on
 * the audit's key. It runs last, after every attack has queried the model, and applies to a model
 * behind an API whose answers carry the gateway's headers ({@code marauder serve --config}).
 */
public final class GatewayCheck implements AuditCheck<GatewayCheck.Result> {

    /**
     * The gateway's policy as seen by the audit.
     *
     * @param policy what its answers said and refused
     * @param queries examples the audit sent in all
     */
    public record Result(ServingPolicy policy, long queries) {
        /** Whether the outputs were hardened. */
        public boolean hardened() {
            return !policy.output().isEmpty() && !policy.output().equals("full");
        }

        /** Whether a budget or rate limit was reported or enforced. */
        public boolean limited() {
            return !policy.budget().isEmpty() || policy.limited() > 0;
        }

        /** Whether an alert was raised on the audit's queries. */
        public boolean alerted() {
            return policy.alerts() > 0;
        }
    }

    @Override
    public String id() {
        return "gateway";
    }

    @Override
    public String name() {
        return "prediction gateway";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        return context.model().servingPolicy().filter(ServingPolicy::gateway).isPresent()
                ? Applicability.yes()
                : Applicability.no("the model is not behind a Marauder prediction gateway (marauder serve --config)");
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        ServingPolicy p = context.model().servingPolicy().orElseThrow();
        return new Result(p, context.model().queries());
    }

    @Override
    public ReportSection section(Result r) {
        ServingPolicy p = r.policy();
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("outputs returned to the audit", p.output().isEmpty() ? "(not reported)" : p.output());
        kv.put("budget use reported", p.budget().isEmpty() ? "(no budget reported)" : p.budget());
        kv.put("requests refused by a limit (429)", Long.toString(p.limited()));
        kv.put("requests forbidden or blocked (403)", Long.toString(p.forbidden()));
        kv.put("predictions refused by admission control (422)", Long.toString(p.refused()));
        kv.put("alerts raised on the audit's queries", Long.toString(p.alerts()));
        kv.put("examples the audit queried", Long.toString(r.queries()));
        kv.put("HTTP requests", Long.toString(p.requests()));
        return Section.builder(id(), "Prediction gateway")
                .paragraph("The audited model sits behind a Marauder secure prediction gateway. Every attack above"
                        + " queried it through the gateway with the audit's API key; this is what the gateway let"
                        + " through and what it did about the audit's own attack traffic. Alerts, limits and"
                        + " blocks also appear in the gateway's audit log and metrics.")
                .keyValues(kv)
                .data(r)
                .build();
    }

    @Override
    public List<SummaryLine> summary(Result r) {
        ServingPolicy p = r.policy();
        String headline = "outputs " + (p.output().isEmpty() ? "not reported" : p.output()) + "; "
                + (p.budget().isEmpty() ? "no budget" : "budget " + p.budget()) + "; " + p.limited() + " limited, "
                + p.forbidden() + " blocked, " + p.refused() + " refused; " + p.alerts()
                + (p.alerts() == 1 ? " alert" : " alerts");
        return List.of(new SummaryLine(
                "Prediction gateway (what it let through)",
                r.queries() + " examples queried by the audit's attacks",
                headline,
                SeverityRules.gateway(r.hardened(), r.limited(), r.alerted()),
                SeverityRules.GATEWAY,
                "marauder serve --config gateway.yaml"));
    }
}
