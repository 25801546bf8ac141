package dev.marauder.audit;

import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.attacks.evasion.GradientMaskingCheck;
import dev.marauder.attacks.evasion.HopSkipJump;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.evasion.QueryStats;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.attacks.evasion.SquareAttack;
import dev.marauder.attacks.transfer.SubstituteTraining;
import dev.marauder.attacks.transfer.TransferAttack;
import dev.marauder.attacks.transfer.TransferResult;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.report.Figure;
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
 * Black-box evasion: what an attacker who can only query the model achieves, and at what query
 * cost. The audit runs the Square attack (Andriushchenko et al. 2020; scores, L-inf) at the largest
 * evasion budget and reports the queries needed to reach half of the correctly classified examples,
 * HopSkipJump (Chen et al. 2020; labels only) with its median L2 distance at a fixed query budget,
 * and a transfer attack through a substitute trained from the model's labels with Jacobian-based
 * dataset augmentation (Papernot et al. 2017), counting every query. When the model also gives
 * gradients, PGD runs on the same examples at the same budget, and a black-box attack that beats it
 * is flagged as gradient masking (Athalye et al. 2018). Applies to every model (queries suffice),
 * including ONNX files and remote endpoints.
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
    /** Examples the Square attack runs on. */
    static final int SQUARE_EXAMPLES = 100;
    /** Square's query budget per example. */
    static final long SQUARE_QUERIES = 1000;
    /** Examples HopSkipJump runs on. */
    static final int HSJ_EXAMPLES = 20;
    /** HopSkipJump's query budget per example. */
    static final long HSJ_QUERIES = 1000;
    /** The share of correctly classified examples whose query cost the audit reports. */
    static final double TARGET_SUCCESS = 0.5;

    /**
     * The Square attack's cost at the largest budget.
     *
     * @param epsilon the L-inf budget
     * @param examples examples attacked
     * @param robustAccuracy accuracy on its adversarial examples
     * @param successRate share of correctly classified examples it made adversarial
     * @param medianQueries median queries of the successful examples (NaN if none)
     * @param queriesToHalf queries after which half of the correctly classified examples were
     *     adversarial, or null if the budget did not reach that
     * @param maxQueries the budget per example
     * @param command the command that reproduces it
     */
    public record SquareCost(
            double epsilon,
            int examples,
            double robustAccuracy,
            double successRate,
            double medianQueries,
            Long queriesToHalf,
            long maxQueries,
            String command) {}

    /**
     * HopSkipJump's reach: the median L2 distance of the adversarial examples it found.
     *
     * @param examples examples attacked
     * @param successRate share of correctly classified examples it found an adversarial example for
     * @param medianL2 the median L2 distance of those (NaN if none)
     * @param maxQueries the budget per example
     * @param command the command that reproduces it
     */
    public record DecisionCost(int examples, double successRate, double medianL2, long maxQueries, String command) {}

    /**
     * The black-box findings.
     *
     * @param transfer the transfer attack through a substitute
     * @param seeds the attacker's seed inputs (the first of the test data)
     * @param square the Square attack's query cost
     * @param hopSkipJump HopSkipJump's distances
     * @param gradientMasking warnings when a black-box attack beats white-box PGD (empty if none,
     *     or if the model gives no gradients)
     * @param command the command that reproduces it
     */
    public record Result(
            TransferResult transfer,
            int seeds,
            String command,
            SquareCost square,
            DecisionCost hopSkipJump,
            List<String> gradientMasking) {
        /** Copies the warnings. */
        public Result {
            gradientMasking = List.copyOf(gradientMasking);
        }
    }

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
        LabeledData queried = test.slice(0, Math.min(test.size(), SQUARE_EXAMPLES));
        double largest = Arrays.stream(epsilons).max().orElseThrow();
        SquareAttack square = SquareAttack.builder(Norm.LINF)
                .optMaxQueries(SQUARE_QUERIES)
                .optSeed(0)
                .build();
        RobustnessResult squareResult = new RobustnessEvaluation(settings.batchSize(), 0, false)
                .evaluate(context.model(), square, queried, null, progress, largest);
        SquareCost squareCost = squareCost(squareResult, context, largest);
        DecisionCost hsj = hopSkipJump(context, test.slice(0, Math.min(test.size(), HSJ_EXAMPLES)), progress);
        List<String> masking = List.of();
        if (context.model() instanceof DifferentiableClassifier white) {
            ProjectedGradientDescent pgd = ProjectedGradientDescent.builder(Norm.LINF)
                    .optSteps(settings.pgdSteps())
                    .optSeed(0)
                    .build();
            RobustnessResult pgdResult = new RobustnessEvaluation(settings.batchSize(), 0, false)
                    .evaluate(white, pgd, queried, null, progress, largest);
            masking = new GradientMaskingCheck(0.02)
                    .warnings(
                            List.of(
                                    GradientMaskingCheck.Curve.of(pgdResult, true, true),
                                    GradientMaskingCheck.Curve.of(squareResult, false, true)),
                            Double.NaN,
                            Double.NaN,
                            Double.NaN);
        }
        return new Result(transfer, seedCount, command, squareCost, hsj, masking);
    }

    private static SquareCost squareCost(RobustnessResult r, AuditContext context, double eps) {
        RobustnessResult.AtEpsilon at = r.perEpsilon().get(0);
        int[] labels = r.labels();
        long[] perExample = at.queries().perExample();
        List<Long> successful = new ArrayList<>();
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean right = r.cleanPredictions()[i] == labels[i];
            correct += right ? 1 : 0;
            if (right && at.success()[i]) {
                successful.add(perExample[i]);
            }
        }
        successful.sort(null);
        int needed = (int) Math.ceil(TARGET_SUCCESS * correct);
        Long toHalf = correct > 0 && successful.size() >= needed ? successful.get(Math.max(0, needed - 1)) : null;
        double median = successful.isEmpty()
                ? Double.NaN
                : QueryStats.of(
                                SQUARE_QUERIES,
                                successful.stream().mapToLong(Long::longValue).toArray())
                        .median();
        String command = String.format(
                Locale.ROOT,
                "marauder attack square --model %s %s --norm linf --eps %s --max-queries %d --out square.json",
                context.modelArgument(),
                context.dataArguments(),
                eps,
                SQUARE_QUERIES);
        return new SquareCost(
                eps,
                labels.length,
                at.robustAccuracy(),
                at.attackSuccessRate(),
                median,
                toHalf,
                SQUARE_QUERIES,
                command);
    }

    private static DecisionCost hopSkipJump(AuditContext context, LabeledData data, Progress progress) {
        InputSpec spec = context.model().inputSpec();
        int size = data.features().exampleSize();
        // a budget no image can exceed, so that every adversarial example found counts
        double diameter = Math.sqrt(size) * (spec.upper() - spec.lower());
        HopSkipJump hsj =
                HopSkipJump.builder(Norm.L2).optMaxQueries(HSJ_QUERIES).build();
        RobustnessResult r = new RobustnessEvaluation(context.settings().batchSize(), 0, true)
                .evaluate(context.model(), hsj, data, null, progress, diameter);
        RobustnessResult.AtEpsilon at = r.perEpsilon().get(0);
        float[] x = data.features().data();
        float[] adv = at.adversarial().data();
        List<Double> distances = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (r.cleanPredictions()[i] == data.labels()[i] && at.success()[i]) {
                double sum = 0;
                for (int j = i * size; j < (i + 1) * size; j++) {
                    double d = adv[j] - x[j];
                    sum += d * d;
                }
                distances.add(Math.sqrt(sum));
            }
        }
        distances.sort(null);
        int k = distances.size();
        double median = k == 0
                ? Double.NaN
                : k % 2 == 1 ? distances.get(k / 2) : (distances.get(k / 2 - 1) + distances.get(k / 2)) / 2;
        String command = String.format(
                Locale.ROOT,
                "marauder attack hsj --model %s %s --norm l2 --max-queries %d --out hsj.json",
                context.modelArgument(),
                context.dataArguments(),
                HSJ_QUERIES);
        return new DecisionCost(data.size(), at.attackSuccessRate(), median, HSJ_QUERIES, command);
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
        SquareCost q = r.square();
        s.paragraph(String.format(
                Locale.ROOT,
                "Square attack (Andriushchenko et al. 2020, scores only, L-inf eps %s, at most %d queries per"
                        + " example, %d examples): success rate %.3f, robust accuracy %.3f, median %.0f queries per"
                        + " successful example; %s. HopSkipJump (Chen et al. 2020, labels only, at most %d queries,"
                        + " %d examples): adversarial examples for %.0f%% of them at a median L2 distance of %.3f.",
                q.epsilon(),
                q.maxQueries(),
                q.examples(),
                q.successRate(),
                q.robustAccuracy(),
                q.medianQueries(),
                q.queriesToHalf() == null
                        ? "half of the correctly classified examples were not reached within the budget"
                        : "half of the correctly classified examples fell after " + q.queriesToHalf() + " queries",
                r.hopSkipJump().maxQueries(),
                r.hopSkipJump().examples(),
                100 * r.hopSkipJump().successRate(),
                r.hopSkipJump().medianL2()));
        for (String w : r.gradientMasking()) {
            s.paragraph("Gradient masking suspected: " + w);
        }
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
        SquareCost q = r.square();
        String squareHeadline = String.format(
                Locale.ROOT,
                "robust accuracy %.3f at eps %s; %s%s",
                q.robustAccuracy(),
                q.epsilon(),
                q.queriesToHalf() == null
                        ? "half the examples not reached in " + q.maxQueries() + " queries"
                        : q.queriesToHalf() + " queries to fool half the examples",
                r.gradientMasking().isEmpty() ? "" : "; beats white-box PGD: gradient masking suspected");
        return List.of(
                new SummaryLine(
                                "Evasion (black-box, query cost)",
                                String.format(
                                        Locale.ROOT,
                                        "Square attack (L-inf, %d queries per example), %d examples",
                                        q.maxQueries(),
                                        q.examples()),
                                squareHeadline,
                                SeverityRules.blackBoxEvasion(q.robustAccuracy(), t.targetAccuracy(), q.epsilon()),
                                SeverityRules.BLACK_BOX_EVASION,
                                q.command())
                        .withFigures(Figure.of("robust_accuracy", q.robustAccuracy(), false)),
                new SummaryLine(
                                "Evasion (black-box, transfer)",
                                tried,
                                headline,
                                SeverityRules.blackBoxEvasion(
                                        largest.targetRobustAccuracy(), t.targetAccuracy(), largest.epsilon()),
                                SeverityRules.BLACK_BOX_EVASION,
                                r.command())
                        .withFigures(Figure.of("robust_accuracy", largest.targetRobustAccuracy(), false)));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
