package dev.marauder.audit;

import dev.marauder.attacks.inference.membership.MembershipInference;
import dev.marauder.attacks.inference.membership.ReferenceModels;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.report.Chart;
import dev.marauder.report.Figure;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import dev.marauder.report.SummaryLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Membership inference: can an attacker tell the model's training examples from held-out ones?
 * When members and non-members are given ({@link AuditContext.Membership}, any model format), or
 * else when the model's training data are known (a Marauder model whose card names a dataset that
 * still loads; its test data are the non-members), the audit runs the threshold attacks of
 * {@link MembershipInference} (the loss threshold of Yeom et al. 2018; confidence, entropy and
 * modified entropy of Song &amp; Mittal 2021; black-box queries suffice) on equally many members
 * and non-members, at most {@value #EXAMPLES} of each. With the user's own reference models for the
 * given members and non-members, it also runs LiRA (Carlini et al. 2022) on all of them: online
 * when every example has IN and OUT reference models, else offline ({@link #liraKind}), exactly as
 * {@code marauder mia --reference-models} does. Results of {@code marauder mia} runs (shadow models,
 * LiRA) given with {@code --mia} are added. Applies when any is available.
 */
public final class MembershipInferenceCheck implements AuditCheck<MembershipInferenceCheck.Result> {
    /** Members and non-members each in the audit's own threshold attack. */
    public static final int EXAMPLES = 2000;

    /**
     * The membership-inference runs.
     *
     * @param runs the audit's own threshold attack (if run), then the given runs
     * @param command the command that reproduces the first run
     */
    public record Result(List<MembershipRun> runs, String command) {

        /** Copies the list. */
        public Result {
            runs = List.copyOf(runs);
        }

        /** The highest TPR at 0.1% FPR of any attack of any run, NaN if none recorded it. */
        public double bestTprAtLowFpr() {
            return runs.stream()
                    .flatMap(r -> r.attacks().values().stream())
                    .mapToDouble(a -> a.tprAt(SeverityRules.MEMBERSHIP_FPR))
                    .filter(v -> !Double.isNaN(v))
                    .max()
                    .orElse(Double.NaN);
        }

        /** The highest AUC of any attack of any run, NaN if none. */
        public double bestAuc() {
            return runs.stream()
                    .flatMap(r -> r.attacks().values().stream())
                    .mapToDouble(MembershipRun.AttackMetrics::auc)
                    .max()
                    .orElse(Double.NaN);
        }
    }

    @Override
    public String id() {
        return "membership_inference";
    }

    @Override
    public String name() {
        return "membership inference";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        if (context.knownMembership().isPresent()
                || context.training().isPresent()
                || !context.membershipRuns().isEmpty()) {
            return Applicability.yes();
        }
        return Applicability.no("the model's training data are unknown (no Marauder model card names them); give"
                + " --members X1,Y1 --non-members X2,Y2, or run 'marauder mia --model M --members X1,Y1"
                + " --non-members X2,Y2 --out FILE' and pass its result with --mia FILE");
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        List<MembershipRun> runs = new ArrayList<>();
        String command = "marauder mia --kind lira --model " + context.modelArgument()
                + " --members X1,Y1 --non-members X2,Y2 --out mia.json";
        if (context.knownMembership().isPresent()) {
            AuditContext.Membership known = context.knownMembership().get();
            runs.add(thresholdAttack(context.model(), known.members(), known.nonMembers(), EXAMPLES));
            command = "marauder mia --kind threshold --model " + context.modelArgument() + " " + known.arguments()
                    + " --out mia.json";
            if (known.references() != null) {
                MembershipInference.Kind kind = liraKind(known.references());
                MembershipInference.Report lira = new MembershipInference(
                                kind, known.references().count(), 0, null)
                        .attack(
                                context.model(),
                                known.members(),
                                known.nonMembers(),
                                known.references(),
                                progress,
                                warnings);
                runs.add(MembershipRun.of(lira));
                command = "marauder mia --kind " + kind.id() + " --model " + context.modelArgument() + " "
                        + known.arguments() + " " + known.referenceArguments() + " --out mia.json";
            }
        } else if (context.training().isPresent()) {
            runs.add(thresholdAttack(context.model(), context.training().get(), context.test(), EXAMPLES));
            command = "marauder mia --kind threshold --model " + context.modelArgument()
                    + " --members TRAIN_X,TRAIN_Y --non-members TEST_X,TEST_Y --out mia.json";
        }
        runs.addAll(context.membershipRuns());
        return new Result(runs, command);
    }

    /**
     * The LiRA the audit runs with the user's reference models: online when every candidate has
     * at least one IN and one OUT reference model, else offline when every candidate has an OUT one.
     *
     * @throws IllegalArgumentException if some candidate has no OUT reference model
     */
    public static MembershipInference.Kind liraKind(ReferenceModels references) {
        int[] in = references.inCounts();
        int models = references.count();
        if (java.util.Arrays.stream(in).allMatch(c -> c > 0 && c < models)) {
            return MembershipInference.Kind.LIRA;
        }
        references.requireInAndOut(false, "offline LiRA", "");
        return MembershipInference.Kind.LIRA_OFFLINE;
    }

    /** The threshold attacks on {@code min(|members|, |non-members|, limit)} of each. */
    static MembershipRun thresholdAttack(Classifier model, LabeledData members, LabeledData nonMembers, int limit) {
        int n = Math.min(limit, Math.min(members.size(), nonMembers.size()));
        MembershipInference.Report report = new MembershipInference(MembershipInference.Kind.THRESHOLD, 0, 0, null)
                .attack(
                        model,
                        members.slice(0, n),
                        nonMembers.slice(0, n),
                        null,
                        null,
                        new float[] {
                            model.inputSpec().lower(), model.inputSpec().upper()
                        },
                        Progress.NONE,
                        w -> {});
        // the report's JSON form, read through the same record as a 'marauder mia' file
        return MembershipRun.of(report);
    }

    @Override
    public ReportSection section(Result r) {
        Section.Builder s = Section.builder(id(), "Membership inference");
        s.paragraph("Membership inference: can an attacker tell the model's training examples (members) from held-out"
                + " examples (non-members)? AUC 0.5 and TPR equal to FPR mean nothing leaks. The true-positive rate at a"
                + " low false-positive rate is the measure that matters (Carlini et al. 2022): an attack that"
                + " confidently identifies even a few members is a privacy failure. The epsilon lower bound follows from"
                + " the attack's TPR and FPR with Clopper-Pearson confidence intervals.");
        List<String> header = List.of(
                "run",
                "attack",
                "members",
                "non-members",
                "AUC",
                "balanced accuracy",
                "TPR @ 1% FPR",
                "TPR @ 0.1% FPR",
                "epsilon lower bound");
        List<List<Object>> rows = new ArrayList<>();
        Chart.Builder roc = Chart.builder("Membership inference ROC (log-log)")
                .xAxis("false positive rate")
                .yAxis("true positive rate")
                .logX()
                .logY()
                .xRange(1e-3, 1)
                .yRange(1e-3, 1);
        int run = 0;
        boolean several = r.runs().size() > 1;
        for (MembershipRun m : r.runs()) {
            run++;
            String label = run + ": " + m.describeTarget() + " (" + m.kind() + ")";
            for (Map.Entry<String, MembershipRun.AttackMetrics> a : m.attacks().entrySet()) {
                MembershipRun.AttackMetrics e = a.getValue();
                rows.add(Arrays.asList(
                        label,
                        a.getKey(),
                        e.members(),
                        e.nonMembers(),
                        e.auc(),
                        e.balancedAccuracy(),
                        e.tprAtFpr().get("0.01"),
                        e.tprAtFpr().get("0.001"),
                        e.epsilonLowerBound()));
                // several runs: each run's headline attack and its loss threshold, so the chart stays readable
                boolean drawn =
                        !several || a.getKey().equals(m.attack()) || a.getKey().equals("loss");
                double[][] points = e.roc();
                if (drawn && points != null && points.length > 0) {
                    double[] fpr = Arrays.stream(points).mapToDouble(p -> p[0]).toArray();
                    double[] tpr = Arrays.stream(points).mapToDouble(p -> p[1]).toArray();
                    roc.line((several ? run + ": " : "") + a.getKey(), fpr, tpr);
                }
            }
        }
        roc.line("chance", new double[] {1e-3, 1}, new double[] {1e-3, 1});
        s.table(header, rows);
        s.chart("membership_roc", roc.build());
        s.data(r);
        return s.build();
    }

    @Override
    public List<SummaryLine> summary(Result r) {
        String kinds = String.join(
                ", ", r.runs().stream().map(MembershipRun::kind).distinct().toList());
        int members = r.runs().stream()
                .flatMap(m -> m.attacks().values().stream())
                .mapToInt(MembershipRun.AttackMetrics::members)
                .max()
                .orElse(0);
        String tried = String.format(
                Locale.ROOT,
                "%d run(s): %s attacks, up to %d members and as many non-members",
                r.runs().size(),
                kinds,
                members);
        double tpr = r.bestTprAtLowFpr();
        double auc = r.bestAuc();
        String headline = String.format(Locale.ROOT, "TPR %.4f at 0.1%% FPR, AUC %.3f (best attack)", tpr, auc);
        return List.of(new SummaryLine(
                        "Membership inference",
                        tried,
                        headline,
                        SeverityRules.membership(tpr, auc),
                        SeverityRules.MEMBERSHIP,
                        r.command())
                .withFigures(Figure.of("tpr_at_0.1%_fpr", tpr, true), Figure.of("auc", auc, true)));
    }
}
