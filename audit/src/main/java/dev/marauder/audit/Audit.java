package dev.marauder.audit;

import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.report.SkippedCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs an audit: every check of a list (by default {@link AuditChecks#all()}) that applies to the
 * model and inputs of an {@link AuditContext}, in order, and records the others as skipped with
 * their reasons. A check whose queries a secure prediction gateway in front of the model refused
 * (blocked, out of budget) is recorded as stopped by the gateway, and the gateway's own check
 * reports it. Immutable; the model and data come with each call.
 */
public final class Audit {
    private final List<AuditCheck<?>> checks;

    /** An audit with every registered check. */
    public Audit() {
        this(AuditChecks.all());
    }

    /**
     * An audit with {@code checks}.
     *
     * @throws IllegalArgumentException if two checks share an id or a name
     */
    public Audit(List<? extends AuditCheck<?>> checks) {
        this.checks = List.copyOf(checks);
        for (int i = 0; i < this.checks.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (this.checks.get(i).id().equals(this.checks.get(j).id())
                        || this.checks.get(i).name().equals(this.checks.get(j).name())) {
                    throw new IllegalArgumentException("two checks share the id or name of "
                            + this.checks.get(i).id());
                }
            }
        }
    }

    /** The checks, in order. */
    public List<AuditCheck<?>> checks() {
        return checks;
    }

    /**
     * Runs every check that applies to {@code context}.
     *
     * @param context the model, data and settings
     * @param progress where long steps report progress
     * @param warnings where non-fatal problems go
     * @return the findings, the skipped checks and the provenance
     */
    public AuditOutcome run(AuditContext context, Progress progress, Consumer<String> warnings) {
        AuditSettings s = context.settings();
        Provenance.Recorder prov = Provenance.start()
                .setting("epsilons", Arrays.stream(s.epsilons()).boxed().toList())
                .setting("pgd_steps", s.pgdSteps())
                .setting("attack_examples", s.attackExamples())
                .setting("batch_size", s.batchSize())
                .setting("grid_examples", s.gridExamples())
                .hashes(context.model().info().fileHashes())
                .hash("data", context.test().sha256());
        context.card().ifPresent(card -> prov.seed(card.seed()));
        List<Finding<?>> findings = new ArrayList<>();
        List<SkippedCheck> skipped = new ArrayList<>();
        for (AuditCheck<?> check : checks) {
            try {
                Applicability a = check.appliesTo(context);
                if (a.applies()) {
                    findings.add(Finding.run(check, context, progress, warnings));
                } else {
                    skipped.add(new SkippedCheck(check.name(), a.reason()));
                }
            } catch (dev.marauder.core.model.remote.RemoteModelException e) {
                if (!behindGateway(context)) {
                    throw e;
                }
                // the gateway refused the check's queries (a block, a spent budget): that is a
                // result about the gateway, reported by its check, not a failure of the audit
                String why = "stopped by the prediction gateway: " + e.getMessage();
                warnings.accept(check.name() + ": " + why);
                skipped.add(new SkippedCheck(check.name(), why));
            }
        }
        return new AuditOutcome(context.model().info().name(), findings, skipped, prov.finish());
    }

    private static boolean behindGateway(AuditContext context) {
        return context.model()
                .servingPolicy()
                .filter(dev.marauder.core.model.ServingPolicy::gateway)
                .isPresent();
    }
}
