package dev.marauder.audit;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.progress.Progress;
import dev.marauder.report.Figure;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import dev.marauder.report.SummaryLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Empirical privacy audits: the one-run canary audit (Steinke, Nasr and Jagielski 2023) of a
 * training recipe gives a lower bound on its epsilon. For a DP-SGD run the bound must stay below
 * the claimed epsilon (else the implementation or its accounting is wrong); for a run without DP it
 * measures how much membership leaks. Applies to the demo model (whose recipe and its DP-SGD
 * counterpart are audited, and cached) and to any audit given results of {@code marauder privacy
 * audit} with {@code --privacy-audit}.
 */
public final class EmpiricalPrivacyAuditCheck implements AuditCheck<EmpiricalPrivacyAuditCheck.Result> {

    /**
     * The audits.
     *
     * @param empiricalAudits each audit, the demo's first, then those given
     * @param command the command that runs such an audit
     */
    public record Result(List<CanaryAuditRun> empiricalAudits, String command) {

        /** Copies the list. */
        public Result {
            empiricalAudits = List.copyOf(empiricalAudits);
        }
    }

    @Override
    public String id() {
        return "empirical_privacy_audit";
    }

    @Override
    public String name() {
        return "empirical privacy audit";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        if (context.demoCache() != null || !context.privacyAudits().isEmpty()) {
            return Applicability.yes();
        }
        return Applicability.no("a canary audit needs extra training runs of the model's recipe; run 'marauder privacy"
                + " audit --out FILE' and pass its result with --privacy-audit FILE");
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        List<CanaryAuditRun> audits = new ArrayList<>();
        String command = "marauder privacy audit --arch ARCH --data DATA --canaries 1000 --out privacy-audit.json";
        if (context.demoCache() != null) {
            audits.addAll(
                    DemoPrivacyAudit.obtain(Datasets.load(DemoModel.DATASET), context.demoCache(), progress, warnings));
            command = String.format(
                    Locale.ROOT,
                    "marauder privacy audit --arch %s --data %s --canaries %d --epochs %d"
                            + " --out privacy-audit.json",
                    DemoModel.SETTINGS.architecture().id(),
                    DemoModel.DATASET,
                    DemoPrivacyAudit.CANARIES,
                    DemoModel.SETTINGS.epochs());
        }
        audits.addAll(context.privacyAudits());
        return new Result(audits, command);
    }

    @Override
    public ReportSection section(Result r) {
        Section.Builder s = Section.builder(id(), "Empirical privacy audit");
        List<String> header = List.of(
                "training",
                "claimed epsilon",
                "audited epsilon lower bound",
                "confidence",
                "correct guesses",
                "canaries (included)",
                "test accuracy");
        List<List<Object>> rows = new ArrayList<>();
        for (CanaryAuditRun a : r.empiricalAudits()) {
            Object claimed = a.claimedEpsilon() == null ? "none (no DP)" : a.claimedEpsilon();
            rows.add(Arrays.asList(
                    a.training(),
                    claimed,
                    a.epsilonLowerBound(),
                    a.confidence(),
                    a.correct() + " of " + a.guesses(),
                    a.canaries() + " (" + a.included() + ")",
                    a.testAccuracy()));
            if (a.claimedEpsilon() != null && a.epsilonLowerBound() > a.claimedEpsilon()) {
                s.warning("The audited lower bound of the " + a.training() + " run exceeds its claimed epsilon:"
                        + " the DP implementation or its accounting is wrong.");
            }
        }
        s.table(header, rows);
        s.paragraph("Empirical audit (Steinke, Nasr & Jagielski 2023, one training run with canaries): canaries are"
                + " training examples with a wrong label, each included with probability 1/2; the auditor guesses"
                + " which were included from the trained model's confidence in the wrong label. The number of correct"
                + " guesses gives a lower bound on epsilon that holds with the stated confidence. For a DP-SGD run it"
                + " must sit below the claimed epsilon; for a model without DP it shows how much membership leaks.");
        s.data(r);
        return s.build();
    }

    @Override
    public List<SummaryLine> summary(Result r) {
        List<SummaryLine> lines = new ArrayList<>();
        for (CanaryAuditRun a : r.empiricalAudits()) {
            String tried = String.format(
                    Locale.ROOT, "one-run canary audit of a %s run, %d canaries", a.training(), a.canaries());
            String headline = String.format(
                    Locale.ROOT,
                    "epsilon >= %.3g (%s%% confidence)%s",
                    a.epsilonLowerBound(),
                    a.confidence() == null ? "?" : String.format(Locale.ROOT, "%.0f", 100 * a.confidence()),
                    a.claimedEpsilon() == null
                            ? ", no DP claimed"
                            : String.format(Locale.ROOT, ", claimed epsilon %.3g", a.claimedEpsilon()));
            lines.add(new SummaryLine(
                            "Empirical privacy audit (" + a.training() + ")",
                            tried,
                            headline,
                            SeverityRules.empiricalAudit(a.claimedEpsilon(), a.epsilonLowerBound()),
                            SeverityRules.EMPIRICAL_AUDIT,
                            r.command())
                    .withFigures(Figure.of("epsilon_lower_bound", a.epsilonLowerBound(), true)));
        }
        return lines;
    }
}
