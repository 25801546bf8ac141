package dev.marauder.audit;

import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.attacks.transfer.SubstituteTraining;
import dev.marauder.attacks.transfer.TransferAttack;
import dev.marauder.attacks.transfer.TransferResult;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import dev.marauder.report.SummaryLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Black-box evasion: what an attacker who can only query the model achieves. The audit trains a
 * substitute from the model's labels with Jacobian-based dataset augmentation and submits FGSM
 * examples crafted on it (Papernot et al. 2017), at the evasion budgets, counting every query.
 * Applies to every model (labels from queries suffice), including ONNX files and remote endpoints.
 */
public final class BlackBoxEvasionCheck implements AuditCheck<BlackBoxEvasionCheck.Result> {
    /**
     * The attacker's unlabelled seeds: the first examples of the test data, the paper's 150, or
     * half the test data when it has fewer than 300 examples.
     */
    static final int SEEDS = 150;
    /** Substitute rounds; the seeds double in each: {@code 150 * 2^3 = 1,200} label queries. */
    static final int ROUNDS = 4;
    /** Substitute epochs per round. */
    static final int EPOCHS = 10;

    /**
     * The black-box findings.
     *
     * @param transfer the transfer attack through a substitute
     * @param seeds the attacker's seed inputs (the first of the test data)
     * @param command the command that reproduces it
     */
    public record Result(TransferResult transfer, int seeds, String command) {}

    @Override
    public String id() {
        return "black_box_evasion";
    }

    @Override
    public String name() {
        return "evasion (black-box)";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        if (context.test().size() < 2) {
            return Applicability.no("the test data has " + context.test().size() + " example(s); the substitute needs"
                    + " seeds and at least one more to attack");
        }
        try {
            Architecture.MLP.checkInput(context.model().inputSpec().shape());
        } catch (IllegalArgumentException e) {
            return Applicability.no("no substitute architecture fits the input: " + e.getMessage());
        }
        return Applicability.yes();
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        AuditSettings settings = context.settings();
        LabeledData test = context.test();
        int seedCount = Math.min(SEEDS, test.size() / 2);
        long budget = (long) seedCount << (ROUNDS - 1);
        int end = (int) Math.min(test.size(), (long) seedCount + settings.attackExamples());
        LabeledData seeds = test.slice(0, seedCount);
        LabeledData attacked = test.slice(seedCount, end);
        double[] epsilons = settings.epsilons();
        SubstituteTraining substitute = new SubstituteTraining(
                Architecture.MLP,
                new TrainingSettings(Architecture.MLP, EPOCHS, 32, 1e-3, 0).trainer(),
                ROUNDS,
                0.1,
                3,
                budget,
                0);
        TransferResult transfer = new TransferAttack(substitute, FastGradientMethod.fgsm(), settings.batchSize())
                .run(context.model(), seeds, attacked, progress, warnings, epsilons);
        String command = String.format(
                Locale.ROOT,
                "marauder attack transfer --model %s %s --substitute-arch mlp --seeds %d --examples %d --rounds %d"
                        + " --substitute-queries %d --substitute-epochs %d --eps %s --out transfer.json",
                context.modelArgument(),
                context.dataArguments(),
                seedCount,
                end - seedCount,
                ROUNDS,
                budget,
                EPOCHS,
                Arrays.stream(epsilons).mapToObj(Double::toString).collect(Collectors.joining(",")));
        return new Result(transfer, seedCount, command);
    }

    @Override
    public ReportSection section(Result r) {
        TransferResult t = r.transfer();
        Section.Builder s = Section.builder(id(), "Evasion (black-box)");
        s.paragraph(String.format(
                Locale.ROOT,
                "An attacker who can only query the model trains a substitute from its labels: %d seed inputs,"
                        + " doubled %d times by Jacobian-based dataset augmentation (Papernot et al. 2017), %d label"
                        + " queries in all. FGSM examples crafted on the substitute are then submitted to the model"
                        + " (%d more queries). The substitute agrees with the model on %.1f%% of the %d attacked"
                        + " examples.",
                r.seeds(),
                t.rounds().size() - 1,
                t.substituteQueries(),
                t.evaluationQueries(),
                100 * t.agreement(),
                t.examples()));
        List<List<?>> rows = new ArrayList<>();
        for (TransferResult.AtEpsilon e : t.perEpsilon()) {
            rows.add(List.of(
                    e.epsilon(),
                    fmt(e.targetRobustAccuracy()),
                    fmt(e.transferSuccessRate()),
                    fmt(e.substituteSuccessRate())));
        }
        s.table(
                List.of("epsilon (L-inf)", "model's robust accuracy", "transfer success", "success on the substitute"),
                rows);
        s.data(r);
        return s.build();
    }

    @Override
    public List<SummaryLine> summary(Result r) {
        TransferResult t = r.transfer();
        TransferResult.AtEpsilon largest = t.perEpsilon().get(t.perEpsilon().size() - 1);
        String tried = String.format(
                Locale.ROOT,
                "transfer: MLP substitute from %d label queries (Papernot et al. 2017), FGSM, %d examples",
                t.substituteQueries(),
                t.examples());
        String headline = String.format(
                Locale.ROOT,
                "robust accuracy %.3f (clean %.3f), transfer success %.3f at eps %s",
                largest.targetRobustAccuracy(),
                t.targetAccuracy(),
                largest.transferSuccessRate(),
                largest.epsilon());
        return List.of(new SummaryLine(
                "Evasion (black-box)",
                tried,
                headline,
                SeverityRules.blackBoxEvasion(largest.targetRobustAccuracy(), t.targetAccuracy(), largest.epsilon()),
                SeverityRules.BLACK_BOX_EVASION,
                r.command()));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
